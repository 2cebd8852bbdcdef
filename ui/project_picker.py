"""The sidebar project picker: choose, create, rename and delete projects.

The chosen project is carried in the URL as `?project=<slug>` so a copied link opens the
same project on any page. The parameter is checked against the database, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from strategy_core.errors import StrategyError
from strategy_core.markdown import escape
from strategy_core.store import Store
from strategy_core.store.projects import Project
from strategy_core.usecases import projects as project_cases
from strategy_core.usecases.projects import is_valid_slug
from ui import stale_edits
from ui.session import PROJECT_KEY, flash

PICKER_KEY = "project_picker"


@dataclass(frozen=True)
class UnknownProject:
    """The link named a project that is not here (or the parameter was malformed)."""

    requested: str


def resolve(projects: list[Project]) -> Project | UnknownProject | None:
    """The project for this run: the URL's, else the session's last, else the first."""
    by_slug = {p.slug: p for p in projects}
    requested = st.query_params.get("project")
    if requested is not None and requested != "":
        chosen = by_slug.get(requested) if is_valid_slug(requested) else None
        if chosen is None:
            return UnknownProject(requested)
    else:
        chosen = by_slug.get(st.session_state.get(PROJECT_KEY, "")) or \
            (projects[0] if projects else None)
    if chosen is not None:
        st.session_state[PROJECT_KEY] = chosen.slug
        if st.query_params.get("project") != chosen.slug:
            st.query_params["project"] = chosen.slug
    st.session_state["current_project"] = chosen
    return chosen


def _pick() -> None:
    slug = st.session_state[PICKER_KEY]
    st.session_state[PROJECT_KEY] = slug
    st.query_params.clear()  # a run or sample of the old project means nothing in the new
    st.query_params["project"] = slug


def render_sidebar(store: Store, projects: list[Project], chosen: Project | None) -> None:
    """The picker and the project management controls."""
    with st.sidebar:
        if projects:
            slugs = [p.slug for p in projects]
            names = {p.slug: p.name for p in projects}
            if chosen is not None:
                st.session_state[PICKER_KEY] = chosen.slug
            elif st.session_state.get(PICKER_KEY) not in slugs:
                st.session_state.pop(PICKER_KEY, None)
            st.selectbox("Project", slugs, key=PICKER_KEY, on_change=_pick,
                         format_func=lambda slug: names.get(slug, slug),
                         index=None if chosen is None else slugs.index(chosen.slug),
                         placeholder="Choose a project")
        if store.can_write:
            _create_form(store)
            if chosen is not None:
                _manage(store, chosen)


def _create_form(store: Store) -> None:
    with st.expander("New project"), st.form("project_create", clear_on_submit=True,
                                             border=False):
        name = st.text_input("Name", key="project_create_name", max_chars=80,
                             placeholder="e.g. Cat classifier")
        if st.form_submit_button("Create project"):
            try:
                project = project_cases.create_project(store, name)
            except StrategyError as exc:
                st.error(escape(exc))
                return
            st.session_state[PROJECT_KEY] = project.slug
            st.query_params["project"] = project.slug
            flash(f"Created project {escape(project.name)}.")
            st.rerun()


def _manage(store: Store, project: Project) -> None:
    with st.expander("Rename or delete project"):
        opened = stale_edits.opened_version("project_rename", project.version,
                                            "project_rename_name")
        with st.form("project_rename", border=False):
            new_name = st.text_input("New name", value=project.name, key="project_rename_name",
                                     max_chars=80)
            if st.form_submit_button("Rename"):
                try:
                    project_cases.rename_project(store, project.id, new_name,
                                                 expected=opened)
                except StrategyError as exc:  # a rename someone else's overtook included
                    st.error(escape(exc))
                else:
                    stale_edits.forget("project_rename", ["project_rename_name"])
                    flash("Renamed. Shared links keep working: the link's slug is unchanged.")
                    st.rerun()
        if st.session_state.get("project_delete_pending") != project.id:
            if st.button("Delete project…", key="project_delete"):
                st.session_state["project_delete_pending"] = project.id
                st.rerun()
        else:
            st.warning(f"Delete **{escape(project.name)}** and all its runs, tags and "
                       "decisions? This cannot be undone.")
            yes, no = st.columns(2)
            if yes.button("Yes, delete", key="project_delete_confirm", type="primary"):
                st.session_state.pop("project_delete_pending", None)
                try:
                    project_cases.delete_project(store, project.id)
                except StrategyError as exc:  # e.g. someone else deleted it meanwhile
                    st.session_state.pop(PROJECT_KEY, None)
                    st.query_params.pop("project", None)
                    flash(f"Nothing was deleted: {escape(exc)} (someone else may have "
                          "deleted it already).", "warning")
                    st.rerun()
                st.session_state.pop(PROJECT_KEY, None)
                st.query_params.pop("project", None)
                flash(f"Deleted project {escape(project.name)}.")
                st.rerun()
            if no.button("Cancel", key="project_delete_cancel"):
                st.session_state.pop("project_delete_pending", None)
                st.rerun()


def show_unknown(unknown: UnknownProject, projects: list[Project], page: st.Page) -> None:
    """A clear message and the list of projects to open instead."""
    if is_valid_slug(unknown.requested):
        st.error(f"There is no project **{escape(unknown.requested)}** here. The link may be "
                 "old, or the project was deleted.")
    else:
        st.error("The link's `project` parameter is not a valid project name.")
    if projects:
        st.write("Open one of these projects:")
        for project in projects:
            st.page_link(page, label=project.name,
                         query_params={"project": project.slug}, icon=":material/folder:")
    else:
        st.info("There are no projects yet: create one in the sidebar.")


def show_welcome() -> None:
    st.title("ML Strategy Dashboard")
    st.write("Decide what your ML team works on next: upload run results, compare them with "
             "human-level error, analyse errors, and record the decision.")
    st.info("There are no projects yet. Create one under **New project** in the sidebar, "
            "then upload a run CSV exported from MLflow, W&B or a notebook.")
