"""The three urgent bugs, reproduced in a real browser on a real `streamlit run`:

1. a run name with a vertical tab, uploaded on Runs, then "Prepare report": the chart
   renderer aborted the server process (every user got "Connection error");
2. choosing a run under "Add or edit a run" showed an empty form, and saving erased every
   value the user had not retyped;
3. (two sessions saving the same run) is proved with two browser pages here as well.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server, click_after_typing, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture
def empty_server(tmp_path: Path):
    running = start_server(tmp_path, seed_demo=False)
    yield running
    stop_server(running)


def create_project(page: Page, server: Server, name: str, slug: str) -> None:
    page.goto(server.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("New project", exact=True).click()
    sidebar.get_by_label("Name", exact=True).fill(name)
    click_after_typing(page, sidebar.get_by_role("button", name="Create project"))
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"[?&]project={slug}"))


def upload_runs(page: Page, server: Server, slug: str, csv_file: Path, count: int) -> None:
    page.goto(f"{server.url}/runs?project={slug}")
    wait_for_app(page)
    page.get_by_role("tab", name="Import CSV").click()
    page.locator("input[type=file]").set_input_files(str(csv_file))
    wait_for_app(page)
    button = page.get_by_role("button", name=f"Import {count} runs")
    expect(button).to_be_visible()
    button.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(rf"Imported .*: {count} added"))).to_be_visible()


def healthy(server: Server) -> bool:
    try:
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_a_control_character_in_a_run_name_no_longer_stops_the_server(
        empty_server: Server, page: Page, tmp_path: Path):
    csv_file = tmp_path / "vt.csv"
    csv_file.write_bytes(b"name,train_error,dev_error\nr\x0bvt,0.05,0.07\nr2,0.04,0.06\n")
    create_project(page, empty_server, "VT", "vt")
    upload_runs(page, empty_server, "vt", csv_file, 2)

    page.goto(f"{empty_server.url}/decisions?project=vt")
    wait_for_app(page)
    page.get_by_role("button", name="Prepare report").click()
    wait_for_app(page)
    html_download = page.get_by_role("button", name=re.compile("HTML"))
    expect(html_download).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        html_download.click()
    report = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "rvt" in report and "\x0b" not in report and "<svg" in report

    assert empty_server.process.poll() is None, empty_server.log()[-3000:]
    assert healthy(empty_server)
    page.reload()  # the app still answers: no "Connection error"
    wait_for_app(page)
    expect(page.get_by_role("button", name="Prepare report")).to_be_visible()


FULL_RUN = (b"name,created,train_error,train_dev_error,dev_error,test_error,n_train,"
            b"n_train_dev,n_dev,n_test\n"
            b"full,2026-11-02 09:30,0.05,0.06,0.10,0.11,90000,2000,2500,2600\n"
            b"other,2026-11-03 09:30,0.04,0.05,0.09,0.10,90000,2000,2500,2600\n")
FORM_VALUES = {"Name": "full", "Created (ISO date, optional)": "2026-11-02 09:30:00",
               "Train error": "5%", "Train-dev error": "6%", "Dev error": "10%",
               "Test error": "11%", "Train size": "90000", "Train-dev size": "2000",
               "Dev size": "2500", "Test size": "2600"}


def open_edit_form(page: Page, server: Server, run_name: str) -> None:
    page.goto(f"{server.url}/runs?project=edits")
    wait_for_app(page)
    page.get_by_role("tab", name="Add or edit a run").click()
    page.get_by_label("Run", exact=True).click()
    page.get_by_role("option", name=run_name, exact=True).click()
    wait_for_app(page)


def form_values(page: Page) -> dict[str, str]:
    panel = page.get_by_role("tabpanel", name="Add or edit a run")
    return {label: panel.get_by_label(label, exact=True).input_value() for label in FORM_VALUES}


def test_editing_a_run_shows_its_values_and_keeps_what_was_not_changed(
        empty_server: Server, page: Page, tmp_path: Path):
    csv_file = tmp_path / "full.csv"
    csv_file.write_bytes(FULL_RUN)
    create_project(page, empty_server, "Edits", "edits")
    upload_runs(page, empty_server, "edits", csv_file, 2)

    open_edit_form(page, empty_server, "full")
    assert form_values(page) == FORM_VALUES  # was: an empty form
    panel = page.get_by_role("tabpanel", name="Add or edit a run")
    panel.get_by_label("Train error", exact=True).fill("9%")
    click_after_typing(page, panel.get_by_role("button", name="Save run"))
    wait_for_app(page)
    expect(page.get_by_text("Saved run full.")).to_be_visible()

    open_edit_form(page, empty_server, "full")  # a fresh page: values from the database
    assert form_values(page) == {**FORM_VALUES, "Train error": "9%"}


def test_two_people_saving_the_same_run_are_told_and_both_changes_can_land(
        empty_server: Server, browser: Browser, tmp_path: Path):
    csv_file = tmp_path / "full.csv"
    csv_file.write_bytes(FULL_RUN)
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000})
                for _ in range(2)]
    first, second = (context.new_page() for context in contexts)
    try:
        create_project(first, empty_server, "Edits", "edits")
        upload_runs(first, empty_server, "edits", csv_file, 2)
        for page in (first, second):
            open_edit_form(page, empty_server, "full")
        first_panel = first.get_by_role("tabpanel", name="Add or edit a run")
        first_panel.get_by_label("Train error", exact=True).fill("9%")
        click_after_typing(first, first_panel.get_by_role("button", name="Save run"))
        wait_for_app(first)
        expect(first.get_by_text("Saved run full.")).to_be_visible()

        second_panel = second.get_by_role("tabpanel", name="Add or edit a run")
        second_panel.get_by_label("Dev error", exact=True).fill("12%")
        click_after_typing(second, second_panel.get_by_role("button", name="Save run"))
        wait_for_app(second)
        refusal = second.get_by_text(re.compile("Not saved: someone else saved run"))
        expect(refusal).to_be_visible()
        expect(second.get_by_text(re.compile("Train error 5.00% → 9.00%"))).to_be_visible()
        second.get_by_role("button", name="Reapply my change").click()
        wait_for_app(second)
        expect(second.get_by_text("Your change was saved on top of the other person's."))\
            .to_be_visible()

        open_edit_form(first, empty_server, "full")
        assert form_values(first) == {**FORM_VALUES, "Train error": "9%", "Dev error": "12%"}
    finally:
        for context in contexts:
            context.close()
