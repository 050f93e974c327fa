"""The ``planning`` command line: validate a data set, score the villages, run the main job.

User errors (bad data, a missing folder) print a clear report and exit non-zero, never a
traceback. A scenario may be given by its bare name (``semua-desa`` is
``scenarios/semua-desa.yaml``); a name not found lists the scenarios and the closest one.
``run`` and ``analyse`` show their progress by stage on stderr (``-q`` none, ``-v`` with
the solver's reports, ``--log-file`` a log; :mod:`planning.apps.progress`).

Exit codes: 0 success; 1 the data, the scenario, a workbook or ``--out`` has
errors, or the scenario has no plan (nothing is written); 2 wrong usage; 3 (``run``) a
limit stopped the solver with a certified gap above the scenario's ``solver.max_gap``:
the results are written for inspection, labelled as not proven, but are not an accepted
plan.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from planning import i18n
from planning.data import DataError, validate_dataset
from planning.report.folder import ResultsFolderError, write_folder

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Perencanaan program penanggulangan kemiskinan desa / village poverty-programme "
         "planning.",
)

Lang = Annotated[str, typer.Option("--lang", help="Bahasa pesan: id (default) atau en.")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Tanpa kemajuan; hanya galat dan hasil akhir / no progress: only "
                          "errors and the final result.")]
Verbose = Annotated[bool, typer.Option(
    "--verbose", "-v", help="Kemajuan dengan rincian solver / progress with the solver's "
                            "reports.")]
LogFile = Annotated[Path | None, typer.Option(
    "--log-file", help="Tulis log run (tahap, waktu, selisih solver) ke berkas ini; log "
                       "planning yang ada ditambah / append a log of the run to this file.")]


def _version(value: bool) -> None:
    if value:
        from planning.apps.progress import version

        typer.echo(f"planning {version()}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Tampilkan versi lalu keluar / show the version and exit.")] = False,
) -> None:
    """Perencanaan program penanggulangan kemiskinan desa / village poverty-programme
    planning."""


def _verbosity(quiet: bool, verbose: bool, lang: str) -> int:
    if quiet and verbose:
        typer.echo(i18n.text("cli.quiet_and_verbose", lang), err=True)
        raise typer.Exit(2)
    return 0 if quiet else 2 if verbose else 1


def scenario_file(given: Path, lang: str, say: bool = True) -> Path:
    """The scenario file ``given`` names: the file itself when it exists; a bare name
    (``semua-desa``, no folder, no ``.yaml``) is ``scenarios/<name>.yaml`` when that
    exists (said on stderr). Else a clear error, exit 1: not found, the closest scenario
    name ("did you mean baseline.yaml?") and the scenarios of its folder (``scenarios``
    for a bare name). ``say=False``: resolve a bare name without saying so."""
    import difflib

    if given.exists():
        return given
    bare = given.parent == Path() and given.suffix not in (".yaml", ".yml")
    folder = Path("scenarios") if given.parent == Path() else given.parent
    if bare and (folder / f"{given.name}.yaml").is_file():
        found = folder / f"{given.name}.yaml"
        if say:
            typer.echo(i18n.text("cli.scenario_resolved", lang, path=found), err=True)
        return found
    choices = sorted(p.name for p in folder.glob("*.yaml")) if folder.is_dir() else []
    if not choices:
        typer.echo(i18n.text("cli.no_scenarios", lang, given=given, folder=folder), err=True)
        raise typer.Exit(1)
    wanted = given.name if given.suffix in (".yaml", ".yml") else f"{given.name}.yaml"
    close = difflib.get_close_matches(wanted, choices, n=1, cutoff=0.6)
    typer.echo(i18n.text("cli.scenario_not_found", lang, given=given, folder=folder,
                         choices=", ".join(choices),
                         hint=i18n.text("did_you_mean", lang, guess=given.with_name(
                             close[0]) if given.parent != Path() else close[0]) if close
                         else ""), err=True)
    raise typer.Exit(1)


def _log_file(path: Path | None, out: Path | None, scenario: Path, lang: str) -> Path | None:
    """``--log-file`` checked (:func:`planning.apps.progress.check_log_file`) against
    the results folder of the run (``--out``, or ``results/<scenario name>``)."""
    if path is None:
        return None
    from planning.apps.progress import LogFileError, check_log_file

    results = out
    if results is None:
        try:
            from planning.config.scenario import load_scenario

            results = Path("results") / load_scenario(scenario).scenario.name
        except Exception:  # the run itself reports a malformed scenario
            results = Path("results") / scenario.stem
    try:
        return check_log_file(path, results)
    except LogFileError as exc:
        typer.echo(exc.render(lang), err=True)
        raise typer.Exit(1) from None


def _lang(value: str) -> str:
    try:
        return i18n.check_language(value)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


_format_juta = i18n.number


def _echo_data_ok(lang: str, villages: int, kecamatan: int, programs: int, agencies: int,
                  pagu: float, n_synthetic: int) -> None:
    """The one-line data summary, and the synthetic-data note where it applies."""
    typer.echo(i18n.text("report.ok", lang, villages=villages, kecamatan=kecamatan,
                         programs=programs, agencies=agencies, pagu=_format_juta(pagu, lang)))
    if n_synthetic:
        typer.echo(i18n.text("report.synthetic", lang, n=n_synthetic))


@app.command()
def validate(
    data_dir: Annotated[Path, typer.Argument(help="Folder data set, contoh data/buleleng.")],
    lang: Lang = "id",
) -> None:
    """Periksa semua tabel data set; tampilkan semua masalah sekaligus.
    / Check every table of a data set and list every problem at once."""
    lang = _lang(lang)
    from planning.data.region import is_region

    if is_region(data_dir):
        _validate_region(data_dir, lang)
        return
    report, typed = validate_dataset(data_dir)
    for line in report.lines(lang):
        typer.echo(line)
    if not report.ok:
        typer.echo(i18n.text("report.failed", lang, errors=len(report.errors),
                             warnings=len(report.warnings), folder=data_dir))
        raise typer.Exit(1)
    meta = typed["indicator_metadata"]
    _echo_data_ok(lang, len(typed["villages"]), len(typed["kecamatan"]),
                  len(typed["programs"]), len(typed["agencies"]),
                  float(typed["agencies"]["pagu"].sum()),
                  int((meta["status"] == "synthetic").sum()))


def _validate_region(folder: Path, lang: str) -> None:
    """``planning validate`` on a region folder: one line per district as it is checked,
    the problems, the totals; exit 1 when there are errors."""
    from planning.data.region import validate_region

    result = validate_region(folder, on_district=lambda d: typer.echo(d.line(lang)))
    for line in result.report.lines(lang):
        typer.echo(line)
    typer.echo(result.total(lang))
    if not result.ok:
        raise typer.Exit(1)


generate_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True,
    help="Bangkitkan wilayah sintetis (provinsi, negara) / generate a synthetic region.")
app.add_typer(generate_app, name="generate")
Seed = Annotated[int | None, typer.Option("--seed", help="Seed acak / random seed.")]
Villages = Annotated[int | None, typer.Option(
    "--villages", min=1, help="Jumlah desa/kelurahan / number of villages.")]
Districts = Annotated[int | None, typer.Option(
    "--districts", min=1, help="Jumlah kabupaten/kota (negara: paling sedikit 38, satu per "
                               "provinsi) / number of districts (a country: at least 38).")]
Out = Annotated[Path, typer.Argument(help="Folder tujuan (baru atau kosong) / target folder.")]


def _generate(level: str, out: Path, seed: int | None, villages: int | None,
              districts: int | None, lang: str) -> None:
    """Generate a region folder; a clear message and exit 1 when it cannot be."""
    import time

    from planning.data.synth import SEED
    from planning.data.synth_region import GenerateError, generate_region

    lang = _lang(lang)
    seed = SEED if seed is None else seed
    start = time.perf_counter()
    try:
        generate_region(out, level, villages, seed, n_districts=districts)
    except (GenerateError, OSError) as exc:
        _refused(exc, lang, out)
    from planning.data.region import load_region

    region = load_region(out)
    counts = region.districts[["n_kecamatan", "n_villages"]].sum()
    typer.echo(i18n.text("generate.done", lang, path=out, districts=len(region.districts),
                         provinces=len(region.provinces),
                         kecamatan=i18n.number(int(counts["n_kecamatan"]), lang),
                         villages=i18n.number(int(counts["n_villages"]), lang), seed=seed,
                         seconds=i18n.number(time.perf_counter() - start, lang, 1)))


@generate_app.command("province")
def generate_province(out: Out, seed: Seed = None, villages: Villages = None,
                      districts: Districts = None, lang: Lang = "id") -> None:
    """Provinsi sintetis mirip Bali (kode 51: 9 kabupaten/kota, 57 kecamatan, 716 desa).
    / A synthetic Bali-like province (code 51: 9 districts, 57 kecamatan, 716 villages)."""
    _generate("province", out, seed, villages, districts, lang)


@generate_app.command("country")
def generate_country(out: Out, seed: Seed = None, villages: Villages = None,
                     districts: Districts = None, lang: Lang = "id") -> None:
    """Indonesia sintetis (38 provinsi, 514 kabupaten/kota, 83.700 desa).
    / A synthetic Indonesia (38 provinces, 514 districts, 83,700 villages)."""
    _generate("country", out, seed, villages, districts, lang)


def _refused(exc: Exception, lang: str, out: Path | None):
    """A folder that was not written: the error's own message, or for a file system error
    which folder and why; exit code 1."""
    if isinstance(exc, OSError) and not hasattr(exc, "render"):
        said = i18n.text("score.cannot_write", lang, path=out, detail=exc.strerror or exc)
    else:
        said = exc.render(lang)
    typer.echo(said, err=True)
    raise typer.Exit(1) from None


def _write_run(job, shown: str, out: Path | None, writes: bool = True):
    """``job()`` (a run that writes its results folder), its result; on bad input or a
    folder that cannot be written: the message, that nothing was written (``writes``:
    the job writes a results folder), exit code 1."""
    import logging

    from planning.analysis.region import RegionError
    from planning.analysis.workers import WorkersError
    from planning.config.reading import SettingsError
    from planning.model import ModelError, PresolveError
    from planning.pipeline import NoPlan, ReplanError
    from planning.report.maps import MapError
    from planning.report.roundtrip import RoundTripError

    log = logging.getLogger(__name__)
    try:
        return job()
    except (DataError, ModelError, PresolveError, NoPlan, SettingsError,
            RoundTripError, MapError, ResultsFolderError, WorkersError, ReplanError,
            RegionError) as exc:
        said = [exc.render(shown)] + ([i18n.text("run.nothing_written", shown,
                                                 path=out or "results/<skenario>")]
                                      if writes else [])
    except OSError as exc:
        said = [i18n.text("score.cannot_write", shown, path=out,
                          detail=exc.strerror or exc)]
    for line in said:
        typer.echo(line, err=True)
    log.error("\n".join(said))  # into the log file, when there is one
    raise typer.Exit(1)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(
        help="Berkas skenario (YAML) / scenario file.")] = Path("scenarios/baseline.yaml"),
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder hasil (bawaan: results/<nama skenario>).")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Bahasa: id atau en (bawaan: dari skenario).")] = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data", help="Folder data set, menggantikan 'data' di skenario.")] = None,
    locks: Annotated[Path | None, typer.Option(
        "--locks", help="Buku kerja hasil suntingan (lembar Alokasi): suntingan menjadi "
                        "kunci, sisanya dioptimalkan ulang.")] = None,
    boundary: Annotated[Path | None, typer.Option(
        "--boundary", help="Berkas batas desa (GeoJSON) untuk peta; tanpa ini: peta titik.")
    ] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
    log_file: LogFile = None,
) -> None:
    """Jalankan skenario: skor desa, desa fokus, alokasi program, lalu tulis folder hasil
    (CSV, JSON, gambar, buku kerja). Skenario boleh nama saja: semua-desa berarti
    scenarios/semua-desa.yaml.
    / Run a scenario: village scores, focus villages, the allocation, then write the
    results folder (CSV, JSON, figures, workbook). A bare name means
    scenarios/NAME.yaml."""
    from planning.apps.progress import shown as progress
    from planning.pipeline import run_scenario

    shown = _lang(lang or "id")
    level = _verbosity(quiet, verbose, shown)
    scenario = scenario_file(scenario, shown, say=level > 0)
    log_path = _log_file(log_file, out, scenario, shown)
    with progress(shown, level, log_path, fixed=lang is not None,
                  title=f"planning run {scenario}"):
        result = _write_run(lambda: run_scenario(
            scenario, out, lang=lang and shown, data=data_dir, edited=locks,
            boundary=boundary), shown, out)
    lang = result.summary["language"]
    if getattr(result, "kind", None) == "years":
        _years_report(result, lang, quiet)
        return
    if quiet:
        _final_lines(result, lang)
        return
    head = result.summary["headline"]
    _echo_data_ok(lang, head["villages"], head["kecamatan"], head["programs"],
                  head["agencies"], head["pagu_total_juta"],
                  len(result.summary["synthetic_indicators"]))
    typer.echo(i18n.text("run.focus", lang, n=len(result.summary["focus_villages"])))
    for line in _plan_lines(result.summary["allocation"], result.allocation, lang):
        typer.echo(line)
    for line in _equity_lines(result.summary["equity"], result.allocation, lang):
        typer.echo(line)
    for line in _price_lines(result.summary["price_of_balance"], result.allocation, lang):
        typer.echo(line)
    _final_lines(result, lang, status=False)


@app.command()
def region(
    scenario: Annotated[Path, typer.Argument(
        help="Skenario wilayah (YAML, dengan bagian region:) / region scenario file.")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder hasil (bawaan: results/<nama skenario>).")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Bahasa: id atau en (bawaan: dari skenario).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=0, help="Proses pekerja Dask lokal (0: di proses ini; bawaan: "
                                 "analysis.workers atau satu per inti) / local workers.")
    ] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Alamat klaster Dask yang sudah ada, mis. tcp://host:8786 / an "
                            "existing Dask scheduler.")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
    log_file: LogFile = None,
) -> None:
    """Rencana dua tingkat sebuah provinsi atau negara: kurva anggaran tiap kabupaten,
    pembagian amplop menurut nilai marjinal, rencana MIP tiap kabupaten dalam bagiannya
    (tugas Dask), rencana gabungan dengan selisih tersertifikasi.
    / Two-level plan of a province or the country: each district's budget curve, the
    envelope split by marginal value, each district's MIP within its share (Dask tasks),
    the combined plan with a certified gap."""
    from planning.apps.progress import shown as progress
    from planning.pipeline.region import execute_region, prepare_region

    shown = _lang(lang or "id")
    level = _verbosity(quiet, verbose, shown)
    scenario = scenario_file(scenario, shown, say=level > 0)
    log_path = _log_file(log_file, out, scenario, shown)

    def job():
        result = execute_region(prepare_region(
            scenario, out, lang=lang and shown, workers=workers, scheduler=scheduler,
            progress=level > 0))
        from planning.model.progress import stage

        with stage("write") as found:
            found["path"] = str(result.write())
        return result

    with progress(shown, level, log_path, fixed=lang is not None,
                  title=f"planning region {scenario}"):
        result = _write_run(job, shown, out)
    lang = result.lang
    for line in _region_lines(result, lang)[:2 if quiet else None]:
        typer.echo(line)
    typer.echo(i18n.text("run.written", lang, path=result.out_dir.resolve()))
    typer.echo(i18n.text("run.workbook", lang, path=result.workbook_path.resolve()))
    gap = result.summary["totals"]["gap"]
    max_gap = result.prepared.loaded.scenario.solver.max_gap
    missing = result.summary["districts_without_plan"]
    if gap is None or gap > max_gap:
        typer.echo(i18n.text("run.not_accepted", lang, gap=_percent(gap, lang),
                             max_gap=_percent(max_gap, lang)), err=True)
    if missing:
        typer.echo(i18n.text("region.incomplete", lang, count=len(missing),
                             codes=", ".join(missing)), err=True)
    if gap is None or gap > max_gap or missing:
        raise typer.Exit(NOT_ACCEPTED)


def _region_lines(result, lang: str) -> list[str]:
    """A region's plan in short: the data's status, the combined plan (value, bound,
    certified gap), the envelope and its split, the deprivations removed, the equity
    across districts, and each district without a plan with the reason."""
    from planning.i18n import number

    t = result.summary["totals"]

    def juta(value) -> str:
        return number(value, lang, decimals=0) if value is not None else "-"

    lines = [
        i18n.text("region.line_plan", lang, planned=t["districts_planned"],
                  districts=t["districts"], value=juta(t["value"]), bound=juta(t["bound"]),
                  gap=_percent(t["gap"], lang)),
        result.note,
        i18n.text("region.line_envelope", lang, envelope=juta(t["envelope"]),
                  own=juta(t["pagu_own_total"]), cost=juta(t["cost"]),
                  left=juta(t["not_allocated"])),
        i18n.text("region.line_removed", lang, removed=juta(t["deprivations_removed"]),
                  before=juta(t["deprivations_before"])),
    ]
    if t["spending_per_poor_person_gini"] is not None:
        lines.append(i18n.text(
            "region.line_equity", lang,
            gini=number(t["spending_per_poor_person_gini"], lang, decimals=3),
            low=number(1000 * t["spending_per_poor_person_min"], lang, decimals=0),
            high=number(1000 * t["spending_per_poor_person_max"], lang, decimals=0)))
    for code, why in result.summary["districts_without_plan"].items():
        lines.append(i18n.text("region.line_no_plan", lang, code=code, why=why))
    return lines


def _final_lines(result, lang: str, status: bool = True) -> None:
    """The end of a run's report (all that ``-q`` prints): the plan's status line
    (``status``), where the results and the workbook are, and, for a plan above the
    largest accepted gap, why it is not an accepted plan (exit code 3)."""
    plan = result.summary["allocation"]
    if status:
        typer.echo(_plan_lines(plan, result.allocation, lang)[0])
    typer.echo(i18n.text("run.written", lang, path=result.out_dir.resolve()))
    typer.echo(i18n.text("run.workbook", lang, path=result.workbook_path.resolve()))
    if not plan["accepted"]:
        typer.echo(i18n.text("run.not_accepted", lang, gap=_percent(plan["gap"], lang),
                             max_gap=_percent(plan["max_gap"], lang)), err=True)
        raise typer.Exit(NOT_ACCEPTED)


def _years_report(result, lang: str, quiet: bool) -> None:
    """What ``planning run`` and ``planning replan`` print for a multi-year plan: the
    data line, the plan's status and certified gap, one line per year, each target's
    progress per year (all but the status line left out with ``-q``), where the results
    and the workbook are; exit code 3 for a plan above the largest accepted gap."""
    block = result.summary["years"]
    if not quiet:
        head = result.summary["headline"]
        _echo_data_ok(lang, head["villages"], head["kecamatan"], head["programs"],
                      head["agencies"], head["pagu_total_juta"],
                      len(result.summary["synthetic_indicators"]))
    for line in _years_lines(result, lang)[:1 if quiet else None]:
        typer.echo(line)
    typer.echo(i18n.text("run.written", lang, path=result.out_dir.resolve()))
    typer.echo(i18n.text("run.workbook", lang, path=result.workbook_path.resolve()))
    if not block["accepted"]:
        typer.echo(i18n.text("run.not_accepted", lang, gap=_percent(block["gap"], lang),
                             max_gap=_percent(result.summary["solver"]["max_gap"], lang)),
                   err=True)
        raise typer.Exit(NOT_ACCEPTED)


def _years_lines(result, lang: str) -> list[str]:
    """A multi-year plan in short: its status and certified gap, then per year the
    spending against the pagu, the money for works continued, the deprivations removed
    and the focus villages (entering, graduating), then each RPJMD target's progress per
    year, from summary.json's ``years`` block."""
    from planning.report.labels import plan_label
    from planning.report.years import target_label

    block = result.summary["years"]
    plan = result.plan
    years = block["years"]
    lines = [i18n.text("run.years.status", lang, first=years[0], last=years[-1],
                       status=block["status"], gap=_percent(block["gap"], lang),
                       seconds=_format_juta(getattr(plan, "timings", {}).get(
                           "total", plan.report.runtime), lang, 1))]
    label = plan_label(plan.report, lang)
    if label:
        lines.append(f"  {label.upper()}")
    for row in block["per_year"]:
        share = row["spent"] / row["pagu"] if row["pagu"] else 0.0
        lines.append(i18n.text(
            "run.years.year", lang, year=row["year"],
            recorded=i18n.text("run.years.recorded", lang) if row["recorded"] else "",
            spent=_format_juta(row["spent"], lang), pagu=_format_juta(row["pagu"], lang),
            share=i18n.percent(share, lang), committed=_format_juta(row["committed"], lang),
            removed=_format_juta(row["removed"], lang), focus=row["focus_villages"],
            enters=row["enters"], graduates=row["graduates"]))
    dims = result.dataset.dimensions.set_index("group")[f"label_{lang}"].to_dict()
    targets = plan.targets
    for _, rows in targets.groupby("target", sort=True):
        rows = rows.sort_values("year")
        at_by = rows[rows["year"] == rows["by"]]
        met = bool(at_by["met"].any()) if len(at_by) else False
        progress = ", ".join(f"{int(r.year)} {i18n.percent(_short_of(float(r.share)), lang, 0)}"
                             for r in rows.itertuples(index=False) if r.share == r.share)
        lines.append(i18n.text("run.years.target", lang,
                               target=target_label(rows.iloc[0], lang, dims),
                               progress=progress or "-",
                               met=i18n.text("run.years.met" if met else "run.years.not_met",
                                             lang)))
    return lines


