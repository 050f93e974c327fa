"""The notebooks: thin, stored without outputs, and executed top to bottom on the shipped
data (once in English) with no error and no warning, showing the images they promise:
each figure and map as a PNG image (not the text ``<Figure size …>``), the interactive
plan map as a Leaflet map."""

from __future__ import annotations

import base64
import html
import json
import re
import struct

import pandas as pd
import pytest

from planning.i18n import MESSAGES

from .conftest import NOTEBOOKS, ROOT, SHARED, run_notebook

BOUNDARY = SHARED / "buleleng_desa.geojson"

ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
ABSOLUTE = re.compile(r"""["'](/[A-Za-z]|[A-Za-z]:\\)""")


PNG = b"\x89PNG\r\n\x1a\n"
#: the images each executed notebook promises: PNG outputs, interactive (Leaflet) maps
PROMISED = {"01_data.ipynb": (2, 0), "02_scoring.ipynb": (1, 0),
            "03_allocation.ipynb": (6, 1), "07_multi_year.ipynb": (3, 0),
            "08_province_national.ipynb": (3, 0)}


def pngs(executed) -> list[bytes]:
    """The PNG images of an executed notebook's outputs, decoded, in order."""
    return [base64.b64decode(o["data"]["image/png"]) for c in executed.cells
            for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def web_maps(executed) -> list[str]:
    """The HTML outputs that hold a Leaflet map (folium's iframe)."""
    pages = ["".join(o["data"]["text/html"]) for c in executed.cells
             for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    return [page for page in pages if "leaflet" in page and "L.map(" in page]


def pixels(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def dpi(png: bytes) -> float:
    """The resolution of the PNG's pHYs chunk (pixels per metre) in dots per inch."""
    at = png.index(b"pHYs")
    x, y, unit = struct.unpack(">IIB", png[at + 4:at + 13])
    assert unit == 1 and x == y
    return x * 0.0254


def assert_promised(name: str, executed) -> list[bytes]:
    """The notebook shows exactly the PNG images and Leaflet maps it promises, every
    PNG at print resolution; returns the PNGs."""
    images, maps = pngs(executed), web_maps(executed)
    assert (len(images), len(maps)) == PROMISED[name], (name, len(images), len(maps))
    for image in images:
        assert image.startswith(PNG) and round(dpi(image)) == 200, name
    return images


def test_the_numbered_notebooks_exist():
    assert [name[:2] for name in ALL] == ["01", "02", "03", "04", "05", "06", "07", "08"]


@pytest.mark.parametrize("name", ALL)
def test_notebook_is_thin_and_stored_without_outputs(name):
    raw = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    cells = raw["cells"]
    assert cells[0]["cell_type"] == "markdown" and "English summary" in "".join(
        cells[0]["source"])
    code = [c for c in cells if c["cell_type"] == "code"]
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one parameters cell for papermill"
    assert code.index(tagged[0]) == 0, "the parameters cell comes first"
    for cell in code:
        assert cell.get("outputs") == [] and cell.get("execution_count") is None, \
            "committed notebooks carry no outputs (run nbstripout)"
        source = "".join(cell["source"])
        assert not re.search(r"^\s*(def|class)\s", source, re.M), "logic belongs in planning"
        assert not ABSOLUTE.search(source), "no absolute paths"
    assert any("import" in "".join(c["source"]) and "planning" in "".join(c["source"])
               for c in code)


def test_nbstripout_is_set_up_for_contributors():
    attributes = (ROOT / ".gitattributes").read_text()
    assert "*.ipynb filter=nbstripout" in attributes
    assert "nbstripout --install" in (ROOT / "Makefile").read_text()


def test_01_data_shows_its_two_point_maps(tmp_path):
    executed = run_notebook("01_data.ipynb", tmp_path)
    maps = assert_promised("01_data.ipynb", executed)
    assert all(pixels(png)[0] == 2000 for png in maps), "10 inches at 200 dpi"
    assert maps[0] != maps[1]
    shown = [o for c in executed.cells for o in c.get("outputs", [])
             if "image/png" in o.get("data", {})]
    assert all(o["metadata"]["image/png"]["width"] == 1000 for o in shown), \
        "shown at 100 pixels per inch"


@pytest.mark.skipif(not BOUNDARY.exists(), reason="no boundary file in ../shared")
def test_01_data_shows_village_polygon_maps_in_english(tmp_path):
    executed = run_notebook("01_data.ipynb", tmp_path, boundary=str(BOUNDARY), lang="en")
    assert_promised("01_data.ipynb", executed)


def test_02_scoring_shows_the_typology_scatter(tmp_path):
    executed = run_notebook("02_scoring.ipynb", tmp_path)
    (scatter,) = assert_promised("02_scoring.ipynb", executed)
    assert pixels(scatter) == (1800, 1040)


def test_03_allocation_shows_its_figures_and_the_interactive_map_in_english(tmp_path):
    boundary = str(BOUNDARY) if BOUNDARY.exists() else None
    executed = run_notebook("03_allocation.ipynb", tmp_path, lang="en",
                            out_dir=str(tmp_path / "results"), boundary=boundary)
    assert (tmp_path / "results" / "allocation_plan.xlsx").is_file()
    assert (tmp_path / "results" / "figures" / "map_plan.png").is_file()
    if boundary:
        assert (tmp_path / "results" / "figures" / "map_plan.gpkg").is_file()
    ran = next(c for c in executed.cells if "run_scenario(" in "".join(c["source"]))
    assert "optimal" in json.dumps(ran["outputs"])
    figures = tmp_path / "results" / "figures"
    images = assert_promised("03_allocation.ipynb", executed)
    assert images == [p.read_bytes() for p in sorted(figures.glob("*.png"))], \
        "every PNG of the results folder is shown, as written"
    page = html.unescape(web_maps(executed)[0])  # the map's page, as the iframe shows it
    plan = pd.read_csv(tmp_path / "results" / "allocation_villages.csv", dtype=str)
    assert len(plan) == 27
    for name in plan["name"]:
        assert name in page, name
    assert "Nothing is planned for this village." in page  # a popup of a non-focus village
    assert (figures / "map_plan.html").is_file() and (figures / "map_plan.gpkg").is_file()


def test_06_analysis_shows_every_analysis_with_its_figures(tmp_path, scores):
    """Notebook 06 on a small scenario (six focus villages, three share rules): every
    analysis's table is shown, its figures are images in the executed notebook and its
    sheets are in the workbook."""
    import openpyxl
    import yaml

    focus = sorted(scores.loc[scores["selected"].astype(bool), "code"])[:6]
    scenario = {"base": str(ROOT / "scenarios" / "efisiensi-murni.yaml"), "name": "kecil",
                "villages": focus,
                "rules": {"kecamatan_min_share": 0.2, "village_max_share": 0.3},
                "data": str(ROOT / "data" / "buleleng")}
    path = tmp_path / "kecil.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True))
    out = tmp_path / "results"
    executed = run_notebook("06_analysis.ipynb", tmp_path, scenario=str(path),
                            out_dir=str(out), alternatives=2, robustness=4, workers=2)
    images = {o["data"]["image/png"] for c in executed.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})}
    import base64

    drawn = {base64.b64encode(p.read_bytes()).decode() for p in
             [*(out / "figures").glob("analysis_*.png"), out / "figures" / "map_robustness.png"]}
    assert (out / "figures" / "analysis_robustness.png").is_file()
    assert drawn and drawn <= {i.replace("\n", "") for i in images}, \
        "every analysis figure of the results folder is shown"
    assert len(pngs(executed)) == len(drawn), "and nothing else"
    assert all(round(dpi(png)) == 200 for png in pngs(executed))
    shown = json.dumps([c.get("outputs") for c in executed.cells])
    # tables shown in the planners' words (planning.report.display.shown), not as codes
    for words in (MESSAGES["column.price_low_pct"][0], MESSAGES["column.objective"][0],
                  "Alternatif 1:", "Ketahanan rencana: 4 undian"):
        assert words in shown
    assert "price_low_pct" not in shown
    book = openpyxl.load_workbook(out / "rencana_alokasi.xlsx")
    assert "Harga Aturan" in book.sheetnames
    assert book["Harga Aturan"]._images, "the figure is placed in its sheet"


def test_07_multi_year_plans_five_years_records_2026_and_replans_within_each_pagu(tmp_path):
    """Notebook 07 on the shipped scenario rpjmd-2026-2030 (about 2 minutes: the plan and
    the re-plan, each about 40 s). Its figures are shown as the images written; from the
    folders it wrote, with pandas: every year's spending per agency, recomputed from
    years/units.csv and programs.csv, within that year's pagu (computed from the
    scenario's growth rule), in the plan and the re-plan; the recorded 2026 kept as
    history (three works not done, one partly done, the rest as planned); the two-year
    works started in 2026 continued in 2027, the one not done not carried over."""
    from .test_years_outputs import SCENARIO, TOL, programs_csv, recomputed_spending, year_pagu

    out = tmp_path / "results"
    executed = run_notebook("07_multi_year.ipynb", tmp_path, lang="en", out_dir=str(out))
    again = out.with_name("results-replan-2027")
    images = assert_promised("07_multi_year.ipynb", executed)
    assert images == [(out / "figures" / "spending_per_year.png").read_bytes(),
                      (out / "figures" / "rpjmd_progress.png").read_bytes(),
                      (again / "figures" / "rpjmd_progress.png").read_bytes()], \
        "the figures shown are the figures written"
    assert (out / "multi_year_plan.xlsx").is_file()
    assert (out / "multi_year_plan_realisasi_2026.xlsx").is_file()

    pagu = year_pagu(SCENARIO)
    first = pd.read_csv(out / "years" / "units.csv", dtype={"village": str})
    replanned = pd.read_csv(again / "years" / "units.csv", dtype={"village": str})
    for units, years in ((first, range(2026, 2031)), (replanned, range(2027, 2031))):
        spent = recomputed_spending(units)
        assert {y for y, _ in spent.index} >= set(years)
        for (year, agency), used in spent.items():
            if year in years:
                assert used <= pagu[(year, agency)] + TOL, (year, agency, used)

    # the history: 2026 as recorded, never as planned where it differs
    planned = first[(first["year"] == 2026) & (first["units"] > 0)].set_index(
        ["village", "program"])["units"]
    history = pd.read_csv(again / "years" / "history.csv", dtype={"village": str})
    kept = history.set_index(["village", "program"])["units"]
    assert sorted(kept.index) == sorted(planned.index) and (history["year"] == 2026).all()
    short = planned - kept
    assert int((kept == 0).sum()) == 3 and int(((kept > 0) & (short > 0)).sum()) == 1
    assert int((short == 0).sum()) == len(planned) - 4
    recorded = replanned[replanned["recorded"].astype(bool)]
    assert set(recorded["year"]) == {2026}
    assert recorded.set_index(["village", "program"])["units"].sort_index().to_dict() == \
        kept[kept > 0].sort_index().to_dict()
    block = json.loads((again / "summary.json").read_text(encoding="utf-8"))["replan"]
    assert (block["not_done"], block["partly"], block["done"]) == (3, 1, len(planned) - 4)

    # commitments: two-year works delivered in 2026 are in work in 2027 (their second
    # year, paid then); the one not done carries nothing over
    duration = programs_csv()["duration"]
    long = history[history["program"].map(duration) > 1].set_index(["village", "program"])
    in_2027 = replanned[replanned["year"] == 2027].set_index(["village", "program"])
    assert (long["units"] == 0).sum() == 1 and (long["started"] > 0).any()
    for key, row in long.iterrows():
        units = int(in_2027["units"].get(key, 0))
        started = int(in_2027["started"].get(key, 0))
        assert units - started == int(row["started"]), key
    shown = json.dumps([c.get("outputs") for c in executed.cells])
    assert "within the pagu: True" in shown


def test_08_province_national_plans_a_small_generated_province(tmp_path):
    """Notebook 08 on a small generated province (3 districts, 60 villages, in this
    process): it writes the region's results folder, shows its three figures as the
    images written, and the district table it shows holds the combined plan whose gap,
    recomputed with pandas from region_districts.csv, is 1 - sum(value) / sum(bound)."""
    from planning.data.synth_region import generate_province

    folder = generate_province(tmp_path / "kecil", seed=7, n_villages=60, n_districts=3,
                               n_kota=1)
    scenario = tmp_path / "kecil.yaml"
    base = (ROOT / "scenarios" / "provinsi-bali.yaml").as_posix()
    scenario.write_text(f"name: kecil\nbase: {base}\nregion:\n"
                        f"  folder: {folder.as_posix()}\n  generate: null\n", encoding="utf-8")
    out = tmp_path / "results"
    executed = run_notebook("08_province_national.ipynb", tmp_path, lang="en",
                            scenario=str(scenario), out_dir=str(out), workers=0)
    images = assert_promised("08_province_national.ipynb", executed)
    assert images == [(out / "figures" / name).read_bytes() for name in
                      ("region_split.png", "region_curves.png", "region_equity.png")], \
        "the figures shown are the figures written"
    assert (out / "region_plan.xlsx").is_file()
    districts = pd.read_csv(out / "region_districts.csv", dtype={"code": str})
    planned = districts[districts["objective"].notna()]
    assert len(planned) >= 2
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    gap = 1 - planned["objective"].sum() / planned["bound"].sum()
    assert summary["totals"]["gap"] == pytest.approx(gap, abs=1e-5), "the CSV's rounding"
    shown = "".join(o["data"].get("text/plain", "") for c in executed.cells
                    for o in c.get("outputs", []) if "data" in o)
    assert all(code in shown for code in districts["code"]), "the district table is shown"
