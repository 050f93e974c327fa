"""Sheet names, column headers and the few sentences of the planners' workbook and the
figures, in Bahasa Indonesia (default) and English.

Kept apart from :mod:`planning.i18n` (messages about problems): these are labels of
outputs. Every entry is ``key: (Bahasa Indonesia, English)``.
"""

from __future__ import annotations

from planning.i18n import LANGUAGES, check_language

# --- the Alokasi sheet: the round-trip reader depends on this exact layout -------------
ALLOCATION_SHEET = {"id": "Alokasi", "en": "Allocation"}
ALLOCATION_COLUMNS = ["village_code", "village", "kecamatan", "program_code", "program",
                      "agency", "units", "cost", "households_reached", "lock"]
ALLOCATION_HEADERS = {
    "id": ["kode_desa", "desa", "kecamatan", "kode_program", "program", "lembaga", "unit",
           "biaya (juta Rp)", "penerima manfaat", "kunci"],
    "en": ["village_code", "village", "kecamatan", "program_code", "programme", "agency",
           "units", "cost (Rp million)", "households reached", "lock"],
}
LOCK_CHOICES = {"id": ["ya", "tidak"], "en": ["yes", "no"]}

SHEETS: dict[str, tuple[str, str]] = {
    "summary": ("Ringkasan", "Summary"),
    "moved": ("Perubahan", "What moved"),
    "kecamatan": ("Per Kecamatan", "By Kecamatan"),
    "villages": ("Per Desa", "By Village"),
    "scores": ("Skor Desa", "Village Scores"),
    "inputs": ("Input & Asumsi", "Inputs & Assumptions"),
    "meta": ("Meta", "Meta"),
}

COLUMNS: dict[str, tuple[str, str]] = {
    # codes and names
    "village_code": ("kode desa", "village code"),
    "village": ("desa", "village"),
    "kecamatan_code": ("kode kecamatan", "kecamatan code"),
    "kecamatan": ("kecamatan", "kecamatan"),
    "program_code": ("kode program", "programme code"),
    "program": ("program", "programme"),
    "agency": ("lembaga", "agency"),
    "agency_name": ("nama lembaga", "agency name"),
    "dimension": ("dimensi", "dimension"),
    "sector": ("sektor", "sector"),
    "unit": ("satuan", "unit"),
    "units": ("jumlah unit", "units"),
    "type": ("jenis", "type"),
    # money (juta Rp)
    "cost": ("biaya (juta Rp)", "cost (Rp million)"),
    "pagu": ("pagu (juta Rp)", "pagu (Rp million)"),
    "pagu_data": ("pagu di data (juta Rp)", "pagu in the data (Rp million)"),
    "used": ("terpakai (juta Rp)", "used (Rp million)"),
    "left": ("sisa (juta Rp)", "left (Rp million)"),
    "unit_cost": ("biaya per unit (juta Rp)", "cost per unit (Rp million)"),
    "fixed_cost": ("biaya tetap (juta Rp)", "fixed cost (Rp million)"),
    # shares and counts
    "share_used": ("porsi pagu terpakai", "share of pagu used"),
    "share_of_pagu": ("porsi pagu lembaga", "share of the agency's pagu"),
    "share_of_spending": ("porsi belanja", "share of spending"),
    "share_removed": ("porsi terhapus", "share removed"),
    "villages": ("jumlah desa", "villages"),
    "programs": ("jumlah program", "programmes"),
    "households_reached": ("penerima manfaat", "households reached"),
    "before": ("sebelum", "before"),
    "removed": ("terhapus", "removed"),
    "after": ("sesudah", "after"),
    "deprived_total": ("deprivasi sebelum", "deprivations before"),
    "removed_total": ("deprivasi terhapus", "deprivations removed"),
    "after_total": ("deprivasi sesudah", "deprivations after"),
    # plans
    "plan": ("rencana", "plan"),
    "objective": ("nilai tujuan", "objective"),
    "rules_broken": ("aturan dilanggar", "rules broken"),
    "removed_gain_over": ("optimum menghapus lebih banyak", "optimum removes more"),
    "objective_gain": ("keunggulan tujuan optimum", "objective gain of the optimum"),
    # scores
    "poverty_index": ("indeks kemiskinan", "poverty index"),
    "potential_index": ("indeks potensi", "potential index"),
    "potential": ("potensi", "potential"),
    "weight": ("bobot prioritas", "priority weight"),
    "rank_in_kecamatan": ("peringkat di kecamatan", "rank in kecamatan"),
    "priority": ("skor prioritas", "priority score"),
    "selected": ("desa fokus", "focus village"),
    "margin": ("selisih ke batas", "margin to the cut"),
    "typology": ("tipologi", "typology"),
    "reason": ("alasan", "reason"),
    "selection_frequency": ("frekuensi terpilih", "selection frequency"),
    "stability": ("stabilitas", "stability"),
    "in_2020_list": ("desa fokus 2020", "2020 focus village"),
    # catalogue, budgets, indicators
    "name": ("nama", "name"),
    "beneficiaries_per_unit": ("penerima per unit", "beneficiaries per unit"),
    "min_units": ("unit minimum", "minimum units"),
    "max_units": ("unit maksimum", "maximum units"),
    "max_villages": ("desa maksimum", "maximum villages"),
    "need_indicator": ("indikator kebutuhan", "need indicator"),
    "cost_status": ("status biaya", "cost status"),
    "cost_source": ("sumber biaya", "cost source"),
    "assumptions": ("asumsi", "assumptions"),
    "pagu_status": ("status pagu", "pagu status"),
    "funding": ("sumber dana", "funding"),
    "note": ("catatan", "note"),
    "source_url": ("sumber", "source"),
    "indicator": ("indikator", "indicator"),
    "kind": ("jenis", "kind"),
    "group": ("kelompok", "group"),
    "status": ("status", "status"),
    "source": ("sumber", "source"),
    # meta
    "section": ("bagian", "section"),
    "key": ("kunci", "key"),
    "value": ("nilai", "value"),
    "item": ("butir", "item"),
}

