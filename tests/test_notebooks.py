"""The notebooks: thin, stored without outputs, and executed top to bottom on the shipped
data (once in English) with no error and no warning."""

from __future__ import annotations

import json
import re

import pytest

from planning.i18n import MESSAGES

from .conftest import NOTEBOOKS, ROOT, SHARED, run_notebook

BOUNDARY = SHARED / "buleleng_desa.geojson"

ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
ABSOLUTE = re.compile(r"""["'](/[A-Za-z]|[A-Za-z]:\\)""")


def test_the_numbered_notebooks_exist():
    assert [name[:2] for name in ALL] == ["01", "02", "03", "04", "05", "06"]


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


def test_01_data_runs_with_point_maps(tmp_path):
    run_notebook("01_data.ipynb", tmp_path)


@pytest.mark.skipif(not BOUNDARY.exists(), reason="no boundary file in ../shared")
def test_01_data_runs_with_village_polygons_in_english(tmp_path):
    run_notebook("01_data.ipynb", tmp_path, boundary=str(BOUNDARY), lang="en")


def test_02_scoring_runs(tmp_path):
    run_notebook("02_scoring.ipynb", tmp_path)


def test_03_allocation_runs_in_english(tmp_path):
    boundary = str(BOUNDARY) if BOUNDARY.exists() else None
    executed = run_notebook("03_allocation.ipynb", tmp_path, lang="en",
                            out_dir=str(tmp_path / "results"), boundary=boundary)
    assert (tmp_path / "results" / "allocation_plan.xlsx").is_file()
    assert (tmp_path / "results" / "figures" / "map_plan.png").is_file()
    if boundary:
        assert (tmp_path / "results" / "figures" / "map_plan.gpkg").is_file()
    ran = next(c for c in executed.cells if "run_scenario(" in "".join(c["source"]))
    assert "optimal" in json.dumps(ran["outputs"])


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
    shown = json.dumps([c.get("outputs") for c in executed.cells])
    # tables shown in the planners' words (planning.report.display.shown), not as codes
    for words in (MESSAGES["column.price_low_pct"][0], MESSAGES["column.objective"][0],
                  "Alternatif 1:", "Ketahanan rencana: 4 undian"):
        assert words in shown
    assert "price_low_pct" not in shown
    book = openpyxl.load_workbook(out / "rencana_alokasi.xlsx")
    assert "Harga Aturan" in book.sheetnames
    assert book["Harga Aturan"]._images, "the figure is placed in its sheet"
