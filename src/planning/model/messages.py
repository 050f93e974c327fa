"""Messages of the allocation model, in Bahasa Indonesia (default) and English.

They join :data:`planning.i18n.MESSAGES`, so one :func:`text` renders every message.
Money in the messages is juta Rp (million rupiah).
"""

from __future__ import annotations

from planning import i18n

MODEL_MESSAGES: dict[str, tuple[str, str]] = {
    # --- inputs ---
    "model.no_villages": (
        "tidak ada desa dalam rencana. Pilih desa fokus, 'all', atau daftar kode desa.",
        "the plan has no villages. Choose the focus villages, 'all', or a list of codes.",
    ),
    "model.unknown_villages": (
        "kode desa tidak dikenal: {codes}. Gunakan kode Kemendagri dari villages.csv.",
        "unknown village codes: {codes}. Use Kemendagri codes from villages.csv.",
    ),
    "model.unknown_agency": (
        "pagu untuk lembaga yang tidak dikenal: {codes}. Lembaga yang ada: {known}.",
        "pagu for unknown agencies: {codes}. Known agencies: {known}.",
    ),
    "model.unknown_dimension": (
        "bobot untuk dimensi yang tidak dikenal: {names}. Dimensi yang ada: {known}.",
        "weights for unknown dimensions: {names}. Known dimensions: {known}.",
    ),
    "model.negative_pagu": (
        "pagu {agency} tidak boleh negatif ({value}). Masukkan jumlah dalam juta Rp >= 0.",
        "the pagu of {agency} cannot be negative ({value}). Give an amount in juta Rp >= 0.",
    ),
    "model.no_ceiling": (
        "model ini dibuat tanpa plafon kabupaten; tetapkan district_ceiling di skenario.",
        "this model was built without a district ceiling; set district_ceiling in the "
        "scenario.",
    ),
    "model.not_a_plan": (
        "hasil pemecah berstatus '{status}', bukan rencana: {detail}",
        "the solver's result has status '{status}', which is not a plan: {detail}",
    ),
    # --- presolve ---
    "presolve.lock_unknown_program": (
        "kunci untuk program '{program}' di desa {village}: program tidak ada di "
        "programs.csv. Periksa kode program.",
        "lock for programme '{program}' in village {village}: no such programme in "
        "programs.csv. Check the programme code.",
    ),
    "presolve.lock_village_not_in_plan": (
        "kunci untuk program {program} di desa {village}: desa ini tidak termasuk desa "
        "rencana. Tambahkan desa itu ke desa fokus (force_in) atau hapus kuncinya.",
        "lock for programme {program} in village {village}: the village is not in the "
        "plan. Add it to the focus villages (force_in) or remove the lock.",
    ),
    "presolve.lock_ineligible_potential": (
        "kunci {program} di desa {village} bertentangan dengan syarat kelayakan: potensi "
        "sektor desa {value} di bawah batas minimum program. Hapus kunci atau matikan "
        "aturan eligibility.",
        "lock of {program} in village {village} contradicts eligibility: the village's "
        "sector potential {value} is below the programme's minimum. Remove the lock or "
        "switch the eligibility rule off.",
    ),
    "presolve.lock_ineligible_need": (
        "kunci {program} di desa {village} bertentangan dengan batas kebutuhan: kebutuhan "
        "desa ({value}) terlalu kecil untuk unit minimum program. Hapus kunci atau matikan "
        "aturan need_cap.",
        "lock of {program} in village {village} contradicts the need cap: the village's "
        "need ({value}) is too small for the programme's minimum units. Remove the lock "
        "or switch the need_cap rule off.",
    ),
    "presolve.lock_units_out_of_bounds": (
        "kunci {program} di desa {village} meminta {units} unit, di luar batas {lo}-{hi} "
        "unit untuk desa ini. Ubah jumlah unit pada kunci.",
        "lock of {program} in village {village} asks for {units} units, outside the "
        "{lo}-{hi} units allowed in this village. Change the locked units.",
    ),
    "presolve.lock_twice": (
        "dua kunci yang bertentangan untuk {program} di desa {village}. Simpan satu saja.",
        "two contradicting locks for {program} in village {village}. Keep only one.",
    ),
    "presolve.lock_requires": (
        "kunci bertentangan di desa {village}: {a} dikunci masuk, tetapi {a} membutuhkan "
        "{b} yang dikunci keluar. Buka kunci salah satunya.",
        "contradicting locks in village {village}: {a} is locked in, but it requires {b}, "
        "which is locked out. Unlock one of them.",
    ),
    "presolve.lock_requires_ineligible": (
        "kunci {a} di desa {village} tidak dapat dipenuhi: {a} membutuhkan {b}, yang tidak "
        "layak di desa ini. Hapus kunci.",
        "lock of {a} in village {village} cannot hold: {a} requires {b}, which cannot run "
        "in this village. Remove the lock.",
    ),
    "presolve.lock_excludes": (
        "kunci bertentangan di desa {village}: {a} dan {b} dikunci masuk, padahal "
        "keduanya tidak boleh dalam satu desa. Buka kunci salah satunya.",
        "contradicting locks in village {village}: {a} and {b} are both locked in, but "
        "they exclude each other. Unlock one of them.",
    ),
    "presolve.lock_capacity": (
        "{program} dikunci masuk di {n} desa, melebihi kapasitas {k} desa. Kurangi kunci "
        "atau naikkan max_villages.",
        "{program} is locked into {n} villages, above its capacity of {k} villages. "
        "Remove locks or raise max_villages.",
    ),
    "presolve.lock_pagu": (
        "kunci program {agency} sudah memakan Rp {cost} juta, melebihi pagu Rp {pagu} juta "
        "(kurang Rp {short} juta). Kurangi kunci atau naikkan pagu {agency}.",
        "locked programmes of {agency} already cost Rp {cost} million, above its pagu of "
        "Rp {pagu} million (short by Rp {short} million). Remove locks or raise the pagu.",
    ),
    "presolve.lock_ceiling": (
        "semua kunci sudah memakan Rp {cost} juta, melebihi plafon kabupaten Rp {ceiling} "
        "juta (kurang Rp {short} juta). Kurangi kunci atau naikkan plafon.",
        "all locks already cost Rp {cost} million, above the district ceiling of Rp "
        "{ceiling} million (short by Rp {short} million). Remove locks or raise the "
        "ceiling.",
    ),
    "presolve.program_no_village": (
        "program {program} tidak layak di desa mana pun dalam rencana (potensi atau "
        "kebutuhan terlalu kecil); program ini tidak akan dialokasikan.",
        "programme {program} is not eligible in any village of the plan (potential or need "
        "too low); it will not be allocated.",
    ),
    "presolve.coverage_too_few": (
        "desa {village} ({name}) hanya layak untuk {n} program, padahal aturan meminta "
        "minimal {m} program per desa. Turunkan min_programs_per_village.",
        "village {village} ({name}) is eligible for only {n} programmes, but the rule asks "
        "for at least {m} per village. Lower min_programs_per_village.",
    ),
    "presolve.coverage_money": (
        "memberi {n} desa masing-masing minimal {m} program paling murah butuh Rp {cost} "
        "juta, lebih dari dana yang ada Rp {money} juta (kurang Rp {short} juta). Naikkan "
        "pagu atau turunkan min_programs_per_village.",
        "giving {n} villages at least {m} programmes each costs at least Rp {cost} million, "
        "more than the Rp {money} million available (short by Rp {short} million). Raise "
        "the pagu or lower min_programs_per_village.",
    ),
    "presolve.kecamatan_share_sum": (
        "bagian minimum kecamatan {share}% x {n} kecamatan = {total}% > 100%. Turunkan "
        "kecamatan_min_share.",
        "minimum kecamatan share {share}% x {n} kecamatan = {total}% > 100%. Lower "
        "kecamatan_min_share.",
    ),
    "presolve.village_share_sum": (
        "bagian maksimum desa {share}% x {n} desa = {total}% < 100%: belanja tidak dapat "
        "dibagi. Naikkan village_max_share.",
        "maximum village share {share}% x {n} villages = {total}% < 100%: spending cannot "
        "be shared out. Raise village_max_share.",
    ),
    "presolve.shares_clash": (
        "kecamatan {kecamatan} ({name}) punya {n} desa dengan maksimum {vmax}% per desa, "
        "tidak bisa mencapai minimum {kmin}% per kecamatan. Ubah salah satu bagian.",
        "kecamatan {kecamatan} ({name}) has {n} villages capped at {vmax}% each, so it "
        "cannot reach its minimum of {kmin}%. Change one of the shares.",
    ),
    "presolve.magnitudes": (
        "koefisien model berkisar dari {low} sampai {high}; selisih sebesar ini dapat "
        "membuat pemecah tidak akurat. Periksa satuan (biaya dalam juta Rp).",
        "model coefficients range from {low} to {high}; so wide a range can make the "
        "solver inaccurate. Check units (costs in juta Rp).",
    ),
    # --- infeasibility explained ---
    "explain.head": (
        "Tidak ada rencana yang memenuhi semua aturan. Aturan yang bertentangan: {rules}.",
        "No plan satisfies every rule. Conflicting rules: {rules}.",
    ),
    "explain.resources": (
        "Agar semua permintaan (minimal program per desa, kunci, bagian kecamatan/desa) "
        "terpenuhi, perlu:",
        "To meet every requirement (minimum programmes per village, locks, kecamatan and "
        "village shares), the plan needs:",
    ),
    "explain.requirements": (
        "Atau, dengan pagu dan kapasitas tetap, lepaskan:",
        "Or, keeping the pagu and capacities, give up:",
    ),
    "explain.none": (
        "Tidak ditemukan cara melonggarkan aturan yang membuat rencana layak; periksa "
        "kunci dan batas unit.",
        "No relaxation of the rules makes a plan feasible; check the locks and unit "
        "bounds.",
    ),
    "explain.pagu": (
        "pagu {agency} kurang Rp {amount} juta (pagu Rp {pagu} juta)",
        "pagu {agency} short by Rp {amount} million (pagu Rp {pagu} million)",
    ),
    "explain.ceiling": (
        "plafon kabupaten kurang Rp {amount} juta (plafon Rp {limit} juta)",
        "district ceiling short by Rp {amount} million (ceiling Rp {limit} million)",
    ),
    "explain.capacity": (
        "kapasitas {program} kurang {amount} desa (maksimum {limit} desa)",
        "capacity of {program} short by {amount} villages (at most {limit} villages)",
    ),
    "explain.coverage": (
        "desa {village} ({name}) mendapat {amount} program lebih sedikit dari minimum {limit}",
        "village {village} ({name}) gets {amount} fewer programmes than the minimum {limit}",
    ),
    "explain.coverage_many": (
        "{n} desa mendapat {amount} program lebih sedikit dari minimum {limit}: {names}",
        "{n} villages get {amount} fewer programmes than the minimum {limit}: {names}",
    ),
    "explain.kecamatan_share": (
        "kecamatan {kecamatan} ({name}) kurang Rp {amount} juta dari bagian minimum {limit}%",
        "kecamatan {kecamatan} ({name}) short by Rp {amount} million of its minimum share "
        "{limit}%",
    ),
    "explain.village_share": (
        "desa {village} ({name}) melebihi bagian maksimum {limit}% sebesar Rp {amount} juta",
        "village {village} ({name}) above its maximum share {limit}% by Rp {amount} million",
    ),
    "explain.lock": (
        "kunci {program} di desa {village} ({name}) dilepas",
        "lock of {program} in village {village} ({name}) released",
    ),
    # --- run summary ---
    "model.not_proven": (
        "rencana terbaik yang ditemukan, belum terbukti optimal: selisih tersertifikasi "
        "{gap}",
        "best plan found, not proven optimal: certified gap {gap}",
    ),
    "model.stopped.node_limit": (
        "pemecah berhenti pada batas {nodes} simpul", "the solver stopped at its limit of "
        "{nodes} nodes"),
    "model.stopped.time_limit": (
        "pemecah berhenti pada batas waktu pengaman {seconds} detik",
        "the solver stopped at its safety time limit of {seconds} s"),
    "model.stopped.watchdog": (
        "pemecah tidak berhenti sendiri dan dihentikan; ini rencana cepat",
        "the solver did not stop by itself and was ended; this is the quick plan"),
    "model.stopped.error": (
        "pemecah gagal; ini rencana cepat", "the solver failed; this is the quick plan"),
    "run.not_accepted": (
        "Selisih tersertifikasi {gap} melebihi batas yang diterima skenario ({max_gap}, "
        "solver.max_gap): hasil sudah ditulis untuk diperiksa, tetapi BUKAN rencana yang "
        "diterima (kode keluar 3). Naikkan solver.node_limit atau solver.max_gap di "
        "skenario, lalu jalankan lagi.",
        "The certified gap {gap} is above the largest gap the scenario accepts ({max_gap}, "
        "solver.max_gap): the results were written for inspection but are NOT an accepted "
        "plan (exit code 3). Raise solver.node_limit or solver.max_gap in the scenario and "
        "run again.",
    ),
    "run.plan_status": (
        "Rencana alokasi: status {status} ({solver}), selisih terhadap batas terbukti "
        "{gap}, {seconds} detik.",
        "Allocation plan: status {status} ({solver}), gap to the proven bound {gap}, "
        "{seconds} s.",
    ),
    "run.removed": (
        "Deprivasi teratasi: {removed} dari {before} (rumah tangga/anak/orang) di desa "
        "rencana:",
        "Deprivations removed: {removed} of {before} (households/children/persons) in the "
        "plan's villages:",
    ),
    "run.baselines": (
        "Pembanding: rakus (greedy) {greedy}, bagi rata pagu {equal}.",
        "Baselines: greedy {greedy}, equal split of each pagu {equal}.",
    ),
    "run.spending": (
        "Belanja Rp {used} juta dari pagu Rp {pagu} juta; per lembaga (terpakai / pagu):",
        "Spending Rp {used} million of a pagu of Rp {pagu} million; per agency (used / pagu):",
    ),
    "run.nothing_written": (
        "Tidak ada berkas yang ditulis; hasil sebelumnya di {path} (bila ada) tetap utuh.",
        "Nothing was written; earlier results in {path} (if any) are untouched.",
    ),
    "rule.pagu": ("pagu lembaga", "agency pagu"),
    "rule.ceiling": ("plafon kabupaten", "district ceiling"),
    "rule.capacity": ("kapasitas program", "programme capacity"),
    "rule.coverage": ("minimal program per desa", "minimum programmes per village"),
    "rule.kecamatan_share": ("bagian minimum kecamatan", "minimum kecamatan share"),
    "rule.village_share": ("bagian maksimum desa", "maximum village share"),
    "rule.lock": ("kunci", "locks"),
    "rule.eligibility": ("kelayakan program", "programme eligibility"),
    "rule.units": ("batas unit dan kebutuhan", "unit bounds and need cap"),
    "rule.saturation": ("kejenuhan", "saturation"),
    "rule.requires": ("program prasyarat", "required programmes"),
    "rule.excludes": ("program yang saling meniadakan", "mutually exclusive programmes"),
    "rule.synergy": ("sinergi program", "programme synergy"),
    "rule.reach": ("jangkauan dan efektivitas", "reach and effectiveness"),
    "rule.objective": ("bobot prioritas dan dimensi", "priority and dimension weights"),
    # --- a plan checked against each rule (planning.model.check) ---
    "check.eligibility": (
        "{program} di desa {village} ({name}) mendapat {units} unit, padahal potensi "
        "sektor desa {potential} di bawah minimum program {minimum}",
        "{program} in village {village} ({name}) gets {units} units, but the village's "
        "sector potential {potential} is below the programme's minimum {minimum}",
    ),
    "check.eligibility_outside": (
        "{program} di desa {village} mendapat {units} unit, padahal desa itu bukan desa "
        "rencana atau program itu tidak dikenal",
        "{program} in village {village} gets {units} units, but the village is not in the "
        "plan or the programme is unknown",
    ),
    "check.units": (
        "{program} di desa {village} ({name}) mendapat {units} unit, di luar batas "
        "{lo}-{hi} unit (selisih {amount} unit)",
        "{program} in village {village} ({name}) gets {units} units, outside the {lo}-{hi} "
        "units allowed (off by {amount} units)",
    ),
    "check.saturation": (
        "desa {village} ({name}), dimensi {dimension}: {removed} terangkat dari deprivasi, "
        "lebih dari {deprived} yang terdeprivasi (kelebihan {amount})",
        "village {village} ({name}), dimension {dimension}: {removed} removed, more than "
        "the {deprived} deprived (by {amount})",
    ),
    "check.pagu": (
        "{agency} ({name}) membelanjakan Rp {spend} juta, melebihi pagu Rp {pagu} juta "
        "sebesar Rp {amount} juta",
        "{agency} ({name}) spends Rp {spend} million, above its pagu of Rp {pagu} million "
        "by Rp {amount} million",
    ),
    "check.ceiling": (
        "belanja seluruh lembaga Rp {spend} juta melebihi plafon kabupaten Rp {ceiling} "
        "juta sebesar Rp {amount} juta",
        "spending of all agencies, Rp {spend} million, is above the district ceiling of "
        "Rp {ceiling} million by Rp {amount} million",
    ),
    "check.capacity": (
        "program {program} ({agency_name}) berjalan di {n} desa, melebihi kapasitas "
        "{limit} desa sebesar {amount} desa",
        "programme {program} ({agency_name}) runs in {n} villages, above its capacity of "
        "{limit} villages by {amount}",
    ),
    "check.coverage": (
        "desa {village} ({name}) mendapat {n} program, kurang {amount} dari minimal {need}",
        "village {village} ({name}) gets {n} programmes, {amount} short of the minimum "
        "{need}",
    ),
    "check.kecamatan_share": (
        "kecamatan {kecamatan} ({name}) menerima Rp {spend} juta ({got} dari belanja "
        "Rp {total} juta), kurang Rp {amount} juta dari bagian minimum {share}",
        "kecamatan {kecamatan} ({name}) receives Rp {spend} million ({got} of spending of "
        "Rp {total} million), Rp {amount} million short of its minimum share {share}",
    ),
    "check.village_share": (
        "desa {village} ({name}) menerima Rp {spend} juta ({got} dari belanja Rp {total} "
        "juta), melebihi bagian maksimum {share} sebesar Rp {amount} juta",
        "village {village} ({name}) receives Rp {spend} million ({got} of spending of "
        "Rp {total} million), above its maximum share {share} by Rp {amount} million",
    ),
    "check.requires": (
        "di desa {village} ({name}) program {a} berjalan tanpa {b}, padahal {a} "
        "membutuhkan {b}",
        "in village {village} ({name}) programme {a} runs without {b}, which it requires",
    ),
    "check.excludes": (
        "di desa {village} ({name}) program {a} dan {b} berjalan bersama, padahal "
        "keduanya tidak boleh dalam satu desa",
        "in village {village} ({name}) programmes {a} and {b} run together, but they "
        "exclude each other",
    ),
    "check.lock": (
        "kunci {program} di desa {village} ({name}) tidak dipenuhi: {units} unit, dikunci "
        "{wanted} unit (selisih {amount})",
        "lock of {program} in village {village} ({name}) not honoured: {units} units, "
        "{wanted} locked (off by {amount})",
    ),
    "check.lock_in": (
        "kunci {program} di desa {village} ({name}) tidak dipenuhi: program tidak berjalan",
        "lock of {program} in village {village} ({name}) not honoured: the programme does "
        "not run",
    ),
    "check.lock_out": (
        "{program} di desa {village} ({name}) dikunci keluar tetapi mendapat {units} unit",
        "{program} in village {village} ({name}) is locked out but gets {units} units",
    ),
}

i18n.MESSAGES.update(MODEL_MESSAGES)


def text(key: str, lang: str = i18n.DEFAULT_LANGUAGE, **params: object) -> str:
    return i18n.text(key, lang, **params)


def plan_label(report, lang: str = i18n.DEFAULT_LANGUAGE, reason: bool = True) -> str:
    """The plain label of a plan that is not proven optimal ("rencana terbaik yang
    ditemukan, belum terbukti optimal: selisih tersertifikasi 4,71 % (...)"), for the
    console, summary, workbook and figure titles; "" for a proven plan. ``report``: a
    SolveReport or its summary dict; ``reason``: say what stopped the solver (figure
    titles leave it out)."""
    get = report.get if isinstance(report, dict) else lambda k: getattr(report, k, None)
    if get("status") != "feasible":
        return ""
    gap = get("gap")
    label = text("model.not_proven", lang,
                 gap=i18n.percent(gap, lang, 2) if gap is not None else "-")
    if not reason:
        return label
    why = text(f"model.stopped.{get('stopped_by') or 'error'}", lang,
               nodes=i18n.number(get("node_limit") or 0, lang),
               seconds=i18n.number(get("time_limit") or 0, lang))
    return f"{label} ({why})"
