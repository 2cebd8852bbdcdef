"""Checklist: the project's tolerance, link 5 (the real world) and the team's note per link,
read and saved for the orthogonalization chain (docs/rules.md sections 2 and 14)."""

from __future__ import annotations

from strategy_core.checklist import (
    DEFAULT_TOLERANCE,
    GREEN,
    LINK_NAMES,
    LINK_TITLES,
    MAX_NOTE_LENGTH,
    NOTE_SETTING_PREFIX,
    REAL_WORLD_SETTING,
    RED,
    TOLERANCE_SETTING,
    UNKNOWN,
    Chain,
    ChecklistSettings,
    RealWorld,
    chain_verdict,
    real_world_from_json,
    validate_tolerance,
)
from strategy_core.errors import ConflictError, InputError
from strategy_core.report.model import (
    BAD,
    GOOD,
    NEUTRAL,
    SECTION_TITLES,
    Badge,
    Block,
    Bullets,
    Figure,
    Paragraph,
    Section,
    Table,
)
from strategy_core.store import Store
from strategy_core.usecases.project_metric import project_metric


def checklist_settings(store: Store, project_id: int) -> ChecklistSettings:
    """The project's checklist settings; a stored value that no longer validates falls back
    to the default instead of breaking the page."""
    raw_tolerance, tolerance_version = store.projects.setting_entry(
        project_id, TOLERANCE_SETTING, DEFAULT_TOLERANCE)
    try:
        tolerance = validate_tolerance(raw_tolerance)
    except InputError:
        tolerance = DEFAULT_TOLERANCE
    raw_world, world_version = store.projects.setting_entry(project_id, REAL_WORLD_SETTING)
    try:
        real_world = real_world_from_json(raw_world)
    except InputError:
        real_world = None
    notes = {}
    for name in LINK_NAMES:
        text = store.projects.setting(project_id, NOTE_SETTING_PREFIX + name, "")
        if isinstance(text, str) and text:
            notes[name] = text
    return ChecklistSettings(tolerance, real_world, notes, {
        TOLERANCE_SETTING: tolerance_version, REAL_WORLD_SETTING: world_version})


def save_tolerance(store: Store, project_id: int, tolerance: float, *,
                   expected: int | None = None) -> float:
    """Store the project's tolerance (a fraction) after checking it; with `expected` (the
    setting's version as read) a save someone else's overtook raises ConflictError."""
    value = validate_tolerance(tolerance, project_metric(store, project_id))
    store.projects.set_setting(project_id, TOLERANCE_SETTING, value, expected=expected)
    return value


def save_real_world(store: Store, project_id: int, real_world: RealWorld | None, *,
                    expected: int | None = None) -> None:
    """Store link 5: the team's judgement and/or a production error (None clears both)."""
    payload = None
    if real_world is not None:
        payload = {"judgement": real_world.judgement,
                   "production_error": real_world.production_error}
    store.projects.set_setting(project_id, REAL_WORLD_SETTING, payload, expected=expected)


def save_note(
    store: Store, project_id: int, link: str, text: str, *, expected: str | None = None
) -> str:
    """Store the team's note on one link. With ``expected`` (the note as the writer last
    read it), refuse with ConflictError when someone else changed it meanwhile, so two
    people editing the same note do not silently overwrite each other (docs/rules.md §13)."""
    if link not in LINK_NAMES:
        raise InputError(f"unknown checklist link '{link}'")
    clean = (text or "").strip()
    if len(clean) > MAX_NOTE_LENGTH:
        raise InputError(f"a note has at most {MAX_NOTE_LENGTH} characters")
    key = NOTE_SETTING_PREFIX + link
    if expected is not None:
        current = store.projects.setting(project_id, key, "") or ""
        if current != expected.strip() and current != clean:
            raise ConflictError(
                f"someone else changed the note on link {LINK_NAMES.index(link) + 1} since "
                "you opened it; their text is shown, yours was not saved",
                current=current,
            )
    store.projects.set_setting(project_id, key, clean)
    return clean


# --- the report's checklist section ---------------------------------------------------------

_STATUS_TONES = {GREEN: GOOD, RED: BAD, UNKNOWN: NEUTRAL}


def checklist_report_section(chain: Chain | None, settings: ChecklistSettings,
                             run_name: str) -> Section:
    """The report's checklist: the chain of the newest run (`run_name`) with the project's
    settings, each link's status (the focus and the next links marked) and note, the knobs
    of the focus link and its chart."""
    if chain is None:
        return Section("checklist", SECTION_TITLES["checklist"], (Paragraph(
            "No checklist yet: it follows the newest run's error levels, so it needs at "
            "least one run.", style="empty"),), has_data=False)
    from strategy_core.charts.diagnosis import chain_chart  # Altair: only when drawn

    rows = []
    for link in chain.links:
        gap = chain.metric.format_gap(link.gap) if link.gap is not None else (
            "–" if link.status == UNKNOWN else "team's judgement")
        role = " · focus" if link.name == chain.focus else \
            " · next" if link.name in chain.next else ""
        rows.append((str(link.number), link.title, gap, Badge(link.status + role,
                                                              _STATUS_TONES[link.status]),
                     settings.notes.get(link.name, "")))
    blocks: list[Block] = [
        Paragraph(chain_verdict(chain), style="verdict"),
        Table(("#", "Link", "Gap", "Status", "Team note"), tuple(rows),
              (True, False, True, False, False),
              f"Tolerance: {chain.metric.format_gap(chain.tolerance)}; newest run "
              f"{run_name}."),
        Paragraph("A link is green when its gap is at most the project's tolerance. The "
                  "focus is the link of the largest gap above the tolerance (the diagnosis "
                  "focus, ties in chain order); the other red links come next. Turn knobs "
                  "that act on the focus link alone.", style="note"),
    ]
    if chain.focus is not None:
        link = chain.link(chain.focus)
        blocks.append(Bullets(tuple(knob.as_text() for knob in chain.knobs),
                              f"Knobs for link {link.number}, {LINK_TITLES[link.name].lower()}"))
    if len(chain.reasons) > 1:
        blocks.append(Bullets(tuple(chain.reasons[1:])))
    blocks.append(Figure("The chain against the tolerance", chain_chart(chain),
                         "Each link's gap; the dashed line is the tolerance. Green: within "
                         "it; red: above it; grey: unknown.", width=420))
    return Section("checklist", SECTION_TITLES["checklist"], tuple(blocks))
