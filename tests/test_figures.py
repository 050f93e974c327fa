"""The PNG figures of a plan: present, real PNGs of a sane size, reproducible, and drawing
what they should: titles, axis labels, tick labels, bar values and the data note in both
languages, with bar lengths recomputed independently from the plan table and the CSV
files of the data set."""

from __future__ import annotations

import struct

import matplotlib
import pandas as pd
import pytest
from matplotlib.text import Text

from planning.model import ModelSettings, allocate
from planning.report.figures import figure_files, figure_objects
from tests.conftest import DATA
from tests.model_checker import recompute

PNG = b"\x89PNG\r\n\x1a\n"
NAMES = {"spending_by_agency.png", "spending_by_kecamatan.png",
         "deprivations_before_after.png", "plan_vs_baselines.png"}
LANGS = ("id", "en")

# What the figures must say, written out here rather than taken from report_labels.
TITLES = {
    "id": {"spending_by_agency.png": "Belanja dibanding pagu per lembaga",
           "spending_by_kecamatan.png": "Belanja per kecamatan",
           "deprivations_before_after.png":
               "Deprivasi per dimensi: sebelum dan sesudah rencana",
           "plan_vs_baselines.png": "Deprivasi teratasi: rencana ini dan dua cara sederhana"},
    "en": {"spending_by_agency.png": "Spending against pagu by agency",
           "spending_by_kecamatan.png": "Spending by kecamatan",
           "deprivations_before_after.png":
               "Deprivations by dimension: before and after the plan",
           "plan_vs_baselines.png": "Deprivations removed: this plan and two simple ways"},
}
AXIS = {
    "id": {"spending_by_agency.png": ("juta Rp", ""),
           "spending_by_kecamatan.png": ("juta Rp", ""),
           "deprivations_before_after.png": ("rumah tangga atau orang", ""),
           "plan_vs_baselines.png": ("", "deprivasi teratasi")},
    "en": {"spending_by_agency.png": ("Rp million", ""),
           "spending_by_kecamatan.png": ("Rp million", ""),
           "deprivations_before_after.png": ("households or people", ""),
           "plan_vs_baselines.png": ("", "deprivations removed")},
}
LEGENDS = {
    "id": {"spending_by_agency.png": ["pagu", "terpakai"],
           "deprivations_before_after.png": ["sebelum", "sesudah"]},
    "en": {"spending_by_agency.png": ["pagu", "used"],
           "deprivations_before_after.png": ["before", "after"]},
}
NOTE = {"id": "Data: indikator per desa SINTETIS (lihat data/README.md)",
        "en": "Data: SYNTHETIC per-village indicators (see data/README.md)"}
PLANS = {"id": ["optimum (rencana ini)", "serakah", "bagi rata"],
         "en": ["optimum (this plan)", "greedy", "equal split"]}


@pytest.fixture(scope="module")
def allocation(ds, scores):
    return allocate(ds, scores)


@pytest.fixture(scope="module")
def figures_png(allocation):
    return figure_files(allocation)


@pytest.fixture(scope="module")
def drawn(allocation):
    """lang -> file name -> Figure, drawn once (tick labels exist only after a draw)."""
    out = {lang: figure_objects(allocation, lang) for lang in LANGS}
    for by_name in out.values():
        for fig in by_name.values():
            fig.canvas.draw()
    return out


