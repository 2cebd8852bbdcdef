"""The error-analysis page's reads (through `ui.cache`, keyed on the data version, so a
save from any session shows on everyone's next rerun) and its read-only parts: the sample
picker, the summary, the mislabeled-data verdict and the eyeball / blackbox check."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from strategy_core.charts.error_analysis import eyeball_chart, shares_chart
from strategy_core.error_analysis import (
    ADEQUACY_LABELS,
    LABEL_FIX_REMINDERS,
    LabelAudit,
)
from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from strategy_core.rates import format_pct, format_points
from strategy_core.runs import Run
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store
from strategy_core.store.predictions import PredictionSet
from strategy_core.store.projects import Project
from strategy_core.store.reviews import Category, ReviewSample
from strategy_core.usecases import error_analysis as usecase
from strategy_core.usecases.error_analysis import SampleAnalysis
from strategy_core.usecases.project_metric import project_metric
from strategy_core.values.project_metric import ProjectMetric
from ui import cache, charts, share, stale_edits, widgets
from ui.session import flash

SAMPLES_DIR = REPO_ROOT / "data" / "samples"
SAMPLE_KEY = "ea_sample"
_NEXT_SAMPLE_KEY = "ea_sample_next"


# -- reads -------------------------------------------------------------------------------


def prediction_sets(store: Store, project_id: int) -> list[PredictionSet]:
    """Prediction sets of the project's runs, oldest run first."""
    return cache.read(usecase.prediction_sets, store, project_id)


def samples(store: Store, project_id: int) -> list[ReviewSample]:
    """Review samples, newest first."""
    return cache.read(usecase.samples, store, project_id)


def categories(store: Store, project_id: int) -> list[Category]:
    return cache.read(usecase.categories, store, project_id)


def tags(store: Store, sample_id: int) -> pd.DataFrame:
    """The sample's tags: one frame per data version shared by every session (thousands
    of rows; a copy per rerun costs more than the page), so never mutate it."""
    return cache.shared(usecase.tags, store, sample_id)


def analysis(store: Store, sample_id: int) -> SampleAnalysis:
    return cache.read(usecase.analyze_sample, store, sample_id)


def metric(store: Store, project_id: int) -> ProjectMetric:
    """The project metric (docs/rules.md §16), which a review of per-example values speaks."""
    return cache.read(project_metric, store, project_id)


def _read_sample_file(name: str) -> bytes | None:
    path = SAMPLES_DIR / name
    return path.read_bytes() if path.is_file() else None


def sample_file(name: str) -> bytes | None:
    """A sample file from data/samples (None when it is not there)."""
    return cache.computed(_read_sample_file, name)


# -- empty state and sample picker -----------------------------------------------------


def empty_state(has_runs: bool) -> None:
    """What to do first: runs, then a predictions file, or an existing tag sheet."""
    if not has_runs:
        st.info("This project has no runs yet. Add runs on the **Runs** page first; then "
                "upload each run's per-example predictions here (a CSV with example_id, "
                "label, prediction, and optionally split, source, text, url, weight), or "
                "import a tag spreadsheet you already keep.", icon=":material/info:")
        left, right = st.columns(2)
        left.page_link("pages/runs.py", label="Go to Runs", icon=":material/table_chart:")
        payload = sample_file("predictions_dev.csv")
        if payload is not None:
            right.download_button("Sample predictions (CSV)", payload,
                                  file_name="predictions_dev.csv", mime="text/csv",
                                  key="ea_sample_norun", icon=":material/download:",
                                  on_click="ignore")
        return
    st.info("No predictions or review samples yet. Upload a run's per-example predictions "
            "under **Predictions** (a CSV with example_id, label, prediction and optionally "
            "split, source, text, url/image_url, weight), then draw a sample of misclassified "
            "dev examples to tag. Already keep a spreadsheet? Import it under **New "
            "sample**.", icon=":material/upload_file:")
    left, right = st.columns(2)
    for column, name, label in ((left, "predictions_dev.csv", "Sample predictions (CSV)"),
                                (right, "error_tags_sheet.csv", "Sample tag sheet (CSV)")):
        payload = sample_file(name)
        if payload is not None:
            column.download_button(label, payload, file_name=name, mime="text/csv",
                                   key=f"ea_sample_{name}", icon=":material/download:",
                                   on_click="ignore")


