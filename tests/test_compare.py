"""Comparing two results folders, checked against a recomputation from the plan files."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planning import i18n
from planning.analysis.compare import AGENCIES, PLAN, SUMMARY, CompareError, compare_folders
from planning.model import ModelSettings
from planning.pipeline import run
from planning.report.compare import (
    comparison_files,
    comparison_sheet_rows,
    comparison_tables,
    comparison_workbook_bytes,
    summary_lines,
)

from .conftest import DATA, read, write

CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    """Two results folders from the same data with different pagu."""
    root = tmp_path_factory.mktemp("compare")
    a = run(DATA, root / "a", ModelSettings(pagu={"PERKIMTA": 2500})).out_dir
    b = run(DATA, root / "b", ModelSettings(pagu={"PUTR": 1800, "DKPP": 900})).out_dir
    return a, b


@pytest.fixture(scope="module")
def cmp(folders):
    return compare_folders(*folders, labels=("lama", "baru"))


def plan(folder: Path) -> pd.DataFrame:
    frame = read(folder, PLAN)
    return frame.assign(units=frame["units"].astype(float), cost=frame["cost"].astype(float))


def pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    used = frame[frame["units"] > 0]
    return set(zip(used["agency"], used["village"], strict=True))


def test_agencies_match_a_recomputation_from_the_plans(folders, cmp):
    pa, pb = plan(folders[0]), plan(folders[1])
    moved = pb.groupby("agency")["cost"].sum().sub(pa.groupby("agency")["cost"].sum(),
                                                   fill_value=0)
    got = cmp.agencies.set_index("agency")
    assert (got.loc[moved.index, "moved"] - moved).abs().max() < 1e-6
    assert (got["moved"].drop(moved.index) == 0).all()
    assert got["moved"].abs().sum() > 0, "the two plans should differ"
    gained, lost = pairs(pb) - pairs(pa), pairs(pa) - pairs(pb)
    assert gained or lost
    for agency, row in got.iterrows():
        assert row["gained"] == sum(1 for g, _ in gained if g == agency)
        assert row["lost"] == sum(1 for g, _ in lost if g == agency)
    pagu_b = read(folders[1], AGENCIES).set_index("agency")["pagu"].astype(float)
    assert (got["pagu_b"] == pagu_b[got.index]).all()
    assert got.loc["PUTR", "pagu_b"] == 1800 and got.loc["PERKIMTA", "pagu_a"] == 2500
    assert list(cmp.agencies["agency"]) == sorted(cmp.agencies["agency"])


def test_villages_kecamatan_and_programs_match_a_recomputation(folders, cmp):
    pa, pb = plan(folders[0]), plan(folders[1])
    v = cmp.villages
    assert set(zip(v.loc[v["status"] == "gained", "agency"],
                   v.loc[v["status"] == "gained", "village"], strict=True)) == pairs(pb) - pairs(pa)
    assert set(zip(v.loc[v["status"] == "lost", "agency"],
                   v.loc[v["status"] == "lost", "village"], strict=True)) == pairs(pa) - pairs(pb)
    assert len(v) == len(pairs(pa) | pairs(pb))
    assert (v["in_a"] == (v["status"] != "gained")).all()
    assert v["village"].map(lambda c: bool(CODE.match(c))).all()
    assert v["kecamatan_code"].map(type).eq(str).all()
    assert v[["agency", "village"]].apply(tuple, axis=1).is_monotonic_increasing

    by_kec = (pb.groupby("kecamatan_code")["cost"].sum()
              .sub(pa.groupby("kecamatan_code")["cost"].sum(), fill_value=0))
    got = cmp.kecamatan.set_index("kecamatan_code")["spending_change"]
    assert (got[by_kec.index] - by_kec).abs().max() < 1e-6
    assert got.sum() == pytest.approx(cmp.agencies["moved"].sum())
    assert cmp.kecamatan["kecamatan_code"].str.fullmatch(r"\d{2}\.\d{2}\.\d{2}").all()

    units = pd.concat([pa.groupby(["village", "program"])["units"].sum().rename("a"),
                       pb.groupby(["village", "program"])["units"].sum().rename("b")],
                      axis=1).fillna(0)
    differ = units[units["a"] != units["b"]]
    got = cmp.programs.set_index(["village", "program"])
    assert sorted(got.index) == sorted(differ.index) == list(got.index)
    assert (got["units_change"] == (differ["b"] - differ["a"])[got.index]).all()

    totals = cmp.totals
    sa = json.loads((folders[0] / SUMMARY).read_text())["allocation"]
    sb = json.loads((folders[1] / SUMMARY).read_text())["allocation"]
    assert totals["objective"]["a"] == pytest.approx(sa["objective"])
    assert totals["deprivations_removed"]["b"] == pytest.approx(sb["deprivations_removed"])
    assert set(totals["removed_by_dimension"]) == set(sa["removed_by_dimension"])
    assert totals["spending"]["change"] == pytest.approx(pb["cost"].sum() - pa["cost"].sum())
    assert totals["same_input_data"] and totals["input_files_differing"] == []
    assert totals["villages_gained"] == len(pairs(pb) - pairs(pa))


def test_a_folder_against_itself_has_no_differences(folders):
    same = compare_folders(folders[0], folders[0])
    assert same.identical and same.programs.empty
    assert (same.villages["status"] == "kept").all()
    assert (same.agencies[["moved", "gained", "lost"]] == 0).all().all()
    assert (same.kecamatan["spending_change"] == 0).all()
    assert same.totals["objective"]["change"] == 0 and same.totals["same_input_data"]
    lines = summary_lines(same, "en")
    assert "No difference between plans A and B." in lines
    assert not any("Largest" in line for line in lines)


def test_other_input_data_is_reported(folders, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(folders[1], other)
    summary = json.loads((other / SUMMARY).read_text())
    summary["input_sha256"]["programs.csv"] = "0" * 64
    (other / SUMMARY).write_text(json.dumps(summary))
    cmp = compare_folders(folders[0], other)
    assert cmp.totals["input_files_differing"] == ["programs.csv"]
    assert any("programs.csv" in line and "NOTE" in line for line in summary_lines(cmp, "en"))


def _remove(folder: Path, file: str) -> None:
    (folder / file).unlink()


def _drop_column(folder: Path, file: str) -> None:
    write(folder, file, read(folder, file).drop(columns=["cost"]))


def _bad_number(folder: Path, file: str) -> None:
    frame = read(folder, file)
    frame.loc[3, "cost"] = "1.234,5"
    write(folder, file, frame)


def _not_json(folder: Path, file: str) -> None:
    (folder / file).write_text("{ not json")


def _no_objective(folder: Path, file: str) -> None:
    summary = json.loads((folder / file).read_text())
    del summary["allocation"]["objective"]
    (folder / file).write_text(json.dumps(summary))


def _rows_lost(folder: Path, file: str) -> None:
    """The plan file cut at a row boundary: every row left is well formed."""
    lines = (folder / file).read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / file).write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")


def _not_utf8(folder: Path, file: str) -> None:
    (folder / file).write_bytes(b"village,agency\n\xff\xfe,x\n")


@pytest.mark.parametrize(("damage", "file", "words"), [
    (_remove, PLAN, ("tidak memuat", "has no")),
    (_remove, SUMMARY, ("tidak memuat", "has no")),
    (_drop_column, PLAN, ("kolom cost", "columns cost")),
    (_bad_number, PLAN, ("baris 5, kolom 'cost'", "row 5, column 'cost'")),
    (_not_json, SUMMARY, ("tidak dapat dibaca", "cannot be read")),
    (_no_objective, SUMMARY, ("allocation.objective", "not a number")),
    (_not_utf8, AGENCIES, ("tidak dapat dibaca", "cannot be read")),
    (_rows_lost, PLAN, ("tidak cocok dengan summary.json", "does not match its summary")),
])
def test_a_broken_folder_is_named_with_what_to_do(folders, tmp_path, damage, file, words):
    broken = tmp_path / "broken"
    shutil.copytree(folders[0], broken)
    damage(broken, file)
    with pytest.raises(CompareError) as caught:
        compare_folders(folders[0], broken)
    error = caught.value
    assert isinstance(error, ValueError) and error.file == file
    for lang, word in zip(i18n.LANGUAGES, words, strict=True):
        message = error.render(lang)
        assert broken.as_posix() in message and file in message and word in message
        # a damaged results folder is written again; a folder without the files is not
        # one to write into (it may be a data folder): run a scenario into a new one
        advice = "planning run SCENARIO --out FOLDER" if damage is _remove else \
            f"planning run --out {broken.as_posix()}"
        assert advice in message.replace("SKENARIO", "SCENARIO"), message
    assert str(error) == error.render("en")


def test_a_missing_folder_is_named(folders, tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CompareError) as caught:
        compare_folders(missing, folders[1])
    assert missing.as_posix() in caught.value.render("id")
    assert "tidak ditemukan" in caught.value.render("id")
    assert "not found" in caught.value.render("en")


def test_outputs_are_byte_identical_on_repeat(folders, cmp):
    again = compare_folders(*folders, labels=("lama", "baru"))
    first = comparison_files(cmp, "id", workbook=True)
    assert first == comparison_files(again, "id", workbook=True)
    assert comparison_workbook_bytes(cmp, "en") == comparison_workbook_bytes(again, "en")
    assert set(first) == {"compare_villages.csv", "compare_agencies.csv",
                          "compare_kecamatan.csv", "compare_programs.csv",
                          "compare_summary.json", "compare.xlsx"}
    agencies = pd.read_csv(io.BytesIO(first["compare_agencies.csv"]), dtype={"agency": str})
    assert agencies["moved"].tolist() == pytest.approx(cmp.agencies["moved"].tolist())
    villages = pd.read_csv(io.BytesIO(first["compare_villages.csv"]), dtype=str)
    assert villages["village"].tolist() == cmp.villages["village"].tolist()
    summary = json.loads(first["compare_summary.json"])
    assert summary["labels"] == {"a": "lama", "b": "baru"}
    assert summary["totals"]["villages_lost"] == cmp.totals["villages_lost"]
    lost = cmp.villages[cmp.villages["status"] == "lost"]
    assert sum(map(len, summary["villages_lost"].values())) == len(lost)
    assert summary["summary"] == summary_lines(cmp, "id")


def test_workbook_opens_with_the_tables(cmp):
    book = openpyxl.load_workbook(io.BytesIO(comparison_workbook_bytes(cmp, "id")))
    tables = comparison_tables(cmp, "id")
    assert book.sheetnames == ["Perbandingan", "Lembaga", "Kecamatan", "Desa", "Program"]
    for table, sheet in zip(tables, book.worksheets, strict=True):
        # the banner: the data status of both results, the labels and the date
        assert sheet["A1"].value == ("Status data kedua hasil: indikator per desa SINTETIS "
                                     "(lihat data/README.md)")  # in the book's language
        assert sheet["A2"].value == "Skenario: lama / baru · uang dalam juta Rp"
        assert sheet.freeze_panes == "A5" and sheet.auto_filter.ref.startswith("A4:")
        assert sheet.print_title_rows == "$4:$4" and sheet.page_setup.paperSize == 9
        assert sheet.page_setup.fitToHeight == 0
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        assert [v for v in rows[0] if v is not None] == list(table.frame.columns)
        assert len(rows) == len(table.frame) + 1
    agencies = book["Lembaga"]
    header = [c.value for c in agencies[4]]
    moved = header.index("Rupiah bergeser (juta Rp, baru - lama)")
    got = {r[0]: r[moved] for r in agencies.iter_rows(min_row=5, values_only=True)}
    assert got == pytest.approx(dict(zip(cmp.agencies["agency"], cmp.agencies["moved"],
                                         strict=True)))
    assert agencies.cell(5, moved + 1).number_format == "#,##0.0"
    desa = book["Desa"]
    assert {r[8] for r in desa.iter_rows(min_row=5, values_only=True)} <= {
        "bertambah", "hilang", "tetap"}
    assert book.properties.created.year == 2020
    assert book["Perbandingan"]["A5"].value == "nilai tujuan"


def test_text_that_looks_like_a_formula_stays_text(folders, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(folders[0], edited)
    frame = read(edited, PLAN)
    first = frame["village"].iloc[0]
    frame.loc[frame["village"] == first, "village_name"] = "=1+1"
    write(edited, PLAN, frame)
    cmp = compare_folders(edited, folders[1])  # names come from A first
    book = openpyxl.load_workbook(io.BytesIO(comparison_workbook_bytes(cmp, "en")))
    sheet = book["Villages"]
    header = [c.value for c in sheet[4]]
    cells = [row[header.index("village")] for row in sheet.iter_rows(min_row=5)
             if row[header.index("village code")].value == first]
    assert cells and all(c.value == "=1+1" and c.data_type == "s" for c in cells)


def test_summary_lines_in_both_languages(cmp):
    id_lines, en_lines = summary_lines(cmp), summary_lines(cmp, "en")
    objective = cmp.totals["objective"]
    assert i18n.number(objective["a"], "id", 1) in id_lines[2]
    assert i18n.number(objective["b"], "en", 1) in en_lines[2]
    top = cmp.agencies.loc[cmp.agencies["moved"].abs().idxmax()]
    at = en_lines.index("Largest Rupiah moves per agency (Rp million, baru - lama):")
    assert en_lines[at + 1].split()[0] == top["agency"]
    assert f"{cmp.totals['villages_gained']} bertambah" in "\n".join(id_lines)
    assert any("kecamatan" in line for line in id_lines)


def test_sheet_rows_stack_every_table(cmp):
    rows = comparison_sheet_rows(cmp, "en")
    tables = comparison_tables(cmp, "en")
    assert rows[0] == ["Comparison"]
    assert len(rows) == sum(len(t.frame) + 3 for t in tables)
    assert all(not isinstance(v, float) or v == v for row in rows for v in row)


def test_compare_command_writes_the_diff(folders, tmp_path):
    from typer.testing import CliRunner

    from planning.apps.cli import app

    a, b = folders
    out = tmp_path / "diff"
    result = CliRunner().invoke(app, ["compare", str(a), str(b), "--out", str(out),
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Rupiah" in result.output or "Rp" in result.output
    assert {p.name for p in out.iterdir()} >= {"compare_agencies.csv", "compare.xlsx",
                                               "compare_summary.json"}
    missing = CliRunner().invoke(app, ["compare", str(a), str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_two_scenarios_of_one_name_are_refused_before_either_runs(folders, tmp_path,
                                                                   monkeypatch):
    """A copy of a scenario with another rule but the same ``name:`` writes into the same
    results folder: B's run replaced A's, and the folder compared with itself said "no
    difference". Refused before anything runs; a wrong --out is refused before any run
    too, and the comparison is not printed."""
    from typer.testing import CliRunner

    from planning.apps.cli import app

    base = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    text = base.read_text(encoding="utf-8").replace("data: data/buleleng", f"data: {DATA}")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("per_kecamatan: 3", "per_kecamatan: 2"),
                                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(app, ["compare", "a.yaml", "b.yaml", "--lang", "en"])
    assert done.exit_code == 1 and "Traceback" not in done.output, done.output
    assert "a.yaml and b.yaml write their results into the same folder (results/baseline)" \
        in done.output and "key 'name'" in done.output
    assert not (tmp_path / "results").exists()
    a, b = folders
    foreign = tmp_path / "lain"
    foreign.mkdir()
    (foreign / "catatan.txt").write_text("mine")
    done = CliRunner().invoke(app, ["compare", str(a), str(b), "--out", str(foreign),
                                    "--lang", "en"])
    assert done.exit_code == 1 and "did not write" in done.output, done.output
    assert "Rp" not in done.output  # refused before the comparison, not after printing it
    assert (foreign / "catatan.txt").read_text() == "mine"


def test_the_comparisons_data_note_is_in_its_language(cmp):
    """summary.json keeps the data note in English; the Indonesian comparison's CSV files
    and summary used to copy it as it was, in English."""
    for lang, note in (("id", "indikator per desa SINTETIS (lihat data/README.md)"),
                       ("en", "SYNTHETIC per-village indicators (see data/README.md)")):
        files = comparison_files(cmp, lang)
        agencies = pd.read_csv(io.BytesIO(files["compare_agencies.csv"]))
        assert set(agencies["data_status"]) == {note}, lang
        assert json.loads(files["compare_summary.json"])["data_status"] == note
