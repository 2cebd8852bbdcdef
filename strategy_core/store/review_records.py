"""What the review store hands out: samples, categories, tag edits and counts, and the
limits on names, notes and sample sizes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from strategy_core.values.categories import INCORRECTLY_LABELED

REVIEW_KINDS: tuple[str, ...] = ("errors", "audit", "imported")
KIND_LABELS: dict[str, str] = {
    "errors": "misclassified dev examples",
    "audit": "audit of correctly classified dev examples",
    "imported": "imported spreadsheet",
}
DEFAULT_SAMPLE_SIZE = 100
MAX_SAMPLE_SIZE = 5000
MAX_NAME = 80
MAX_CATEGORY_NAME = 60
MAX_NOTES = 2000

_SAMPLE_COLUMNS = ("id, name, run_id, kind, created_at, seed, size, split, population, dev_n, "
                   "dev_errors, dev_error, eyeball_key, eyeball_n, created_by, measure, "
                   "value_name, selection, threshold, cutoff, dev_total, population_gain")


@dataclass(frozen=True)
class ReviewSample:
    """A named, dated sample of examples to review.

    For an ``errors`` sample, ``population`` is the number of misclassified dev examples it
    was drawn from, ``dev_error`` = ``dev_errors`` / ``dev_n`` the run's dev error on its
    predictions, and the eyeball set is the ``eyeball_n`` dev examples whose sampling key
    is at most ``eyeball_key`` (docs/rules.md §4).
    """

    id: int
    name: str
    run_key: int | None
    kind: str
    created_at: datetime
    seed: int | None
    size: int
    split: str = "dev"
    population: int | None = None
    dev_n: int | None = None
    dev_errors: int | None = None
    dev_error: float | None = None
    eyeball_key: str | None = None
    eyeball_n: int | None = None
    created_by: str = ""
    # A sample of per-example values (docs/rules.md §18): the measure ranked
    # ('absolute_error', 'squared_error', 'value' named value_name), how it was chosen
    # ('worst', or 'threshold' with the threshold), the measure of the last worst example
    # (cutoff), the measure's sum over dev and the gain of the examples it stands for.
    measure: str | None = None
    value_name: str | None = None
    selection: str | None = None
    threshold: float | None = None
    cutoff: float | None = None
    dev_total: float | None = None
    population_gain: float | None = None

    @property
    def kind_label(self) -> str:
        if self.measure is not None:
            return "worst dev examples" if self.selection == "worst" else \
                "dev examples past a threshold"
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def of_values(self) -> bool:
        """Drawn from per-example values rather than misclassified examples."""
        return self.measure is not None


@dataclass(frozen=True)
class Category:
    """An error category of the project; ``effort`` is the team's estimate (any unit)."""

    id: int
    name: str
    effort: float | None
    position: int
    version: int = field(default=1, compare=False)  # edit version (a save names it)

    @property
    def reserved(self) -> bool:
        return self.name == INCORRECTLY_LABELED


@dataclass(frozen=True)
class TagEdit:
    """The new tags of one example and the version they were edited from."""

    example_id: str
    categories: frozenset[int]
    notes: str
    reviewed: bool
    version: int


@dataclass(frozen=True)
class ReviewCounts:
    """A sample's reviewed examples and, per category, how many of them carry it."""

    size: int
    reviewed: int
    counts: dict[str, int]
    efforts: dict[str, float] = field(default_factory=dict)
    # Per-example values (docs/rules.md §18): the gain of the reviewed examples, in all
    # and per category (0 for a sample of misclassified examples).
    reviewed_gain: float = 0.0
    gains: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetImport:
    """What a spreadsheet import did."""

    sample_id: int
    examples: int
    tagged: int
    categories_added: tuple[str, ...]