@app.command()
def replan(
    workbook: Annotated[Path, typer.Argument(
        help="Buku kerja multi-tahun dengan Status tahun itu terisi di lembar RKPD <tahun> "
             "/ the multi-year workbook with the year's Status filled in.")],
    year: Annotated[int, typer.Option(
        "--year", help="Tahun yang dicatat, mis. 2026 / the year recorded.")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder hasil baru (bawaan: <folder hasil>-replan-<tahun+1>) / the "
                      "new results folder.")] = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Skenario buku kerja itu (bawaan: yang tercatat di summary.json "
                           "atau lembar Meta) / the workbook's scenario.")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Bahasa: id atau en (bawaan: dari skenario).")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Rencanakan ulang setelah satu tahun: baca realisasi tahun itu (Status selesai /
    sebagian / tidak di lembar RKPD <tahun>), tetapkan sebagai riwayat, lanjutkan
    pekerjaan yang sudah dimulai, dan rencanakan ulang tahun-tahun sisanya ke folder hasil
    baru.
    / Re-plan after a year: read what was delivered (Status on the sheet RKPD <year>), fix
    it as history, continue the works started, and re-plan the remaining years into a new
    results folder."""
    from planning.apps.progress import shown as progress
    from planning.pipeline.years import ReplanError, recorded_scenario, replan_folder
    from planning.pipeline.years import replan as replan_years
    from planning.report.years_roundtrip import workbook_years

    shown = _lang(lang or "id")
    level = _verbosity(quiet, verbose, shown)
    if scenario is None and workbook.is_file():  # a file that is no multi-year workbook
        _write_run(lambda: workbook_years(workbook), shown,  # is told as such first
                   out or replan_folder(workbook, year))
        found = recorded_scenario(workbook)
        if found is None:
            typer.echo(ReplanError("no_scenario", workbook=workbook).render(shown), err=True)
            raise typer.Exit(1)
        scenario = _recorded_scenario(workbook.parent, found, workbook, shown)
    with progress(shown, level, None, fixed=lang is not None,
                  title=f"planning replan {workbook} --year {year}"):
        result = _write_run(lambda: _replanned(replan_years(
            workbook, year, scenario or Path("-"), out, lang=lang and shown)), shown,
            out or replan_folder(workbook, year))
    lang = result.summary["language"]
    done = result.summary["replan"]
    if not quiet:
        typer.echo(i18n.text("replan.read", lang, year=done["year"], workbook=workbook,
                             done=done["done"], partly=done["partly"],
                             not_done=done["not_done"],
                             delivered=_format_juta(done["units_delivered"], lang),
                             planned=_format_juta(done["units_planned"], lang)))
    _years_report(result, lang, quiet)


def _replanned(result):
    """Write a re-plan's results folder (a stage of the progress); the result."""
    _write(result)
    return result


