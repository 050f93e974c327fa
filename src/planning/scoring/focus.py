"""Focus villages: N per kecamatan by a stated priority rule, with forced picks.

Priority rules (higher priority is picked first, ties by village code):

* ``poverty``: poverty index, then potential index as the tie-break (the default);
* ``blend``:   (1 - alpha) * P_rank + alpha * Q_rank, with P_rank and Q_rank the poverty
  and potential indices as rank / n in (0, 1] and 0 <= alpha <= 1.

Villages forced in are picked first (they count towards N); villages forced out are
never picked; kelurahan are skipped unless ``include_kelurahan``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planning.scoring.indices import ScoringError

RULES = ("poverty", "blend")


@dataclass(frozen=True)
class FocusRule:
    per_kecamatan: int = 3
    rule: str = "poverty"
    alpha: float = 0.3
    include_kelurahan: bool = False
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()

    def check(self, codes: Iterable[str]) -> FocusRule:
        codes = set(codes)
        if self.rule not in RULES:
            raise ScoringError(f"unknown priority rule '{self.rule}'; use one of: "
                               f"{', '.join(RULES)}")
        if self.per_kecamatan < 1:
            raise ScoringError("per_kecamatan must be 1 or more")
        if not 0 <= self.alpha <= 1:
            raise ScoringError(f"alpha {self.alpha} must be between 0 and 1")
        for name, listed in (("force_in", self.force_in), ("force_out", self.force_out)):
            unknown = sorted(set(listed) - codes)
            if unknown:
                raise ScoringError(f"{name}: unknown village codes {', '.join(unknown)}; use "
                                   "Kemendagri codes from villages.csv")
        both = sorted(set(self.force_in) & set(self.force_out))
        if both:
            raise ScoringError(f"villages both forced in and forced out: {', '.join(both)}")
        return self


def priority(poverty: pd.Series, potential: pd.Series, rule: FocusRule) -> pd.Series:
    """The priority value of each village under ``rule`` (higher first)."""
    if rule.rule == "poverty":
        # poverty first; potential only breaks ties (scaled below any poverty difference)
        q = potential.rank(method="average") / (len(potential) + 1)
        return poverty.rank(method="average") + q
    p = poverty.rank(method="average") / len(poverty)
    q = potential.rank(method="average") / len(potential)
    return (1 - rule.alpha) * p + rule.alpha * q


@dataclass(frozen=True)
class Selection:
    table: pd.DataFrame  # one row per village: rank, priority, selected, reason, margin
    messages: tuple[str, ...] = field(default_factory=tuple)

    @property
    def selected(self) -> list[str]:
        return self.table.loc[self.table["selected"], "code"].tolist()


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
    messages = []
    selected = pd.Series(False, index=frame.index)
    for kec, group in frame.groupby("kecamatan_code", sort=True):
        forced = group[group["forced"] == "in"]
        if len(forced) > rule.per_kecamatan:
            raise ScoringError(
                f"kecamatan {kec}: {len(forced)} villages forced in but only "
                f"{rule.per_kecamatan} are picked per kecamatan; force fewer or raise N")
        rest = group[group["eligible"] & (group["forced"] != "in")]
        picks = list(forced.index) + list(rest.index[: rule.per_kecamatan - len(forced)])
        selected[picks] = True
        if len(picks) < rule.per_kecamatan:
            messages.append(f"kecamatan {kec} ({group['kecamatan'].iloc[0]}): only "
                            f"{len(picks)} eligible villages for {rule.per_kecamatan} places")
    frame["selected"] = selected
    frame["margin"] = _margins(frame)
    frame["reason"] = frame.apply(_reason, axis=1)
    frame = frame.sort_values(["kecamatan_code", "rank_in_kecamatan"], kind="stable")
    return Selection(table=frame.reset_index(drop=True), messages=tuple(messages))


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


def _reason(row: pd.Series) -> str:
    if row["forced"] == "in":
        return "forced in"
    if row["forced"] == "out":
        return "forced out"
    if not row["eligible"]:
        return "kelurahan excluded"
    if row["selected"]:
        return f"rank {row['rank_in_kecamatan']} in kecamatan"
    return f"rank {row['rank_in_kecamatan']} in kecamatan, below the cut"
