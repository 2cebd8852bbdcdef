"""The project's own exceptions. The UI and the CLI turn these into messages, never tracebacks."""

from __future__ import annotations


class StrategyError(Exception):
    """Base class for every error the product reports to a user."""


class InputError(StrategyError, ValueError):
    """Bad input from a user or a file: the message says what is wrong and where.

    ``row`` is the 1-based line number in the file (header is line 1) and ``column``
    the header name, when the problem has a place.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        self.problem = message
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class StoreError(StrategyError):
    """The database could not do what was asked (wraps DuckDB errors)."""


class NotFoundError(StoreError):
    """A project, run, sample or other record does not exist."""


class ReadOnlyError(StoreError):
    """A viewer session tried to write."""


class ConflictError(StoreError):
    """Someone else saved the same record since it was read; nothing was written."""

    def __init__(self, message: str, current: object = None):
        super().__init__(message)
        self.current = current
