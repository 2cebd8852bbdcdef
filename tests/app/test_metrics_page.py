"""The Metrics page through AppTest: empty project and demo, thresholds that change
the winner, saving the team's definition, the change log, F1 and slices from runs or typed
tables, weighted error from uploaded predictions, and what viewers see."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from strategy_core.metrics import SelectionDefinition, parse_constraint, parse_objective
from strategy_core.runs import Run
from strategy_core.store import Store, open_store
from tests.app.conftest import DEMO_SLUG, assert_no_exception, open_app, open_page, project_id
from tests.store.test_store import dump

SLUG = "metrics-test"
K = "metrics_sel"


@pytest.fixture
def project(isolated_db: Path) -> Store:
    """An empty project "Metrics test" in the app's database."""
    store = open_store(str(isolated_db))
    store.projects.create("Metrics test")
    return store


@pytest.fixture
def demo(demo_app_env: str, isolated_db: Path) -> Store:
    at = open_app(project=DEMO_SLUG)  # seeds the demo the way the app does
    assert_no_exception(at)
    return open_store(str(isolated_db))


pid = project_id


def metrics_page(project: str = DEMO_SLUG) -> AppTest:
    return open_page("metrics", project, "Metrics")


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def winner_line(at: AppTest) -> str:
    return next(s.value for s in at.success if "wins with the" in s.value and "dev" in s.value)


# st.dataframe carries no key in AppTest: find each result table by its columns.
TABLES = {
    "feasible": ("rank", "run"), "infeasible": ("run", "misses"), "missing": ("run", "missing"),
    "f1": ("classifier", "f1"), "slices": ("classifier", "average", "worst"),
    "weighted": ("run", "plain", "weighted"), "log": ("when", "what", "why"),
}


def table(at: AppTest, name: str) -> pd.DataFrame | None:
    columns = TABLES[name]
    for element in at.dataframe:
        if element.editing_mode != "read_only":
            continue
        value = pd.DataFrame(element.value)
        if all(c in value.columns for c in columns):
            return value
    return None


def feasible(at: AppTest) -> list[str]:
    return table(at, "feasible")["run"].tolist()


def infeasible(at: AppTest) -> dict[str, str]:
    frame = table(at, "infeasible")
    return {} if frame is None else dict(zip(frame["run"], frame["misses"], strict=True))


