"""The optional ``duration`` column of programs.csv (issue 17): whole budget years one
work takes, 1 when blank or absent; 0, negatives, fractions and more than 10 years are
refused naming the file, row and column, in both languages."""

from __future__ import annotations

import pytest

from planning.data import DataError, load_dataset

from .conftest import DATA, edit, read, write


def test_the_shipped_durations():
    ds = load_dataset(DATA)
    duration = ds.programs.set_index("code")["duration"]
    assert str(duration.dtype) == "int64"
    assert duration[["PUTR-PAMSIMAS", "PUTR-SANIMAS", "DISTAN-SIMANTRI"]].tolist() == [2, 2, 2]
    assert (duration.drop(["PUTR-PAMSIMAS", "PUTR-SANIMAS", "DISTAN-SIMANTRI"]) == 1).all()
    # every duration above one year is justified, and marked an assumption, in its row
    raw = read(DATA, "programs.csv").set_index("code")
    for code in duration[duration > 1].index:
        assert "duration 2 budget years (assumption)" in raw.at[code, "assumptions"]


def test_blank_or_absent_means_one_year(data_copy):
    edit(data_copy, "programs.csv", 2, "duration", "")
    ds = load_dataset(data_copy)
    assert ds.programs.at[0, "duration"] == 1
    frame = read(data_copy, "programs.csv").drop(columns="duration")
    write(data_copy, "programs.csv", frame)
    ds = load_dataset(data_copy)
    assert ds.programs["duration"].tolist() == [1] * len(frame)
    assert str(ds.programs["duration"].dtype) == "int64"


@pytest.mark.parametrize("value", ["0", "-2", "1.5", "11", "two"])
def test_a_duration_that_cannot_be_is_refused(data_copy, value):
    edit(data_copy, "programs.csv", 4, "duration", value)
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    words = {"id": ("baris 4", "tahun anggaran", "negatif"),
             "en": ("row 4", "budget years", "negative")}
    for lang, (row_word, years, wrong) in words.items():
        message = caught.value.render(lang)
        assert "programs.csv" in message and row_word in message, message
        assert (years in message) == (value != "two") and wrong not in message, message
        assert "duration" in message and value in message, message
