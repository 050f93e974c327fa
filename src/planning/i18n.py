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
    "where.key": ("kunci '{path}'", "key '{path}'"),
    "where.option": ("opsi {option}", "option {option}"),
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
    # --- scoring choices ---
    "scoring.unknown_choice": (
        "{name} '{value}' tidak dikenal; gunakan salah satu: {allowed}",
        "unknown {name} '{value}'; use one of: {allowed}",
    ),
    "scoring.needs_weights": (
        "pembobotan 'user' butuh bobot (indikator atau kelompok -> angka); isi weights",
        "weighting 'user' needs weights (indicator or group -> number); fill in weights",
    ),
    "scoring.weights_unused": (
        "bobot diberikan tetapi pembobotan '{weighting}'; ubah pembobotan menjadi 'user' "
        "agar bobot dipakai",
        "weights were given but weighting is '{weighting}'; set weighting to 'user' to use "
        "them",
    ),
    "scoring.negative_weights": (
        "bobot harus nol atau lebih; perbaiki: {names}",
        "weights must be zero or more; fix: {names}",
    ),
    "scoring.unknown_weights": (
        "bobot untuk indikator atau kelompok yang tidak dikenal: {names}; gunakan: {allowed}",
        "weights for unknown indicators or groups: {names}; use: {allowed}",
    ),
    "scoring.zero_weights": (
        "semua bobot nol; beri paling sedikit satu bobot positif",
        "all weights are zero; give at least one positive weight",
    ),
    "scoring.per_kecamatan": (
        "per_kecamatan harus 1 atau lebih",
        "per_kecamatan must be 1 or more",
    ),
    "scoring.alpha": (
        "alpha {alpha} harus di antara 0 dan 1",
        "alpha {alpha} must be between 0 and 1",
    ),
    "scoring.unknown_codes": (
        "kode desa tidak dikenal {codes}; gunakan kode Kemendagri dari villages.csv "
        "(contoh 51.08.01.2001)",
        "unknown village codes {codes}; use Kemendagri codes from villages.csv "
        "(for example 51.08.01.2001)",
    ),
    "scoring.forced_both": (
        "desa dipaksa masuk sekaligus dipaksa keluar: {codes}; pilih salah satu",
        "villages both forced in and forced out: {codes}; choose one",
    ),
    "scoring.too_many_forced": (
        "kecamatan {kecamatan}: {n} desa dipaksa masuk tetapi hanya {per} dipilih per "
        "kecamatan; kurangi desa yang dipaksa atau naikkan N",
        "kecamatan {kecamatan}: {n} villages forced in but only {per} are picked per "
        "kecamatan; force fewer or raise N",
    ),
    "scoring.short": (
        "kecamatan {kecamatan} ({name}): hanya {picks} desa layak untuk {per} tempat",
        "kecamatan {kecamatan} ({name}): only {picks} eligible villages for {per} places",
    ),
    "scoring.clusters": (
        "jumlah klaster {k} harus di antara 2 dan {high} (jumlah desa - 1)",
        "clusters {k} must be between 2 and {high} (the number of villages - 1)",
    ),
    "reason.forced_in": ("dipaksa masuk", "forced in"),
    "reason.forced_out": ("dipaksa keluar", "forced out"),
    "reason.kelurahan": ("kelurahan tidak diikutkan", "kelurahan excluded"),
    "reason.picked": ("peringkat {rank} di kecamatan", "rank {rank} in kecamatan"),
    "reason.below": ("peringkat {rank} di kecamatan, di bawah batas",
                     "rank {rank} in kecamatan, below the cut"),
    # --- scoring settings: scenario file and command-line options ---
    "settings.no_file": (
        "berkas skenario tidak ditemukan. Periksa jalurnya (contoh: scenarios/baseline.yaml).",
        "scenario file not found. Check the path (for example: scenarios/baseline.yaml).",
    ),
    "settings.unreadable": (
        "berkas tidak dapat dibaca sebagai teks UTF-8 ({detail}). Simpan ulang sebagai UTF-8.",
        "file cannot be read as UTF-8 text ({detail}). Save it again as UTF-8.",
    ),
    "settings.yaml": (
        "bukan YAML yang sah di baris {line}, kolom {column} ({detail}). Perbaiki baris itu: "
        "YAML memakai 'kunci: nilai' dan spasi (bukan tab) untuk indentasi.",
        "not valid YAML at line {line}, column {column} ({detail}). Fix that line: YAML uses "
        "'key: value' and spaces (not tabs) for indentation.",
    ),
    "settings.duplicate_key": (
        "kunci '{name}' muncul dua kali (baris {line}). Simpan satu saja.",
        "key '{name}' appears twice (line {line}). Keep only one.",
    ),
    "settings.top_not_mapping": (
        "skenario harus berisi kunci (contoh 'scoring:'), bukan {kind}. Lihat contoh di "
        "README.md (planning score).",
        "a scenario must hold keys (for example 'scoring:'), not a {kind}. See the example "
        "in README.md (planning score).",
    ),
    "roundtrip.no_file": (
        "buku kerja tidak ditemukan. Periksa jalurnya.",
        "workbook not found. Check the path.",
    ),
    "roundtrip.unreadable": (
        "tidak dapat dibuka sebagai buku kerja xlsx ({detail}). Simpan ulang sebagai .xlsx.",
        "cannot be opened as an xlsx workbook ({detail}). Save it again as .xlsx.",
    ),
    "roundtrip.no_sheet": (
        "lembar '{sheet}' tidak ada. Gunakan buku kerja yang ditulis oleh planning run dan "
        "jangan ganti nama atau hapus lembarnya.",
        "sheet '{sheet}' is missing. Use a workbook written by planning run and do not "
        "rename or delete its sheets.",
    ),
    "roundtrip.no_columns": (
        "kolom {columns} tidak ditemukan di baris judul. Jangan ganti nama kolom judul.",
        "columns {columns} are not in the header row. Do not rename the header cells.",
    ),
    "roundtrip.unknown_village": (
        "kode desa '{value}' tidak ada di villages.csv. Salin kode dari lembar Skor Desa.",
        "village code '{value}' is not in villages.csv. Copy the code from the Village "
        "Scores sheet.",
    ),
    "roundtrip.village_not_in_plan": (
        "desa {value} bukan desa rencana skenario ini. Tambahkan ke desa fokus (force_in) "
        "atau hapus baris ini.",
        "village {value} is not in this scenario's plan. Add it to the focus villages "
        "(force_in) or delete this row.",
    ),
    "roundtrip.unknown_program": (
        "kode program '{value}' tidak ada di programs.csv. Salin kode dari lembar Input & "
        "Asumsi.",
        "programme code '{value}' is not in programs.csv. Copy the code from the Inputs & "
        "Assumptions sheet.",
    ),
    "roundtrip.bad_units": (
        "unit '{value}' bukan bilangan bulat >= 0. Tulis jumlah unit utuh (0 = keluarkan).",
        "units '{value}' is not a whole number >= 0. Write whole units (0 = take it out).",
    ),
    "roundtrip.not_eligible": (
        "program {program} tidak layak di desa {village} (potensi atau kebutuhan terlalu "
        "kecil). Hapus baris ini.",
        "programme {program} cannot run in village {village} (potential or need too low). "
        "Delete this row.",
    ),
    "roundtrip.units_out_of_bounds": (
        "{units} unit di luar batas {lo}-{hi} unit untuk desa ini. Ubah jumlah unitnya.",
        "{units} units is outside the {lo}-{hi} units allowed in this village. Change the "
        "units.",
    ),
    "roundtrip.duplicate_row": (
        "program {program} di desa {village} sudah ada di baris {first}. Simpan satu baris "
        "saja.",
        "programme {program} in village {village} is already in row {first}. Keep one row.",
    ),
    "roundtrip.breaks_pagu": (
        "baris yang dikunci atau diubah untuk {agency} (baris {rows}) memakan Rp {cost} juta, "
        "melebihi pagu Rp {pagu} juta. Kurangi unit atau lepaskan kunci.",
        "rows locked or changed for {agency} (rows {rows}) cost Rp {cost} million, above "
        "its pagu of Rp {pagu} million. Lower the units or release locks.",
    ),
    "scenario.no_base": (
        "skenario dasar '{name}' tidak ada di {folder}.{hint} Skenario yang ada: {choices}.",
        "base scenario '{name}' is not in {folder}.{hint} Scenarios there: {choices}.",
    ),
    "scenario.base_cycle": (
        "rantai 'base' berputar kembali ke skenario ini. Arahkan 'base' ke skenario lain.",
        "the 'base' chain leads back to this scenario. Point 'base' at another scenario.",
    ),
    "scenario.unknown_code": (
        "kode '{value}' tidak ada di {what}.{hint} Periksa ejaan kodenya.",
        "code '{value}' is not in {what}.{hint} Check the code's spelling.",
    ),
    "settings.unknown_key": (
        "kunci '{name}' tidak dikenal.{hint} Gunakan salah satu: {allowed}.",
        "unknown key '{name}'.{hint} Use one of: {allowed}.",
    ),
    "settings.too_small": (
        "nilai {value} terlalu kecil. Gunakan {limit} atau lebih.",
        "value {value} is too small. Use {limit} or more.",
    ),
    "settings.too_large": (
        "nilai {value} terlalu besar. Gunakan {limit} atau kurang.",
        "value {value} is too large. Use {limit} or less.",
    ),
    "settings.not_bool": (
        "nilai '{value}' bukan true/false. Tulis true atau false.",
        "value '{value}' is not true/false. Write true or false.",
    ),
    "settings.not_mapping": (
        "di sini diharapkan kunci dan nilai (kunci: nilai), bukan '{value}'. Lihat contoh di "
        "README.md (planning score).",
        "keys and values (key: value) are expected here, not '{value}'. See the example in "
        "README.md (planning score).",
    ),
    "settings.not_list": (
        "di sini diharapkan daftar, contoh [51.08.01.2001, 51.08.01.2002], bukan '{value}'.",
        "a list is expected here, for example [51.08.01.2001, 51.08.01.2002], not '{value}'.",
    ),
    "settings.not_text": (
        "di sini diharapkan teks (contoh data/buleleng), bukan '{value}'.",
        "text is expected here (for example data/buleleng), not '{value}'.",
    ),
    "settings.invalid": (
        "nilai '{value}' tidak dapat dipakai ({detail}).",
        "value '{value}' cannot be used ({detail}).",
    ),
    "settings.bad_weight_option": (
        "'{value}' bukan NAMA=ANGKA. Contoh: --weight housing=2 (NAMA = indikator atau "
        "dimensi).",
        "'{value}' is not NAME=NUMBER. For example: --weight housing=2 (NAME = an indicator "
        "or dimension).",
    ),
    "settings.unused": (
        "Catatan: bagian skenario {keys} tidak dipakai oleh 'planning score'.",
        "Note: scenario sections {keys} are not used by 'planning score'.",
    ),
    "score.failed": (
        "Tidak ada skor yang dihitung. Perbaiki masalah di atas lalu jalankan lagi "
        "(bantuan: planning score --help).",
        "Nothing was scored. Fix the problem above and run again (help: planning score "
        "--help).",
    ),
    # --- planning score: console and report ---
    "stability.always": ("selalu", "always"),
    "stability.sometimes": ("kadang-kadang", "sometimes"),
    "stability.never": ("tidak pernah", "never"),
    "rule.poverty": (
        "kemiskinan lebih dulu, indeks potensi sebagai penentu bila seri; {per} per kecamatan",
        "poverty first, the potential index breaks ties; {per} per kecamatan",
    ),
    "rule.blend": (
        "campuran peringkat: {p} x peringkat kemiskinan + {q} x peringkat potensi; {per} per "
        "kecamatan",
        "blend of ranks: {p} x poverty rank + {q} x potential rank; {per} per kecamatan",
    ),
    "rule.kelurahan_in": ("kelurahan ikut dinilai", "kelurahan included"),
    "rule.kelurahan_out": ("kelurahan tidak diikutkan", "kelurahan excluded"),
    "rule.forced_in": ("dipaksa masuk: {codes}", "forced in: {codes}"),
    "rule.forced_out": ("dipaksa keluar: {codes}", "forced out: {codes}"),
    "criterion.fixed": ("jumlah klaster ditetapkan", "number of clusters fixed"),
    "criterion.silhouette, balanced": (
        "silhouette terbaik di antara pembagian yang seimbang",
        "best silhouette among balanced partitions",
    ),
    "criterion.silhouette": (
        "silhouette terbaik; tidak ada pembagian yang seimbang",
        "best silhouette; no partition was balanced",
    ),
    "col.kecamatan": ("kecamatan", "kecamatan"),
    "col.rank": ("peringkat", "rank"),
    "col.code": ("kode", "code"),
    "col.name": ("nama", "name"),
    "col.poverty": ("indeks kemiskinan", "poverty index"),
    "col.potential": ("indeks potensi", "potential index"),
    "col.margin": ("selisih prioritas", "priority margin"),
    "col.typology": ("tipologi", "typology"),
    "col.frequency": ("terpilih dalam undian", "selected in draws"),
    "col.stability": ("stabilitas", "stability"),
    "col.reason": ("alasan", "reason"),
    "col.k": ("jumlah klaster", "clusters"),
    "col.silhouette": ("silhouette", "silhouette"),
    "col.balanced": ("seimbang", "balanced"),
    "col.cluster": ("klaster", "cluster"),
    "col.label": ("label", "label"),
    "col.villages": ("desa", "villages"),
    "col.focus": ("desa fokus", "focus villages"),
    "col.lift": ("sektor terkuat (z rata-rata)", "strongest sectors (mean z)"),
    "col.ours": ("pilihan kami", "our picks"),
    "col.picks_2020": ("desa fokus 2020", "2020 focus villages"),
    "col.overlap": ("sama", "overlap"),
    "col.village_2020": ("desa fokus 2020", "2020 focus village"),
    "col.status_2020": ("keterangan sumber", "source status"),
    "col.our_rank": ("peringkat kami", "our rank"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "rank_of": ("{rank} dari {n}", "{rank} of {n}"),
    "unidentified": ("(belum teridentifikasi)", "(not identified)"),
    "note.picked_too": ("juga terpilih di sini", "also picked here"),
    "score.heading": (
        "Desa fokus per kecamatan: {n} desa ({rule}; {kelurahan}).",
        "Focus villages per kecamatan: {n} villages ({rule}; {kelurahan}).",
    ),
    "score.typology": (
        "Tipologi kawasan: {k} klaster ({criterion}): {clusters}.",
        "Kawasan typology: {k} clusters ({criterion}): {clusters}.",
    ),
    "score.stability": (
        "Stabilitas ({draws} undian, bobot indikator ±{spread} %): dari {n} desa fokus, "
        "{always} selalu, {sometimes} kadang-kadang dan {never} tidak pernah terpilih.",
        "Stability ({draws} draws, indicator weights ±{spread} %): of the {n} focus villages, "
        "{always} are always, {sometimes} sometimes and {never} never selected.",
    ),
    "score.no_stability": (
        "Stabilitas tidak diuji (draws = 0).",
        "Stability not tested (draws = 0).",
    ),
    "score.overlap": (
        "Dibandingkan desa fokus 2020: {overlap} dari {identified} desa 2020 yang "
        "teridentifikasi juga terpilih di sini ({unidentified} desa 2020 belum "
        "teridentifikasi). Indikator per desa kami SINTETIS: kesamaan ini informasi, bukan "
        "target.",
        "Against the 2020 focus villages: {overlap} of the {identified} identified 2020 "
        "villages are also picked here ({unidentified} 2020 villages are not identified). "
        "Our per-village indicators are SYNTHETIC: the overlap is information, not a target.",
    ),
    "score.no_reference": (
        "Data set tidak memuat daftar desa fokus 2020 (focus_villages_2020.csv); "
        "perbandingan dilewati.",
        "The data set has no 2020 focus-village list (focus_villages_2020.csv); comparison "
        "skipped.",
    ),
    "score.cannot_write": (
        "Folder hasil {path} tidak dapat ditulis ({detail}). Pilih folder lain dengan --out; "
        "hasil sebelumnya tidak berubah.",
        "The results folder {path} cannot be written ({detail}). Choose another folder with "
        "--out; earlier results are unchanged.",
    ),
    "score.written": (
        "Hasil ditulis ke: {path} (laporan: {report})",
        "Results written to: {path} (report: {report})",
    ),
    # --- planning score: the Markdown report ---
    "md.title": ("Laporan skor desa", "Village score report"),
    "md.data": (
        "Data set: `{path}` ({villages} desa/kelurahan di {kecamatan} kecamatan). Sidik "
        "SHA-256 setiap berkas masukan ada di `scores_summary.json`.",
        "Data set: `{path}` ({villages} villages in {kecamatan} kecamatan). The SHA-256 of "
        "every input file is in `scores_summary.json`.",
    ),
    "md.synthetic": (
        "**Data sintetis.** {n} indikator kemiskinan dan potensi per desa adalah data "
        "SINTETIS (dikalibrasi ke angka resmi kabupaten dan kecamatan; lihat "
        "data/README.md). Skor, pilihan desa dan perbandingan di bawah menunjukkan cara kerja "
        "metode, bukan keadaan nyata setiap desa.",
        "**Synthetic data.** {n} per-village poverty and potential indicators are SYNTHETIC "
        "(calibrated to official district and kecamatan totals; see data/README.md). The "
        "scores, picks and comparison below show how the method works, not the real state of "
        "each village.",
    ),
    "md.source": ("Pengaturan: {source}.", "Settings: {source}."),
    "md.source_default": ("bawaan", "defaults"),
    "md.source_file": ("berkas skenario `{file}`", "scenario file `{file}`"),
    "md.source_options": ("opsi baris perintah {options}", "command-line options {options}"),
    "md.method": ("Metode", "Method"),
    "md.index": (
        "**{name}**: normalisasi {normalisation}, pembobotan {weighting}, agregasi "
        "{aggregation}. Bobot per {per}: {weights}.",
        "**{name}**: normalisation {normalisation}, weighting {weighting}, aggregation "
        "{aggregation}. Weights by {per}: {weights}.",
    ),
    "md.poverty": ("Indeks kemiskinan", "Poverty index"),
    "md.potential": ("Indeks potensi", "Potential index"),
    "md.dimension": ("dimensi", "dimension"),
    "md.sector": ("sektor", "sector"),
    "md.formula": (
        "Rumus: indikator diarahkan (nilai lebih tinggi = lebih miskin / lebih berpotensi), "
        "dinormalisasi, lalu S = jumlah w x z (aritmetik) atau S = exp(jumlah w x ln(0,01 + "
        "0,99 m)) (geometrik); setiap skor terurai menjadi kontribusi indikator "
        "(lihat `ScoreResult.decomposition`).",
        "Formula: indicators are oriented (higher = poorer / more potential), normalised, "
        "then S = sum of w x z (arithmetic) or S = exp(sum of w x ln(0.01 + 0.99 m)) "
        "(geometric); every score decomposes into indicator contributions (see "
        "`ScoreResult.decomposition`).",
    ),
    "md.focus_rule": ("**Desa fokus**: {rule}; {kelurahan}{forced}.",
                      "**Focus villages**: {rule}; {kelurahan}{forced}."),
    "md.stability_rule": (
        "**Stabilitas**: {draws} undian; setiap bobot indikator dikali faktor acak seragam "
        "dalam [{low}, {high}] lalu dinormalkan; kedua indeks dan pilihan dihitung ulang. "
        "Selalu: terpilih di >= {always} % undian; tidak pernah: <= {never} %. Seed {seed}.",
        "**Stability**: {draws} draws; every indicator weight is multiplied by a uniform "
        "random factor in [{low}, {high}] and renormalised; both indices and the picks are "
        "recomputed. Always: selected in >= {always} % of draws; never: <= {never} %. "
        "Seed {seed}.",
    ),
    "md.typology_rule": (
        "**Tipologi kawasan**: KMeans (scikit-learn, seed {seed}, n_init {n_init}) pada "
        "potensi sektor yang distandarkan (z); {k} klaster ({criterion}). Seimbang: setiap "
        "klaster >= {min_share} % dan <= {max_share} % desa.",
        "**Kawasan typology**: KMeans (scikit-learn, seed {seed}, n_init {n_init}) on the "
        "standardised (z) sector potentials; {k} clusters ({criterion}). Balanced: every "
        "cluster holds >= {min_share} % and <= {max_share} % of the villages.",
    ),
    "md.focus": ("Desa fokus", "Focus villages"),
    "md.focus_intro": (
        "{n} desa fokus. Selisih prioritas: untuk desa terpilih, prioritasnya dikurangi "
        "prioritas desa layak terbaik yang tidak terpilih di kecamatannya.",
        "{n} focus villages. Priority margin: for a picked village, its priority minus that "
        "of the best eligible village left out in its kecamatan.",
    ),
    "md.priority_poverty": (
        "Dengan aturan kemiskinan, prioritas = peringkat kemiskinan desa di kabupaten (1 = "
        "paling tidak miskin) ditambah penentu seri di bawah 1, jadi selisihnya dihitung "
        "dalam jumlah peringkat.",
        "Under the poverty rule the priority is the village's poverty rank in the district "
        "(1 = least poor) plus a tie-break below 1, so the margin counts rank places.",
    ),
    "md.priority_blend": (
        "Dengan aturan campuran, prioritas ada di antara 0 dan 1.",
        "Under the blend rule the priority lies between 0 and 1.",
    ),
    "md.typology": ("Tipologi kawasan", "Kawasan typology"),
    "md.stability": ("Stabilitas pilihan", "Stability of the picks"),
    "md.spearman": (
        "Korelasi Spearman peringkat kemiskinan tiap undian dengan peringkat dasar: "
        "rata-rata {mean}, terendah {low}.",
        "Spearman correlation of each draw's poverty ranking with the base ranking: mean "
        "{mean}, lowest {low}.",
    ),
    "md.near_misses": (
        "Desa yang tidak terpilih tetapi masuk di lebih dari {never} % undian:",
        "Villages not picked but selected in more than {never} % of draws:",
    ),
    "md.no_near_misses": (
        "Tidak ada desa lain yang masuk di lebih dari {never} % undian.",
        "No other village is selected in more than {never} % of draws.",
    ),
    "md.compare": ("Perbandingan dengan desa fokus 2020",
                   "Comparison with the 2020 focus villages"),
    "md.compare_intro": (
        "Daftar 2020 berasal dari pemberitaan (lihat kolom evidence di "
        "focus_villages_2020.csv); {unidentified} dari {total} desa 2020 belum teridentifikasi "
        "oleh sumber mana pun. Indikator per desa kami SINTETIS, jadi kesamaan adalah "
        "informasi, bukan target: angka ini tidak menilai baik-buruknya pilihan 2020 maupun "
        "pilihan di sini.",
        "The 2020 list comes from press reports (see the evidence column of "
        "focus_villages_2020.csv); {unidentified} of the {total} 2020 villages are not "
        "identified by any source. Our per-village indicators are SYNTHETIC, so the overlap "
        "is information, not a target: it judges neither the 2020 picks nor ours.",
    ),
    "md.overlap_total": (
        "**Sama: {overlap} dari {identified}** desa 2020 yang teridentifikasi.",
        "**Overlap: {overlap} of {identified}** identified 2020 villages.",
    ),
    "md.compare_villages": (
        "Setiap desa fokus 2020 dalam penilaian ini:",
        "Each 2020 focus village in this scoring:",
    ),
    # --- runs ---
    "run.focus": ("Desa fokus terpilih: {n} (lihat village_scores.csv).",
                  "Focus villages selected: {n} (see village_scores.csv)."),
    "run.written": ("Hasil ditulis ke: {path}", "Results written to: {path}"),
    "run.workbook": ("Buku kerja: {path}", "Workbook: {path}"),
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


def number(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A number for reading, with thousands separators: 1.234,5 in Bahasa Indonesia,
    1,234.5 in English."""
    out = f"{value:,.{decimals}f}"
    return out.translate(str.maketrans(",.", ".,")) if lang == "id" else out


def percent(share: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """A share (0.05) as a percentage for reading ("5,0 %" / "5.0 %")."""
    return f"{number(100 * share, lang, decimals)} %"


def text(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in."""
    template = MESSAGES[key][LANGUAGES.index(check_language(lang))]
    return template.format(**params)
