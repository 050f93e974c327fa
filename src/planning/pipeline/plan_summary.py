"""What a plan achieved, in the numbers summary.json keeps, and the error of a scenario
without a plan."""

from __future__ import annotations

from planning.model import Allocation


class NoPlan(Exception):
    """The scenario has no plan (infeasible, or the solver stopped before proving one);
    nothing was written and the previous results are untouched."""

    def __init__(self, allocation: Allocation):
        self.allocation = allocation
        super().__init__(allocation.report.status)

    def render(self, lang: str = "id") -> str:
        from planning.i18n import text

        a = self.allocation
        if a.explanation is not None:
            return a.explanation.render(a.instance, lang)
        return text("model.not_a_plan", lang, status=a.report.status,
                    detail=a.report.message or "-")


def allocation_summary(allocation: Allocation, lang: str = "id") -> dict:
    """What the plan achieved, in numbers a reviewer can recompute from the CSV files;
    whether it is proven optimal or the best plan found (``label`` says so in ``lang``),
    and whether the scenario accepts it."""
    from planning.report.labels import plan_label

    t = allocation.tables
    report = allocation.report
    agencies = t.agencies.set_index("agency")
    return {
        "status": report.status, "solver": report.solver,
        "solver_version": report.solver_version, "objective": report.objective,
        "bound": report.bound, "gap": report.gap, "gap_target": report.gap_target,
        "time_limit": report.time_limit, "stopped_by_time_limit": report.time_limited,
        "node_limit": report.node_limit, "max_gap": report.max_gap,
        "proven_optimal": report.proven, "stopped_by": report.stopped_by,
        "accepted": report.accepted, "plan_source": report.source,
        "label": plan_label(report, lang),
        "warm_start_from_quick_plan": report.warm_start,
        "deprivations_before": t.totals["deprivations_before"],
        "deprivations_removed": t.totals["deprivations_removed"],
        "removed_by_dimension": t.totals["removed_by_dimension"],
        "spending_total": t.totals["cost"], "pagu_total": t.totals["pagu"],
        "spending_by_agency": agencies["used"].to_dict(),
        "spending_by_kecamatan": t.kecamatan.set_index("kecamatan_code")["cost"].to_dict(),
        "baselines": t.baselines.set_index("plan")[
            ["objective", "removed", "cost", "rules_broken"]].to_dict(orient="index"),
        "lp_bound": allocation.lp_bound, "greedy_certified_gap": allocation.greedy_gap,
        "quick_plan_objective": allocation.quick_objective,
        "quick_plan_certified_gap": allocation.quick_gap,
        "warnings": [w.render(lang) for w in allocation.warnings],
    }


def _number(value: object) -> float | None:
    """A float for summary.json; None for a missing or non-finite value."""
    import math

    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def equity_summary(eq) -> dict:
    """summary.json's ``equity`` block from an :class:`~planning.analysis.equity.Equity`:
    codes, numbers, unit codes and reason keys only (language-neutral). Deprived and
    removed are in the unit of each dimension (never added across dimensions); Gini and
    Theil are of the spending per deprivation over the plan's villages; shares are 0-1.
    ``dimensions`` is a list in the data set's order (summary.json sorts the keys of a
    mapping)."""
    dims = eq.dimensions
    unused = eq.unused_programs
    return {
        "dimensions": [
            {"dimension": str(r.dimension), "unit": r.unit, "deprived": float(r.deprived),
             "removed": float(r.removed), "share_removed": float(r.share_removed)}
            for r in dims.itertuples(index=False)],
        "gini": _number(eq.gini),
        "theil": _number(eq.theil),
        "largest_village": {"village": eq.largest_village,
                            "share": float(eq.largest_share)},
        "token_villages": list(eq.token_villages),
        "token_rule": {"max_programs": int(eq.token_max_programs),
                       "max_cost": float(eq.token_max_cost)},
        "unused_programs": [
            {"program": str(r.program), "agency": str(r.agency), "reason": str(r.reason),
             "alternative": None if r.alternative is None or r.alternative != r.alternative
             else str(r.alternative)}
            for r in unused.itertuples(index=False)],
        "nothing_removed": [
            {"dimension": str(r.dimension), "reason": str(r.reason)}
            for r in dims.itertuples(index=False) if r.reason is not None],
    }


def _figures(plan) -> dict | None:
    """One plan's :class:`~planning.analysis.price.PlanFigures` as a plain dict."""
    if plan is None:
        return None
    return {"status": plan.status, "objective": _number(plan.objective),
            "gap": _number(plan.gap), "spending": float(plan.spending),
            "largest_village": plan.largest_village,
            "largest_share": float(plan.largest_share),
            "token_villages": int(plan.token_villages),
            "unused_programs": int(plan.unused_programs),
            "lowest_agency": plan.lowest_agency,
            "lowest_absorption": _number(plan.lowest_absorption)}


def price_summary(price) -> dict:
    """summary.json's ``price_of_balance`` block from a
    :class:`~planning.analysis.price.Price`: ``state`` (computed, not_balanced,
    no_efficiency_plan) and a ``note`` saying it in words (English, like the rest of
    summary.json), the balance settings on, both plans' figures (status, objective,
    certified gap, spending in juta Rp, largest village share, token villages, unused
    programmes, lowest agency absorption), per dimension in its own unit
    (``change = removed_balanced - removed_efficient``) and their sum,
    ``change_deprivations_mixed_units`` (deprivations of mixed units, never
    households)."""
    from planning.i18n import text

    dims = price.dimensions
    return {
        "state": price.state,
        "note": text(f"price.note.{price.state}", "en",
                     status=price.efficient_status or "-"),
        "balance_settings": dict(price.settings),
        "efficient_status": price.efficient_status,
        "balanced_plan": _figures(price.balanced),
        "efficient_plan": _figures(price.efficient),
        "dimensions": None if dims is None else [
            {"dimension": str(r.dimension), "unit": r.unit, "deprived": float(r.deprived),
             "removed_efficient": float(r.removed_efficient),
             "removed_balanced": float(r.removed_balanced), "change": float(r.change)}
            for r in dims.itertuples(index=False)],
        "change_deprivations_mixed_units": _number(price.change_total),
    }
