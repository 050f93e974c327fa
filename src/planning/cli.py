"""The ``planning`` command line: validate a data set, run the main job.

User errors (bad data, a missing folder) print a clear report and exit non-zero, never a
traceback. Exit codes: 0 success, 1 the data or scenario has errors, 2 wrong usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planning import i18n
from planning.data import DataError, validate_dataset

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Perencanaan program penanggulangan kemiskinan desa / village poverty-programme "
         "planning.",
)

Lang = Annotated[str, typer.Option("--lang", help="Bahasa pesan: id (default) atau en.")]


def _lang(value: str) -> str:
    try:
        return i18n.check_language(value)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def _format_juta(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", ".") if lang == "id" else text


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


@app.command()
def run(
    data_dir: Annotated[Path, typer.Option("--data", help="Folder data set.")] = Path(
        "data/buleleng"),
    out: Annotated[Path, typer.Option("--out", help="Folder hasil.")] = Path(
        "results/baseline"),
    lang: Lang = "id",
) -> None:
    """Jalankan pekerjaan utama pada data set dan tulis folder hasil.
    / Run the main job on a data set and write the results folder."""
    from planning.run import run as run_job

    lang = _lang(lang)
    try:
        result = run_job(data_dir, out)
    except DataError as exc:
        typer.echo(exc.render(lang), err=True)
        raise typer.Exit(1) from None
    head = result.summary["headline"]
    _echo_data_ok(lang, head["villages"], head["kecamatan"], head["programs"],
                  head["agencies"], head["pagu_total_juta"],
                  len(result.summary["synthetic_indicators"]))
    typer.echo(i18n.text("run.focus", lang, n=len(result.summary["focus_villages"])))
    typer.echo(i18n.text("run.written", lang, path=result.out_dir.resolve()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
