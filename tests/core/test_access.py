"""Editor passcode checks and the sign-in allowlist."""

from __future__ import annotations

from strategy_core.access import (
    PasscodeGate,
    configured_passcode,
    editor_emails,
    is_allowed_editor,
)


def test_passcode_from_environment_then_secret() -> None:
    assert configured_passcode({}, {}) is None
    assert configured_passcode({"STRATEGY_EDITOR_PASSCODE": "env"}, {"editor_passcode": "s"}) \
        == "env"
    assert configured_passcode({}, {"editor_passcode": "secret"}) == "secret"


def test_wrong_tries_grow_the_delay_and_a_right_one_resets_it() -> None:
    slept: list[float] = []
    gate = PasscodeGate(sleep=slept.append)
    assert not gate.check("a", "right", "10.0.0.1")
    assert not gate.check("b", "right", "10.0.0.1")
    assert not gate.check("c", "right", "10.0.0.1")
    assert slept == [0.5, 1.0]
    assert gate.delay_for("10.0.0.2") == 0  # another client is not slowed
    assert gate.check("right", "right", "10.0.0.1")
    assert slept == [0.5, 1.0, 2.0]
    assert gate.delay_for("10.0.0.1") == 0


def test_delay_is_capped() -> None:
    gate = PasscodeGate(sleep=lambda s: None)
    for _ in range(20):
        gate.check("x", "right", "c")
    assert gate.delay_for("c") == 8.0


def test_comparison_is_exact_and_handles_unicode() -> None:
    gate = PasscodeGate(sleep=lambda s: None)
    assert gate.check("pässwörd", "pässwörd")
    assert not gate.check("pässwörd ", "pässwörd")
    assert not gate.check("", "pässwörd")


def test_editor_allowlist() -> None:
    allow = editor_emails({"editor_emails": ["Lead@Example.com", " b@x.org "]})
    assert allow == {"lead@example.com", "b@x.org"}
    assert editor_emails({"editor_emails": "a@x.org, c@x.org"}) == {"a@x.org", "c@x.org"}
    assert is_allowed_editor("lead@EXAMPLE.com", allow)
    assert not is_allowed_editor("other@example.com", allow)
    assert not is_allowed_editor(None, allow)