TEXTS: dict[str, tuple[str, str]] = {
    "total": ("JUMLAH", "TOTAL"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "title": ("Rencana alokasi program penanggulangan kemiskinan: ringkasan",
              "Poverty programme allocation plan: summary"),
    "synthetic": (
        "PERHATIAN: {n} dari {m} indikator per desa dalam buku kerja ini SINTETIS "
        "(dibangkitkan dan dikalibrasi ke angka kabupaten dan kecamatan yang "
        "dipublikasikan), bukan data resmi per desa. Angka per desa hanya untuk mencoba "
        "metode, bukan untuk keputusan anggaran. Lihat data/README.md.",
        "NOTE: {n} of the {m} per-village indicators in this workbook are SYNTHETIC "
        "(generated and calibrated to published district and kecamatan figures), not "
        "official per-village data. Per-village numbers are for trying the method, not "
        "for budget decisions. See data/README.md.",
    ),
    "real": ("Semua indikator per desa berasal dari data nyata.",
             "All per-village indicators come from real data."),
    "block.solve": ("Hasil optimasi", "Optimisation result"),
    "block.dimensions": ("Deprivasi per dimensi (rumah tangga atau orang)",
                         "Deprivations by dimension (households or people)"),
    "block.spending": ("Belanja dan pagu per lembaga", "Spending and pagu by agency"),
    "block.baselines": ("Rencana ini dibanding dua cara sederhana",
                        "This plan against two simple ways"),
    "block.warnings": ("Peringatan", "Warnings"),
    "block.catalogue": ("Katalog program: biaya, status dan sumbernya, asumsi",
                        "Programme catalogue: costs, their status and source, assumptions"),
    "block.budgets": ("Pagu yang dipakai dalam rencana ini", "Budgets used in this plan"),
    "block.indicators": ("Indikator: nyata (real), turunan (derived) atau sintetis "
                         "(synthetic)",
                         "Indicators: real, derived or synthetic"),
    "block.workbook": ("buku kerja", "workbook"),
    "margin": (
        "Rencana optimum menghapus {greedy} deprivasi lebih banyak daripada cara serakah "
        "(greedy) dan {equal} lebih banyak daripada bagi rata.",
        "The optimal plan removes {greedy} more deprivations than the greedy way and "
        "{equal} more than an equal split.",
    ),
    "status": ("status", "status"),
    "solver": ("pemecah (solver)", "solver"),
    "objective": ("nilai tujuan (deprivasi terhapus, berbobot)",
                  "objective (weighted deprivations removed)"),
    "bound": ("batas atas terbukti", "proven upper bound"),
    "gap": ("selisih ke batas (gap)", "gap to the bound"),
    "gap_target": ("target gap", "gap target"),
    "time_limit": ("batas waktu pengaman (detik)", "safety time limit (seconds)"),
    "plan_label": ("mutu rencana", "plan quality"),
    "proven": ("terbukti sampai target selisih", "proven to the gap target"),
    "node_limit": ("batas simpul pemecah", "solver node limit"),
    "max_gap": ("selisih terbesar yang diterima", "largest gap accepted"),
    "stopped_by_time_limit": ("berhenti karena batas waktu", "stopped by the time limit"),
    "deprivations_before": ("deprivasi sebelum", "deprivations before"),
    "deprivations_removed": ("deprivasi terhapus", "deprivations removed"),
    "share_removed": ("porsi deprivasi terhapus", "share of deprivations removed"),
    "spending_total": ("belanja (juta Rp)", "spending (Rp million)"),
    "pagu_total": ("pagu (juta Rp)", "pagu (Rp million)"),
    "plan.optimal": ("optimum (rencana ini)", "optimum (this plan)"),
    "plan.greedy": ("serakah (greedy)", "greedy"),
    "plan.equal_split": ("bagi rata", "equal split"),
    "agency.pagu": ("pagu (juta Rp)", "pagu (Rp million)"),
    "agency.used": ("terpakai (juta Rp)", "used (Rp million)"),
    "agency.share": ("porsi pagu terpakai", "share of pagu used"),
    "lock.note": (
        "Kolom kunci: ketik ya untuk mempertahankan jumlah unit baris ini. Ubah angka di "
        "kolom unit untuk menetapkan jumlah unit. Hapus satu baris untuk mengeluarkan "
        "program itu dari desa itu. Baris lain dioptimasi ulang.",
        "Lock column: type yes to keep this row's units. Change the number in the units "
        "column to fix them. Delete a row to take the programme out of that village. The "
        "other rows are optimised again.",
    ),
    "lock.title": ("Kunci baris ini?", "Lock this row?"),
    "lock.prompt": ("ya = pertahankan unit baris ini; kosong = boleh diubah",
                    "yes = keep this row's units; blank = may change"),
    "lock.error": ("Ketik ya atau tidak, atau biarkan kosong.",
                   "Type yes or no, or leave it blank."),
    # figures
    "fig.spending_by_agency": ("Belanja dibanding pagu per lembaga",
                               "Spending against pagu by agency"),
    "fig.spending_by_kecamatan": ("Belanja per kecamatan", "Spending by kecamatan"),
    "fig.deprivations": ("Deprivasi per dimensi: sebelum dan sesudah rencana",
                         "Deprivations by dimension: before and after the plan"),
    "fig.baselines": ("Deprivasi terhapus: rencana ini dan dua cara sederhana",
                      "Deprivations removed: this plan and two simple ways"),
    "fig.money": ("juta Rp", "Rp million"),
    "fig.count": ("rumah tangga atau orang", "households or people"),
    "fig.pagu": ("pagu", "pagu"),
    "fig.used": ("terpakai", "used"),
    "fig.before": ("sebelum", "before"),
    "fig.after": ("sesudah", "after"),
    "fig.removed": ("deprivasi terhapus", "deprivations removed"),
    "fig.synthetic": ("Data: indikator per desa SINTETIS (lihat data/README.md)",
                      "Data: SYNTHETIC per-village indicators (see data/README.md)"),
}


def _pick(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    return table[key][LANGUAGES.index(check_language(lang))]


def column(key: str, lang: str) -> str:
    """A column header."""
    return _pick(COLUMNS, key, lang)


def sheet(key: str, lang: str) -> str:
    """A sheet name."""
    return _pick(SHEETS, key, lang)


def words(key: str, lang: str, **params: object) -> str:
    """A label or sentence, with ``params`` filled in."""
    return _pick(TEXTS, key, lang).format(**params)
