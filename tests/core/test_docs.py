"""The README is the contract for users and CI: its two commands, its settings table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from strategy_core.settings import SETTINGS

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_exactly_two_commands_run_then_test() -> None:
    blocks = re.findall(r"```(\w*)\n(.*?)\n```", README, re.S)
    shell = [body for lang, body in blocks if lang == "sh"]
    assert len(shell) == 2
    assert blocks[0][1] == shell[0] and blocks[1][1] == shell[1], "the README opens with them"
    run, test = shell
    assert "pip install -r requirements.txt" in run and "streamlit run app.py" in run
    assert "pip install -r requirements-dev.txt" in test and "pytest" in test


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "readme_commands.py test" in ci
    printed = subprocess.run([sys.executable, str(REPO / ".ci" / "readme_commands.py"), "test"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert printed == re.findall(r"```sh\n(.*?)\n```", README, re.S)[1].strip()


def test_every_setting_is_documented_in_the_readme() -> None:
    for setting in SETTINGS:
        row = next((line for line in README.splitlines() if f"`{setting.name}`" in line), None)
        assert row is not None, f"{setting.name} is not in the README's configuration table"
        assert setting.help.split("(")[0].strip()[:30] in row


def test_pinned_requirements() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (REPO / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line), line
