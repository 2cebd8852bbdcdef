"""ML Strategy Dashboard: the frame every page plugs into.

Page config, navigation, and the sidebar project picker. Routing only: the pages do the
work, `strategy_core` holds every rule.
"""

import streamlit as st

from strategy_core.usecases.projects import list_projects
from ui import access, project_picker, session, share
from ui import navigation as navigation_pages

session.leave_legacy_pages_mode()
st.set_page_config(page_title="ML Strategy Dashboard", page_icon=":material/explore:",
                   layout="wide")

sections: dict[str, list[st.Page]] = {}
for spec in navigation_pages.PAGES:
    sections.setdefault(spec.section, []).append(st.Page(
        spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
        default=spec.default))

navigation = st.navigation(sections)
store = session.store()
projects = list_projects(store)
chosen = project_picker.resolve(projects)
project_picker.render_sidebar(store, projects, chosen if not isinstance(
    chosen, project_picker.UnknownProject) else None)
access.render(store.can_write)
session.show_flashes()

if isinstance(chosen, project_picker.UnknownProject):
    project_picker.show_unknown(chosen, projects, navigation)
elif chosen is None:
    project_picker.show_welcome()
else:
    share.begin_page()
    navigation.run()
    share.render(chosen.slug)
