"""Sidebar controls for roles: unlock editing with the passcode, sign in and out."""

from __future__ import annotations

import streamlit as st

from strategy_core.access import PASSCODE_GATE, configured_passcode
from strategy_core.markdown import escape
from ui.session import UNLOCKED_KEY, auth_configured, flash, secrets, signed_in_email


def render(can_write: bool) -> None:
    """Show the session's role and the controls to change it."""
    passcode = configured_passcode(secrets=secrets())
    with st.sidebar:
        if auth_configured():
            email = signed_in_email()
            if email:
                st.caption(f"Signed in as {escape(email)}")
                if st.button("Sign out", key="access_sign_out"):
                    st.logout()
            elif st.button("Sign in", key="access_sign_in", icon=":material/login:"):
                st.login()
        if passcode is None and not auth_configured():
            return
        if can_write:
            st.caption(":material/edit: Editing unlocked")
            if st.session_state.get(UNLOCKED_KEY) and st.button("Lock editing",
                                                                 key="access_lock"):
                st.session_state.pop(UNLOCKED_KEY, None)
                st.rerun()
            return
        st.info("View only: you can look at everything but change nothing.",
                icon=":material/visibility:")
        if passcode is not None:
            with st.expander("Unlock editing"), st.form("access_unlock", border=False,
                                                        clear_on_submit=True):
                attempt = st.text_input("Editor passcode", type="password",
                                        key="access_passcode")
                if st.form_submit_button("Unlock"):
                    address = st.context.ip_address
                    client = address if isinstance(address, str) and address else "unknown"
                    if PASSCODE_GATE.check(attempt or "", passcode, client):
                        st.session_state[UNLOCKED_KEY] = True
                        flash("Editing unlocked for this session.")
                        st.rerun()
                    st.error("Wrong passcode. Each wrong try makes the next one slower.")
