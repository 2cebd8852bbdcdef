"""Streamlit glue shared by the pages: the session's store and project, the project picker,
cached reads and a few widgets. Pages import from here; `strategy_core` never does."""
