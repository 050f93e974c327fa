"""The equity measures in every output of a run (issue 13): summary.json's ``equity``
block, the console of ``planning run`` and the workbook's equity sheet, each recomputed
here from the results folder's CSV files and the data set, every dimension in its own
unit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from planning.analysis.equity import REASONS
from planning.apps.cli import app

from .conftest import DATA, ROOT

#: the unit words of the catalogue, by language (equity.unit.<unit>)
UNIT_WORDS = {"id": {"households": "rumah tangga", "children": "anak", "persons": "orang"},
              "en": {"households": "households", "children": "children",
                     "persons": "persons"}}
SHEET = {"id": ("Pemerataan", "rencana_alokasi.xlsx"),
         "en": ("Equity", "allocation_plan.xlsx")}


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype={"village": str, "kecamatan_code": str})


def _units() -> dict[str, str]:
    """dimension -> unit, straight from groups.csv and indicator_metadata.csv."""
    groups = pd.read_csv(DATA / "groups.csv")
    meta = pd.read_csv(DATA / "indicator_metadata.csv").set_index("indicator")["unit"]
    dims = groups[groups["kind"] == "dimension"]
    return dict(zip(dims["group"], dims["count_indicator"].map(meta), strict=True))


def _labels(lang: str) -> dict[str, str]:
    groups = pd.read_csv(DATA / "groups.csv")
    return dict(zip(groups["group"], groups[f"label_{lang}"], strict=True))


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def _gini(x: np.ndarray) -> float:
    return float(sum(abs(a - b) for a in x for b in x) / (2 * len(x) ** 2 * x.mean()))


def _theil(x: np.ndarray) -> float:
    r = x / x.mean()
    return float(np.mean([v * np.log(v) if v > 0 else 0.0 for v in r]))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """The pure efficiency run (efisiensi-murni.yaml: the baseline before issue 13, where
    sanitation gets nothing) through the command line in both languages: folder and
    console."""
    out = {}
    for lang in ("id", "en"):
        folder = tmp_path_factory.mktemp(f"equity_{lang}") / "results"
        done = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / "efisiensi-murni.yaml"),
                                        "--out", str(folder), "--lang", lang])
        assert done.exit_code == 0, done.output
        out[lang] = (folder, done.output)
    return out


def test_summary_has_the_equity_block_per_dimension_in_its_unit(runs):
    good_run = runs["id"][0]
    eq = _summary(good_run)["equity"]
    dims = _csv(good_run, "allocation_dimensions.csv").set_index("dimension")
    units = _units()
    assert [row["dimension"] for row in eq["dimensions"]] == list(dims.index)
    for row in eq["dimensions"]:
        d = row["dimension"]
        assert row["unit"] == units[d]
        assert row["deprived"] == pytest.approx(dims.loc[d, "deprived"])
        # the CSV files keep six significant digits
        assert row["removed"] == pytest.approx(dims.loc[d, "removed"], rel=1e-5, abs=1e-9)
        share = dims.loc[d, "removed"] / dims.loc[d, "deprived"]
        assert row["share_removed"] == pytest.approx(share, rel=1e-5, abs=1e-9)
    assert {r["dimension"] for r in eq["nothing_removed"]} == set(
        dims.index[dims["removed"] <= 1e-6])
    assert all(r["reason"] in REASONS for r in eq["nothing_removed"])
    # the baseline: water is in households, stunting in children, employment in persons
    unit = {row["dimension"]: row["unit"] for row in eq["dimensions"]}
    assert (unit["water"], unit["health"], unit["employment"]) == (
        "households", "children", "persons")
    assert [r["dimension"] for r in eq["nothing_removed"]] == ["sanitation"]


def test_summary_largest_share_token_and_unused_from_the_plan(runs):
    good_run = runs["id"][0]
    eq = _summary(good_run)["equity"]
    plan = _csv(good_run, "allocation_plan.csv")
    per_village = plan.groupby("village").agg(cost=("cost", "sum"),
                                              programs=("program", "nunique"))
    share = per_village["cost"] / per_village["cost"].sum()
    top = share[share == share.max()].index.min()
    assert eq["largest_village"]["village"] == top
    assert eq["largest_village"]["share"] == pytest.approx(share.max(), abs=1e-9)
    rule = eq["token_rule"]
    token = per_village[(per_village["programs"] <= rule["max_programs"])
                        & (per_village["cost"] <= rule["max_cost"] + 1e-6)]
    assert eq["token_villages"] == sorted(token.index)
    catalogue = pd.read_csv(DATA / "programs.csv")
    unused = sorted(set(catalogue["code"]) - set(plan["program"]))
    assert [r["program"] for r in eq["unused_programs"]] == unused
    agency = catalogue.set_index("code")["agency"]
    for r in eq["unused_programs"]:
        assert r["agency"] == agency[r["program"]] and r["reason"] in REASONS
        if r["alternative"] is not None:  # a programme of the same agency in the plan
            assert r["alternative"] in set(plan.loc[plan["agency"] == r["agency"], "program"])


def test_summary_gini_and_theil_of_spending_per_deprivation(runs):
    good_run = runs["id"][0]
    eq = _summary(good_run)["equity"]
    villages = _csv(good_run, "allocation_villages.csv")
    villages = villages[villages["deprived_total"] > 0]
    x = (villages["cost"] / villages["deprived_total"]).to_numpy(dtype=float)
    assert eq["gini"] == pytest.approx(_gini(x), abs=1e-9)
    assert eq["theil"] == pytest.approx(_theil(x), abs=1e-9)
    assert 0 < eq["gini"] < 1


def test_the_equity_block_is_language_neutral(runs):
    (id_folder, _), (en_folder, _) = runs["id"], runs["en"]
    assert _summary(id_folder)["equity"] == _summary(en_folder)["equity"]
    text = json.dumps(_summary(en_folder)["equity"])
    assert "rumah tangga" not in text and "its agency" not in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_console_shows_each_dimension_in_its_own_unit(runs, lang):
    folder, output = runs[lang]
    eq = _summary(folder)["equity"]
    labels, words = _labels(lang), UNIT_WORDS[lang]
    of = {"id": "dari", "en": "of"}[lang]
    lines = output.splitlines()
    start = lines.index({"id": "Pemerataan (setiap dimensi dalam satuannya sendiri, di desa "
                               "rencana):",
                         "en": "Equity (each dimension in its own unit, in the plan's "
                               "villages):"}[lang])
    block = lines[start:]
    for row in eq["dimensions"]:
        d = row["dimension"]
        mine = [line for line in block if line.startswith(f"  {labels[d]}: ")]
        assert len(mine) == 1, (d, block)
        assert f" {of} " in mine[0] and mine[0].split(" (")[-2].endswith(
            words[row["unit"]]), mine[0]
    water = {"id": "  Air minum: 811 dari 6.722 rumah tangga (12,1%)",
             "en": "  Drinking water: 811 of 6,722 households (12.1%)"}[lang]
    assert water in block
    assert any(eq["largest_village"]["village"] in line for line in block)
    assert any(", ".join(eq["token_villages"]) in line for line in block)
    reason = {"id": "sisa pagu lembaganya tidak cukup untuk paket terkecil",
              "en": "its agency's remaining pagu is below the smallest package"}[lang]
    assert any(line.startswith("  PUTR-SEPTIK (PUTR): ") and reason in line
               for line in block)
    assert any("Gini" in line and "Theil" in line for line in block)
    # the mixed-unit headline is an index, not households
    index = {"id": "indeks deprivasi", "en": "deprivation index"}[lang]
    assert any(index in line for line in lines[:start])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_workbook_equity_sheet_per_dimension_rows(runs, lang):
    folder, _ = runs[lang]
    name, workbook = SHEET[lang]
    eq = _summary(folder)["equity"]
    book = openpyxl.load_workbook(folder / workbook, read_only=True)
    assert name in book.sheetnames
    names = book.sheetnames
    # between the village sheet and the allocation, just before the price of balance
    assert names.index(name) == names.index({"id": "Per Desa", "en": "By Village"}[lang]) + 1
    assert names[names.index(name) + 1] == {"id": "Harga pemerataan",
                                            "en": "Price of balance"}[lang]
    rows = list(book[name].iter_rows(min_row=4, max_row=5 + len(eq["dimensions"]),
                                     values_only=True))  # under the banner (rows 1-3)
    labels, words = _labels(lang), UNIT_WORDS[lang]
    header = rows[1]
    assert header[:2] == ({"id": "dimensi", "en": "dimension"}[lang],
                          {"id": "satuan", "en": "unit"}[lang])
    for row, cells in zip(eq["dimensions"], rows[2:], strict=True):
        assert cells[0] == labels[row["dimension"]]
        assert cells[1] == words[row["unit"]]
        assert cells[2] == pytest.approx(row["deprived"])
        assert cells[3] == pytest.approx(row["removed"])
        assert cells[4] == pytest.approx(row["share_removed"])
    sanitation = next(c for c in rows[2:] if c[0] == labels["sanitation"])
    assert sanitation[7] == {"id": "sisa pagu lembaganya tidak cukup untuk paket terkecil",
                             "en": "its agency's remaining pagu is below the smallest "
                                   "package"}[lang]