def _write(result) -> None:
    from planning.model.progress import stage

    with stage("write") as found:
        result.write()
        found["path"] = str(result.out_dir)


@app.command()
def analyse(
    scenario: Annotated[Path, typer.Argument(
        help="Berkas skenario (YAML) / scenario file.")] = Path("scenarios/baseline.yaml"),
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder hasil (bawaan: results/<nama skenario>).")] = None,
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Hanya analisis ini (boleh berulang atau dipisah koma): prices, "
                       "curves, why, alternatives, robustness / only these analyses "
                       "(repeatable or comma-separated).")] = None,
    rules: Annotated[list[str] | None, typer.Option(
        "--rule", help="Harga hanya untuk aturan ini (boleh berulang), mis. "
                       "kecamatan_share / price only this rule (repeatable).")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="Bahasa: id atau en (bawaan: dari skenario).")] = None,
    alternatives: Annotated[int | None, typer.Option(
        "--alternatives", min=0, max=50, help="K rencana alternatif hampir setara "
        "(bawaan: analysis.alternatives di skenario) / K near-optimal alternatives.")] = None,
    share: Annotated[float | None, typer.Option(
        "--share", min=0.0001, max=0.5, help="Alternatif paling jauh sekian di bawah rencana "
        "terbaik, mis. 0.02 / at most this share below the best plan.")] = None,
    distance: Annotated[int | None, typer.Option(
        "--distance", min=1, help="D: alternatif berbeda paling sedikit D pilihan "
        "desa-program / D: the fewest differing choices.")] = None,
    robustness: Annotated[int | None, typer.Option(
        "--robustness", min=0, max=100_000, help="N undian ketahanan / N robustness "
        "draws.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="Benih undian ketahanan / seed of the draws.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Alamat klaster Dask yang sudah ada, mis. tcp://host:8786 "
        "(bawaan: klaster lokal) / an existing Dask cluster.")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=0, help="Proses pekerja klaster lokal (bawaan: satu per inti; 0: "
        "tanpa Dask) / local worker processes.")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
    log_file: LogFile = None,
) -> None:
    """Analisis untuk rapat koordinasi: harga setiap aturan, kurva anggaran dan nilai
    marjinal setiap pagu, mengapa dan mengapa tidak per desa; ditulis ke folder hasil dan
    buku kerja (lembar Harga Aturan, Kurva Anggaran, Mengapa).
    / Analysis for the coordination meeting: the price of each rule, budget curves and the
    marginal value of each pagu, why and why not per village; written into the results
    folder and the workbook."""
    from planning.analysis.rakor import ANALYSES, MANY
    from planning.analysis.rakor.rule_prices import UnusedRule
    from planning.apps.progress import shown as progress
    from planning.pipeline import analyse_scenario
    from planning.pipeline.years import OneYearOnly

    shown = _lang(lang or "id")
    level = _verbosity(quiet, verbose, shown)
    only = [n.strip() for given in only or () for n in given.split(",") if n.strip()]
    unknown = sorted(set(only) - set(ANALYSES) - set(MANY))
    if unknown:
        typer.echo(i18n.text("analyse.unknown", shown, names=", ".join(unknown),
                             known=", ".join((*ANALYSES, *MANY))), err=True)
        raise typer.Exit(2)
    chosen = set(only or ANALYSES)
    many = {"alternatives": alternatives, "share": share, "distance": distance,
            "robustness": robustness, "seed": seed, "scheduler": scheduler,
            "workers": workers}
    for name in MANY:
        if only and name not in chosen:
            if many[name]:  # asked for by its count, left out by --only: say so
                typer.echo(i18n.text("analyse.only_leaves_out", shown, name=name,
                                     count=many[name], only=",".join(only)), err=True)
                raise typer.Exit(2)
            many[name] = 0
        elif only and many[name] == 0:  # --only alternatives --alternatives 0
            typer.echo(i18n.text("analyse.zero_count", shown, name=name), err=True)
            raise typer.Exit(2)
    _refuse_unused_options(shown, only, chosen, rule=rules, share=share,
                           distance=distance, seed=seed)
    scenario = scenario_file(scenario, shown, say=level > 0)
    log_path = _log_file(log_file, out, scenario, shown)
    try:
        with progress(shown, level, log_path, fixed=lang is not None,
                      title=f"planning analyse {scenario}"):
            result = _write_run(lambda: analyse_scenario(
                scenario, out, lang=lang and shown,
                which=tuple(a for a in ANALYSES if a in chosen) if only else None,
                rules=rules, named=tuple(chosen & set(MANY)), progress=level > 0, **many),
                shown, out)
    except (OneYearOnly, UnusedRule) as exc:  # an analysis or rule that does not apply
        typer.echo(exc.render(shown), err=True)
        raise typer.Exit(2) from None
    lang = result.summary["language"]
    if not quiet:
        for line in _analysis_lines(result, lang):
            typer.echo(line)
    typer.echo(i18n.text("run.written", lang, path=result.out_dir.resolve()))
    typer.echo(i18n.text("run.workbook", lang, path=result.workbook_path.resolve()))


