"""Pieces of the diagnosis, checklist and overview pages: their reads (through ui.cache),
the run picker, the gap cards, the flags and the empty state."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from strategy_core.charts.diagnosis import ChangeMark
from strategy_core.checklist import ChecklistSettings
from strategy_core.diagnosis import (
    FLAG_LABELS,
    FOCUS_UNKNOWN,
    GAP_LABELS,
    GAP_NAMES,
    GAPS,
    Decomposition,
    RunDiagnosis,
    decomposition_table,
    focus_label,
    format_interval,
    gap_formula,
)
from strategy_core.human_level import HumanLevels
from strategy_core.markdown import escape
from strategy_core.runs import Run
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import checklist as checklist_cases
from strategy_core.usecases import diagnosis as diagnosis_cases
from strategy_core.usecases import run_scope
from strategy_core.usecases import runs as run_cases
from strategy_core.usecases.status import ProjectStatus, project_status
from strategy_core.values.project_metric import ProjectMetric
from ui import cache, share, widgets

SAMPLE_RUNS = REPO_ROOT / "data" / "samples" / "runs_generic.csv"
CHOSEN_RUN_KEY = "diagnosis_chosen_run"  # (project id, run key), shared by the pages


def runs(store: Store, project_id: int) -> list[Run]:
    """The runs decisions use (unfinished ones left out unless the project lets them in,
    docs/rules.md §9), oldest first (shared by every session: never mutate)."""
    return cache.shared(run_scope.decision_runs, store, project_id)


def human_levels(store: Store, project_id: int) -> HumanLevels:
    """The project's human levels and the Bayes proxy in use."""
    return cache.read(run_cases.human_levels, store, project_id)


def diagnoses(store: Store, project_id: int) -> tuple[RunDiagnosis, ...]:
    """Every run's decomposition against the project's Bayes proxy, oldest first (computed
    once per data version and shared by every session)."""
    return cache.shared(diagnosis_cases.diagnoses, store, project_id)


def decomposition_frame(store: Store, project_id: int) -> pd.DataFrame:
    """Every run's decomposition as a table (`decomposition_table`), oldest first: built
    once per data version from the diagnoses above; each call gets a copy."""
    return cache.derived(cache.key(store, project_id), decomposition_table,
                         diagnoses(store, project_id)).copy()


def settings(store: Store, project_id: int) -> ChecklistSettings:
    """The project's checklist tolerance, link 5 and notes."""
    return cache.read(checklist_cases.checklist_settings, store, project_id)


def status(store: Store, project: Project) -> ProjectStatus:
    """The project's status lines and paragraph (strategy_core.usecases.status), from the
    diagnoses the pages already hold for this data version (not computed again)."""
    known = diagnoses(store, project.id)
    return cache.derived(cache.key(store, project.id), project_status, store,
                         project, runs=[diagnosis.run for diagnosis in known],
                         diagnoses=known)


def no_runs(project_name: str, key: str) -> None:
    """The empty state shared by the three pages: what to upload, a sample, where."""
    st.info(f"**{escape(project_name)}** has no runs yet. Upload a CSV of training runs "
            "(train, train-dev, dev and test error per run; split sizes if you have them) "
            "exported from MLflow, W&B or a notebook on the **Runs** page, and record "
            "human-level error there or below.", icon=":material/upload_file:")
    left, right = st.columns(2)
    left.page_link("pages/runs.py", label="Go to Runs to upload", icon=":material/table_chart:")
    right.download_button("Download a sample run CSV", SAMPLE_RUNS.read_bytes(),
                          file_name="runs_generic.csv", mime="text/csv", key=f"{key}_sample",
                          icon=":material/download:", on_click="ignore")


def pick_run(project_id: int, runs: Sequence[Run], key: str) -> int:
    """A run picker (newest first, default the newest); returns the chosen run's index in
    `runs`. The choice follows the user from one diagnosis page to the other."""
    by_key = {run.key: index for index, run in enumerate(runs)}
    options = [run.key for run in reversed(runs)]
    remembered = st.session_state.get(CHOSEN_RUN_KEY)
    default = 0
    if remembered and remembered[0] == project_id and remembered[1] in by_key:
        default = options.index(remembered[1])
    if st.session_state.get(key) not in by_key:
        st.session_state.pop(key, None)  # the run was deleted since: back to the default
    linked = share.requested("run")
    if linked is not None:
        matches = [run.key for run in runs if linked in (run.name, run.run_id)]
        if matches:
            default = options.index(matches[-1])
            st.session_state[key] = matches[-1]
        else:
            share.unknown("run", linked, "showing the newest run")

    def label(run_key: int) -> str:
        run = runs[by_key[run_key]]
        when = f" · {run.created:%Y-%m-%d}" if run.created is not None else ""
        newest = " (newest)" if run_key == options[0] else ""
        return f"{run.name}{when}{newest}"

    def remember() -> None:
        st.session_state[CHOSEN_RUN_KEY] = (project_id, st.session_state[key])
        st.query_params["run"] = runs[by_key[st.session_state[key]]].name  # the URL follows

    chosen = st.selectbox("Run", options, index=default, key=key, format_func=label,
                          on_change=remember,
                          help="Runs newest first (by created time). The newest run is "
                               "chosen unless you pick another.")
    share.select(run=runs[by_key[chosen]].name)
    return by_key[chosen]


