"""Who may change things: editors and viewers (docs/rules.md §13).

Without an editor passcode (the local default) everyone edits. With one, sessions start as
viewers and unlock editing with the passcode: compared in constant time, with a delay that
grows after each wrong try from the same client, so guessing is slow. With sign-in
configured, an allowlist of e-mail addresses names the editors.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from strategy_core.settings import setting

MAX_DELAY_SECONDS = 8.0


def configured_passcode(env: Mapping[str, str] | None = None,
                        secrets: Mapping[str, object] | None = None) -> str | None:
    """`STRATEGY_EDITOR_PASSCODE`, else the secret `editor_passcode`; None when unset."""
    value = setting("STRATEGY_EDITOR_PASSCODE", env) or str((secrets or {}).get(
        "editor_passcode", "") or "")
    return value or None


def editor_emails(secrets: Mapping[str, object] | None = None) -> frozenset[str]:
    """The secret `editor_emails` (a list, or a comma-separated string), lower-cased."""
    raw = (secrets or {}).get("editor_emails", ())
    items: Iterable[object] = raw.split(",") if isinstance(raw, str) else raw  # type: ignore[assignment]
    return frozenset(str(e).strip().lower() for e in items if str(e).strip())


def is_allowed_editor(email: str | None, allowlist: frozenset[str]) -> bool:
    """A signed-in user edits when their e-mail is on the allowlist."""
    return bool(email) and email.strip().lower() in allowlist


class PasscodeGate:
    """Checks passcodes in constant time with a growing delay after wrong tries."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep):
        self._sleep = sleep
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def delay_for(self, client: str) -> float:
        """0 s before the first wrong try, then 0.5 s, 1 s, 2 s … up to 8 s."""
        failures = self._failures.get(client, 0)
        return 0.0 if failures == 0 else min(MAX_DELAY_SECONDS, 0.5 * 2 ** (failures - 1))

    def check(self, attempt: str, passcode: str, client: str = "") -> bool:
        """True when `attempt` equals `passcode`; wrong tries make the next check slower."""
        with self._lock:
            delay = self.delay_for(client)
        if delay:
            self._sleep(delay)
        ok = hmac.compare_digest(attempt.encode("utf-8"), passcode.encode("utf-8"))
        with self._lock:
            if ok:
                self._failures.pop(client, None)
            else:
                self._failures[client] = self._failures.get(client, 0) + 1
        return ok


# One gate per server process: wrong tries from any session of a client count together.
PASSCODE_GATE = PasscodeGate()
