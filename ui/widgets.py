"""Small widgets shared by several pages: rate inputs, tables of errors, safe downloads,
problem lists and the human-level editor."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from strategy_core.csv_export import safe_csv_bytes
from strategy_core.errors import ConflictError, InputError, StrategyError
from strategy_core.human_level import DEFAULT_LEVEL_LABELS, HumanLevels
from strategy_core.markdown import escape
from strategy_core.project_metric import parse_level
from strategy_core.rates import parse_rate
from strategy_core.runs import ERROR_FIELDS, FIELD_LABELS, INFO_LABELS, SIZE_FIELDS
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import decisions as decision_cases
from strategy_core.usecases import runs as run_cases
from strategy_core.usecases.project_metric import project_metric
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric
from ui import cache
from ui.session import flash


def metric_of(store: Store, project: Project) -> ProjectMetric:
    """The project's metric (docs/rules.md §16), read once per change of the project."""
    return cache.read(project_metric, store, project.id)


def level_field(value: float | None, metric: ProjectMetric) -> str:
    """The text a level input starts with: '8.0%' for a percentage, '2.41' otherwise."""
    if value is None:
        return ""
    return f"{value * 100:g}%" if metric.percent else f"{value:g}"


def parse_level_field(text: str, label: str, metric: ProjectMetric) -> float | None:
    """A typed level in the metric's units (a rate as 8% or 0.08; a percentage quantity
    such as WER as 12%; else a number); blank is None. InputError names the field."""
    if not (text or "").strip():
        return None
    return parse_level(text, label, metric)


def level_column(label: str, metric: ProjectMetric, help: str | None = None) -> object:
    """A column of levels (shown through `scaled`): percent or the metric's number."""
    if metric.percent:
        return st.column_config.NumberColumn(label, format=f"%.{metric.precision}f%%",
                                             help=help)
    unit = f" {metric.unit}" if metric.unit else ""
    return st.column_config.NumberColumn(label, format=f"%.{metric.precision}f{unit}",
                                         help=help)


def gap_column(label: str, metric: ProjectMetric, help: str | None = None) -> object:
    """A column of gaps (shown through `scaled`): points for a percentage, else units."""
    if metric.percent:
        return st.column_config.NumberColumn(label, format=f"%.{metric.precision + 1}f pts",
                                             help=help)
    return level_column(label, metric, help)


def scaled(frame: pd.DataFrame, columns: Sequence[str], metric: ProjectMetric) -> pd.DataFrame:
    """`percent` for a percentage metric; the numbers as they are otherwise."""
    if metric.percent:
        return percent(frame, columns)
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce")
    return out


def rate_field(label: str, value: float | None) -> str:
    """The text a rate input starts with: '8.0%' or ''."""
    return "" if value is None else f"{value * 100:g}%"


def parse_rate_field(text: str, label: str) -> float | None:
    """A typed rate ('8%' or '0.08'); blank is None. Raises InputError naming the field."""
    if not (text or "").strip():
        return None
    return parse_rate(text, what=label)


def percent_column(label: str, help: str | None = None) -> object:
    """A column of rates already multiplied by 100 (see `percent`): one decimal, like 8.0%."""
    return st.column_config.NumberColumn(label, format="%.1f%%", help=help)


def points_column(label: str, help: str | None = None) -> object:
    """A column of rate differences already multiplied by 100: percentage points."""
    return st.column_config.NumberColumn(label, format="%.2f pts", help=help)


