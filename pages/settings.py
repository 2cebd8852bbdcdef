"""Settings & backup: who may edit, backup bundles of a project or the whole database,
and restoring one."""

import streamlit as st

from strategy_core.markdown import escape
from ui import backup, session

store = session.store()
project = session.require_project()

st.title("Settings & backup")
st.caption("Back up a project (or everything) as a zip of Parquet tables with a manifest, "
           "and restore it. A restore checks the whole bundle first and writes in one "
           "transaction: a damaged or newer bundle changes nothing.")

backup.roles_summary(store)

st.subheader("Back up")
if not store.can_write:
    st.info("Backups and restores are for editors: unlock editing in the sidebar.")
else:
    left, right = st.columns(2)
    with left:
        st.markdown(f"**This project** ({escape(project.name)})")
        backup.download_bundle(store, project, key="settings_export_project")
    with right:
        st.markdown("**The whole database** (every project)")
        backup.download_bundle(store, None, key="settings_export_all")

    st.subheader("Restore")
    backup.restore_form(store)