def sample_label(sample: ReviewSample, runs: dict[int, Run]) -> str:
    run = runs.get(sample.run_key) if sample.run_key is not None else None
    where = f" · {run.name}" if run else ""
    return (f"{sample.name} ({sample.size} {'examples' if sample.size != 1 else 'example'}, "
            f"{sample.kind_label}{where}, {sample.created_at:%Y-%m-%d})")


def choose_sample(sample_id: int | None) -> None:
    """Make `sample_id` the chosen sample on the next run (None: the newest)."""
    st.session_state[_NEXT_SAMPLE_KEY] = sample_id


def pick_sample(project_samples: Sequence[ReviewSample], runs: dict[int, Run]
                ) -> ReviewSample | None:
    """The sample the page works on; newest by default, kept across reruns."""
    if _NEXT_SAMPLE_KEY in st.session_state:
        st.session_state[SAMPLE_KEY] = st.session_state.pop(_NEXT_SAMPLE_KEY)
        share.select(sample=st.session_state[SAMPLE_KEY])  # a new choice replaces the link's
    if not project_samples:
        return None
    by_id = {s.id: s for s in project_samples}
    linked = share.requested("sample")
    if linked is not None:
        if linked.isdigit() and int(linked) in by_id:
            st.session_state[SAMPLE_KEY] = int(linked)
        else:
            share.unknown("sample", linked, "showing the newest sample")
    if st.session_state.get(SAMPLE_KEY) not in by_id:
        st.session_state[SAMPLE_KEY] = project_samples[0].id

    def follow() -> None:
        st.query_params["sample"] = str(st.session_state[SAMPLE_KEY])  # the URL follows

    chosen = st.selectbox("Review sample", list(by_id), key=SAMPLE_KEY, on_change=follow,
                          format_func=lambda sid: sample_label(by_id[sid], runs))
    share.select(sample=chosen)
    return by_id[chosen]


def manage_sample(store: Store, sample: ReviewSample) -> None:
    """Rename or delete the chosen sample (editors only)."""
    if not store.can_write:
        return
    with st.expander("Rename or delete this sample"):
        with st.form(f"ea_rename_{sample.id}", border=False):
            name = st.text_input("Name", value=sample.name, max_chars=80,
                                 key=f"ea_rename_name_{sample.id}")
            if st.form_submit_button("Rename"):
                try:
                    usecase.rename_sample(store, sample.id, name)
                except StrategyError as exc:
                    st.error(escape(exc))
                else:
                    flash("Sample renamed.")
                    st.rerun()
        confirm = st.checkbox("Yes, delete this sample and its tags", key=f"ea_del_ok_{sample.id}")
        if st.button("Delete sample", key=f"ea_delete_{sample.id}", disabled=not confirm):
            try:
                usecase.delete_sample(store, sample.id)
            except StrategyError as exc:  # e.g. someone else deleted it meanwhile
                # The rest of this run would still show the sample: start afresh.
                choose_sample(None)
                flash(f"Nothing was deleted: {escape(exc)} (someone else may have deleted "
                      "it already).", "warning")
                st.rerun()
            choose_sample(None)
            flash(f"Deleted sample {escape(sample.name)}.")
            st.rerun()


# -- summary ---------------------------------------------------------------------------


