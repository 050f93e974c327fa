"""The explorer's texts, ``key: (Bahasa Indonesia, English)``, and number formatting for
them. Added to :data:`planning.i18n.MESSAGES` on import."""

from __future__ import annotations

from planning import i18n

EXPLORER_MESSAGES: dict[str, tuple[str, str]] = {
    "explorer.title": ("Penjelajah skenario: {name}", "Scenario explorer: {name}"),
    "explorer.pagu_head": (
        "Pagu per lembaga (juta Rp). Setiap perubahan langsung dihitung ulang: rencana "
        "cepat dalam ±0,1 detik, rencana MIP dalam ±1 detik.",
        "Pagu per agency (juta Rp). Every change re-plans at once: the quick plan in about "
        "0.1 s, the MIP plan in about 1 s.",
    ),
    "explorer.ceiling_on": ("Plafon kabupaten", "District ceiling"),
    "explorer.ceiling_note": (
        "juta Rp, batas belanja semua lembaga bersama (total pagu sekarang Rp {total} juta)",
        "juta Rp, a cap on all agencies' spending together (pagu now Rp {total} million "
        "in all)",
    ),
    "explorer.rules_head": (
        "Aturan. Mengubahnya membangun ulang model (sedikit lebih lama); bagian maksimum "
        "desa dapat membuat pemecahan lebih lama. 0 berarti tidak berlaku.",
        "Rules. Changing them rebuilds the model (a little slower); a maximum village share "
        "can make solving slower. 0 means off.",
    ),
    "explorer.min_programs": ("Min. program per desa", "Min. programmes per village"),
    "explorer.kecamatan_share": ("Min. bagian kecamatan (%)", "Min. kecamatan share (%)"),
    "explorer.village_share": ("Maks. bagian desa (%)", "Max. village share (%)"),
    "explorer.locks_head": (
        "Kunci, satu per baris: 'kode_desa kode_program', opsional jumlah unit atau 'out' "
        "(program dilarang di desa itu). Diterapkan saat kotak ditinggalkan; '#' untuk "
        "catatan.",
        "Locks, one a line: 'village_code program_code', optionally a number of units or "
        "'out' (the programme is barred from the village). Applied when the box loses "
        "focus; '#' starts a note.",
    ),
    "explorer.locks_help": ("Kode desa rencana dan kode program",
                            "Codes of the plan's villages and of the programmes"),
    "explorer.locks_ok": ("{n} kunci berlaku.", "{n} locks in force."),
    "explorer.lock_errors": (
        "Kunci tidak diterapkan; perbaiki baris berikut (rencana sebelumnya tetap "
        "ditampilkan):",
        "Locks not applied; fix these lines (the previous plan is still shown):",
    ),
    "explorer.lock_format": (
        "baris {line}: '{text}': tulis 'kode_desa kode_program', opsional jumlah unit atau "
        "'out'.",
        "line {line}: '{text}': write 'village_code program_code', optionally a number of "
        "units or 'out'.",
    ),
    "explorer.lock_village": (
        "baris {line}: kode desa '{value}' tidak ada di villages.csv.{hint}",
        "line {line}: village code '{value}' is not in villages.csv.{hint}",
    ),
    "explorer.lock_not_in_plan": (
        "baris {line}: desa {value} ({name}) bukan desa rencana ini; kunci hanya untuk "
        "desa rencana (lihat daftar kode).",
        "line {line}: village {value} ({name}) is not one of this plan's villages; locks "
        "apply to the plan's villages only (see the list of codes).",
    ),
    "explorer.lock_program": (
        "baris {line}: kode program '{value}' tidak ada di programs.csv.{hint}",
        "line {line}: programme code '{value}' is not in programs.csv.{hint}",
    ),
    "explorer.lock_units": (
        "baris {line}: '{value}' bukan jumlah unit (bilangan bulat >= 0) dan bukan 'out'.",
        "line {line}: '{value}' is neither a number of units (a whole number >= 0) nor "
        "'out'.",
    ),
    "explorer.save_path": ("Berkas skenario", "Scenario file"),
    "explorer.save_button": ("Simpan skenario", "Save scenario"),
    "explorer.export_folder": ("Folder hasil", "Results folder"),
    "explorer.export_button": ("Ekspor buku kerja", "Export workbook"),
    "explorer.reset_button": ("Kembali ke skenario awal", "Back to the opened scenario"),
    "explorer.saved": (
        "Skenario disimpan: {path} (dasar {base}; hanya yang berbeda). Jalankan dengan: "
        "planning run {path}",
        "Scenario saved: {path} (base {base}; only what differs). Run it with: "
        "planning run {path}",
    ),
    "explorer.description": (
        "Disimpan dari penjelajah skenario, berangkat dari skenario '{name}'.",
        "Saved from the scenario explorer, starting from scenario '{name}'.",
    ),
    "explorer.save_base": (
        "tidak dapat menyimpan ke {path}: itu berkas dasar skenario. Pilih nama lain.",
        "cannot save to {path}: it is the scenarios' base file. Choose another name.",
    ),
    "explorer.write_failed": ("Gagal menulis {path}: {detail}",
                              "Could not write {path}: {detail}"),
    "explorer.exported": (
        "Buku kerja ditulis: {path}. Folder hasil lengkap: {folder}. Rencana ini dipecahkan "
        "dengan pengaturan pemecah skenario (target gap {gap}), status {status}.",
        "Workbook written: {path}. Full results folder: {folder}. This plan was solved "
        "with the scenario's solver settings (gap target {gap}), status {status}.",
    ),
    "explorer.export_failed": ("Tidak ada yang diekspor:", "Nothing was exported:"),
    "explorer.quick": (
        "Rencana cepat (tanpa MIP, {seconds} s): {removed} deprivasi teratasi, belanja "
        "Rp {cost} juta, gap tersertifikasi {gap} terhadap batas LP {bound}.",
        "Quick plan (no MIP, {seconds} s): {removed} deprivations removed, spending "
        "Rp {cost} million, certified gap {gap} against the LP bound {bound}.",
    ),
    "explorer.quick_none": (
        "Rencana cepat ({seconds} s): tidak ada rencana heuristik yang memenuhi semua "
        "aturan; batas LP {bound}.",
        "Quick plan ({seconds} s): no heuristic plan keeps every rule; LP bound {bound}.",
    ),
    "explorer.lp_infeasible": (
        "Relaksasi LP tidak layak ({seconds} s): tidak ada rencana yang memenuhi semua "
        "aturan.",
        "The LP relaxation is infeasible ({seconds} s): no plan keeps every rule.",
    ),
    "explorer.mip_running": (
        "MIP sedang berjalan (target gap {target}, batas {limit} simpul) ...",
        "MIP running (gap target {target}, limit {limit} nodes) ...",
    ),
    "explorer.mip_plan": (
        "Rencana MIP: status {status}, gap terbukti {gap} (target {target}), nilai tujuan "
        "{objective}, {seconds} s.",
        "MIP plan: status {status}, proven gap {gap} (target {target}), objective "
        "{objective}, {seconds} s.",
    ),
    "explorer.mip_failed": (
        "MIP tidak menghasilkan rencana: status {status} ({detail}).",
        "The MIP gave no plan: status {status} ({detail}).",
    ),
    "explorer.showing_quick": (
        "Angka di bawah adalah rencana cepat (memenuhi semua aturan), bukan rencana MIP.",
        "The figures below are the quick plan (it keeps every rule), not a MIP plan.",
    ),
    "explorer.showing_incumbent": (
        "Angka di bawah adalah rencana terbaik yang ditemukan MIP sejauh ini: memenuhi semua "
        "aturan dan paling jauh {gap} dari optimum, tetapi belum terbukti sampai target.",
        "The figures below are the MIP's best plan so far: it keeps every rule and is at "
        "most {gap} from the optimum, but it is not proven to the target.",
    ),
    "explorer.nothing_shown": (
        "Belum ada rencana untuk ditampilkan; periksa pesan pemecah di atas, atau naikkan "
        "solver.node_limit di skenario.",
        "No plan to show; read the solver's message above, or raise solver.node_limit in "
        "the scenario.",
    ),
    "explorer.no_plan": ("Tidak ada rencana untuk pengaturan ini:",
                         "No plan for these settings:"),
    "explorer.removed": (
        "Deprivasi teratasi: {removed} dari {before} (dasar {base}, selisih {change}).",
        "Deprivations removed: {removed} of {before} (baseline {base}, change {change}).",
    ),
    "explorer.spending": (
        "Belanja: Rp {cost} juta dari pagu Rp {pagu} juta (dasar Rp {base} juta, selisih "
        "Rp {change} juta).",
        "Spending: Rp {cost} million of a pagu of Rp {pagu} million (baseline Rp {base} "
        "million, change Rp {change} million).",
    ),
    "explorer.within_tolerance": (
        "Selisih nilai tujuan {change} dalam batas toleransi pemecah (±{tolerance}, dari "
        "selisih tersertifikasi kedua rencana): perbedaan ini, juga pergeseran belanja "
        "antarlembaga, bisa jadi hanya pilihan lain yang sama baiknya, bukan akibat "
        "perubahan.",
        "The change in the objective {change} is within the solver's tolerance "
        "(±{tolerance}, from the two plans' certified gaps): this difference, and shifts "
        "of spending between agencies, may be another equally good plan rather than an "
        "effect of the change.",
    ),
    "explorer.no_baseline": (
        "Skenario awal tidak punya rencana, jadi tidak ada selisih terhadap dasar.",
        "The opened scenario has no plan, so there is no difference from a baseline.",
    ),
    "explorer.table_head": (
        "Per lembaga, juta Rp; dasar = rencana skenario '{name}' saat dibuka:",
        "Per agency, juta Rp; baseline = the plan of scenario '{name}' as opened:",
    ),
    "explorer.timing": (
        "Waktu: model {sync} s{rebuilt}, rencana cepat {quick} s, MIP dan tabel {plan} s, "
        "total {total} s.",
        "Time: model {sync} s{rebuilt}, quick plan {quick} s, MIP and tables {plan} s, "
        "total {total} s.",
    ),
    "explorer.rebuilt": (" (dibangun ulang)", " (rebuilt)"),
    "explorer.col.agency": ("Lembaga", "Agency"),
    "explorer.col.name": ("Nama", "Name"),
    "explorer.col.pagu_baseline": ("Pagu dasar", "Baseline pagu"),
    "explorer.col.pagu": ("Pagu", "Pagu"),
    "explorer.col.spending_baseline": ("Belanja dasar", "Baseline spending"),
    "explorer.col.spending": ("Belanja", "Spending"),
    "explorer.col.spending_change": ("Selisih belanja", "Change in spending"),
    "explorer.total": ("Jumlah", "Total"),
    "explorer.yaml_header": (
        "Disimpan oleh penjelajah skenario (notebooks/04): dasar + hanya yang berbeda.",
        "Saved by the scenario explorer (notebooks/04): base + only what differs.",
    ),
}

i18n.MESSAGES.update(EXPLORER_MESSAGES)

#: file name of a saved scenario when save_scenario is given a folder
SAVED_NAME = {"id": "{name}-penjelajah.yaml", "en": "{name}-explorer.yaml"}
#: the results subfolder the export button writes by default
EXPORT_NAME = {"id": "ekspor", "en": "export"}


def t(key: str, lang: str, **params: object) -> str:
    """The explorer's text ``explorer.<key>`` in ``lang``."""
    return i18n.text(f"explorer.{key}", lang, **params)


def num(value: float | None, lang: str, decimals: int = 1) -> str:
    return "-" if value is None else i18n.number(value, lang, decimals)


def pct(share: float | None, lang: str) -> str:
    return "-" if share is None else i18n.percent(share, lang, 2)


def signed(value: float, lang: str, decimals: int = 1) -> str:
    shown = i18n.number(value, lang, decimals)
    return shown if shown.startswith("-") or float(f"{value:.{decimals}f}") == 0 \
        else f"+{shown}"
