"""The PNG figures of a plan: present, real PNGs of a sane size, reproducible."""

from __future__ import annotations

import struct

import matplotlib
import pytest

from planning.figures import figure_files
from planning.model import allocate

PNG = b"\x89PNG\r\n\x1a\n"
NAMES = {"spending_by_agency.png", "spending_by_kecamatan.png",
         "deprivations_before_after.png", "plan_vs_baselines.png"}


@pytest.fixture(scope="module")
def allocation(ds, scores):
    return allocate(ds, scores)


@pytest.fixture(scope="module")
def figures(allocation):
    return figure_files(allocation)


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_four_pngs_of_a_sane_size(figures):
    assert set(figures) == NAMES
    for name, png in figures.items():
        assert png.startswith(PNG), name
        assert 5_000 < len(png) < 500_000, name
        assert size(png) == (800, 480), name


def test_same_plan_same_bytes(allocation, figures):
    assert figure_files(allocation) == figures


def test_language_changes_the_labels(allocation, figures):
    english = figure_files(allocation, "en", boundary=None)
    assert set(english) == NAMES
    assert all(english[name] != figures[name] for name in NAMES)


def test_the_data_note_is_drawn(allocation, figures):
    plain = figure_files(allocation, note="")
    assert all(plain[name] != figures[name] for name in NAMES)


def test_no_pyplot_state_left_behind(allocation):
    import sys

    figure_files(allocation)
    if "matplotlib.pyplot" in sys.modules:
        assert not matplotlib.pyplot.get_fignums()