def summary_section(store: Store, project: Project, sample: ReviewSample,
                    result: SampleAnalysis) -> None:
    """Verdict, adequacy, chart of shares with ceilings, the table, efforts, downloads."""
    if sample.of_values:
        values_summary_section(store, project, sample, result)
        return
    if result.summary is None:
        st.info(escape(result.missing or ""), icon=":material/info:")
        if result.dev_error is None and store.can_write:
            dev_error_form(store, sample)
        return
    summary = result.summary
    if summary.top_category is None:
        st.info(escape(summary.headline))
    else:  # a very small review gives a tentative reading, never a success
        box = st.warning if summary.tentative else st.success
        box(f"**{escape(summary.headline)}.**", icon=":material/target:")
    sources = result.sources
    cols = st.columns(4)
    cols[0].metric("Reviewed", f"{summary.reviewed}", help="Examples marked reviewed")
    cols[1].metric("Review", ADEQUACY_LABELS[summary.adequacy],
                   help="Fewer than 20: very small; 20–49 rough; 50–99 good; 100+ very good")
    cols[2].metric("Dev error", format_pct(summary.dev_error), help=None if sources is None
                   else sources.reasons[-1])
    if sources is not None and sources.notable:
        (st.warning if sources.disagree is not False else st.info)(
            " ".join(escape(text) for text in sources.reasons), icon=":material/difference:")
    if summary.top_category is not None:
        top = summary.category(summary.top_category)
        cols[3].metric(f"Ceiling of {escape(top.name[:30])}", format_points(top.ceiling, 2),
                       help="Dev error removed if this category is fixed entirely")
    for reason in summary.reasons:
        st.markdown(f"- {escape(reason)}")
    charts.show(shares_chart, summary, key="ea_shares_chart")
    st.dataframe(widgets.percent(_summary_table(summary), _SUMMARY_RATES), hide_index=True,
                 key="ea_summary_table",
                 column_config=_summary_columns())
    if sample.kind == "errors" and sample.population and sample.size < sample.population:
        st.caption(f"Drawn at random (seed {sample.seed}) from {sample.population:,} "
                   f"misclassified dev examples; the shares carry over to all of them.")
    efforts_editor(store, project, summary)
    left, right = st.columns(2)
    with left:
        widgets.safe_download(_summary_table(summary), f"{project.slug}-error-summary.csv",
                              "Download summary (CSV)", key="ea_summary_download")
    with right:
        export_tags(store, project, sample)
    widgets.record_decision(
        store, project, "error_analysis", summary.headline,
        {"sample": sample.name, **{k: v for k, v in summary.as_dict().items()
                                   if k != "reasons"}}, key="ea_summary")


def values_summary_section(store: Store, project: Project, sample: ReviewSample,
                           result: SampleAnalysis) -> None:
    """A review of per-example values (docs/rules.md §18): the sample's rule, then shares,
    ceilings and priorities in the project metric's units."""
    st.markdown(f"**Sample:** {escape(result.rule or '')}.")
    summary = result.values
    if summary is None:
        st.info(escape(result.missing or ""), icon=":material/info:")
        return
    box = st.info if summary.top_category is None else \
        st.warning if summary.tentative else st.success
    box(f"**{escape(summary.headline)}.**", icon=":material/target:")
    shown = summary.metric
    digits = shown.precision + 1
    cols = st.columns(4)
    cols[0].metric("Reviewed", f"{summary.reviewed}")
    cols[1].metric("Review", ADEQUACY_LABELS[summary.adequacy],
                   help="Fewer than 20: very small; 20–49 rough; 50–99 good; 100+ very good")
    cols[2].metric(f"Dev {shown.name[:30]}", shown.format(summary.dev_value, digits))
    if summary.top_category is not None:
        top = summary.category(summary.top_category)
        cols[3].metric(f"Ceiling of {escape(top.name[:30])}",
                       shown.format_gap(top.ceiling, digits),
                       help="How much the dev metric improves, at most, if this category "
                            "is fixed entirely")
    for reason in summary.reasons:
        st.markdown(f"- {escape(reason)}")
    table = _values_table(summary, digits)
    st.dataframe(widgets.percent(table, ["share", "value_share"]), hide_index=True,
                 key="ea_values_table", column_config={
                     "category": st.column_config.TextColumn("Category", pinned=True),
                     "count": st.column_config.NumberColumn("Examples"),
                     "share": widgets.percent_column("Share of examples"),
                     "value_share": widgets.percent_column("Share of their error"),
                     "ceiling": st.column_config.TextColumn(f"Ceiling ({shown.name})"),
                     "if_fixed": st.column_config.TextColumn("Dev metric if fixed"),
                     "effort": st.column_config.NumberColumn("Effort", format="%.1f"),
                     "priority": st.column_config.TextColumn("Ceiling per unit of effort")})
    efforts_editor(store, project, summary)
    widgets.safe_download(_values_table(summary, digits), f"{project.slug}-error-summary.csv",
                          "Download summary (CSV)", key="ea_values_download")
    widgets.record_decision(
        store, project, "error_analysis", summary.headline,
        {"sample": sample.name, "rule": result.rule,
         **{k: v for k, v in summary.as_dict().items() if k != "reasons"}},
        key="ea_values_summary")


