"""Messages a planner reads, in Bahasa Indonesia (default) and English.

Every user-facing message has a key; :func:`text` renders it in the chosen language.
Each message says what is wrong *and* what to do about it.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- where a problem is ---
    "where.row": ("baris {row}", "row {row}"),
    "where.column": ("kolom '{column}'", "column '{column}'"),
    "severity.error": ("GALAT", "ERROR"),
    "severity.warning": ("PERINGATAN", "WARNING"),
    # --- file level ---
    "missing_folder": (
        "folder data tidak ditemukan. Periksa jalurnya (contoh: data/buleleng).",
        "data folder not found. Check the path (for example: data/buleleng).",
    ),
    "missing_file": (
        "berkas wajib tidak ada. Tambahkan {file} ke folder data (lihat data/README.md).",
        "required file is missing. Add {file} to the data folder (see data/README.md).",
    ),
    "unreadable": (
        "berkas tidak dapat dibaca sebagai CSV UTF-8 ({detail}). Simpan ulang sebagai "
        "CSV UTF-8 dengan baris judul.",
        "file cannot be read as UTF-8 CSV ({detail}). Save it again as UTF-8 CSV with a "
        "header row.",
    ),
    "empty_table": (
        "tabel kosong. Isi paling sedikit satu baris data.",
        "the table is empty. Add at least one data row.",
    ),
    "empty_catalogue": (
        "katalog program kosong: tidak ada program yang bisa dialokasikan. Tambahkan "
        "program ke programs.csv.",
        "the programme catalogue is empty: there is nothing to allocate. Add programmes "
        "to programs.csv.",
    ),
    # --- column and value level ---
    "missing_column": (
        "kolom wajib tidak ada.{hint} Tambahkan kolom ini (lihat data/README.md).",
        "required column is missing.{hint} Add this column (see data/README.md).",
    ),
    "did_you_mean": (" Mungkin maksudnya '{guess}'?", " Did you mean '{guess}'?"),
    "not_a_number": (
        "nilai '{value}' bukan angka. Tulis angka dengan titik desimal, tanpa satuan atau "
        "pemisah ribuan.",
        "value '{value}' is not a number. Write a number with a decimal point, without "
        "units or thousands separators.",
    ),
    "not_an_integer": (
        "nilai '{value}' bukan bilangan bulat. Tulis bilangan bulat (tanpa desimal).",
        "value '{value}' is not a whole number. Write a whole number (no decimals).",
    ),
    "empty_value": (
        "nilai kosong. Isi nilai ini.",
        "value is empty. Fill in this value.",
    ),
    "duplicate": (
        "kode '{value}' muncul lebih dari sekali (baris {rows}). Setiap kode harus unik.",
        "code '{value}' appears more than once (rows {rows}). Every code must be unique.",
    ),
    "bad_format": (
        "nilai '{value}' tidak sesuai format {pattern}. Contoh yang benar: {example}.",
        "value '{value}' does not match the format {pattern}. A correct example: {example}.",
    ),
    "not_allowed": (
        "nilai '{value}' tidak dikenal. Gunakan salah satu: {allowed}.",
        "value '{value}' is not recognised. Use one of: {allowed}.",
    ),
    "negative": (
        "nilai {value} negatif. Gunakan angka nol atau lebih.",
        "value {value} is negative. Use zero or more.",
    ),
    "not_positive": (
        "nilai {value} harus lebih besar dari nol.",
        "value {value} must be greater than zero.",
    ),
    "out_of_range": (
        "nilai {value} di luar rentang {low} sampai {high}. Perbaiki nilainya.",
        "value {value} is outside the range {low} to {high}. Correct the value.",
    ),
    # --- cross-table ---
    "unknown_kecamatan": (
        "kecamatan '{value}' tidak ada di kecamatan.csv. Gunakan kode dari kecamatan.csv "
        "({allowed}).",
        "kecamatan '{value}' is not in kecamatan.csv. Use a code from kecamatan.csv "
        "({allowed}).",
    ),
    "code_kecamatan_mismatch": (
        "kode desa '{value}' tidak diawali kode kecamatannya '{kecamatan}'. Periksa kode "
        "Kemendagri desa atau kecamatannya.",
        "village code '{value}' does not start with its kecamatan code '{kecamatan}'. Check "
        "the village's Kemendagri code or its kecamatan.",
    ),
    "count_mismatch": (
        "kecamatan.csv mencatat {expected} {what}, tetapi villages.csv berisi {found}. "
        "Samakan kedua berkas.",
        "kecamatan.csv records {expected} {what}, but villages.csv has {found}. Make the "
        "two files agree.",
    ),
    "unknown_village": (
        "kode desa '{value}' tidak ada di villages.csv. Gunakan kode Kemendagri dari "
        "villages.csv, atau hapus baris ini.",
        "village code '{value}' is not in villages.csv. Use a Kemendagri code from "
        "villages.csv, or delete this row.",
    ),
    "missing_village_row": (
        "desa '{value}' ({name}) tidak punya baris indikator. Tambahkan satu baris untuk "
        "setiap desa di villages.csv.",
        "village '{value}' ({name}) has no indicator row. Add one row for every village in "
        "villages.csv.",
    ),
    "missing_metadata": (
        "indikator '{value}' tidak dijelaskan di indicator_metadata.csv. Tambahkan baris "
        "label, kelompok, arah, satuan, sumber dan status (real/synthetic).",
        "indicator '{value}' is not described in indicator_metadata.csv. Add a row with its "
        "label, group, direction, unit, source and status (real/synthetic).",
    ),
    "metadata_without_column": (
        "indikator '{value}' dijelaskan, tetapi tidak ada sebagai kolom di indicators.csv. "
        "Tambahkan kolomnya atau hapus baris ini.",
        "indicator '{value}' is described, but is not a column of indicators.csv. Add the "
        "column or delete this row.",
    ),
    "unknown_group": (
        "kelompok '{value}' tidak ada di groups.csv sebagai {kind}. Gunakan salah satu: "
        "{allowed}.",
        "group '{value}' is not a {kind} in groups.csv. Use one of: {allowed}.",
    ),
    "missing_group": (
        "indikator jenis '{kind}' harus punya kelompok. Isi kolom group.",
        "an indicator of kind '{kind}' needs a group. Fill in the group column.",
    ),
    "unknown_denominator": (
        "penyebut '{value}' bukan kolom indicators.csv maupun area_km2. Gunakan salah satu: "
        "{allowed}.",
        "denominator '{value}' is neither a column of indicators.csv nor area_km2. Use one "
        "of: {allowed}.",
    ),
    "missing_count_indicator": (
        "dimensi '{value}' tidak punya indikator hitungan (count_indicator). Isi dengan "
        "kolom indicators.csv yang menghitung rumah tangga/orang yang mengalaminya.",
        "dimension '{value}' has no count indicator. Fill in the indicators.csv column that "
        "counts the households or people deprived in it.",
    ),
    "unknown_indicator": (
        "indikator '{value}' tidak ada di indicators.csv. Gunakan salah satu kolomnya: "
        "{allowed}.",
        "indicator '{value}' is not in indicators.csv. Use one of its columns: {allowed}.",
    ),
    "unknown_agency": (
        "lembaga '{value}' tidak ada di agencies.csv. Gunakan kode dari agencies.csv "
        "({allowed}) atau tambahkan lembaganya.",
        "agency '{value}' is not in agencies.csv. Use a code from agencies.csv ({allowed}) "
        "or add the agency.",
    ),
    "unknown_dimension": (
        "dimensi '{value}' tidak ada di groups.csv. Gunakan salah satu: {allowed}.",
        "dimension '{value}' is not in groups.csv. Use one of: {allowed}.",
    ),
    "unknown_sector": (
        "sektor '{value}' tidak ada di groups.csv. Gunakan salah satu: {allowed}, atau "
        "kosongkan.",
        "sector '{value}' is not in groups.csv. Use one of: {allowed}, or leave it empty.",
    ),
    "bounds_inverted": (
        "min_units ({low}) lebih besar dari max_units ({high}). Tukar atau perbaiki "
        "batasnya.",
        "min_units ({low}) is larger than max_units ({high}). Swap or correct the bounds.",
    ),
    "potential_without_sector": (
        "min_potential diisi tetapi sektor kosong. Isi sektor atau kosongkan min_potential.",
        "min_potential is set but the sector is empty. Set a sector or clear min_potential.",
    ),
    "unknown_program": (
        "program '{value}' tidak ada di programs.csv. Gunakan kode dari programs.csv.",
        "programme '{value}' is not in programs.csv. Use a code from programs.csv.",
    ),
    "self_rule": (
        "aturan menghubungkan program '{value}' dengan dirinya sendiri. Pilih dua program "
        "yang berbeda.",
        "the rule links programme '{value}' with itself. Choose two different programmes.",
    ),
    "synergy_without_bonus": (
        "aturan synergy butuh bonus (contoh 0.10 = 10 %). Isi kolom bonus.",
        "a synergy rule needs a bonus (for example 0.10 = 10 %). Fill in the bonus column.",
    ),
    "count_exceeds_base": (
        "{value} melebihi {base} ({base_value}) di desa yang sama. Sebuah hitungan tidak "
        "boleh melebihi penyebutnya; periksa kedua angka.",
        "{value} exceeds {base} ({base_value}) in the same village. A count cannot exceed "
        "its denominator; check both numbers.",
    ),
    "agency_without_programs": (
        "lembaga '{value}' punya pagu tetapi tidak punya program; pagunya tidak akan "
        "terpakai.",
        "agency '{value}' has a budget but no programmes; its budget will stay unused.",
    ),
    # --- runs ---
    "run.focus": ("Desa fokus terpilih: {n} (lihat village_scores.csv).",
                  "Focus villages selected: {n} (see village_scores.csv)."),
    "run.written": ("Hasil ditulis ke: {path}", "Results written to: {path}"),
    # --- report ---
    "report.ok": (
        "Data valid: {villages} desa/kelurahan di {kecamatan} kecamatan, {programs} program "
        "dari {agencies} lembaga, total pagu Rp {pagu} juta.",
        "Data valid: {villages} villages in {kecamatan} kecamatan, {programs} programmes "
        "from {agencies} agencies, total budget Rp {pagu} million.",
    ),
    "report.failed": (
        "Data tidak valid: {errors} galat, {warnings} peringatan di {folder}. Perbaiki "
        "galat di atas lalu jalankan lagi.",
        "Data invalid: {errors} errors, {warnings} warnings in {folder}. Fix the errors "
        "above and run again.",
    ),
    "report.synthetic": (
        "Catatan: {n} indikator per desa adalah data SINTETIS (lihat data/README.md); "
        "ganti dengan data resmi desa bila tersedia.",
        "Note: {n} per-village indicators are SYNTHETIC data (see data/README.md); replace "
        "them with official village data when available.",
    ),
}


def check_language(lang: str) -> str:
    """Return ``lang`` if supported, else raise ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}'; use one of: {', '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in."""
    template = MESSAGES[key][LANGUAGES.index(check_language(lang))]
    return template.format(**params)