@pytest.fixture(scope="module")
def expected(ds, scores, allocation):
    """The numbers the bars should show, from the plan table (village, program, units)
    and the CSV files only: costs from programs.csv, kecamatan from villages.csv, pagu
    from agencies.csv, deprivations from tests/model_checker.py."""
    programs = pd.read_csv(DATA / "programs.csv").set_index("code")
    agencies = pd.read_csv(DATA / "agencies.csv")
    villages = pd.read_csv(DATA / "villages.csv", dtype={"code": str,
                                                         "kecamatan_code": str})
    groups = pd.read_csv(DATA / "groups.csv")
    plan = allocation.tables.plan[["village", "program", "units"]]
    plan = plan[plan["units"] > 0].copy()
    plan["agency"] = plan["program"].map(programs["agency"])
    plan["cost"] = (plan["units"] * plan["program"].map(programs["unit_cost"])
                    + plan["program"].map(programs["fixed_cost"]))
    kecamatan = villages.set_index("code")["kecamatan"]
    plan["kecamatan"] = plan["village"].map(kecamatan)
    focus = villages[villages["code"].isin(scores.loc[scores["selected"], "code"])]
    cells = recompute(ds.path, scores, ModelSettings(), allocation.tables.plan)["cells"]
    dims = cells.groupby("dimension")[["deprived", "removed"]].sum()
    dims["after"] = dims["deprived"] - dims["removed"]
    dimensions = groups[groups["kind"] == "dimension"].set_index("group")
    return {
        "used": plan.groupby("agency")["cost"].sum().reindex(agencies["code"], fill_value=0),
        "pagu": agencies.set_index("code")["pagu"],
        "kecamatan": plan.groupby("kecamatan")["cost"].sum().reindex(
            focus["kecamatan"].unique(), fill_value=0),
        "deprived": {dimensions.at[d, f"label_{lang}"]: dims.at[d, "deprived"]
                     for d in dims.index for lang in LANGS},
        "after": {dimensions.at[d, f"label_{lang}"]: dims.at[d, "after"]
                  for d in dims.index for lang in LANGS},
        "dimension_names": {lang: set(dimensions[f"label_{lang}"]) for lang in LANGS},
        "removed": cells["removed"].sum(),
    }


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def fmt(value: float, lang: str) -> str:
    """A bar's value label: thousands separated, one decimal only where it has one
    ("." and "," swapped in Indonesian)."""
    value = round(float(value), 1)
    text = f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text


def visible_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def horizontal_bars(ax, height: float) -> dict[str, float]:
    """Tick label -> bar length of the horizontal bars of ``height``."""
    ticks = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()),
                     strict=True))
    out = {}
    for bar in ax.patches:
        if bar.get_height() == pytest.approx(height):
            centre = bar.get_y() + bar.get_height() / 2
            near = min(ticks, key=lambda tick: abs(tick - centre))
            assert abs(near - centre) <= 0.21
            out.setdefault(ticks[near], bar.get_width())
    return out


def bar_values(ax) -> list[str]:
    """The value labels written at the end of the bars."""
    return [t.get_text() for t in ax.texts]


# --- files ------------------------------------------------------------------------------

def test_four_pngs_of_a_sane_size(figures_png):
    assert set(figures_png) == NAMES
    for name, png in figures_png.items():
        assert png.startswith(PNG), name
        assert 5_000 < len(png) < 500_000, name
        assert size(png) == (1600, 960), name  # 8 x 4.8 inches
        assert dpi(png) == pytest.approx(200, abs=0.1), name


def dpi(png: bytes) -> float:
    """The resolution in the PNG's pHYs chunk (pixels per metre), in dots per inch: what
    a spreadsheet or word processor reads to place the image at its size in inches."""
    at = png.index(b"pHYs")
    x, y, unit = struct.unpack(">IIB", png[at + 4:at + 13])
    assert unit == 1 and x == y
    return x * 0.0254


@pytest.mark.parametrize("lang", LANGS)
def test_no_title_runs_into_a_legend(drawn, lang):
    """Every chart's title (also the longest, with a plan's gap note on a second line)
    and its legend do not overlap, and the legend stays inside the figure."""
    for name, fig in drawn[lang].items():
        ax = fig.axes[0]
        legend = ax.get_legend()
        if legend is None:
            continue
        renderer = fig.canvas.get_renderer()
        title, key = ax.title.get_window_extent(renderer), legend.get_window_extent(renderer)
        assert not title.overlaps(key), name
        assert fig.bbox.x0 <= key.x0 and key.x1 <= fig.bbox.x1, name


def test_a_long_title_stays_clear_of_the_legend(allocation):
    """The before/after chart with the second title line of a plan that is not proven
    optimal: the title grows upwards, the legend stays beside the plot."""
    from types import SimpleNamespace

    from planning.report.figures import _deprivations, _figure, plan_title

    report = {"status": "feasible", "gap": 0.0471}  # the best plan found, not proven
    title = plan_title("Deprivasi per dimensi: sebelum dan sesudah rencana",
                       SimpleNamespace(report=report), "id")
    fig = _figure(_deprivations(allocation, "id"), title, "Data: SINTETIS")
    fig.canvas.draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    assert "\n" in ax.get_title(loc="left") and "4,71" in ax.get_title(loc="left")
    assert not ax.title.get_window_extent(renderer).overlaps(
        ax.get_legend().get_window_extent(renderer))