def _values_table(summary, digits: int) -> pd.DataFrame:  # noqa: ANN001 - ValueReviewSummary
    shown = summary.metric
    return pd.DataFrame([{
        "category": c.name, "count": c.count, "share": c.share, "value_share": c.value_share,
        "ceiling": shown.format_gap(c.ceiling, digits),
        "if_fixed": shown.format(c.metric_if_fixed, digits), "effort": c.effort,
        "priority": None if c.priority is None else shown.format_gap(c.priority, digits + 1),
    } for c in summary.categories])


def _summary_table(summary) -> pd.DataFrame:  # noqa: ANN001 - ReviewSummary
    return pd.DataFrame([{
        "category": c.name, "count": c.count, "share": c.share, "share_low": c.share_low,
        "share_high": c.share_high, "ceiling": c.ceiling, "error_if_fixed": c.error_if_fixed,
        "effort": c.effort, "priority": c.priority,
    } for c in summary.categories])


_SUMMARY_RATES = ("share", "share_low", "share_high", "ceiling", "error_if_fixed", "priority")


def _summary_columns() -> dict[str, object]:
    return {
        "category": st.column_config.TextColumn("Category", pinned=True),
        "count": st.column_config.NumberColumn("Examples"),
        "share": widgets.percent_column("Share"),
        "share_low": widgets.percent_column("95% low"),
        "share_high": widgets.percent_column("95% high"),
        "ceiling": widgets.points_column("Ceiling", help="Dev error removed, at most, if this "
                                                          "category is fixed entirely"),
        "error_if_fixed": widgets.percent_column("Dev error if fixed"),
        "effort": st.column_config.NumberColumn("Effort", format="%.1f"),
        "priority": widgets.points_column(
            "Priority (ceiling per unit of effort)",
            help="Dev error removed per unit of effort; highest first"),
    }


def efforts_editor(store: Store, project: Project, summary) -> None:  # noqa: ANN001
    """Effort per category (any unit the team uses: days, weeks); priority = ceiling /
    effort."""
    if not store.can_write:
        return
    with st.expander("Effort per category (for the priority)"):
        cats = categories(store, project.id)
        frame = pd.DataFrame({"id": [c.id for c in cats], "category": [c.name for c in cats],
                              "effort": [c.effort for c in cats]})
        edited = st.data_editor(
            frame, hide_index=True, key="ea_efforts", disabled=["category"],
            column_order=["category", "effort"],
            column_config={"category": st.column_config.TextColumn("Category"),
                           "effort": st.column_config.NumberColumn(
                               "Effort", min_value=0.01, step=0.5,
                               help="Any positive unit (days, weeks); empty for unknown")})
        opened = stale_edits.opened_version(
            "ea_efforts_editor", {c.id: c.version for c in cats}, "ea_efforts")

        def write(expected: dict[int, int] | None) -> None:
            usecase.set_efforts(store, project.id, {
                int(row["id"]): None if pd.isna(row["effort"]) else float(row["effort"])
                for row in edited.to_dict("records")}, expected=expected)

        if stale_edits.show_conflict(
                "ea_efforts_editor", write, widget_keys=["ea_efforts"], saved="Efforts saved.",
                theirs=lambda current: ", ".join(
                    f"{c.name}: {'empty' if c.effort is None else f'{c.effort:g}'}"
                    for c in current),
                version_of=lambda current: {c.id: c.version for c in current}):
            return
        if st.button("Save efforts", key="ea_efforts_save"):
            try:
                done = stale_edits.save("ea_efforts_editor", write, opened)
            except StrategyError as exc:
                st.error(escape(exc))
            else:
                if done:
                    st.session_state.pop("ea_efforts", None)
                    flash("Efforts saved.")
                st.rerun()


