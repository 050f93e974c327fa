"""The workbook of a real run on paper and in a spreadsheet program: every visible sheet
carries the banner (data note, scenario, run date) and a print setup (A4, fit to the page
width, header rows repeated, page header and footer with "halaman x dari y"); LibreOffice
prints the whole workbook in about 20 pages; its money columns are formulas that
LibreOffice recomputes when a planner changes units, and the round trip still reads the
recalculated workbook."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planning.pipeline import run_scenario
from planning.report.roundtrip import edits_as_locks, read_edited

from .conftest import ROOT

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; `make system-deps` "
    "installs libreoffice-calc-nogui as root on Debian")
BOOK = "rencana_alokasi.xlsx"
HEADER = 4
"""The row of the Alokasi header, under the banner."""
PAGES = 22
"""Pages the baseline workbook may print on at most (the issue's target: about 20; it
prints on 21 on LibreOffice 7.4: one per sheet, two for Alokasi)."""
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@pytest.fixture(scope="module")
def run(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", "1764633600")  # 2 December 2025, UTC
    return run_scenario(ROOT / "scenarios" / "baseline.yaml",
                        tmp_path_factory.mktemp("print") / "r")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def soffice(tmp_path: Path, target: str, source: Path, out: Path) -> Path:
    """``source`` converted by LibreOffice headless (own profile) into ``out``."""
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", target, "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    made = out / f"{source.stem}.{target.split(':')[0]}"
    assert made.is_file(), (done.stdout, done.stderr)
    return made


def test_every_sheet_shows_the_data_note_scenario_and_run_date(run):
    book = openpyxl.load_workbook(run.out_dir / BOOK, read_only=True)
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert len(visible) >= 18
    for ws in visible:
        first, second = (row[0] for row in ws.iter_rows(max_row=2, max_col=1,
                                                         values_only=True))
        assert first.startswith("PERHATIAN: ") and "SINTETIS" in first, ws.title
        assert second == "Skenario: baseline · tanggal perhitungan: 2 Desember 2025 · uang dalam " \
            "juta Rp", ws.title


def test_every_sheet_has_its_print_setup(run):
    """A4, fit to one page wide, the table header repeated where a sheet has one long
    table, the sheet and data note in the page header, the scenario, run date and page
    number in the footer."""
    path = run.out_dir / BOOK
    book = openpyxl.load_workbook(path)
    names = [ws.title for ws in book.worksheets]
    with zipfile.ZipFile(path) as archive:  # xlsxwriter numbers the sheets' parts in order
        parts = {name: archive.read(f"xl/worksheets/sheet{i}.xml").decode()
                 for i, name in enumerate(names, start=1)}
    for ws in book.worksheets:
        xml = parts[ws.title]
        if ws.sheet_state != "visible":
            assert "<headerFooter>" not in xml, ws.title
            continue
        setup = ws.page_setup
        assert setup.paperSize == 9 and setup.orientation in ("portrait", "landscape")
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0, ws.title
        header = re.search(r"<oddHeader>(.*?)</oddHeader>", xml)[1]
        footer = re.search(r"<oddFooter>(.*?)</oddFooter>", xml)[1]
        assert header.startswith("&amp;L&amp;A") and "SINTETIS" in header, ws.title
        assert "Skenario: baseline · tanggal perhitungan: 2 Desember 2025" in footer
        assert footer.endswith("halaman &amp;P dari &amp;N"), ws.title
    assert book["Alokasi"].print_title_rows == f"${HEADER}:${HEADER}"
    assert book["CSR"].print_title_rows == "$10:$10"
    assert book["Skor Desa"].print_title_rows == "$4:$4"


@needs_soffice
def test_libreoffice_prints_the_workbook_in_about_twenty_pages(run, tmp_path):
    pdf = soffice(tmp_path, "pdf", run.out_dir / BOOK, tmp_path / "pdf")
    pages = len(PAGE.findall(pdf.read_bytes()))
    visible = sum(ws.sheet_state == "visible" for ws in
                  openpyxl.load_workbook(run.out_dir / BOOK, read_only=True).worksheets)
    assert visible <= pages <= PAGES


def _costs(ds, plan: pd.DataFrame) -> pd.Series:
    """The cost of each plan row recomputed from the inputs: units x unit cost + fixed
    cost (0 for 0 units), as the model counts it."""
    programs = ds.programs.set_index("code")
    cost = plan["units"] * plan["program"].map(programs["unit_cost"]) + plan["program"].map(
        programs["fixed_cost"])
    return cost.where(plan["units"] > 0, 0.0)


@needs_soffice
def test_changed_units_are_recomputed_by_libreoffice_and_read_back(run, tmp_path):
    """A planner changes units in Alokasi (openpyxl, which keeps the formulas but no
    values), LibreOffice recalculates and saves: the cost of each row, each agency's
    money used and left (summary and agency sheets), the total and the cost and share of
    spending per kecamatan and per village follow the new units
    exactly as recomputed here from the inputs, and the round trip reads the
    recalculated workbook: the changed units, nothing else."""
    ds, plan = run.dataset, run.allocation.tables.plan.reset_index(drop=True)
    book = openpyxl.load_workbook(run.out_dir / BOOK)
    ws = book["Alokasi"]
    programs = ds.programs.set_index("code")
    changed = {}
    for i in (0, 3, len(plan) - 1):  # one more unit where the bound allows it
        row = HEADER + 1 + i
        units = ws.cell(row, 7).value
        assert (ws.cell(row, 1).value, ws.cell(row, 4).value) == (plan.at[i, "village"],
                                                                  plan.at[i, "program"])
        new = units + 1 if units < programs.at[plan.at[i, "program"], "max_units"] else \
            units - 1
        ws.cell(row, 7).value = new
        changed[(plan.at[i, "village"], plan.at[i, "program"])] = new
    edited = tmp_path / "edited" / BOOK
    edited.parent.mkdir()
    book.save(edited)
    recalculated = soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", edited,
                           tmp_path / "recalculated")

    values = openpyxl.load_workbook(recalculated, data_only=True)
    after = plan.assign(units=[changed.get((v, p), u) for v, p, u in zip(
        plan["village"], plan["program"], plan["units"], strict=True)])
    after["cost"] = _costs(ds, after)
    sheet = values["Alokasi"]
    shown = [sheet.cell(HEADER + 1 + i, 8).value for i in range(len(plan))]
    assert shown == pytest.approx(after["cost"].tolist())
    assert after["cost"].sum() != pytest.approx(plan["cost"].sum())  # the edit shows

    used = after.groupby("agency")["cost"].sum()
    pagu = run.allocation.tables.agencies.set_index("agency")["pagu"]
    summary = values["Ringkasan"]
    rows = {r[0]: r for r in summary.iter_rows(min_row=HEADER, max_col=6, values_only=True)
            if r[0] in pagu.index}
    for agency in pagu.index:
        _, _, p, u, left, share = rows[agency]
        assert (p, u, left) == pytest.approx((pagu[agency], used.get(agency, 0.0),
                                              pagu[agency] - used.get(agency, 0.0)))
        assert share == pytest.approx(used.get(agency, 0.0) / pagu[agency])
        mine = values[agency]
        assert [mine.cell(r, 2).value for r in (5, 6, 7)] == pytest.approx(
            [pagu[agency], used.get(agency, 0.0), pagu[agency] - used.get(agency, 0.0)])
    spending = next(r[1] for r in summary.iter_rows(values_only=True)
                    if r[0] == "belanja (juta Rp)")
    assert spending == pytest.approx(after["cost"].sum())
    # the kecamatan and village sheets: cost and share of spending follow the edit
    for name, by, key_col, cost_col in (("Per Kecamatan", "kecamatan", 2, 5),
                                        ("Per Desa", "village", 1, 8)):
        wanted = after.groupby(by)["cost"].sum()
        table = values[name]
        rows = [(table.cell(r, key_col).value, table.cell(r, cost_col).value,
                 table.cell(r, cost_col + 1).value)
                for r in range(HEADER + 1, table.max_row + 1)
                if table.cell(r, key_col).value in set(after[by])]
        assert {k for k, _, _ in rows} == set(after[by]), name
        for key, cost, share in rows:
            assert cost == pytest.approx(wanted[key]), (name, key)
            assert share == pytest.approx(wanted[key] / after["cost"].sum()), (name, key)

    rows_read, original, name = read_edited(recalculated)
    assert name == "Alokasi" and len(rows_read) == len(plan)
    assert rows_read["row"].tolist()[0] == HEADER + 1
    settings, edits = edits_as_locks(recalculated, run.prepared.settings, ds,
                                     run.scores)
    moved = edits[edits["action"] == "changed"]
    assert dict(zip(zip(moved["village"], moved["program"], strict=True),
                    moved["units_edited"], strict=True)) == changed
    assert (edits["action"].isin(["free", "changed"])).all()
    locks = {(lk.village, lk.program): (lk.units, lk.state) for lk in settings.locks}
    for key, units in changed.items():  # 0 units: the programme out of that village
        assert locks[key] == ((units, "in") if units else (None, "out")), key
    assert original.values.tolist() == plan[["village", "program", "units"]].values.tolist()


def test_a_sheet_too_wide_to_stay_legible_prints_the_way_that_shrinks_it_less():
    """Fit to the page width, a wide and long sheet (the Kurva Anggaran sheet: 375 rows,
    about 286 characters wide) printed on fewer pages in portrait, at 36 %: unreadable.
    Below half size either way, the orientation that shrinks it less wins; a sheet legible
    both ways still prints on fewer pages."""
    import io

    import xlsxwriter

    from planning.report.workbook import LEGIBLE, PAGE, _orientation

    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    ws = book.add_worksheet()
    for r in range(375):
        ws.write(r, 0, r)
    wide = 286.0
    assert PAGE["portrait"][0] / wide < PAGE["landscape"][0] / wide < LEGIBLE + 0.05
    assert _orientation(ws, wide) == "landscape"
    assert _orientation(ws, 110.0) == "portrait"  # legible both ways: fewer pages
    book.close()