#: an option of ``planning analyse`` -> the analysis that uses it
OPTION_OF = {"rule": "prices", "share": "alternatives", "distance": "alternatives",
             "seed": "robustness"}


def _refuse_unused_options(lang: str, only: list[str], chosen: set[str], **given) -> None:
    """Exit code 2 for an option whose analysis ``--only`` leaves out (``--rule`` with
    ``--only curves``, ``--share`` with ``--only prices``): it would change nothing; and for
    a ``--rule`` that names no rule the analysis prices."""
    from planning.analysis.rakor.rule_prices import RULES_OFF

    unknown = sorted(set(given.get("rule") or ()) - set(RULES_OFF))
    if unknown:
        typer.echo(i18n.text("analyse.unknown_rule", lang, names=", ".join(unknown),
                             known=", ".join(RULES_OFF)), err=True)
        raise typer.Exit(2)
    for name, value in given.items():
        if only and value not in (None, []) and OPTION_OF[name] not in chosen:
            typer.echo(i18n.text("analyse.option_unused", lang, option=name,
                                 analysis=OPTION_OF[name], only=",".join(only)), err=True)
            raise typer.Exit(2)


def _analysis_lines(result, lang: str) -> list[str]:
    """The console's account of the analyses: each rule's price, the marginal value of
    each pagu, and how many villages and items are explained."""
    from planning.analysis.equity import dimension_units
    from planning.i18n.glossary import coded
    from planning.report.analysis import rule_label

    analysis, ds = result.analysis, result.dataset
    lines = []
    if analysis.prices is not None:
        labels = ds.dimensions.set_index("group")[f"label_{lang}"]
        units = dimension_units(ds)
        lines.append(i18n.text("analyse.rule_prices", lang))
        for p in analysis.prices.itertuples(index=False):
            name = rule_label(p.rule, lang)
            if p.objective_without is None or p.objective_without != p.objective_without:
                lines.append("  " + i18n.text("analyse.rule_no_plan", lang, rule=name,
                                              status=coded("solve", p.status, lang)))
                continue
            changes = ", ".join(
                f"{labels.get(d, d)} {i18n.signed(getattr(p, f'change_{d}'), lang, 0)} "
                f"{i18n.text(f'equity.unit.{units[d]}', lang)}"
                for d in labels.index if f"change_{d}" in analysis.prices.columns)
            lines.append("  " + i18n.text(
                "analyse.rule_price", lang, rule=name, low=i18n.number(p.price_low_pct, lang, 2),
                high=i18n.number(p.price_high_pct, lang, 2), changes=changes))
        lines += _ran_on(analysis.runs.get("prices"), lang)
    if analysis.district is not None:
        from planning.analysis.rakor.curves import Marginal, curve_lines, marginal_lines

        lines += curve_lines(analysis.district, lang)
        lines += marginal_lines(result.allocation.instance,
                                Marginal(analysis.marginal, analysis.purchases), lang)
        lines += _ran_on(analysis.runs.get("curves"), lang)
    if analysis.villages is not None:
        lines.append(i18n.text("analyse.why", lang, villages=len(analysis.villages),
                               entries=0 if analysis.entries is None else len(analysis.entries)))
    if analysis.alternatives is not None:
        from planning.analysis.alternatives import overview, summary

        alts = analysis.alternatives
        lines.append(overview(alts, lang))
        lines += ["  " + summary(a, lang, alts.labels) for a in alts.alternatives]
    if analysis.robustness is not None:
        from planning.report.robustness import summary_lines

        lines += summary_lines(analysis.robustness, analysis.workers, lang)
    return lines