def percent(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy with the rates (fractions) in `columns` multiplied by 100, for display with
    `percent_column` / `points_column` (downloads keep the fractions)."""
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce") * 100
    return out


def run_columns(metric: ProjectMetric = ERROR_RATE) -> dict[str, object]:
    """Column config for run tables (levels shown through `scaled`), sizes as whole
    numbers, readable headers in the metric's words."""
    config: dict[str, object] = {f: level_column(field_label(f, metric), metric)
                                 for f in ERROR_FIELDS}
    config.update({f: st.column_config.NumberColumn(FIELD_LABELS[f], format="localized")
                   for f in SIZE_FIELDS})
    config["name"] = st.column_config.TextColumn("Run", pinned=True)
    config["run_id"] = st.column_config.TextColumn("Run id")
    config["created"] = st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD HH:mm")
    config.update({f: st.column_config.TextColumn(label) for f, label in INFO_LABELS.items()})
    return config


def field_label(name: str, metric: ProjectMetric) -> str:
    """'Dev error' for an error rate, 'Dev Word error rate' for another metric."""
    if metric.is_error_rate or name not in ERROR_FIELDS:
        return FIELD_LABELS[name]
    return f"{FIELD_LABELS[name].removesuffix(' error')} {metric.name}"


def _csv_bytes(frame: pd.DataFrame | Callable[[], pd.DataFrame]) -> bytes:
    return safe_csv_bytes(frame() if callable(frame) else frame)


def safe_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, label: str,
                  key: str, cache_key: tuple | None = None) -> None:
    """A CSV download with formula cells neutralized. With `cache_key` (which must determine
    the frame: `cache.key(store, project.id, ...)`) the file is written once, not on every
    rerun (a few thousand rows take 50–100 ms); `frame` may then be a function that builds
    the frame, called only when the file is not written yet."""
    payload = (cache.derived((*cache_key, file_name), _csv_bytes, frame)
               if cache_key is not None else _csv_bytes(frame))
    st.download_button(label, payload, file_name=file_name, mime="text/csv",
                       key=key, icon=":material/download:", on_click="ignore")


def show_problems(problems: Sequence[InputError], what: str = "The file") -> None:
    """Validation problems, each naming the row and column; nothing was written."""
    lines = "\n".join(f"- {escape(p)}" for p in problems[:20])
    more = f"\n- … and {len(problems) - 20} more" if len(problems) > 20 else ""
    st.error(f"{what} cannot be imported; nothing was written.\n\n{lines}{more}")


def human_levels_editor(store: Store, project: Project, key: str) -> None:
    """Edit the project's human levels (label, error) and choose the Bayes proxy.

    The editor keeps the levels it was opened with until they are saved; a save names them,
    so when someone else saved meanwhile nothing is written and their levels are shown with
    the choice to save these over theirs or to load theirs."""
    opened_key, conflict_key = f"{key}_levels_opened", f"{key}_levels_conflict"
    opened: HumanLevels | None = st.session_state.get(opened_key)
    if opened is not None and conflict_key not in st.session_state and not _has_edits(
            st.session_state.get(f"{key}_levels")):
        stored = cache.read(run_cases.human_levels, store, project.id)
        if stored.edit_token != opened.edit_token:
            _reload_levels(key)  # nothing typed yet: show what is stored now
            opened = None
    if opened is None:
        opened = cache.read(run_cases.human_levels, store, project.id)
        st.session_state[opened_key] = opened
    levels = opened
    metric = metric_of(store, project)
    factor = 100 if metric.percent else 1
    rows = [{"label": lvl.label, "error": lvl.error * factor} for lvl in levels.levels]
    if not rows:
        rows = [{"label": label, "error": None} for label in DEFAULT_LEVEL_LABELS]
    st.caption(f"Human level, in {metric.name}, is the proxy for Bayes (optimal) "
               "performance. Record what a typical person, an expert and a team of experts "
               "achieve on this task; the best is used unless you choose another.")
    edited = st.data_editor(
        pd.DataFrame(rows, columns=["label", "error"]), key=f"{key}_levels",
        num_rows="dynamic", hide_index=True, disabled=not store.can_write,
        column_config={
            "label": st.column_config.TextColumn("Who", required=True, max_chars=80),
            "error": st.column_config.NumberColumn(
                f"{metric.name} ({metric.unit})" if metric.unit else metric.name,
                min_value=None if metric.minimum is None else metric.minimum * factor,
                max_value=None if metric.maximum is None else metric.maximum * factor,
                format=f"%.{metric.precision + 1}f" + ("%%" if metric.percent else ""),
                step=0.01),
        },
    )
    labels = [str(v).strip() for v in edited["label"].tolist() if isinstance(v, str) and
              v.strip()]
    options = [None, *labels]
    proxy = levels.proxy
    digits = metric.precision + 1
    default_text = f"the best ({proxy.label}, {metric.format(proxy.error, digits)})" if proxy and \
        levels.proxy_is_default else "the best"
    current = None if levels.proxy_is_default else levels.chosen
    chosen = st.selectbox(
        "Bayes proxy", options, index=options.index(current) if current in options else 0,
        key=f"{key}_proxy",
        format_func=lambda v: f"Use {default_text}" if v is None else v,
        disabled=not store.can_write)
    if proxy is not None:
        st.caption(f"Proxy in use: **{escape(proxy.label)}** at "
                   f"{metric.format(proxy.error, digits)}.")
    if not store.can_write:
        return
    pairs = [(row["label"] if isinstance(row["label"], str) else "",
              None if pd.isna(row["error"]) else float(row["error"]) / factor)
             for row in edited.to_dict("records")]
    conflict = st.session_state.get(conflict_key)
    if conflict is not None:
        st.error(f"Not saved: {escape(conflict['message'])}")
        mine, theirs = st.columns(2)
        if mine.button("Save mine over theirs", key=f"{key}_save_mine", type="primary"):
            _save_levels(store, project, key, pairs, chosen, conflict["theirs"])
        if theirs.button("Load theirs", key=f"{key}_load_theirs"):
            _reload_levels(key)
            st.rerun()
    elif st.button("Save human levels", key=f"{key}_save"):
        _save_levels(store, project, key, pairs, chosen, levels)