def export_tags(store: Store, project: Project, sample: ReviewSample) -> None:
    """The sample's tags as the wide spreadsheet, formula cells neutralized (written once
    per data version: a few thousand rows take a good part of a second)."""
    payload = cache.read(usecase.tag_sheet_csv, store, project.id, sample.id)
    st.download_button("Download tags as a spreadsheet (CSV)", payload,
                       file_name=f"{project.slug}-tags-{sample.id}.csv", mime="text/csv",
                       key="ea_tags_download", icon=":material/download:", on_click="ignore")


def dev_error_form(store: Store, sample: ReviewSample) -> None:
    with st.form(f"ea_dev_error_{sample.id}", border=False):
        text = st.text_input("Dev error behind this review", key=f"ea_dev_error_text_{sample.id}",
                             placeholder="e.g. 10% or 0.10")
        if st.form_submit_button("Save dev error"):
            try:
                value = widgets.parse_rate_field(text, "dev error")
                usecase.set_dev_error(store, sample.id, value)
            except StrategyError as exc:
                st.error(escape(exc))
            else:
                flash("Dev error saved.")
                st.rerun()


# -- mislabeled data -------------------------------------------------------------------


def mislabel_section(store: Store, project: Project, sample: ReviewSample,
                     result: SampleAnalysis, project_samples: Sequence[ReviewSample]) -> None:
    """The verdict of docs/rules.md §5 with its numbers, the reminders, and the label audit."""
    if sample.kind == "audit":
        errors = next((s for s in project_samples if s.kind == "errors" and
                       s.run_key == sample.run_key), None)
        audit = cache.read(usecase.audit_of, store, sample, errors)
        if audit is None:
            st.info("Tag this audit sample in the grid: tick **Incorrectly labeled** on every "
                    "correctly classified example whose label is wrong, and mark the others "
                    "reviewed.")
        else:
            audit_result(audit)
        return
    if sample.of_values:
        st.info("The fix-labels verdict reads shares of misclassified examples. In a review "
                "of per-example values, tag wrong labels **Incorrectly labeled**: its ceiling "
                "in the metric's units is on **Summary**.", icon=":material/label:")
        return
    verdict = result.mislabel
    if verdict is None:
        st.info(escape(result.missing or "Review some examples first."))
    else:
        text = "Fix labels" if verdict.verdict == "fix_labels" else "Fixing labels is not a " \
            "priority"
        box = st.warning if verdict.verdict == "fix_labels" else \
            st.info if result.summary is not None and result.summary.tentative else st.success
        box(f"**{text}.** {escape(verdict.reasons[0])}", icon=":material/label:")
        for reason in verdict.reasons[1:]:
            if reason not in LABEL_FIX_REMINDERS:
                st.markdown(f"- {escape(reason)}")
        widgets.record_decision(store, project, "error_analysis", f"{text} ({sample.name})",
                                {"sample": sample.name, **verdict.as_dict()}, key="ea_labels")
    st.markdown("**Whatever the verdict**")
    for reminder in LABEL_FIX_REMINDERS:
        st.markdown(f"- {escape(reminder)}")
    audits = [s for s in project_samples if s.kind == "audit" and s.run_key == sample.run_key]
    if audits:
        st.caption("Audit samples of this run: " + ", ".join(escape(s.name) for s in audits)
                   + ". Pick one above to tag it.")
    elif sample.run_key is not None and store.can_write:
        draw_audit(store, project, sample)