def _ran_on(run: dict | None, lang: str) -> list[str]:
    """How the tasks of one analysis ran on Dask (none: it ran in this process)."""
    if not run:
        return []
    return ["  " + i18n.text(
        "many.workers", lang, workers=run.get("workers", 0),
        retried=", ".join(str(i) for i in run.get("retried", [])) or "-",
        failed=", ".join(str(i) for i in run.get("failed", {})) or "-")]


@app.command()
def adopt(
    results: Annotated[Path, typer.Argument(
        help="Folder hasil 'planning analyse --alternatives K' / results folder.")],
    rank: Annotated[int, typer.Argument(min=1, help="Nomor alternatif / the alternative's "
                                                    "number.")],
    out: Annotated[Path, typer.Option(
        "--out", help="Berkas skenario baru (YAML), mis. scenarios/alternatif-1.yaml / the "
                      "new scenario file.")],
    name: Annotated[str | None, typer.Option(
        "--name", help="Nama skenario baru (bawaan: nama berkas) / its name.")] = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Skenario asal hasil itu (bawaan: yang tercatat di summary.json) "
                           "/ the scenario the results came from.")] = None,
    lang: Lang = "id",
) -> None:
    """Ambil alternatif sebagai rencana: tulis skenario baru yang mengunci pilihan
    desa-program alternatif itu (berkas yang sudah ada tidak pernah ditimpa); jalankan
    dengan 'planning run' dan bandingkan dengan 'planning compare'.
    / Take an alternative as the plan: write a new scenario whose locks fix its
    village-programme choices (an existing file is never overwritten)."""
    from planning.analysis.alternatives import (
        AdoptError,
        ScenarioExistsError,
        choice_locks,
        read_adoptable,
        write_locked_scenario,
    )
    from planning.config.scenario import Scenario
    from planning.model import build_instance
    from planning.pipeline.preparing import prepare
    from planning.report.folder import read_marker

    shown = _lang(lang)
    if out.suffix.lower() not in (".yaml", ".yml"):  # a scenario is a YAML file
        typer.echo(i18n.text("adopt.not_yaml", shown, path=out), err=True)
        raise typer.Exit(2)
    plans_path, summary_path = results / "analysis_alternatives_plans.csv", \
        results / "summary.json"
    if not results.is_dir():
        typer.echo(i18n.text("adopt.no_folder", shown, path=results), err=True)
        raise typer.Exit(1)
    if not plans_path.is_file() or not summary_path.is_file():
        marker = read_marker(results) or {}
        where = results if marker.get("kind", "run") in ("run", "years") else \
            Path("results") / "<nama>" if shown == "id" else Path("results") / "<name>"
        typer.echo(i18n.text("adopt.no_alternatives", shown, path=results, out=where),
                   err=True)
        raise typer.Exit(1)
    try:
        plans, ran = read_adoptable(results)
    except AdoptError as exc:
        typer.echo(exc.render(shown), err=True)
        raise typer.Exit(1) from None
    ranks = sorted(int(r) for r in set(plans["rank"]) - {0})
    if rank not in ranks:
        typer.echo(i18n.text("adopt.unknown_rank", shown, rank=rank, path=plans_path,
                             ranks=", ".join(map(str, ranks)) or "-"), err=True)
        raise typer.Exit(1)
    scenario = scenario or _recorded_scenario(results, ran["file"], results, shown)
    prepared = _write_run(lambda: prepare(scenario, check_out=False), shown, None,
                          writes=False)
    name_ran = (ran.get("settings") or {}).get("name")
    if name_ran is not None and prepared.loaded.scenario.name != name_ran:
        typer.echo(i18n.text("adopt.other_scenario", shown, scenario=scenario,
                             name=prepared.loaded.scenario.name, results=results,
                             ran=name_ran), err=True)
        raise typer.Exit(1)
    changed = _changed_keys(ran.get("settings"), prepared.loaded.as_run())
    if changed:  # the alternative was found under the scenario as it was then
        typer.echo(i18n.text("adopt.scenario_changed", shown, scenario=scenario,
                             results=results, keys=", ".join(changed)), err=True)
        raise typer.Exit(1)
    try:
        Scenario._folder_name(name or out.stem)
    except ValueError:
        typer.echo(i18n.text("adopt.bad_name", shown, name=name or out.stem), err=True)
        raise typer.Exit(2) from None
    instance = build_instance(prepared.dataset, prepared.scores.table, prepared.settings)
    pairs = list(zip(instance.pairs["village"], instance.pairs["program"], strict=True))
    mine = plans[(plans["rank"] == rank) & (plans["units"] > 0)]
    chosen = set(zip(mine["village"], mine["program"], strict=True))
    head = f"# Alternatif {rank} / alternative {rank} of {results.as_posix()}\n"
    try:
        written = write_locked_scenario(choice_locks(chosen, pairs), scenario, out,
                                        name or out.stem, rank, head)
    except ScenarioExistsError:
        typer.echo(i18n.text("adopt.exists", shown, path=out), err=True)
        raise typer.Exit(1) from None
    typer.echo(i18n.text("adopt.written", shown, rank=rank, path=written,
                         choices=len(chosen), results=results, name=name or out.stem))


