"""The app's pages, declared once: app.py builds the navigation from this list and the
overview links to every page with what it is for.

A page's url_path is its file name (without `.py`): on a server's first request Streamlit
still resolves `/name` against the `pages/` folder, and `session.leave_legacy_pages_mode`
can only hand the request over to app.py when both agree (tests/app/test_navigation.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    section: str
    purpose: str
    default: bool = False

    @property
    def url_path(self) -> str:
        return Path(self.file).stem

    @property
    def path(self) -> str:
        return f"pages/{self.file}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "Overview", ":material/dashboard:", "Project",
             "Where the project stands: focus, chain status, a status paragraph.", default=True),
    PageSpec("runs.py", "Runs", ":material/table_chart:", "Project",
             "Upload run CSVs, edit runs, record human-level error."),
    PageSpec("diagnosis.py", "Human-level & bias/variance", ":material/stacked_line_chart:",
             "Diagnose", "Which gap to work on: avoidable bias, variance, data mismatch or dev "
             "overfitting, with intervals and the trend across runs."),
    PageSpec("checklist.py", "Orthogonalization checklist", ":material/checklist:", "Diagnose",
             "The orthogonalization chain: where it first breaks and which knobs to turn."),
    PageSpec("metrics.py", "Metrics", ":material/target:", "Diagnose",
             "One number to pick the best run: F1, averages, weighted error, satisficing "
             "thresholds; the log of metric and dev-set changes."),
    PageSpec("error_analysis.py", "Error analysis", ":material/rule:", "Diagnose",
             "Tag a sample of misclassified dev examples; what fixing each category could "
             "gain at best."),
    PageSpec("sizing.py", "Dev/test sizing & splits", ":material/straighten:", "Plan",
             "How big dev and test must be to see a difference; split plans for mismatched "
             "data."),
    PageSpec("end_to_end.py", "End-to-end or pipeline", ":material/account_tree:", "Plan",
             "Should the system learn end to end or as a pipeline?"),
    PageSpec("transfer.py", "Transfer or multi-task", ":material/call_split:", "Plan",
             "Would transfer learning or multi-task learning help?"),
    PageSpec("decisions.py", "Decisions & report", ":material/gavel:", "Decide",
             "What the team decided, why and when; the project report."),
    PageSpec("settings.py", "Settings & backup", ":material/settings:", "Team",
             "Who may edit; back up a project or the whole database and restore it."),
)


def by_file(file: str) -> PageSpec:
    return next(spec for spec in PAGES if spec.file == file)