def proxy_caption(levels: HumanLevels, metric: ProjectMetric,
                  where: str = "under **Human levels** below") -> str:
    """Which human level stands in for Bayes error, in one line of Markdown."""
    proxy = levels.proxy
    if proxy is None:
        return f"No human level recorded: avoidable bias cannot be measured. Record it {where}."
    how = "the best recorded" if levels.proxy_is_default else "chosen by the team"
    return (f"Human level (Bayes proxy): **{escape(proxy.label)}** at "
            f"**{metric.format(proxy.error, metric.precision + 1)}**, {how}. Change it {where}.")


def gap_cards(result: Decomposition) -> None:
    """One card per gap: its size, its formula, its interval and whether it is significant."""
    columns = st.columns(len(GAP_NAMES))
    metric = result.metric
    for column, gap in zip(columns, GAPS, strict=True):
        value = result.gaps[gap.name]
        formula = gap_formula(gap.name, metric)
        if gap.name == "variance" and result.variance_uses_dev:
            formula = formula.replace("training-dev", "dev") + (
                " (no training-dev error)" if metric.is_error_rate else
                " (no training-dev level)")
        with column.container(border=True):
            focus = gap.name == result.focus
            label = f"{gap.label} · focus" if focus else gap.label
            st.metric(label, metric.format_gap(value) if value is not None else "–",
                      help=f"{gap.label} = {formula}.")
            interval = result.intervals.get(gap.name)
            if value is None:
                st.caption(f"Cannot be computed: needs {formula}.")
            elif interval is not None:
                verdict = ("significant" if result.significant[gap.name]
                           else ":orange[**not significant**]")
                st.caption(f"95% interval {format_interval(interval, metric)}: {verdict}")
            else:
                st.caption(f"{formula}; no interval without set sizes")


def flags(result: Decomposition) -> None:
    """Every raised flag, named and explained."""
    for flag, text in result.flag_explanations.items():
        st.warning(f"**{FLAG_LABELS[flag]}.** {text}", icon=":material/flag:")


def decomposition_numbers(item: RunDiagnosis) -> dict:
    """The numbers recorded with a diagnosis decision."""
    return {"run": item.run.name, **item.decomposition.as_dict()}


def focus_box(result: Decomposition, verdict: str, runner_up: str | None) -> None:
    """The focus, its verdict and the runner-up: a firm focus in a plain box; a tentative
    one (its interval holds 0) or "not enough information" in a warning."""
    title = f"Focus: {focus_label(result.choice)}"
    if result.tentative or result.focus == FOCUS_UNKNOWN:
        title += " (tentative)" if result.tentative else ""
        body = f"**{title}.** {escape(verdict)}"  # title and runner-up: the app's own words
        st.warning(body + (f" {runner_up}" if runner_up else ""), icon=":material/my_location:")
        return
    with st.container(border=True):
        st.markdown(f"#### :material/my_location: {title}")
        st.markdown(escape(verdict))
        if runner_up:
            st.markdown(runner_up)


def change_marks(store: Store, project_id: int) -> list[ChangeMark]:
    """Dates to mark on the trend chart as (date, label): metric and dev-set changes from
    the metrics page's change log."""
    return cache.read(diagnosis_cases.change_marks, store, project_id)


def proxy_short(levels: HumanLevels, metric: ProjectMetric) -> str:
    proxy = levels.proxy
    return "(none recorded)" if proxy is None else \
        f"{metric.format(proxy.error, metric.precision + 1)} ({proxy.label})"


def table_columns(metric: ProjectMetric) -> dict[str, object]:
    """Column config of the every-run table: levels as percentages, gaps in points (or
    both in the metric's units)."""
    config: dict[str, object] = {
        "run": st.column_config.TextColumn("Run", pinned=True),
        "created": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD"),
        "human": widgets.level_column("Human", metric),
        "train": widgets.level_column("Train", metric),
        "train_dev": widgets.level_column("Train-dev", metric),
        "dev": widgets.level_column("Dev", metric),
        "test": widgets.level_column("Test", metric),
        "focus": st.column_config.TextColumn("Focus"),
        "focus_significant": st.column_config.CheckboxColumn(
            "Focus significant", help="The focus gap's 95% interval excludes 0 (empty: no "
                                      "set sizes)."),
        "flags": st.column_config.TextColumn("Flags"),
    }
    config.update({name: widgets.gap_column(GAP_LABELS[name], metric) for name in GAP_NAMES})
    return config
