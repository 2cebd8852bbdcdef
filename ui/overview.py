"""Pieces of the overview page: the headline numbers, the chain at a glance, the status
paragraph and links to every page of the app."""

from __future__ import annotations

import streamlit as st

from strategy_core.checklist import GREEN, Chain
from strategy_core.diagnosis import FOCUS_UNKNOWN, GAP_LABELS, RunDiagnosis, focus_label
from strategy_core.markdown import escape
from strategy_core.store.projects import Project
from strategy_core.usecases.status import ProjectStatus
from ui.checklist import STATUS_BADGES
from ui.navigation import PAGES


def page_links(project: Project, current: str = "pages/overview.py") -> None:
    """A link to every other page, with what it is for, three to a row."""
    entries = [spec for spec in PAGES if spec.path != current]
    for start in range(0, len(entries), 3):
        for column, spec in zip(st.columns(3), entries[start:start + 3], strict=False):
            with column.container(border=True):
                st.page_link(spec.path, label=spec.title, icon=spec.icon,
                             query_params={"project": project.slug})
                st.caption(spec.purpose)


def _card(column: st.delta_generator.DeltaGenerator, label: str, value: str,
          note: str | None = None) -> None:
    with column.container(border=True, height="stretch"):
        st.caption(label)
        st.markdown(f"#### {value}")
        if note:
            st.caption(note)


def headline(diagnoses: tuple[RunDiagnosis, ...], chain: Chain | None) -> None:
    """Newest run, its dev error (and the change since the run before), the focus with its
    runner-up, and the checklist's focus link with the links next (the same place)."""
    newest = diagnoses[-1]
    result = newest.decomposition
    columns = st.columns(4)
    when = f"created {newest.run.created:%Y-%m-%d}" if newest.run.created is not None else None
    _card(columns[0], "Newest run", escape(newest.run.name), when)
    dev, metric = result.levels.dev, result.metric
    previous = diagnoses[-2].decomposition.levels.dev if len(diagnoses) > 1 else None
    change = None
    if dev is not None and previous is not None:
        word = "down" if dev < previous else "up" if dev > previous else "unchanged"
        change = f"{word} {metric.format_gap(abs(dev - previous))} from the previous run"
    _card(columns[1], "Dev error" if metric.is_error_rate else f"Dev {metric.name}",
          metric.format(dev), change)
    if result.choice.decided:
        tentative = "; tentative: it may be noise" if result.tentative else ""
        runner_up = (f"; {GAP_LABELS[result.runner_up].lower()} close behind"
                     if result.runner_up else "")
        _card(columns[2], "Focus", GAP_LABELS[result.focus],
              f"{metric.format_gap(result.gaps[result.focus])}, the largest gap"
              f"{runner_up}{tentative}")
    else:
        _card(columns[2], "Focus", focus_label(result.choice),
              "record human-level error" if result.focus == FOCUS_UNKNOWN
              else "check the real world")
    if chain is None:
        return
    if chain.focus is not None:
        link = chain.link(chain.focus)
        after = ", ".join(str(chain.link(name).number) for name in chain.next)
        _card(columns[3], "Checklist", f":red[Link {link.number} red]",
              link.title + (f"; next: link {after}" if after else ""))
    else:
        greens = sum(link.status == GREEN for link in chain.links)
        _card(columns[3], "Checklist", f"{greens} of 5 green", "no link is red")


def chain_at_a_glance(chain: Chain) -> None:
    """Each link with its status badge and gap, one line each."""
    for link in chain.links:
        label, icon, color = STATUS_BADGES.get(link.status,
                                               ("unknown", ":material/help:", "gray"))
        gap = f" · {chain.metric.format_gap(link.gap)}" if link.gap is not None else ""
        weight = "**" if link.name == chain.focus else ""
        role = " · focus" if link.name == chain.focus else \
            " · next" if link.name in chain.next else ""
        st.markdown(f":{color}-badge[{icon} {label}{role}] {weight}{link.number}. "
                    f"{link.title}{weight}{gap}")


def status_box(status: ProjectStatus) -> None:
    """The status paragraph to read, and the same text to copy into a status update."""
    with st.container(border=True):
        st.markdown("#### :material/campaign: Status")
        st.markdown(escape(status.paragraph))
        with st.expander("Copy for a status update", icon=":material/content_copy:"):
            st.code(status.paragraph, language=None, wrap_lines=True)


def across_the_project(status: ProjectStatus, project: Project) -> None:
    """Each feature's own line (error analysis, sizing, decisions) with a link to its page."""
    lines = [line for line in status.lines if line.topic not in ("diagnosis", "checklist")]
    if not lines:
        return
    st.markdown("**Across the project**")
    pages = {spec.url_path: spec for spec in PAGES}
    for line in lines:
        spec = pages.get(line.page or "")
        text, link = st.columns([3, 1], vertical_alignment="center")
        text.markdown(f"- {escape(line.text)}")
        if spec is not None:
            link.page_link(spec.path, label=spec.title, icon=spec.icon,
                           query_params={"project": project.slug})
