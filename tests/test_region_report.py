"""What a planner reads from a region's two-level plan (issue 18): the workbook
(:func:`planning.report.region.region_workbook_bytes`) and the figures
(:func:`planning.report.region_figures.region_figure_files`).

The plan is made by :func:`planning.analysis.region.plan_region` on a small region of two
generated districts; the workbook's numbers are checked against the plan and against each
other, recomputed with pandas from the sheets as read back with openpyxl."""

from __future__ import annotations

import dataclasses
import io
import struct

import numpy as np
import openpyxl
import pandas as pd
import pytest

from planning.i18n import text
from planning.report.labels import ALLOCATION_SHEET, column, sheet
from planning.report.region import (
    DISTRICT_SPEC,
    PROVINCE_SPEC,
    district_view,
    header,
    region_workbook_bytes,
    summary_view,
)
from planning.report.region_figures import SIZES, region_figure_files
from planning.report.workbook import TOP

from .conftest import ROOT

NOTE = {"id": "DATA SINTETIS: bukan wilayah nyata", "en": "SYNTHETIC DATA: not a real region"}
SUMMARY = {"scenario": {"name": "test-region"}, "region": {"code": "51", "name": "Uji",
                                                           "level": "province",
                                                           "status": "synthetic"},
           "provinces": {"51": "Bali"}, "versions": {"planning": "test"}}
PNG = b"\x89PNG\r\n\x1a\n"


def sheet_names(lang: str) -> list[str]:
    return [sheet("summary", lang), text("region.sheet.districts", lang),
            text("region.sheet.provinces", lang), text("region.sheet.curves", lang),
            ALLOCATION_SHEET[lang], sheet("meta", lang)]


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """The two-level plan of a region of two generated districts of 40 villages."""
    from planning.analysis.region import plan_region
    from planning.config.scenario import load_scenario
    from planning.data.synth import scaled_dataset

    root = tmp_path_factory.mktemp("region")
    rows = []
    for i, scale in enumerate((1.0, 0.7)):
        code = f"51.0{i + 1}"
        folder = root / "districts" / code
        scaled_dataset(folder, 40, seed=i + 1)
        agencies = pd.read_csv(folder / "agencies.csv", dtype=str, keep_default_na=False)
        agencies["pagu"] = (pd.to_numeric(agencies["pagu"]) * 0.73 * scale).round(0) \
            .astype(int).astype(str)
        agencies.to_csv(folder / "agencies.csv", index=False)
        rows.append({"code": code, "name": f"Uji {i + 1}", "type": "kabupaten",
                     "province_code": "51", "folder": f"districts/{code}",
                     "n_villages": 40})
    districts = pd.DataFrame(rows)
    districts.to_csv(root / "districts.csv", index=False)
    baseline = (ROOT / "scenarios" / "baseline.yaml").as_posix()
    scenario = root / "region.yaml"
    scenario.write_text(f"name: test-region\nbase: {baseline}\nscoring: {{draws: 0}}\n"
                        "rules: {kecamatan_min_share: null}\n"
                        f"region: {{folder: {root.as_posix()}, gap: 0.02, step_pct: 50}}\n",
                        encoding="utf-8")
    loaded = load_scenario(scenario)
    return plan_region(districts, root, loaded.scenario)


@pytest.fixture(scope="module")
def books(plan):
    return {lang: region_workbook_bytes(plan, SUMMARY, lang, NOTE[lang])
            for lang in ("id", "en")}


def read_table(ws, spec_keys: list[str], lang: str) -> pd.DataFrame:
    """The table written at TOP (header row) of ``ws`` down to its total row, columns
    renamed to the spec's keys; the total row as the frame's ``attrs['total']``."""
    rows = list(ws.iter_rows(min_row=TOP + 1, values_only=True))
    headers = [h for h in rows[0] if h is not None]
    body = [r[:len(headers)] for r in rows[1:] if any(v is not None for v in r)]
    frame = pd.DataFrame(body, columns=headers)
    total_word = text("label.total", lang)
    is_total = frame.iloc[:, 0] == total_word
    total = frame[is_total]
    frame = frame[~is_total].reset_index(drop=True)
    frame.columns = spec_keys
    total.columns = spec_keys
    frame.attrs["total"] = total.iloc[0].to_dict() if len(total) else None
    return frame


def pairs(ws) -> dict[str, object]:
    return {r[0]: r[1] for r in ws.iter_rows(min_row=TOP + 1, values_only=True)
            if isinstance(r[0], str)}


def test_the_plan_has_two_districts_planned(plan):
    assert sorted(plan.plans) == ["51.01", "51.02"]
    assert plan.districts["objective"].notna().all(), plan.problems