def submit(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return at.run()


# --- empty project -------------------------------------------------------------------------


def test_empty_project_has_useful_empty_states(project: Store):
    at = metrics_page(SLUG)
    assert any("No runs yet" in i for i in texts(at.info))
    assert at.download_button(key="metrics_sel_sample") is not None
    assert any("No per-example predictions" in i for i in texts(at.info))
    assert any("No changes recorded yet" in i for i in texts(at.info))
    # The single-number tools work without runs, on docs/rules.md §3's example.
    assert any(s.startswith("A wins with the highest F1, 92\\.4%") for s in texts(at.success))
    f1 = table(at, "f1")
    assert f1["classifier"].tolist() == ["A", "B"]
    assert f1["f1"].round(1).tolist() == [92.4, 91.0]
    assert any(s.startswith("B wins with the lowest average over 3 slices \\(3\\.8%\\)")
               for s in texts(at.success))


# --- the demo: optimizing + satisficing --------------------------------------------------------


def test_demo_suggests_latency_100_and_resnet_mobile_5k_wins(demo: Store):
    at = metrics_page()
    assert at.selectbox(key=f"{K}_objective").value == "dev_error"
    assert at.radio(key=f"{K}_direction").value == "min"
    assert at.selectbox(key=f"{K}_row_metric_0").value == "latency_ms"
    assert at.text_input(key=f"{K}_row_value_0").value == "100"
    assert any("Suggested definition" in i for i in texts(at.info))
    assert any("Optimize dev\\_error \\(lower is better\\) subject to latency\\_ms ≤ 100"
               in m for m in texts(at.markdown))
    assert winner_line(at).startswith("resnet50\\-mobile\\-5k wins")
    assert feasible(at)[0] == "resnet50-mobile-5k" and len(feasible(at)) == 9
    assert infeasible(at) == {"efficientnet-b3-mobile": "latency_ms ≤ 100"}
    ranked = table(at, "feasible")
    assert ranked["m0"].round(1).tolist()[:2] == [3.2, 4.3]  # dev error in percent
    # Nothing is saved until someone saves it.
    assert demo.metric_log.definition(pid(demo, DEMO_SLUG)) is None


def test_raising_the_threshold_changes_the_winner(demo: Store):
    at = metrics_page()
    at.text_input(key=f"{K}_row_value_0").input("150").run()
    assert_no_exception(at)
    assert winner_line(at).startswith("efficientnet\\-b3\\-mobile wins")
    assert infeasible(at) == {}


def test_removing_the_threshold_and_adding_two(demo: Store):
    at = metrics_page()
    at.button(key=f"{K}_row_remove_0").click().run()
    assert winner_line(at).startswith("efficientnet\\-b3\\-mobile wins")
    at.button(key=f"{K}_add").click().run()
    at.button(key=f"{K}_add").click().run()
    assert_no_exception(at)
    at.selectbox(key=f"{K}_row_metric_1").set_value("latency_ms")
    at.text_input(key=f"{K}_row_value_1").input("100")
    at.selectbox(key=f"{K}_row_metric_2").set_value("recall")
    at.selectbox(key=f"{K}_row_op_2").set_value(">=")
    at.text_input(key=f"{K}_row_value_2").input("97%")
    at.run()
    assert_no_exception(at)
    # Only efficientnet reaches 97% recall, and it is too slow: nothing is feasible.
    assert any("No run meets every threshold" in w for w in texts(at.warning))
    misses = infeasible(at)
    assert misses["efficientnet-b3-mobile"] == "latency_ms ≤ 100"
    assert misses["resnet50-mobile-5k"] == "recall ≥ 97.0%"


def test_a_bad_threshold_is_explained_and_ignored(demo: Store):
    at = metrics_page()
    at.text_input(key=f"{K}_row_value_0").input("fast").run()
    assert_no_exception(at)
    assert any("not a number" in c for c in texts(at.caption))
    assert winner_line(at).startswith("efficientnet\\-b3\\-mobile wins")


def test_choosing_an_accuracy_like_metric_flips_the_direction(demo: Store):
    at = metrics_page()
    at.selectbox(key=f"{K}_objective").set_value("recall").run()
    assert_no_exception(at)
    assert at.radio(key=f"{K}_direction").value == "max"
    assert any(s.startswith("resnet50\\-mobile\\-5k wins with the highest recall")
               for s in texts(at.success))


def test_saved_definition_is_what_the_next_person_sees(demo: Store):
    at = metrics_page()
    at.text_input(key=f"{K}_row_value_0").input("130").run()
    at.text_input(key=f"{K}_save_author").input("Ana")
    at = submit(at, f"{K}_save")
    assert_no_exception(at)
    project_id = pid(demo, DEMO_SLUG)
    saved = demo.metric_log.definition(project_id)
    assert saved is not None and saved.saved_by == "Ana"
    assert saved.definition.as_setting() == {"optimize": "dev_error:min",
                                             "satisfy": ["latency_ms<=130"]}
    entry = demo.metric_log.list(project_id)[0]  # the newest; the demo has an older one
    assert entry.kind == "metric" and "latency_ms ≤ 130" in entry.what

    # Next week, another session: the same definition, marked as the team's.
    later = metrics_page()
    assert later.text_input(key=f"{K}_row_value_0").value == "130"
    assert any("team's saved definition" in c and "Ana" in c for c in texts(later.caption))
    assert winner_line(later).startswith("efficientnet\\-b3\\-mobile wins")
    assert not [b for b in later.button if b.key == f"{K}_save"]

    # Changing it needs a reason; without one nothing is written.
    later.text_input(key=f"{K}_row_value_0").input("100").run()
    before = dump(demo)
    later = submit(later, f"{K}_save")
    assert any("say why" in e for e in texts(later.error))
    assert dump(demo) == before
    later.text_area(key=f"{K}_save_reason").input("mid-range phones are slower")
    later = submit(later, f"{K}_save")
    assert_no_exception(later)
    assert demo.metric_log.definition(project_id).definition.as_setting()["satisfy"] == [
        "latency_ms<=100"]
    assert demo.metric_log.list(project_id)[0].reason == "mid-range phones are slower"


def test_someone_else_saving_meanwhile_is_not_overwritten(demo: Store):
    at = metrics_page()
    at.text_input(key=f"{K}_row_value_0").input("130").run()
    project_id = pid(demo, DEMO_SLUG)
    demo.metric_log.save_definition(project_id, SelectionDefinition(
        parse_objective("test_error:min"), (parse_constraint("latency_ms<=50"),)),
        expected=None, author="Bo")
    at.run()
    assert any("changed by Bo since you opened" in w for w in texts(at.warning))
    at = submit(at, f"{K}_save")
    assert any("someone else changed" in e for e in texts(at.error))
    assert demo.metric_log.definition(project_id).definition.objective.metric == "test_error"
    at.button(key=f"{K}_reload").click().run()
    assert at.selectbox(key=f"{K}_objective").value == "test_error"
    assert at.text_input(key=f"{K}_row_value_0").value == "50"


def test_record_the_selection_as_a_decision(demo: Store):
    at = metrics_page()
    at.text_area(key="metrics_sel_decision_rationale").input("ship the 5k model")
    button = next(b for b in at.button if b.label == "Record decision"
                  and b.proto.form_id == "metrics_sel_decision_form")
    button.click().run()
    assert_no_exception(at)
    (decision,) = demo.decisions.list(pid(demo, DEMO_SLUG), page="metrics")
    assert decision.verdict == ("Optimize dev_error (lower is better) subject to latency_ms "
                                "≤ 100. Winner: resnet50-mobile-5k (dev_error 3.2%).")
    assert decision.numbers["winner"] == "resnet50-mobile-5k"
    assert decision.numbers["satisfy"] == ["latency_ms<=100"]


# --- change log ------------------------------------------------------------------------------


def test_record_a_dev_set_change_and_see_it_listed(demo: Store):
    at = metrics_page()
    at.radio(key="metrics_log_kind").set_value("dev_set")
    at.text_input(key="metrics_log_what").input("mobile photos only")
    at.text_area(key="metrics_log_why").input("web images no longer reflect the users")
    at.text_input(key="metrics_log_who").input("Ana")
    at = submit(at, "metrics_log_add")
    assert_no_exception(at)
    seeded = "Dev and test sets are mobile photos only"  # the demo's own entry, older
    entry = demo.metric_log.list(pid(demo, DEMO_SLUG))[0]
    assert (entry.kind, entry.what, entry.author) == ("dev_set", "mobile photos only", "Ana")
    log = table(at, "log")
    assert log["what"].tolist() == ["mobile photos only", seeded]
    assert log["kind"].tolist() == ["Dev set", "Dev set"]
    assert at.download_button(key="metrics_log_download") is not None
    # Removing it again.
    at.selectbox(key="metrics_log_remove_choice").set_value(entry.id)
    at.button(key="metrics_log_remove").click().run()
    assert [e.what for e in demo.metric_log.list(pid(demo, DEMO_SLUG))] == [seeded]


def test_a_change_without_a_reason_is_refused(demo: Store):
    at = metrics_page()
    at.text_input(key="metrics_log_what").input("mobile photos only")
    before = dump(demo)
    at = submit(at, "metrics_log_add")
    assert any("say why" in e for e in texts(at.error))
    assert dump(demo) == before


# --- single number -----------------------------------------------------------------------------


def test_demo_f1_and_slices_from_run_metrics(demo: Store):
    at = metrics_page()
    f1 = table(at, "f1")
    assert f1["classifier"].iloc[0] == "efficientnet-b3-mobile" and f1["winner"].iloc[0] == "★"
    assert len(f1) == 10
    slices = table(at, "slices")
    assert slices["classifier"].iloc[0] == "efficientnet-b3-mobile"
    assert slices["average"].iloc[0] == pytest.approx((2.7 + 2.8 + 3.2) / 3)
    assert set(slices.columns) == {"winner", "classifier", "average", "worst", "s0", "s1",
                                   "s2"}
    assert slices["worst"].iloc[0] == "asia"


def test_switching_to_typed_tables(demo: Store):
    at = metrics_page()
    at.radio(key="metrics_f1_source").set_value("table").run()
    at.radio(key="metrics_slices_source").set_value("table").run()
    assert_no_exception(at)
    assert table(at, "f1")["classifier"].tolist() == ["A", "B"]
    assert table(at, "slices")["classifier"].tolist() == ["B",
                                                                                     "A"]
    at.toggle(key="metrics_slices_higher").set_value(True).run()
    assert table(at, "slices")["classifier"].tolist() == ["A",
                                                                                     "B"]


# --- weighted error ----------------------------------------------------------------------------

# Run A misses the one web example (weight 10), run B two mobile ones (docs/rules.md §3).
PREDICTIONS = {
    "A": "example_id,split,source,label,prediction,weight\n"
         "e1,dev,web,cat,not_cat,10\ne2,dev,mobile,cat,cat,1\ne3,dev,mobile,cat,cat,1\n"
         "e4,dev,mobile,not_cat,not_cat,\n",
    "B": "example_id,split,source,label,prediction,weight\n"
         "e1,dev,web,cat,cat,10\ne2,dev,mobile,cat,not_cat,1\ne3,dev,mobile,cat,not_cat,1\n"
         "e4,dev,mobile,not_cat,not_cat,\n",
}


@pytest.fixture
def with_predictions(project: Store) -> Store:
    project_id = pid(project, SLUG)
    project.runs.import_runs(project_id, [Run(name="A", dev_error=0.25),
                                          Run(name="B", dev_error=0.5)],
                             source="x.csv", fmt="generic")
    for run in project.runs.list(project_id):
        project.predictions.import_bytes(project_id, run.key, PREDICTIONS[run.name].encode(),
                                         source=f"{run.name}.csv")
    return project


def test_weighted_error_from_the_weight_column(with_predictions: Store):
    at = metrics_page(SLUG)
    weighted = table(at, "weighted")
    assert weighted["run"].tolist() == ["A", "B"]
    assert weighted["plain"].tolist() == pytest.approx([25.0, 50.0])  # shown in percent
    assert weighted["weighted"].tolist() == pytest.approx([1000 / 13, 200 / 13])
    assert any(s.startswith("B has the lowest weighted error, 15\\.4%")
               for s in texts(at.success))
    assert any("change the pick" in m for m in texts(at.markdown))


def test_weighted_error_by_source_value(with_predictions: Store):
    at = metrics_page(SLUG)
    at.radio(key="metrics_weighted_how").set_value("attribute").run()
    at.selectbox(key="metrics_weighted_by").set_value("source")
    at.text_input(key="metrics_weighted_map").input("web=4").run()
    assert_no_exception(at)
    assert any("mobile \\(3\\), web \\(1\\)" in c for c in texts(at.caption))
    weighted = table(at, "weighted")
    assert weighted["weighted"].tolist() == pytest.approx([400 / 7, 200 / 7])
    at.text_input(key="metrics_weighted_map").input("web=-1").run()
    assert any("negative" in e for e in texts(at.error))


# --- viewers -------------------------------------------------------------------------------------


def test_viewer_sees_the_verdict_but_no_write_controls(demo: Store, monkeypatch):
    monkeypatch.setenv("STRATEGY_EDITOR_PASSCODE", "let-me-edit")
    at = metrics_page()
    assert winner_line(at).startswith("resnet50\\-mobile\\-5k wins")
    keys = {w.key for w in [*at.button, *at.text_area, *at.text_input] if w.key}
    assert not {f"{K}_save", "metrics_log_add", "metrics_log_remove",
                "metrics_sel_decision_rationale"} & keys


def test_a_saved_definition_naming_a_removed_metric_is_explained(demo: Store):
    demo.metric_log.save_definition(pid(demo, DEMO_SLUG), SelectionDefinition(
        parse_objective("dev_error:min"), (parse_constraint("memory_mb<=512"),)),
        expected=None)
    at = metrics_page()
    assert any("unknown metric \\'memory\\_mb\\'" in w for w in texts(at.warning))
    assert at.selectbox(key=f"{K}_row_metric_0").value == "memory_mb"
    missing = table(at, "missing")
    assert len(missing) == 10 and set(missing["missing"]) == {"memory_mb"}
