"""Messages a planner reads, in Bahasa Indonesia (default) and English.

Every user-facing message has a key; :func:`text` renders it in the chosen language.
Each message says what is wrong *and* what to do about it.
"""

from __future__ import annotations

import math
import reprlib

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- where a problem is ---
    "where.row": ("baris {row}", "row {row}"),
    "where.column": ("kolom '{column}'", "column '{column}'"),
    "where.key": ("kunci '{path}'", "key '{path}'"),
    "where.option": ("opsi {option}", "option {option}"),
    "where.sheet": ("lembar '{sheet}'", "sheet '{sheet}'"),
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
        "berkas tidak dapat dibaca ({detail}). Periksa izin berkas, tutup program lain "
        "yang memakainya, atau salin ulang berkasnya.",
        "the file cannot be read ({detail}). Check the file's permissions, close other "
        "programs using it, or copy the file again.",
    ),
    "not_a_file": (
        "{file} adalah folder, bukan berkas. Ganti folder itu dengan berkas CSV {file} "
        "(lihat data/README.md).",
        "{file} is a folder, not a file. Replace that folder with the CSV file {file} "
        "(see data/README.md).",
    ),
    "empty_file": (
        "berkas kosong: tidak ada baris judul. Tulis baris judul (nama kolom, lihat "
        "data/README.md) lalu baris data.",
        "the file is empty: it has no header row. Write the header row (column names, see "
        "data/README.md) and then the data rows.",
    ),
    "not_utf8": (
        "byte {byte} bukan UTF-8: berkas disimpan sebagai ANSI/Windows-1252 (misalnya "
        "huruf 'é' atau tanda kutip miring). Simpan ulang sebagai CSV UTF-8: di Excel "
        "Simpan Sebagai -> 'CSV UTF-8 (Comma delimited)'; di LibreOffice Simpan Sebagai -> "
        "Teks CSV dengan set karakter 'Unicode (UTF-8)'.",
        "byte {byte} is not UTF-8: the file was saved as ANSI/Windows-1252 (for example "
        "an 'é' or a curly quote). Save it again as UTF-8 CSV: in Excel Save As -> "
        "'CSV UTF-8 (Comma delimited)'; in LibreOffice Save As -> Text CSV with the "
        "character set 'Unicode (UTF-8)'.",
    ),
    "utf16": (
        "berkas disimpan sebagai UTF-16 ('Teks Unicode'), bukan CSV UTF-8. Simpan ulang: "
        "di Excel Simpan Sebagai -> 'CSV UTF-8 (Comma delimited)'; di LibreOffice Simpan "
        "Sebagai -> Teks CSV dengan set karakter 'Unicode (UTF-8)' dan pemisah ','.",
        "the file was saved as UTF-16 ('Unicode Text'), not as UTF-8 CSV. Save it again: "
        "in Excel Save As -> 'CSV UTF-8 (Comma delimited)'; in LibreOffice Save As -> "
        "Text CSV with the character set 'Unicode (UTF-8)' and the separator ','.",
    ),
    "bad_csv_row": (
        "baris ini tidak dapat dibaca sebagai CSV ({detail}); biasanya tanda kutip (\") "
        "dibuka tetapi tidak ditutup. Nilai yang berisi koma atau tanda kutip diapit tanda "
        "kutip ganda, dan tanda kutip di dalamnya ditulis dua kali (\"\").",
        "this row cannot be read as CSV ({detail}); usually a quote (\") is opened and "
        "never closed. A value with a comma or a quote goes inside double quotes, and a "
        "quote inside it is written twice (\"\").",
    ),
    "wrong_separator": (
        "berkas memakai {separator} sebagai pemisah kolom, bukan koma, sehingga tidak ada "
        "kolom yang dikenali. Simpan ulang dengan koma: di LibreOffice Simpan Sebagai -> "
        "Teks CSV, centang 'Sunting pengaturan penyaring', pilih set karakter UTF-8 dan "
        "pemisah ','; di Excel Simpan Sebagai -> 'CSV UTF-8 (Comma delimited)' (bila Excel "
        "tetap menulis ';', ubah 'List separator' di pengaturan Region Windows menjadi ',').",
        "the file uses {separator} as the column separator, not a comma, so no column is "
        "recognised. Save it again with commas: in LibreOffice Save As -> Text CSV, tick "
        "'Edit filter settings', choose the character set UTF-8 and the separator ','; in "
        "Excel Save As -> 'CSV UTF-8 (Comma delimited)' (if Excel still writes ';', set "
        "the 'List separator' in the Windows Region settings to ',').",
    ),
    "repeated_column": (
        "nama kolom ini muncul {n} kali di baris judul (kolom {letters}); hanya yang "
        "pertama yang dibaca. Hapus kolom yang berulang atau beri nama yang benar.",
        "this column name appears {n} times in the header row (columns {letters}); only "
        "the first is read. Delete the repeated column or give it its right name.",
    ),
    "unnamed_column": (
        "kolom {letter} berisi nilai tetapi tidak punya nama di baris judul. Beri nama "
        "kolomnya (lihat data/README.md) atau hapus kolom itu.",
        "column {letter} holds values but has no name in the header row. Name the column "
        "(see data/README.md) or delete it.",
    ),
    "field_count": (
        "baris ini berisi {found} nilai, padahal baris judul punya {expected} kolom. "
        "Periksa koma yang berlebih atau hilang (nilai yang berisi koma diapit tanda "
        "kutip).",
        "this row has {found} values but the header row has {expected} columns. Look for "
        "a comma too many or too few (a value with a comma goes inside quotes).",
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
        "nilai {value} harus lebih besar dari nol. Gunakan angka di atas nol.",
        "value {value} must be greater than zero. Use a number above zero.",
    ),
    "out_of_range": (
        "nilai {value} di luar rentang {low} sampai {high}. Perbaiki nilainya.",
        "value {value} is outside the range {low} to {high}. Correct the value.",
    ),
    "not_finite": (
        "nilai '{value}' bukan angka yang terhingga (inf, nan, atau terlalu besar seperti "
        "1e309). Tulis angka biasa.",
        "value '{value}' is not a finite number (inf, nan, or too large, like 1e309). "
        "Write an ordinary number.",
    ),
    "above_limit": (
        "nilai {value} melampaui batas wajar {limit}{unit}: {why}. Periksa angka dan "
        "satuannya (batas-batas: data/README.md).",
        "value {value} is above the plausible limit of {limit}{unit}: {why}. Check the "
        "number and its unit (the limits: data/README.md).",
    ),
    "limit.budget": (
        "lebih dari seluruh APBD setahun sebuah kabupaten; uang ditulis dalam juta Rp "
        "(1500 = Rp 1,5 miliar)",
        "more than a kabupaten's whole yearly budget (APBD); money is written in juta Rp "
        "(1500 = Rp 1.5 billion)",
    ),
    "limit.village_count": (
        "lebih banyak dari yang ada di desa mana pun; tulis angka satu desa, bukan "
        "kecamatan atau kabupaten",
        "more than any village has; write the figure of one village, not of a kecamatan "
        "or the district",
    ),
    "limit.people": (
        "lebih banyak dari seluruh penduduk Indonesia",
        "more people than live in Indonesia",
    ),
    "limit.villages": (
        "lebih banyak dari seluruh desa dan kelurahan Indonesia (sekitar 84.000)",
        "more than all the desa and kelurahan of Indonesia (about 84,000)",
    ),
    "limit.units": (
        "lebih banyak unit satu program daripada yang mungkin dipakai di satu desa",
        "more units of one programme than one village could use",
    ),
    "limit.area": (
        "lebih luas dari kabupaten terbesar di Indonesia (Merauke, sekitar 46.800 km²)",
        "larger than the largest kabupaten of Indonesia (Merauke, about 46,800 km²)",
    ),
    "limit.distance": (
        "lebih jauh dari jarak dua tempat mana pun di satu kabupaten",
        "farther than any two places of one district",
    ),
    "limit.percent": (
        "persentase paling besar 100",
        "a percentage is at most 100",
    ),
    "limit.any": (
        "tidak masuk akal untuk angka satu desa",
        "not a plausible figure for one village",
    ),
    # --- cross-table ---
    "unknown_kecamatan": (
        "kecamatan '{value}' tidak ada di kecamatan.csv. Gunakan kode dari kecamatan.csv "
        "({allowed}).",
        "kecamatan '{value}' is not in kecamatan.csv. Use a code from kecamatan.csv "
        "({allowed}).",
    ),
    "unknown_kecamatan_name": (
        "kecamatan '{value}' bukan nama di kecamatan.csv. Gunakan salah satu: {allowed}.",
        "kecamatan '{value}' is not a name in kecamatan.csv. Use one of: {allowed}.",
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
        "{value} ({count_value}) melebihi {base} ({base_value}) di baris yang sama. Sebuah "
        "hitungan tidak boleh melebihi yang dihitungnya; periksa kedua angka.",
        "{value} ({count_value}) exceeds {base} ({base_value}) in the same row. A count "
        "cannot exceed what it counts within; check both numbers.",
    ),
    "agency_without_programs": (
        "lembaga '{value}' punya pagu tetapi tidak punya program; pagunya tidak akan "
        "terpakai.",
        "agency '{value}' has a budget but no programmes; its budget will stay unused.",
    ),
    "area_exceeds_village": (
        "{value} ha lebih dari seluruh luas desa ({area} ha menurut area_km2 di "
        "villages.csv). Luas desa hanya perkiraan, jadi ini mungkin; periksa angkanya.",
        "{value} ha is more than the village's whole area ({area} ha from area_km2 in "
        "villages.csv). The area is approximate, so this can happen; check the number.",
    ),
    "program_above_pagu": (
        "pelaksanaan terkecil program ini (fixed_cost + min_units x unit_cost = Rp {cost} "
        "juta) melebihi pagu {agency} (Rp {pagu} juta), jadi program ini tidak akan pernah "
        "dipilih. Periksa biayanya atau naikkan pagu.",
        "the smallest run of this programme (fixed_cost + min_units x unit_cost = Rp {cost} "
        "juta) costs more than the pagu of {agency} (Rp {pagu} juta), so it can never be "
        "chosen. Check the costs or raise the pagu.",
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
    "settings.not_a_file": (
        "ini folder atau perangkat, bukan berkas skenario. Berikan jalur berkas .yaml "
        "(contoh: scenarios/baseline.yaml).",
        "this is a folder or a device, not a scenario file. Give the path of a .yaml file "
        "(for example: scenarios/baseline.yaml).",
    ),
    "settings.too_big": (
        "berkas berukuran {size} byte, lebih dari batas {limit} byte untuk skenario. "
        "Skenario hanya memuat pengaturan (beberapa kilobyte); periksa apakah ini berkas "
        "yang benar.",
        "the file has {size} bytes, more than the {limit} bytes a scenario may have. A "
        "scenario holds only settings (a few kilobytes); check that this is the right file.",
    ),
    "settings.binary": (
        "ini berkas biner, bukan teks YAML. Berikan berkas skenario .yaml yang disimpan "
        "sebagai teks UTF-8.",
        "this is a binary file, not YAML text. Give the scenario's .yaml file, saved as "
        "UTF-8 text.",
    ),
    "settings.empty": (
        "berkas kosong (atau hanya berisi komentar). Tulis pengaturan skenario (contoh: "
        "scenarios/baseline.yaml) atau pilih berkas lain.",
        "the file is empty (or holds only comments). Write the scenario's settings (see "
        "scenarios/baseline.yaml) or choose another file.",
    ),
    "settings.too_many_aliases": (
        "lebih dari {limit} alias YAML (*nama), yang terakhir di baris {line}. Tulis "
        "nilainya langsung, tanpa alias.",
        "more than {limit} YAML aliases (*name), the last at line {line}. Write the values "
        "out instead of using aliases.",
    ),
    "settings.too_many_values": (
        "alias YAML (sampai baris {line}) mengembang menjadi lebih dari {limit} nilai. Tulis "
        "pengaturannya langsung, tanpa alias bersarang.",
        "the YAML aliases (up to line {line}) expand to more than {limit} values. Write the "
        "settings out, without nested aliases.",
    ),
    "settings.too_deep": (
        "bersarang lebih dari {limit} tingkat (baris {line}). Skenario hanya perlu beberapa "
        "tingkat; periksa kurung dan indentasinya.",
        "nested more than {limit} levels deep (line {line}). A scenario needs only a few "
        "levels; check the brackets and the indentation.",
    ),
    "settings.recursive_alias": (
        "alias di baris {line} merujuk ke jangkar yang memuat alias itu sendiri. Hapus "
        "aliasnya dan tulis nilainya langsung.",
        "the alias at line {line} refers to the anchor that contains it. Remove the alias "
        "and write the value out.",
    ),
    "settings.not_finite": (
        "nilai {value} bukan angka terhingga. Tulis angka biasa (contoh 0.5), bukan .nan "
        "atau .inf.",
        "value {value} is not a finite number. Write an ordinary number (for example 0.5), "
        "not .nan or .inf.",
    ),
    "settings.missing_key": (
        "kunci wajib '{name}' tidak ada. Tambahkan kunci ini (lihat scenarios/README.md).",
        "required key '{name}' is missing. Add it (see scenarios/README.md).",
    ),
    "settings.bad_key": (
        "kunci {value} bukan nama. Kunci adalah kata seperti 'budgets' atau kode lembaga; "
        "tulis kode di antara tanda kutip.",
        "key {value} is not a name. Keys are words such as 'budgets' or agency codes; put "
        "a code in quotes.",
    ),
    "settings.bad_name": (
        "nama '{value}' tidak dapat menjadi nama folder hasil. Gunakan huruf, angka, '-' "
        "atau '_' (paling banyak 80 karakter, tanpa '/' dan tidak diawali titik).",
        "name '{value}' cannot name a results folder. Use letters, digits, '-' or '_' (at "
        "most 80 characters, no '/', not starting with a dot).",
    ),
    "settings.above": (
        "nilai {value} harus lebih besar dari {limit}.",
        "value {value} must be greater than {limit}.",
    ),
    "settings.below": (
        "nilai {value} harus lebih kecil dari {limit}.",
        "value {value} must be less than {limit}.",
    ),
    "roundtrip.no_file": (
        "buku kerja tidak ditemukan. Periksa jalurnya.",
        "workbook not found. Check the path.",
    ),
    "roundtrip.unreadable": (
        "buku kerja tidak dapat dibuka ({detail}). Tutup buku kerja itu di Excel jika masih "
        "terbuka, periksa izin berkasnya, atau salin ulang berkasnya.",
        "the workbook cannot be opened ({detail}). Close it in Excel if it is still open, "
        "check the file's permissions, or copy the file again.",
    ),
    "roundtrip.no_sheet": (
        "lembar '{sheet}' tidak ada.{hint} Gunakan buku kerja yang ditulis oleh planning run "
        "dan jangan ganti nama atau hapus lembarnya.",
        "sheet '{sheet}' is missing.{hint} Use a workbook written by planning run and do not "
        "rename or delete its sheets.",
    ),
    "roundtrip.not_planning": (
        "ini bukan buku kerja yang ditulis oleh planning ({what}). Pakai buku kerja dari "
        "folder hasil planning run (rencana_alokasi.xlsx atau allocation_plan.xlsx), sunting "
        "hanya lembar Alokasi, lalu simpan sebagai buku kerja Excel (.xlsx).",
        "this is not a workbook written by planning ({what}). Use the workbook from the "
        "results folder of planning run (rencana_alokasi.xlsx or allocation_plan.xlsx), "
        "edit only its Allocation sheet and save it as an Excel workbook (.xlsx).",
    ),
    "roundtrip.kind.folder": ("ini folder atau perangkat, bukan berkas",
                              "it is a folder or a device, not a file"),
    "roundtrip.kind.empty": ("berkasnya kosong", "the file is empty"),
    "roundtrip.kind.text": (
        "berkas teks atau berkas lain, misalnya CSV yang diberi nama .xlsx",
        "a text or other file, for example a CSV renamed to .xlsx",
    ),
    "roundtrip.kind.encrypted": (
        "berkas berkata sandi atau berkas .xls lama; buka di Excel dan hapus kata sandinya",
        "a password-protected or old .xls file; open it in Excel and remove the password",
    ),
    "roundtrip.kind.zip": (
        "arsip zip atau dokumen Office lain, bukan buku kerja xlsx",
        "a zip archive or another Office document, not an xlsx workbook",
    ),
    "roundtrip.kind.damaged": (
        "berkas xlsx rusak atau tidak lengkap",
        "the xlsx file is damaged or incomplete",
    ),
    "roundtrip.kind.sheets": (
        "tidak ada lembar Alokasi maupun lembar tersembunyi _plan",
        "it has neither an Alokasi/Allocation sheet nor the hidden sheet _plan",
    ),
    "roundtrip.kind.too_big": (
        "isinya lebih dari {limit} MB setelah dibuka",
        "it unpacks to more than {limit} MB",
    ),
    "roundtrip.no_plan_sheet": (
        "lembar tersembunyi '_plan' (rencana seperti yang ditulis) tidak ada, sehingga "
        "suntingan tidak dapat dikenali.{hint} Ambil lagi buku kerja dari folder hasil dan "
        "ulangi suntingan di lembar Alokasi.",
        "the hidden sheet '_plan' (the plan as written) is missing, so the edits cannot be "
        "told apart.{hint} Take the workbook from the results folder again and redo the "
        "edits in its Allocation sheet.",
    ),
    "roundtrip.unknown_column": (
        "kolom '{name}' bukan kolom lembar ini.{hint} Kembalikan nama judulnya, atau hapus "
        "kolom ini (catatan dapat ditulis di lembar lain).",
        "column '{name}' is not a column of this sheet.{hint} Restore its header, or delete "
        "the column (notes can go in another sheet).",
    ),
    "roundtrip.duplicate_column": (
        "kolom '{name}' muncul lebih dari sekali (kolom {letters}). Simpan satu saja.",
        "column '{name}' appears more than once (columns {letters}). Keep only one.",
    ),
    "roundtrip.no_header": (
        "kolom ini berisi nilai (mulai baris {row}) tetapi tidak punya judul. Hapus nilainya "
        "atau pindahkan ke lembar lain.",
        "this column holds values (from row {row}) but has no header. Delete the values or "
        "move them to another sheet.",
    ),
    "roundtrip.merged": (
        "sel {cells} digabung (merge). Pisahkan selnya (unmerge) dan isi nilai di setiap "
        "baris.",
        "cells {cells} are merged. Unmerge them and fill in the value in every row.",
    ),
    "roundtrip.formula": (
        "sel berisi rumus ({value}). Ketik nilainya langsung (contoh 5), bukan rumus.",
        "the cell holds a formula ({value}). Type the value itself (for example 5), not a "
        "formula.",
    ),
    "roundtrip.empty_cell": (
        "sel kosong. Isi sel ini atau hapus barisnya.",
        "the cell is empty. Fill it in or delete the row.",
    ),
    "roundtrip.bad_lock": (
        "'{value}' bukan ya atau tidak. Ketik ya untuk mengunci baris ini, atau kosongkan.",
        "'{value}' is not yes or no. Type yes to lock this row, or leave it empty.",
    ),
    "roundtrip.no_rows": (
        "lembar ini tidak berisi baris rencana. Ambil lagi buku kerja dari folder hasil; "
        "untuk mengeluarkan sebuah program, hapus hanya barisnya.",
        "the sheet holds no rows of the plan. Take the workbook from the results folder "
        "again; to take a programme out, delete only its row.",
    ),
    "roundtrip.too_many_rows": (
        "lembar ini berisi lebih dari {limit} baris, jauh melebihi rencana mana pun. Gunakan "
        "buku kerja dari folder hasil planning run.",
        "the sheet holds more than {limit} rows, far more than any plan. Use the workbook "
        "from the results folder of planning run.",
    ),
    "roundtrip.plan_header": (
        "judul lembar tersembunyi _plan seharusnya {expected}, bukan {found}. Jangan sunting "
        "lembar _plan: ambil lagi buku kerja dari folder hasil dan ulangi suntingan di "
        "lembar Alokasi.",
        "the header of the hidden sheet _plan should be {expected}, not {found}. Do not "
        "edit _plan: take the workbook from the results folder again and redo the edits in "
        "its Allocation sheet.",
    ),
    "roundtrip.plan_changed": (
        "nilai '{value}' bukan yang ditulis planning di lembar tersembunyi _plan. Jangan "
        "sunting lembar _plan: ambil lagi buku kerja dari folder hasil dan ulangi suntingan "
        "di lembar Alokasi.",
        "value '{value}' is not what planning wrote in the hidden sheet _plan. Do not edit "
        "_plan: take the workbook from the results folder again and redo the edits in its "
        "Allocation sheet.",
    ),
    "roundtrip.plan_other_data": (
        "kode '{value}' tidak ada di data set ini: buku kerja ini ditulis dari data lain. "
        "Gunakan buku kerja dari perhitungan dengan data skenario ini.",
        "code '{value}' is not in this data set: the workbook was written from other data. "
        "Use a workbook from a run on this scenario's data.",
    ),
    "roundtrip.no_columns": (
        "kolom {columns} tidak ditemukan di baris judul. Biarkan judul di baris 1 dan jangan "
        "ganti nama atau hapus sel judulnya.",
        "columns {columns} are not in the header row. Keep the header in row 1 and do not "
        "rename or delete its cells.",
    ),
    "roundtrip.blank_row": (
        "baris kosong di tengah tabel. Hapus baris itu (untuk mengeluarkan program, hapus "
        "seluruh barisnya) atau isi kembali.",
        "an empty row inside the table. Delete the row (to take a programme out, delete its "
        "whole row) or fill it in again.",
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
    "roundtrip.more_rows": (" dan {n} baris lain", " and {n} more rows"),
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
    "scenario.duplicate_lock": (
        "program {program} di desa {village} sudah dikunci di locks.{first}. Simpan satu "
        "kunci saja.",
        "programme {program} in village {village} is already locked at locks.{first}. Keep "
        "only one lock.",
    ),
    "settings.bad_path": (
        "'{value}' bukan jalur yang dapat dipakai (berisi karakter kendali). Tulis jalurnya "
        "sebagai teks biasa, contoh data/buleleng.",
        "'{value}' is not a usable path (it holds a control character). Write the path as "
        "plain text, for example data/buleleng.",
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
    # --- results folder (--out) ---
    "out.no_name": (
        "Folder hasil '{path}' tidak bisa dipakai: itu folder kerja atau akar sistem. "
        "Beri nama folder baru, contoh --out results/skenario-saya.",
        "Results folder '{path}' cannot be used: it is the working folder or a root. "
        "Name a new folder, for example --out results/my-scenario.",
    ),
    "out.is_link": (
        "Folder hasil '{path}' adalah tautan (symlink); tidak ada yang diubah. Beri "
        "jalur folder yang sebenarnya atau folder baru.",
        "Results folder '{path}' is a link (symlink); nothing was changed. Give the real "
        "folder's path or a new folder.",
    ),
    "out.holds_cwd": (
        "Folder hasil '{path}' adalah folder kerja saat ini atau folder di atasnya; "
        "menggantinya akan menghapus berkas Anda. Tidak ada yang diubah. Beri folder baru, "
        "contoh --out results/skenario-saya.",
        "Results folder '{path}' is the current folder or a folder above it; replacing it "
        "would delete your files. Nothing was changed. Name a new folder, for example "
        "--out results/my-scenario.",
    ),
    "out.holds_project": (
        "Folder hasil '{path}' adalah folder proyek atau folder di atasnya; tidak ada yang "
        "diubah. Beri folder baru di dalamnya, contoh --out results/skenario-saya.",
        "Results folder '{path}' is the project folder or a folder above it; nothing was "
        "changed. Name a new folder inside it, for example --out results/my-scenario.",
    ),
    "out.holds_input": (
        "Folder hasil '{path}' berisi masukan perhitungan ini ({input}); menggantinya "
        "akan menghapus data Anda. Tidak ada yang diubah. Beri folder baru, contoh "
        "--out results/skenario-saya.",
        "Results folder '{path}' holds an input of this run ({input}); replacing it would "
        "delete your data. Nothing was changed. Name a new folder, for example "
        "--out results/my-scenario.",
    ),
    "out.is_file": (
        "'{path}' adalah berkas, bukan folder; tidak ada yang diubah. Beri nama folder "
        "baru untuk hasil.",
        "'{path}' is a file, not a folder; nothing was changed. Name a new folder for the "
        "results.",
    ),
    "out.not_ours": (
        "Folder '{path}' sudah ada dan berisi berkas yang tidak ditulis oleh planning "
        "(tidak ada penanda {marker}); tidak ada yang diubah. Pilih folder baru atau "
        "kosong, atau pindahkan berkas itu sendiri.",
        "folder '{path}' exists and holds files that planning did not write (no marker "
        "{marker}); nothing was changed. Choose a new or empty folder, or move those files "
        "yourself.",
    ),
    "report.more": (
        "... dan {n} masalah lain (tidak ditampilkan; perbaiki yang di atas dulu lalu "
        "jalankan lagi).",
        "... and {n} more problems (not shown; fix the ones above first and run again).",
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


#: how many problem lines a report prints before it counts the rest
MAX_LINES = 40


def capped(lines: list[str], lang: str = DEFAULT_LANGUAGE, limit: int = MAX_LINES) -> list[str]:
    """The first ``limit`` of ``lines``, then one line counting the rest (if any), so that
    50,000 problems do not print 50,000 lines."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], text("report.more", lang, n=len(lines) - limit)]


#: how many characters of a value a message shows before an ellipsis
MAX_SHOWN = 80
#: message parameters the program makes itself (choices, folders, limits): shown whole
SHOWN_IN_FULL = frozenset({"allowed", "choices", "folder", "what", "guess", "limit",
                           "expected"})
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxset = 3, 8, 8, 8
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = MAX_SHOWN


def abridge(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` as one line of at most ``limit`` characters (then an ellipsis), for a
    message: control characters are escaped, and containers are shown through
    :mod:`reprlib`, so that a huge or deeply nested value is never expanded in full."""
    if isinstance(value, str):
        shown = value[:limit + 1]
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        shown = f"{'-' if value < 0 else ''}~1e{round(value.bit_length() * math.log10(2))}"
    elif isinstance(value, list | tuple | set | frozenset | dict):
        shown = _REPR.repr(value)
    else:
        shown = str(value)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown[:limit + 1])
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def shown(params: dict[str, object]) -> dict[str, object]:
    """``params`` for a message, every value a user gave abridged (:func:`abridge`); those
    the program makes (:data:`SHOWN_IN_FULL`) kept whole."""
    return {k: v if k in SHOWN_IN_FULL else abridge(v) for k, v in params.items()}


def text(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in."""
    template = MESSAGES[key][LANGUAGES.index(check_language(lang))]
    return template.format(**params)


def with_hint(params: dict, lang: str) -> dict:
    """``params`` with a ``guess`` (a close match, or "") turned into a "did you mean" hint."""
    if "guess" in params:
        guess = params.pop("guess")
        params["hint"] = text("did_you_mean", lang, guess=guess) if guess else ""
    return params