def test_a_chart_shows_itself_as_its_png_in_a_notebook(allocation, figures_png):
    """A Figure without pyplot shows in a notebook as text (``<Figure size …>``); the
    charts are Charts, whose PNG (the file's bytes) IPython displays at 100 px/inch."""
    from IPython.core.formatters import DisplayFormatter

    fig = figure_objects(allocation)["spending_by_agency.png"]
    data, metadata = DisplayFormatter().format(fig)
    assert "image/png" in data
    assert data["image/png"] == figures_png["spending_by_agency.png"]
    assert metadata["image/png"] == {"width": 800}


@pytest.mark.parametrize("lang", LANGS)
def test_the_typology_scatter_has_a_key_of_the_six_named_types(scores, lang):
    """The kawasan types are categories: one colour per type, named in a key (not a
    colour scale), the focus villages ringed; the title clear of the key."""
    from planning.report.figures import png_bytes
    from planning.report.scoring import typology_figure

    fig = typology_figure(scores, lang)
    png = png_bytes(fig)
    assert dpi(png) == pytest.approx(200, abs=0.1)
    (ax,) = fig.axes  # no colour bar
    legend = ax.get_legend()
    names = scores.drop_duplicates("typology").sort_values("typology")[f"typology_{lang}"]
    assert len(names) == 6
    entries = [t.get_text() for t in legend.get_texts()]
    assert entries[:6] == names.tolist()
    assert entries[6:] == [{"id": "desa fokus (lingkaran hitam)",
                            "en": "focus village (black ring)"}[lang]]
    assert legend.get_title().get_text() == {"id": "tipologi kawasan",
                                             "en": "kawasan type"}[lang]
    # each type's dots: its villages at (potential, poverty), in its own colour
    dots = ax.collections
    colours = {tuple(c.get_facecolor()[0]) for c in dots[:6]}
    assert len(colours) == 6
    for collection, (_, kind) in zip(dots[:6], scores.drop_duplicates("typology")
                                     .sort_values("typology").iterrows(), strict=True):
        members = scores[scores["typology"] == kind["typology"]]
        assert collection.get_offsets().data == pytest.approx(
            members[["potential_index", "poverty_index"]].to_numpy())
    assert len(dots[6].get_offsets()) == int(scores["selected"].sum()) == 27
    renderer = fig.canvas.get_renderer()
    assert not ax.title.get_window_extent(renderer).overlaps(
        legend.get_window_extent(renderer))


def test_same_plan_same_bytes(allocation, figures_png):
    assert figure_files(allocation) == figures_png


def test_language_changes_the_labels(allocation, figures_png):
    english = figure_files(allocation, "en", boundary=None)
    assert set(english) == NAMES
    assert all(english[name] != figures_png[name] for name in NAMES)


def test_no_pyplot_state_left_behind(allocation):
    import sys

    figure_files(allocation)
    figure_objects(allocation)
    if "matplotlib.pyplot" in sys.modules:
        assert not matplotlib.pyplot.get_fignums()


def test_the_files_are_the_figures_rendered(allocation, figures_png):
    from planning.report.figures import png_bytes

    assert {name: png_bytes(fig) for name, fig in figure_objects(allocation).items()} == \
        figures_png


# --- what is drawn ----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_titles_axis_labels_legends_and_note(drawn, lang):
    assert set(drawn[lang]) == NAMES
    for name, fig in drawn[lang].items():
        (ax,) = fig.axes
        assert ax.get_title(loc="left") == TITLES[lang][name], name
        assert (ax.get_xlabel(), ax.get_ylabel()) == AXIS[lang][name], name
        legend = ax.get_legend()
        if name in LEGENDS[lang]:
            assert [t.get_text() for t in legend.get_texts()] == LEGENDS[lang][name]
        else:
            assert legend is None, name
        assert [t.get_text() for t in fig.texts] == [NOTE[lang]], name
        texts = visible_texts(fig)
        assert TITLES[lang][name] in texts and NOTE[lang] in texts, name


