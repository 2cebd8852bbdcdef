"""Charts of the sizing page (docs/rules.md §6): interval width against set size, the examples
needed to tell two runs apart, the split plan's allocation, and dev vs test source mix."""

from __future__ import annotations

import altair as alt
import pandas as pd

from strategy_core.sizing import DistributionCheck, HalfWidthProfile, RunComparison, SplitPlan

SPLIT_LABELS = {"train": "train", "train_dev": "train-dev", "dev": "dev", "test": "test"}
SHUFFLED_LABEL = "dev if shuffled"


def half_width_chart(profile: HalfWidthProfile) -> alt.LayerChart:
    """Half-width of the Wilson interval against n (log scale), the dev set size marked."""
    frame = pd.DataFrame(profile.points, columns=["n", "half_width"])
    x = alt.X("n:Q", title="Examples in the set (n, log scale)",
              scale=alt.Scale(type="log"), axis=alt.Axis(format="~s"))
    y = alt.Y("half_width:Q", title=f"Half-width of the {profile.confidence:.0%} interval",
              axis=alt.Axis(format=".1%"))
    line = alt.Chart(frame).mark_line().encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("n:Q", title="n", format=","),
                 alt.Tooltip("half_width:Q", title="± half-width", format=".2%")])
    layers: list[alt.Chart] = [line]
    if profile.marked_n is not None and profile.marked_half_width is not None:
        marked = pd.DataFrame([{
            "n": profile.marked_n, "half_width": profile.marked_half_width,
            "label": f"your dev set: {profile.marked_n:,} → ±{profile.marked_half_width:.2%}",
        }])
        base = alt.Chart(marked)
        layers += [
            base.mark_rule(strokeDash=[4, 4], color="#d62728").encode(x=x),
            base.mark_point(filled=True, size=90, color="#d62728").encode(
                x=x, y=y, tooltip=[alt.Tooltip("label:N", title="Dev set")]),
            base.mark_text(align="left", dx=8, dy=-10, color="#d62728").encode(
                x=x, y=y, text="label:N"),
        ]
    return alt.layer(*layers).properties(height=280)


def separation_chart(comparison: RunComparison) -> alt.LayerChart:
    """The dev set's size next to the examples needed to tell the two runs apart."""
    check = comparison.check
    rows = [{"what": "Your dev set", "n": comparison.n_dev, "kind": "have"}]
    if check.n_needed is not None:
        if check.method == "mcnemar":
            rows.append({"what": "Needed (paired)", "n": check.n_needed, "kind": "need"})
        if comparison.unpaired_needed is not None:
            rows.append({"what": "Needed (unpaired)", "n": comparison.unpaired_needed,
                         "kind": "need"})
    frame = pd.DataFrame(rows)
    frame["label"] = frame["n"].map(lambda n: f"{n:,}")
    order = frame["what"].tolist()
    y = alt.Y("what:N", title=None, sort=order)
    x = alt.X("n:Q", title="Examples", axis=alt.Axis(format="~s"))
    bars = alt.Chart(frame).mark_bar().encode(
        x=x, y=y,
        color=alt.Color("kind:N", legend=None,
                        scale=alt.Scale(domain=["have", "need"], range=["#1f77b4", "#bbbbbb"])),
        tooltip=[alt.Tooltip("what:N", title=""), alt.Tooltip("n:Q", title="Examples",
                                                              format=",")])
    text = alt.Chart(frame).mark_text(align="left", dx=4).encode(x=x, y=y, text="label:N")
    return alt.layer(bars, text).properties(height=40 + 36 * len(rows))


def allocation_frame(plan: SplitPlan) -> pd.DataFrame:
    """The plan as rows (split, source, examples), plus what a plain shuffle puts in dev."""
    rows = []
    for field, label in SPLIT_LABELS.items():
        for source, count in getattr(plan, field).items():
            rows.append({"split": label, "source": source, "examples": count})
    for source, count in plan.shuffle_dev.items():
        rows.append({"split": SHUFFLED_LABEL, "source": source, "examples": count})
    return pd.DataFrame(rows, columns=["split", "source", "examples"])


def allocation_chart(plan: SplitPlan, shares: bool = True) -> alt.Chart:
    """Stacked bars of each split by source; `shares` stacks to 100% so dev and test are as
    readable as the much larger training set (counts are in the tooltip)."""
    frame = allocation_frame(plan)
    totals = frame.groupby("split", sort=False)["examples"].transform("sum")
    frame["share"] = (frame["examples"] / totals.where(totals > 0)).fillna(0.0)
    order = [*SPLIT_LABELS.values(), SHUFFLED_LABEL]
    sources = list(plan.train)
    frame["source_order"] = frame["source"].map(sources.index)
    x = (alt.X("examples:Q", stack="normalize", title="Share of the split",
               axis=alt.Axis(format="%"))
         if shares else alt.X("examples:Q", stack="zero", title="Examples",
                              axis=alt.Axis(format="~s")))
    return alt.Chart(frame).mark_bar().encode(
        x=x,
        y=alt.Y("split:N", sort=order, title=None),
        color=alt.Color("source:N", sort=sources, title="Source",
                        scale=alt.Scale(scheme="tableau10"),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("source_order:Q"),
        tooltip=[alt.Tooltip("split:N", title="Split"), alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("examples:Q", title="Examples", format=","),
                 alt.Tooltip("share:Q", title="Share of split", format=".1%")],
    ).properties(height=alt.Step(34))


def source_mix_chart(check: DistributionCheck) -> alt.Chart:
    """Each source's share of dev and of test, side by side."""
    rows = [{"source": source, "set": name, "share": share[source]}
            for name, share in (("dev", check.dev_share), ("test", check.test_share))
            for source in share]
    frame = pd.DataFrame(rows, columns=["source", "set", "share"])
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("share:Q", title="Share of the set", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("source:N", title=None, sort=list(check.dev_share)),
        yOffset=alt.YOffset("set:N", sort=["dev", "test"]),
        color=alt.Color("set:N", title="Set", sort=["dev", "test"],
                        scale=alt.Scale(scheme="tableau10"),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("source:N", title="Source"), alt.Tooltip("set:N", title="Set"),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    ).properties(height=alt.Step(16))