@pytest.mark.parametrize("lang", ["id", "en"])
def test_workbook_has_its_sheets_in_the_run_language_each_with_the_note(books, lang):
    wb = openpyxl.load_workbook(io.BytesIO(books[lang]))
    assert wb.sheetnames == sheet_names(lang)
    for ws in wb:
        assert ws["A1"].value == NOTE[lang], ws.title
    districts = wb[text("region.sheet.districts", lang)]
    headers = [c.value for c in districts[TOP + 1] if c.value is not None]
    assert headers == [header(name, lang) for _, name, _ in DISTRICT_SPEC]
    assert headers[0] == text("region.column.district_code", lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_district_sheet_holds_the_plans_numbers(plan, books, lang):
    wb = openpyxl.load_workbook(io.BytesIO(books[lang]))
    keys = [key for key, _, _ in DISTRICT_SPEC]
    sheet_rows = read_table(wb[text("region.sheet.districts", lang)], keys, lang)
    expected = plan.districts.sort_values("code").reset_index(drop=True)
    assert sheet_rows["code"].tolist() == expected["code"].astype(str).tolist()
    for key in ("pagu_own", "floor", "cap", "share", "factor", "marginal_value", "objective",
                "bound", "gap", "cost", "deprivations_before", "deprivations_removed",
                "spending_per_poor_person", "poor_people", "villages_in_plan"):
        np.testing.assert_allclose(sheet_rows[key].astype(float),
                                   expected[key].astype(float), rtol=1e-9, err_msg=key)
    # recomputed: share = factor x own pagu; spending per poor person = spending / poor
    np.testing.assert_allclose(sheet_rows["share"].astype(float),
                               (sheet_rows["factor"] * sheet_rows["pagu_own"]).astype(float))
    np.testing.assert_allclose(sheet_rows["spending_per_poor_person"].astype(float),
                               (sheet_rows["cost"] / sheet_rows["poor_people"]).astype(float))
    # each district's plan: its spending is within its share, its gap from value and bound
    assert (sheet_rows["cost"] <= sheet_rows["share"] + 1e-6).all()
    np.testing.assert_allclose(sheet_rows["gap"].astype(float),
                               (1 - sheet_rows["objective"] / sheet_rows["bound"]).astype(float),
                               atol=1e-12)
    # the shares add up to the envelope (all of it is allocated here)
    assert sheet_rows["share"].sum() == pytest.approx(plan.envelope)
    # the allocation sheet's costs sum per district to the district's spending
    alloc = wb[ALLOCATION_SHEET[lang]]
    rows = list(alloc.iter_rows(min_row=TOP + 2, values_only=True))
    frame = pd.DataFrame([r[:10] for r in rows if r[0] and r[0] != text("label.total", lang)],
                         columns=["district", "village", "name", "kec", "program",
                                  "program_name", "agency", "units", "cost", "reached"])
    names = plan.programs.set_index("code")[f"name_{lang}"]
    assert (frame["program_name"] == frame["program"].map(names)).all()
    per_district = frame.groupby("district")["cost"].sum()
    np.testing.assert_allclose(per_district.reindex(sheet_rows["code"]).to_numpy(),
                               sheet_rows["cost"].to_numpy(dtype=float))
    assert len(frame) == len(plan.plan)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_province_sheet_sums_its_districts_and_the_summary_gap_is_recomputed(books, lang):
    wb = openpyxl.load_workbook(io.BytesIO(books[lang]))
    districts = read_table(wb[text("region.sheet.districts", lang)],
                           [key for key, _, _ in DISTRICT_SPEC], lang)
    provinces = read_table(wb[text("region.sheet.provinces", lang)],
                           [key for key, _, _ in PROVINCE_SPEC], lang)
    assert provinces["province_code"].tolist() == ["51"]
    assert provinces["province"].tolist() == ["Bali"]
    sums = districts.groupby("province_code")[
        ["n_villages", "villages_in_plan", "poor_people", "pagu_own", "share", "objective",
         "bound", "cost", "deprivations_before", "deprivations_removed"]].sum()
    for key in sums.columns:
        np.testing.assert_allclose(provinces.set_index("province_code")[key].astype(float),
                                   sums[key].astype(float), rtol=1e-12, err_msg=key)
    gap = 1 - districts["objective"].sum() / districts["bound"].sum()
    assert provinces["gap"].iloc[0] == pytest.approx(gap, abs=1e-12)
    assert provinces["districts"].iloc[0] == len(districts)
    summary = pairs(wb[sheet("summary", lang)])
    assert summary[column("gap", lang)] == pytest.approx(gap, abs=1e-12)
    assert summary[text("region.label.value", lang)] == pytest.approx(
        districts["objective"].sum())
    assert summary[text("region.label.bound", lang)] == pytest.approx(districts["bound"].sum())
    assert summary[text("region.label.allocated", lang)] == pytest.approx(
        districts["share"].sum())
    assert summary[text("region.label.planned", lang)] == 2
    spend = districts["cost"] / districts["poor_people"]
    assert summary[text("region.label.spending_min", lang)] == pytest.approx(spend.min())
    assert summary[text("region.label.spending_max", lang)] == pytest.approx(spend.max())
    # the Gini of spending per poor person, by the mean absolute difference
    values = spend.to_numpy(dtype=float)
    gini = np.abs(values[:, None] - values[None, :]).sum() / (2 * len(values) ** 2
                                                              * values.mean())
    assert summary[text("region.label.gini", lang)] == pytest.approx(gini)


def test_curves_and_meta_sheets(plan, books):
    wb = openpyxl.load_workbook(io.BytesIO(books["en"]))
    curves = list(wb[text("region.sheet.curves", "en")].iter_rows(min_row=TOP + 2,
                                                                    values_only=True))
    assert len(curves) == len(plan.curves)
    assert sorted({r[0] for r in curves}) == ["51.01", "51.02"]
    meta = {(r[0], r[1]): r[2] for r in wb[sheet("meta", "en")].iter_rows(
        min_row=TOP + 2, values_only=True)}
    assert meta[("data", "data_status")] == NOTE["en"]
    assert meta[("region", "status")] == "synthetic"
    assert meta[("scenario", "name")] == "test-region"
    assert meta[("versions", "planning")] == "test"


def test_a_district_without_a_plan_is_listed_with_its_reason(plan):
    rows = plan.districts.copy()
    rows.loc[1, ["objective", "bound", "gap", "cost", "share", "factor",
                 "spending_per_poor_person"]] = None
    rows.loc[1, ["status", "problem_id", "problem_en"]] = ["failed", "tidak ada", "none"]
    broken = dataclasses.replace(plan, districts=rows)
    wb = openpyxl.load_workbook(io.BytesIO(region_workbook_bytes(broken, {}, "en", "N")))
    summary = [r for r in wb[sheet("summary", "en")].iter_rows(values_only=True)]
    assert any(r[0] == "51.02" and r[3] == "none" for r in summary)
    districts = read_table(wb[text("region.sheet.districts", "en")],
                           [key for key, _, _ in DISTRICT_SPEC], "en")
    assert districts.attrs["total"]["objective"] == pytest.approx(
        float(plan.districts["objective"].iloc[0]))


def test_same_plan_same_bytes(plan, books):
    assert region_workbook_bytes(plan, SUMMARY, "id", NOTE["id"]) == books["id"]
    assert region_figure_files(plan, "id", NOTE["id"]) == region_figure_files(
        plan, "id", NOTE["id"])


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG) and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def non_white(png: bytes) -> int:
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return int((image < 250).sum())


