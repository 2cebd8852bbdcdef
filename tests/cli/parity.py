"""What the command-line parity tests share (issue 17): the page is driven with AppTest as
tests/app does (its navigation fixture included), then the command's JSON is compared to
what the page shows."""

from __future__ import annotations

import pytest

from tests.app.conftest import navigation_only
from tests.cli.test_runs_cli import cli_json

__all__ = ["fresh_json", "navigation_only"]


def fresh_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    """`cli_json` after dropping what the page's runs logged (Streamlit warns on stderr that
    AppTest runs without a ScriptRunContext)."""
    capsys.readouterr()
    return cli_json(capsys, *args)