def _changed_keys(recorded: dict | None, now: dict) -> list[str]:
    """The top-level settings (and ``budgets.agencies`` and the like, one level down) that
    differ between a run's recorded settings and the scenario file as it reads now
    (compared as JSON: both as summary.json holds them), leaving out those that do not
    shape a plan (description, analysis, output); none when nothing is recorded."""
    import json

    if not isinstance(recorded, dict):
        return []
    now = json.loads(json.dumps(now))
    changed = []
    for key in sorted(set(recorded) | set(now)):
        if key in ("description", "analysis", "output") or recorded.get(key) == now.get(key):
            continue
        a, b = recorded.get(key), now.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            changed += [f"{key}.{k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        else:
            changed.append(key)
    return changed


def _recorded_scenario(results: Path, recorded: str, what: Path, lang: str) -> Path:
    """The scenario file summary.json (or the Meta sheet) records, relative to the
    project folder it ran in: as given from here, else from the nearest folder above the
    results folder where it exists (a results folder inside its project, read from
    anywhere). When none has it (the results or the workbook were moved away from their
    project): a message naming ``what`` (the results folder or workbook), the scenario it
    records and ``--scenario``, exit code 1."""
    given = Path(recorded)
    if given.is_file():
        return given
    if not given.is_absolute():
        for folder in results.resolve().parents:
            if (folder / given).is_file():
                return folder / given
    typer.echo(i18n.text("cli.recorded_scenario_missing", lang, what=what, scenario=recorded),
               err=True)
    raise typer.Exit(1)


@app.command()
def compare(
    a: Annotated[Path, typer.Argument(help="Folder hasil A (atau skenario A, .yaml).")],
    b: Annotated[Path, typer.Argument(help="Folder hasil B (atau skenario B, .yaml).")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder perbandingan (bawaan: results/compare_<A>_<B>).")] = None,
    lang: Lang = "id",
) -> None:
    """Bandingkan dua hasil (folder hasil, atau dua skenario yang dijalankan dulu): desa
    yang didapat dan hilang per lembaga, Rupiah yang berpindah per lembaga dan kecamatan,
    nilai tujuan dan deprivasi teratasi.
    / Compare two results (results folders, or two scenarios run first): villages gained
    and lost per agency, Rupiah moved per agency and kecamatan, objective and deprivations
    removed."""
    from planning.analysis.compare import CompareError, compare_folders
    from planning.config.reading import SettingsError
    from planning.config.scenario import load_scenario
    from planning.model import ModelError, PresolveError
    from planning.pipeline import NoPlan, run_scenario
    from planning.report.compare import comparison_files, summary_lines
    from planning.report.folder import check_target

    lang = _lang(lang)
    scenarios = [given if given.suffix in (".yaml", ".yml") else None for given in (a, b)]
    try:  # where each scenario's run goes (results/<name>), before anything runs
        folders = [Path("results") / load_scenario(given).scenario.name
                   if given is not None else folder
                   for given, folder in zip(scenarios, (a, b), strict=True)]
    except SettingsError as exc:
        typer.echo(exc.render(lang), err=True)
        raise typer.Exit(1) from None
    if any(scenarios) and Path(os.path.abspath(folders[0])) == Path(os.path.abspath(
            folders[1])):  # B's run would replace A's: the folder compared with itself
        typer.echo(i18n.text("compare.same_folder", lang, a=a, b=b, folder=folders[0]),
                   err=True)
        raise typer.Exit(1)
    if folders[0].name == folders[1].name:
        labels = ("A", "B")
    else:
        labels = (folders[0].name, folders[1].name)
    target = out or Path("results") / f"compare_{labels[0]}_{labels[1]}"
    try:
        check_target(target, folders, "compare")  # a wrong --out before any run
    except ResultsFolderError as exc:
        typer.echo(exc.render(lang), err=True)
        raise typer.Exit(1) from None
    for i, given in enumerate(scenarios):
        if given is None:
            continue
        try:
            folders[i] = run_scenario(given, lang=lang).out_dir
        except (DataError, ModelError, PresolveError, NoPlan, SettingsError,
                ResultsFolderError) as exc:
            typer.echo(exc.render(lang), err=True)
            raise typer.Exit(1) from None
    try:
        result = compare_folders(folders[0], folders[1], labels=labels)
    except CompareError as exc:
        typer.echo(exc.render(lang), err=True)
        raise typer.Exit(1) from None
    for line in summary_lines(result, lang):
        typer.echo(line)
    try:
        written = write_folder(target, comparison_files(result, lang, workbook=True),
                               kind="compare", protect=folders)
    except ResultsFolderError as exc:
        typer.echo(exc.render(lang), err=True)
        raise typer.Exit(1) from None
    typer.echo(i18n.text("run.written", lang, path=written.resolve()))


#: exit code of ``planning run`` when the plan's certified gap is above solver.max_gap
NOT_ACCEPTED = 3


def _short_of(share: float) -> float:
    """A target's progress for a whole-per-cent display: a share short of the target that
    would round to 100 % (99.93 %) shows as 99 %, so it never reads as met when it is not."""
    return 0.99 if 0.995 <= share < 1 - 1e-9 else share


def _percent(value: float | None, lang: str) -> str:
    return "-" if value is None else i18n.percent(value, lang, 2)


def _plan_lines(summary: dict, allocation, lang: str) -> list[str]:
    """The short plan summary: status, deprivations removed, baselines, spending."""
    from planning.i18n import text

    lines = [text("run.plan_status", lang, status=summary["status"],
                  solver=f"{summary['solver']} {summary['solver_version']}",
                  gap=_percent(summary["gap"], lang),
                  seconds=_format_juta(allocation.report.runtime, lang, 1))]
    if summary["label"]:
        lines.append(f"  {summary['label'].upper()}")
    lines += [f"  {w.render(lang)}" for w in allocation.warnings]
    lines.append(text("run.removed", lang,
                      removed=_format_juta(summary["deprivations_removed"], lang),
                      before=_format_juta(summary["deprivations_before"], lang)))
    labels = allocation.instance.labels[f"dimension_{lang}"]
    by_dim = ", ".join(f"{labels[d]} {_format_juta(v, lang)}"
                       for d, v in summary["removed_by_dimension"].items())
    lines.append(f"  {by_dim}")
    base = summary["baselines"]
    lines.append(text("run.baselines", lang,
                      greedy=_format_juta(base["greedy"]["removed"], lang),
                      equal=_format_juta(base["equal_split"]["removed"], lang)))
    lines.append(text("run.spending", lang, used=_format_juta(summary["spending_total"], lang),
                      pagu=_format_juta(summary["pagu_total"], lang)))
    agencies = allocation.tables.agencies
    for row in agencies.itertuples(index=False):
        lines.append(f"  {row.agency:<16} Rp {_format_juta(row.used, lang):>7} / "
                     f"{_format_juta(row.pagu, lang):>7} ({_percent(row.share_used, lang)})")
    return lines


def _equity_lines(equity: dict, allocation, lang: str) -> list[str]:
    """The short equity block, from summary.json's ``equity`` block: deprivations removed
    per dimension in the dimension's own unit (never added across dimensions), the
    largest village share of spending, the token villages, the programmes left unused and
    why, and the Gini and Theil of spending per deprivation."""
    from planning.i18n import text

    dims = allocation.instance.labels[f"dimension_{lang}"]
    names = allocation.instance.villages.set_index("code")["name"]
    lines = [text("run.equity.heading", lang)]
    nothing = {row["dimension"]: row["reason"] for row in equity["nothing_removed"]}
    for row in equity["dimensions"]:
        d = row["dimension"]
        unit = text(f"equity.unit.{row['unit']}", lang) if row["unit"] else ""
        lines.append(text("run.equity.dimension", lang, dimension=dims.get(d, d),
                          removed=_format_juta(row["removed"], lang),
                          deprived=_format_juta(row["deprived"], lang), unit=unit,
                          share=i18n.percent(row["share_removed"], lang)))
        if d in nothing:
            lines.append(text("run.equity.nothing", lang,
                              reason=text(f"equity.reason.{nothing[d]}", lang)))
    top = equity["largest_village"]
    if top["village"] is not None:
        lines.append(text("run.equity.largest", lang,
                          village=f"{top['village']} {names.get(top['village'], '')}".strip(),
                          share=i18n.percent(top["share"], lang)))
    token, rule = equity["token_villages"], equity["token_rule"]
    lines.append(text("run.equity.token", lang, n=len(token),
                      villages=", ".join(token) or "-", programs=rule["max_programs"],
                      cost=_format_juta(rule["max_cost"], lang)))
    unused = equity["unused_programs"]
    lines.append(text("run.equity.unused", lang, n=len(unused)))
    for row in unused:
        key = "run.equity.unused_alternative" if row["alternative"] else \
            "run.equity.unused_program"
        lines.append(text(key, lang, program=row["program"], agency=row["agency"],
                          reason=text(f"equity.reason.{row['reason']}", lang),
                          alternative=row["alternative"]))
    lines.append(text("run.equity.spread", lang, gini=_index(equity["gini"], lang),
                      theil=_index(equity["theil"], lang)))
    return lines


def _price_lines(price: dict, allocation, lang: str) -> list[str]:
    """The price of balance, from summary.json's ``price_of_balance`` block: what it is
    (or why there is none), the balance settings on, per dimension the change in its own
    unit (this plan - the pure efficiency plan: "Air minum: -120 rumah tangga; Sanitasi:
    +210 rumah tangga"), their sum in deprivations of mixed units, and both plans' status,
    certified gap, spending, largest village share, token villages, unused programmes and
    lowest agency absorption."""
    from planning.i18n import text

    lines = [text("run.price.heading", lang)]
    if price["state"] != "computed":
        lines.append(text("run.price.note", lang, note=text(
            f"price.note.{price['state']}", lang, status=price["efficient_status"] or "-")))
    if price["balance_settings"]:
        lines.append(text("run.price.settings", lang, settings="; ".join(
            f"{text(f'price.setting.{k}', lang)} {_setting(v, lang)}"
            for k, v in price["balance_settings"].items())))
    if price["dimensions"] is not None:
        dims = allocation.instance.labels[f"dimension_{lang}"]
        lines.append(text("run.price.changes", lang, changes="; ".join(
            text("run.price.change", lang, dimension=dims.get(r["dimension"], r["dimension"]),
                 change=i18n.signed(r["change"], lang, 0),
                 unit=text(f"equity.unit.{r['unit']}", lang) if r["unit"] else "").strip()
            for r in price["dimensions"])))
        lines.append(text("run.price.total", lang, change=i18n.signed(
            price["change_deprivations_mixed_units"], lang, 0)))
    for which in ("efficient", "balanced"):
        plan = price[f"{which}_plan"]
        if plan is not None:
            lines.append(_price_plan_line(plan, text(f"price.plan.{which}", lang), lang))
    return lines


def _setting(value: object, lang: str) -> str:
    """A balance setting's value for reading: a number with ``lang``'s separators, or
    "code value" pairs for one value per dimension."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_setting(v, lang)}" for k, v in value.items())
    if not isinstance(value, int | float):
        return str(value)
    decimals = len(f"{float(value):.4f}".rstrip("0").split(".")[1])  # as written, to 4
    return i18n.number(value, lang, decimals)


def _price_plan_line(plan: dict, name: str, lang: str) -> str:
    """One plan's figures on one line (summary.json's ``*_plan`` of the price block)."""
    from planning.i18n import text

    low = plan["lowest_absorption"]
    return text("run.price.plan", lang, plan=name, status=plan["status"],
                gap=_percent(plan["gap"], lang),
                spending=_format_juta(plan["spending"], lang),
                share=i18n.percent(plan["largest_share"], lang),
                token=plan["token_villages"], unused=plan["unused_programs"],
                absorption="-" if low is None else i18n.percent(low, lang),
                agency=plan["lowest_agency"] or "-")


def _index(value: float | None, lang: str) -> str:
    return "-" if value is None else _format_juta(value, lang, 3)


def _opt(name: str, help_text: str, **kw):
    return typer.Option(name, help=help_text, show_default=False, **kw)


@app.command()
def score(
    data_dir: Annotated[Path | None, _opt(
        "--data", "Folder data set (bawaan data/buleleng, atau data: di skenario).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder hasil.")] = Path("results/scores"),
    lang: Lang = "id",
    scenario: Annotated[Path | None, _opt(
        "--scenario", "Berkas skenario YAML (bagian data: dan scoring:); opsi lain menimpa "
        "isinya.")] = None,
    per_kecamatan: Annotated[int | None, _opt(
        "--per-kecamatan", "Jumlah desa fokus per kecamatan (bawaan 3).")] = None,
    rule: Annotated[str | None, _opt(
        "--rule", "Aturan prioritas: poverty (bawaan) atau blend.")] = None,
    alpha: Annotated[float | None, _opt(
        "--alpha", "Untuk blend: bobot peringkat potensi, 0..1 (bawaan 0.3).")] = None,
    include_kelurahan: Annotated[bool | None, _opt(
        "--include-kelurahan/--exclude-kelurahan",
        "Ikutkan kelurahan dalam pilihan (bawaan: tidak).")] = None,
    force_in: Annotated[list[str] | None, _opt(
        "--force-in", "Kode desa yang pasti dipilih (boleh diulang).")] = None,
    force_out: Annotated[list[str] | None, _opt(
        "--force-out", "Kode desa yang tidak boleh dipilih (boleh diulang).")] = None,
    normalisation: Annotated[str | None, _opt(
        "--normalisation", "Indeks kemiskinan: minmax (bawaan), zscore atau rank.")] = None,
    weighting: Annotated[str | None, _opt(
        "--weighting", "Indeks kemiskinan: equal (bawaan), user, pca atau entropy.")] = None,
    aggregation: Annotated[str | None, _opt(
        "--aggregation", "Indeks kemiskinan: arithmetic (bawaan) atau geometric.")] = None,
    weight: Annotated[list[str] | None, _opt(
        "--weight", "Bobot user indeks kemiskinan NAMA=ANGKA, NAMA = dimensi atau indikator "
        "(boleh diulang; perlu --weighting user).")] = None,
    potential_normalisation: Annotated[str | None, _opt(
        "--potential-normalisation", "Indeks potensi: minmax, zscore atau rank.")] = None,
    potential_weighting: Annotated[str | None, _opt(
        "--potential-weighting", "Indeks potensi: equal, pca atau entropy.")] = None,
    potential_aggregation: Annotated[str | None, _opt(
        "--potential-aggregation", "Indeks potensi: arithmetic atau geometric.")] = None,
    draws: Annotated[int | None, _opt(
        "--draws", "Jumlah undian uji stabilitas (bawaan 1000; 0 = tanpa).")] = None,
    clusters: Annotated[int | None, _opt(
        "--clusters", "Jumlah klaster tipologi (bawaan: dipilih dengan silhouette).")] = None,
    seed: Annotated[int | None, _opt("--seed", "Seed acak (bawaan 2020).")] = None,
) -> None:
    """Nilai setiap desa, pilih desa fokus per kecamatan, uji stabilitasnya, bandingkan
    dengan desa fokus 2020, dan tulis tabel serta laporan.
    / Score every village, pick the focus villages per kecamatan, test their stability,
    compare with the 2020 focus villages, and write the tables and a report."""
    from planning.config import options as scoring_settings
    from planning.data.summary import headline
    from planning.pipeline import execute, prepare_scores

    lang = _lang(lang)
    if scenario is not None:
        scenario = scenario_file(scenario, lang)
    given = {"--per-kecamatan": per_kecamatan, "--rule": rule, "--alpha": alpha,
             "--include-kelurahan": include_kelurahan, "--force-in": force_in,
             "--force-out": force_out, "--normalisation": normalisation,
             "--weighting": weighting, "--aggregation": aggregation, "--weight": weight,
             "--potential-normalisation": potential_normalisation,
             "--potential-weighting": potential_weighting,
             "--potential-aggregation": potential_aggregation, "--draws": draws,
             "--clusters": clusters, "--seed": seed}
    try:
        resolved = scoring_settings.resolve(scenario, data_dir,
                                            scoring_settings.options(given))
        prepared = prepare_scores(resolved, lang, out)
        result = execute(prepared)
    except scoring_settings.SettingsError as exc:
        typer.echo(exc.render(lang), err=True)
        typer.echo(i18n.text("score.failed", lang), err=True)
        raise typer.Exit(exc.exit_code) from None
    except DataError as exc:
        typer.echo(exc.render(lang), err=True)
        raise typer.Exit(1) from None
    ds, report = result.dataset, result.report
    head = headline(ds)
    _echo_data_ok(lang, head["villages"], head["kecamatan"], head["programs"],
                  head["agencies"], head["pagu_total_juta"], len(ds.synthetic_indicators()))
    if resolved.scenario is not None and resolved.scenario.unused:
        typer.echo(i18n.text("settings.unused", lang,
                             keys=", ".join(resolved.scenario.unused)))
    for line in report.console():
        typer.echo(line)
    try:
        target = result.write()
    except (ResultsFolderError, OSError) as exc:
        _refused(exc, lang, out)
    typer.echo(i18n.text("score.written", lang, path=target.resolve(),
                         report=report.report_name))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
