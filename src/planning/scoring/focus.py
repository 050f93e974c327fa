"""Focus villages: N per kecamatan by a stated priority rule, with forced picks.

Priority rules (higher priority is picked first, ties by village code):

* ``poverty``: poverty index, then potential index as the tie-break (the default);
* ``blend``:   (1 - alpha) * P_rank + alpha * Q_rank, with P_rank and Q_rank the poverty
  and potential indices as rank / n in (0, 1] and 0 <= alpha <= 1.

Villages forced in are picked first (they count towards N); villages forced out are
never picked; kelurahan are skipped unless ``include_kelurahan``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planning.config.scoring import RULES, FocusRule, ScoringError  # noqa: F401
from planning.i18n import DEFAULT_LANGUAGE, text


def priority(poverty: pd.Series | pd.DataFrame, potential: pd.Series | pd.DataFrame,
             rule: FocusRule) -> pd.Series | pd.DataFrame:
    """The priority value of each village under ``rule`` (higher first). ``poverty`` and
    ``potential`` are Series (one value per village) or DataFrames (one row per draw,
    one column per village; ranks are then taken within each row)."""
    axis = 1 if isinstance(poverty, pd.DataFrame) else 0
    n = poverty.shape[axis]
    p = poverty.rank(axis=axis, method="average")
    q = potential.rank(axis=axis, method="average")
    if rule.rule == "poverty":
        # poverty first; potential only breaks ties (scaled below any poverty difference)
        return p + q / (n + 1)
    return (1 - rule.alpha) * (p / n) + rule.alpha * (q / n)


@dataclass(frozen=True)
class Selection:
    table: pd.DataFrame  # one row per village: rank, priority, selected, reason, margin
    # kecamatan with fewer eligible villages than places: (code, name, picks, places)
    shortfalls: tuple[tuple[str, str, int, int], ...] = field(default_factory=tuple)

    @property
    def selected(self) -> list[str]:
        return self.table.loc[self.table["selected"], "code"].tolist()

    @property
    def messages(self) -> list[str]:
        return self.notes("en")

    def notes(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """One message per kecamatan that has fewer eligible villages than places."""
        return [text("scoring.short", lang, kecamatan=kec, name=name, picks=picks, per=per)
                for kec, name, picks, per in self.shortfalls]


def select_focus(villages: pd.DataFrame, poverty: pd.Series, potential: pd.Series,
                 rule: FocusRule) -> Selection:
    """Pick ``rule.per_kecamatan`` villages in each kecamatan and explain every pick."""
    rule.check(villages["code"])
    frame = villages[["code", "name", "kecamatan_code", "kecamatan", "type"]].copy()
    frame["poverty_index"] = frame["code"].map(poverty)
    frame["potential_index"] = frame["code"].map(potential)
    frame["priority"] = frame["code"].map(priority(poverty, potential, rule))
    frame["forced"] = np.select([frame["code"].isin(rule.force_in),
                                 frame["code"].isin(rule.force_out)], ["in", "out"], "")
    eligible = (frame["forced"] != "out") & (
        rule.include_kelurahan | (frame["type"] != "kelurahan") | (frame["forced"] == "in"))
    frame["eligible"] = eligible
    frame = frame.sort_values(["kecamatan_code", "priority", "code"],
                              ascending=[True, False, True], kind="stable")
    frame["rank_in_kecamatan"] = frame.groupby("kecamatan_code").cumcount() + 1
    short = []
    selected = pd.Series(False, index=frame.index)
    for kec, group in frame.groupby("kecamatan_code", sort=True):
        forced = group[group["forced"] == "in"]
        if len(forced) > rule.per_kecamatan:
            raise ScoringError("scoring.too_many_forced", "force_in", kecamatan=kec,
                               n=len(forced), per=rule.per_kecamatan)
        rest = group[group["eligible"] & (group["forced"] != "in")]
        picks = list(forced.index) + list(rest.index[: rule.per_kecamatan - len(forced)])
        selected[picks] = True
        if len(picks) < rule.per_kecamatan:
            short.append((kec, group["kecamatan"].iloc[0], len(picks), rule.per_kecamatan))
    frame["selected"] = selected
    frame["margin"] = _margins(frame)
    frame["reason"] = frame.apply(reason, axis=1)
    frame = frame.sort_values(["kecamatan_code", "rank_in_kecamatan"], kind="stable")
    return Selection(table=frame.reset_index(drop=True), shortfalls=tuple(short))


def _margins(frame: pd.DataFrame) -> pd.Series:
    """Selected: priority minus the best unselected eligible village of its kecamatan;
    not selected: priority minus the lowest selected one (negative = how far short)."""
    out = pd.Series(np.nan, index=frame.index)
    for _, group in frame.groupby("kecamatan_code"):
        chosen = group[group["selected"]]
        others = group[~group["selected"] & group["eligible"]]
        if len(others):
            out[chosen.index] = chosen["priority"] - others["priority"].max()
        if len(chosen):
            out[others.index] = others["priority"] - chosen["priority"].min()
    return out


def reason(row: pd.Series, lang: str = "en") -> str:
    """Why a village is or is not picked, from its row of the selection table."""
    if row["forced"] == "in":
        return text("reason.forced_in", lang)
    if row["forced"] == "out":
        return text("reason.forced_out", lang)
    if not row["eligible"]:
        return text("reason.kelurahan", lang)
    key = "reason.picked" if row["selected"] else "reason.below"
    return text(key, lang, rank=row["rank_in_kecamatan"])
