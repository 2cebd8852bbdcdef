"""The checklist's per-project settings (docs/rules.md §2): tolerance, link 5 and notes, kept in the
project settings, with bad values refused and concurrent note edits detected."""

from __future__ import annotations

import pytest

from strategy_core.checklist import (
    DEFAULT_TOLERANCE,
    NOTE_SETTING_PREFIX,
    TOLERANCE_SETTING,
    ChecklistSettings,
    RealWorld,
)
from strategy_core.errors import ConflictError, InputError, ReadOnlyError
from strategy_core.usecases.checklist import (
    checklist_settings,
    save_note,
    save_real_world,
    save_tolerance,
)


@pytest.fixture
def project(store):
    return store.projects.create("Cat classifier")


def test_defaults_for_a_new_project(store, project):
    assert checklist_settings(store, project.id) == ChecklistSettings(DEFAULT_TOLERANCE, None,
                                                                      {})


def test_settings_round_trip_and_stay_per_project(store, project):
    other = store.projects.create("Other")
    save_tolerance(store, project.id, 0.01)
    save_real_world(store, project.id, RealWorld("not_ok", production_error=0.045))
    save_note(store, project.id, "dev", "  mobile photos are darker  ")
    saved = checklist_settings(store, project.id)
    assert saved.tolerance == 0.01
    assert saved.real_world == RealWorld("not_ok", production_error=0.045)
    assert saved.notes == {"dev": "mobile photos are darker"}
    assert checklist_settings(store, other.id) == ChecklistSettings()
    save_real_world(store, project.id, None)
    assert checklist_settings(store, project.id).real_world is None


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (save_tolerance, (1.5,)),
        (save_tolerance, (-0.001,)),
        (save_tolerance, (float("nan"),)),
        (save_note, ("no_such_link", "x")),
        (save_note, ("dev", "x" * 2001)),
    ],
    ids=["tolerance_above_100_points", "negative_tolerance", "nan_tolerance", "unknown_link",
         "note_too_long"],
)
def test_bad_values_are_refused_and_nothing_is_written(store, project, call, args):
    version = store.version
    with pytest.raises(InputError):
        call(store, project.id, *args)
    assert store.version == version
    assert checklist_settings(store, project.id) == ChecklistSettings()


def test_a_stored_value_that_no_longer_validates_falls_back_to_the_default(store, project):
    store.projects.set_setting(project.id, TOLERANCE_SETTING, "half a point")
    store.projects.set_setting(project.id, "checklist.real_world", {"judgement": "maybe"})
    store.projects.set_setting(project.id, NOTE_SETTING_PREFIX + "dev", 42)
    assert checklist_settings(store, project.id) == ChecklistSettings()


def test_a_note_changed_by_someone_else_is_not_overwritten(store, project):
    save_note(store, project.id, "training", "first")
    # Two people opened the note while it read "first"; Ana saves, then Ben saves.
    save_note(store, project.id, "training", "Ana's plan", expected="first")
    with pytest.raises(ConflictError) as caught:
        save_note(store, project.id, "training", "Ben's plan", expected="first")
    assert caught.value.current == "Ana's plan"
    assert checklist_settings(store, project.id).notes["training"] == "Ana's plan"
    # Having seen Ana's note, Ben saves deliberately.
    save_note(store, project.id, "training", "Ben's plan", expected="Ana's plan")
    assert checklist_settings(store, project.id).notes["training"] == "Ben's plan"


def test_viewers_cannot_save(store, project):
    with pytest.raises(ReadOnlyError):
        save_tolerance(store.as_viewer(), project.id, 0.01)