def audit_result(audit: LabelAudit) -> None:
    st.info(escape(audit.reasons[0]), icon=":material/fact_check:")
    for reason in audit.reasons[1:]:
        st.markdown(f"- {escape(reason)}")


def draw_audit(store: Store, project: Project, sample: ReviewSample) -> None:
    """A seeded sample of correctly classified dev examples of the same run."""
    with st.form(f"ea_audit_{sample.id}", border=False):
        st.markdown("**Audit correctly classified examples too.** Draw a random sample of "
                    "dev examples this run got right and tag the wrongly labeled ones.")
        left, middle, right = st.columns(3)
        size = left.number_input("Examples", min_value=1, max_value=5000, value=100,
                                 key=f"ea_audit_size_{sample.id}")
        seed = middle.number_input("Seed", min_value=0, value=int(sample.seed or 0) + 1,
                                   key=f"ea_audit_seed_{sample.id}")
        name = right.text_input("Name", value=f"Audit of {sample.name}"[:80], max_chars=80,
                                key=f"ea_audit_name_{sample.id}")
        if st.form_submit_button("Draw audit sample"):
            try:
                audit = usecase.draw_sample(store, project.id, sample.run_key,  # type: ignore[arg-type]
                                            name=name, kind="audit", size=int(size),
                                            seed=int(seed))
            except StrategyError as exc:
                st.error(escape(exc))
            else:
                choose_sample(audit.id)
                flash(f"Drew {audit.size} correctly classified examples: tag them in the grid.")
                st.rerun()


# -- eyeball / blackbox ----------------------------------------------------------------


def eyeball_section(store: Store, sample: ReviewSample) -> None:
    """Eyeball vs blackbox dev error per run, with the overfit warning (docs/rules.md §4)."""
    if sample.eyeball_n is not None and sample.dev_n:
        st.caption(f"The eyeball set is the {sample.eyeball_n:,} dev examples up to the last "
                   f"mistake drawn into this sample (in the seeded random order); the other "
                   f"{sample.dev_n - sample.eyeball_n:,} dev examples are the blackbox set, "
                   "used for tuning only.")
    with st.spinner("Scoring every run on the eyeball and blackbox sets…"):
        report = cache.read(usecase.sample_eyeball, store, sample.id)
    if report.check is None:
        st.info(escape(report.missing or ""), icon=":material/visibility:")
        return
    check = report.check
    headline = check.reasons[-1]
    if check.overfit:
        st.warning(f"**The eyeball set is overfit.** {escape(headline)}",
                   icon=":material/warning:")
    else:  # one run is a wait for data, not a finding
        (st.success if check.settled else st.info)(escape(headline), icon=":material/visibility:")
    for reason in check.reasons[:-1]:
        st.markdown(f"- {escape(reason)}")
    if report.runs_skipped:
        st.caption("Not shown (no blackbox or no eyeball examples): "
                   + ", ".join(escape(name) for name in report.runs_skipped))
    left, right = st.columns([3, 2])
    with left:
        charts.show(eyeball_chart, check, key="ea_eyeball_chart")
    with right:
        st.dataframe(widgets.percent(pd.DataFrame([r.as_dict() for r in check.runs]),
                                     ["eyeball_error", "blackbox_error", "gap"]),
                     hide_index=True,
                     key="ea_eyeball_table", column_order=[
                         "run", "eyeball_error", "blackbox_error", "gap", "eyeball_n",
                         "blackbox_n"],
                     column_config={
                         "run": st.column_config.TextColumn("Run"),
                         "eyeball_error": widgets.percent_column("Eyeball"),
                         "blackbox_error": widgets.percent_column("Blackbox"),
                         "gap": widgets.points_column("Gap"),
                         "eyeball_n": st.column_config.NumberColumn("Eyeball n",
                                                                    format="localized"),
                         "blackbox_n": st.column_config.NumberColumn("Blackbox n",
                                                                     format="localized")})
    if len(check.runs) < 2:
        st.caption("Upload predictions of more runs (scored on the same dev examples) to "
                   "follow both errors over time.")