@pytest.mark.parametrize("lang", ["id", "en"])
def test_figures_are_pngs_of_their_size_with_something_drawn(plan, lang):
    files = region_figure_files(plan, lang, NOTE[lang])
    assert sorted(files) == sorted(SIZES)
    for name, png in files.items():
        width, height = SIZES[name]
        assert png_size(png) == (round(width * 200), round(height * 200)), name
        assert non_white(png) > 20_000, name


def many(plan, n: int):
    """A plan of ``n`` districts in four provinces: the two districts repeated."""
    rows, curves = [], []
    for i in range(n):
        source = plan.districts.iloc[i % 2].copy()
        code = f"{51 + i % 4}.{i + 1:02d}"
        source["code"], source["province_code"] = code, str(51 + i % 4)
        source["spending_per_poor_person"] *= 1 + i / n
        rows.append(source)
        c = plan.curves[plan.curves["district"] == plan.districts["code"].iloc[i % 2]].copy()
        curves.append(c.assign(district=code))
    return dataclasses.replace(plan, districts=pd.DataFrame(rows).reset_index(drop=True),
                               curves=pd.concat(curves, ignore_index=True))


def test_many_districts_are_aggregated_or_scattered(plan):
    """Above 40 districts the split is drawn per province and the equity as a Lorenz
    curve; above 12 the curves as one scatter: the figures differ from the per-district
    drawing and are still drawn."""
    small, large = region_figure_files(many(plan, 10), "en", "N"), \
        region_figure_files(many(plan, 60), "en", "N")
    for name in SIZES:
        assert small[name] != large[name]
        assert non_white(large[name]) > 20_000, name


def test_notebook_views_show_the_sheets_numbers_in_the_run_language(plan, books):
    wb = openpyxl.load_workbook(io.BytesIO(books["en"]))
    pairs_shown = pairs(wb[sheet("summary", "en")])
    view = summary_view(plan, "en")
    for (_, label), value in view.items():
        if value is not None:
            assert pairs_shown[label] == pytest.approx(value), label
    table = district_view(plan, "en")
    assert table.index.name == header("region.column.district_code", "en")
    assert list(table.index) == ["51.01", "51.02"]
    assert table[column("gap", "en")].tolist() == pytest.approx(
        plan.districts.sort_values("code")["gap"].astype(float).tolist())


def test_a_long_district_name_is_shortened_visibly_on_the_figures():
    from planning.report.region_figures import LABEL_CHARS, _label

    short = _label("51.08", "Buleleng")
    assert short == "51.08 Buleleng"
    long = _label("51.71", "Kota Denpasar dan Sekitarnya yang Panjang Sekali")
    assert len(long) <= LABEL_CHARS and long.endswith("…")
    assert long.startswith("51.71 Kota Denpasar")