@pytest.mark.parametrize("lang", LANGS)
def test_spending_by_agency(drawn, expected, lang):
    ax = drawn[lang]["spending_by_agency.png"].axes[0]
    used, pagu = horizontal_bars(ax, 0.5), horizontal_bars(ax, 0.8)
    assert set(used) == set(pagu) == set(expected["used"].index)
    for agency, cost in expected["used"].items():
        assert used[agency] == pytest.approx(cost), agency
        assert pagu[agency] == pytest.approx(expected["pagu"][agency]), agency
        assert cost <= expected["pagu"][agency] + 1e-6, agency
    # one label per used bar, in the order of the bars (agency codes, Z to A)
    order = sorted(expected["used"].index, reverse=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == order
    assert bar_values(ax) == [fmt(expected["used"][a], lang) for a in order]
    assert set(order) <= set(visible_texts(ax.figure))


@pytest.mark.parametrize("lang", LANGS)
def test_spending_by_kecamatan(drawn, expected, lang):
    ax = drawn[lang]["spending_by_kecamatan.png"].axes[0]
    bars = horizontal_bars(ax, 0.8)
    assert len(ax.patches) == len(expected["kecamatan"]) == 9
    assert set(bars) == set(expected["kecamatan"].index)
    assert "Gerokgak" in bars and "Tejakula" in bars
    for kecamatan, cost in expected["kecamatan"].items():
        assert bars[kecamatan] == pytest.approx(cost), kecamatan
    order = [t.get_text() for t in ax.get_yticklabels()]
    assert bar_values(ax) == [fmt(expected["kecamatan"][k], lang) for k in order]
    assert sum(bars.values()) == pytest.approx(expected["used"].sum())
    assert set(order) <= set(visible_texts(ax.figure))


@pytest.mark.parametrize("lang", LANGS)
def test_deprivations_before_and_after(drawn, expected, lang):
    ax = drawn[lang]["deprivations_before_after.png"].axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert set(names) == expected["dimension_names"][lang]
    # the bars of tick r: "before" centred at r + 0.2, "after" at r - 0.2
    before, after = {}, {}
    for bar in ax.patches:
        centre = bar.get_y() + bar.get_height() / 2
        tick = round(centre)
        side = before if centre - tick == pytest.approx(0.2) else after
        assert abs(centre - tick) == pytest.approx(0.2)
        side[names[tick]] = bar.get_width()
    assert set(before) == set(after) == set(names)
    for name in names:
        assert before[name] == pytest.approx(expected["deprived"][name]), name
        assert after[name] == pytest.approx(expected["after"][name]), name
        assert after[name] <= before[name]
    assert bar_values(ax) == [fmt(expected["after"][n], lang) for n in names]
    assert set(names) <= set(visible_texts(ax.figure))


@pytest.mark.parametrize("lang", LANGS)
def test_plan_against_the_baselines(drawn, expected, allocation, lang):
    ax = drawn[lang]["plan_vs_baselines.png"].axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == PLANS[lang]
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == 3
    assert heights[0] == pytest.approx(expected["removed"])
    assert bar_values(ax) == [fmt(h, lang) for h in heights]
    assert set(PLANS[lang]) <= set(visible_texts(ax.figure))


def test_the_data_note_is_what_the_caller_says(allocation, figures_png):
    plain = figure_objects(allocation, note="")
    own = figure_objects(allocation, "en", note="Data: REAL (BPS 2024)")
    for name in NAMES:
        assert [t.get_text() for t in plain[name].texts] == [""]
        assert [t.get_text() for t in own[name].texts] == ["Data: REAL (BPS 2024)"]
    png = figure_files(allocation, note="")
    assert all(png[name] != figures_png[name] for name in NAMES)


def test_no_plan_nothing_to_draw(allocation):
    from types import SimpleNamespace

    with pytest.raises(ValueError, match="no plan"):
        figure_objects(SimpleNamespace(tables=None))
    with pytest.raises(ValueError, match="no plan"):
        figure_files(SimpleNamespace(tables=None))
