"""ML Strategy Dashboard: the frame every page plugs into.

Page config, navigation, and the sidebar project picker. Routing only: the pages do the
work, `strategy_core` holds every rule.
"""

import streamlit as st

from ui import project_picker, session

session.leave_legacy_pages_mode()
st.set_page_config(page_title="ML Strategy Dashboard", page_icon=":material/explore:",
                   layout="wide")

PAGES = {
    "Project": [
        st.Page("pages/runs.py", title="Runs", icon=":material/table_chart:", url_path="runs",
                default=True),
    ],
}

navigation = st.navigation(PAGES)
store = session.store()
projects = store.projects.list()
chosen = project_picker.resolve(projects)
project_picker.render_sidebar(store, projects, chosen if not isinstance(
    chosen, project_picker.UnknownProject) else None)
session.show_flashes()

if isinstance(chosen, project_picker.UnknownProject):
    project_picker.show_unknown(chosen, projects, navigation)
elif chosen is None:
    project_picker.show_welcome()
else:
    navigation.run()