def _has_edits(editor_state: object) -> bool:
    """Whether a data editor's state (st.data_editor's documented dict of edited, added and
    deleted rows) holds anything typed."""
    return isinstance(editor_state, dict) and any(
        editor_state.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))


def _save_levels(store: Store, project: Project, key: str,
                 pairs: list[tuple[str, float | None]], chosen: str | None,
                 expected: HumanLevels) -> None:
    try:
        run_cases.save_human_levels(store, project.id, pairs, chosen, expected=expected)
    except ConflictError as exc:
        st.session_state[f"{key}_levels_conflict"] = {"message": str(exc),
                                                       "theirs": exc.current}
        st.rerun()
    except StrategyError as exc:
        st.error(escape(exc))
    else:
        _reload_levels(key)
        flash("Human levels saved.")
        st.rerun()


def _reload_levels(key: str) -> None:
    """Forget the opened levels, what was typed in the editor and any conflict, so the next
    run shows the stored levels (deleting a widget's key resets it)."""
    for part in ("levels_opened", "levels_conflict", "levels", "proxy"):
        st.session_state.pop(f"{key}_{part}", None)


def record_decision(store: Store, project: Project, page: str, verdict: str,
                    numbers: dict | None, key: str) -> None:
    """'Record this as a decision': the page's verdict with the numbers behind it, a
    rationale and the author, added to the project's decision log."""
    if not store.can_write:
        return
    with st.expander("Record this as a decision", icon=":material/gavel:"):
        st.markdown(f"**Verdict:** {escape(verdict)}")
        with st.form(f"{key}_decision_form", clear_on_submit=True, border=False):
            rationale = st.text_area("Why (rationale)", key=f"{key}_decision_rationale",
                                     max_chars=5000, placeholder="What the team agreed, and why")
            author = st.text_input("Your name", key=f"{key}_decision_author", max_chars=80,
                                   value=st.session_state.get("decision_author", ""))
            if st.form_submit_button("Record decision"):
                try:
                    decision_cases.record_decision(store, project.id, page, verdict,
                                                   numbers or {}, rationale, author)
                except StrategyError as exc:
                    st.error(escape(exc))
                    return
                st.session_state["decision_author"] = author
                flash("Decision recorded in the decision log.")
                st.rerun()
