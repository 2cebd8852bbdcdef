"""The orthogonalization chain of one run (docs/rules.md §2).

Five links, each with its own knobs: fit the training set, then training-dev, dev, test,
and finally the real world. A link is green when its gap is within the project's
tolerance. Where to work is the diagnosis focus (`choose_focus`, docs/rules.md §1): the link
of the largest gap above the tolerance; the other red links come next.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from strategy_core.diagnosis import (
    EARLY_STOPPING,
    FOCUS_UNKNOWN,
    GAP_ACTIONS,
    Decomposition,
    ErrorLevels,
    Focus,
    choose_focus,
    decompose,
    runner_up_sentence,
    unmeasured_bias_bound,
)
from strategy_core.errors import InputError
from strategy_core.values.project_metric import ERROR_RATE, ProjectMetric

DEFAULT_TOLERANCE = 0.005  # 0.5 percentage points (docs/rules.md §2)
# Slack so a gap typed equal to the tolerance (8% − 7.5% = 0.0050000000000000044) is green.
TOLERANCE_SLACK = 1e-9

GREEN, RED, UNKNOWN = "green", "red", "unknown"
JUDGEMENTS = ("ok", "not_ok", "unknown")

LINK_NAMES: tuple[str, ...] = ("training", "training_dev", "dev", "test", "real_world")
LINK_TITLES: dict[str, str] = {
    "training": "Fit the training set to about human level",
    "training_dev": "Generalize to the training-dev set",
    "dev": "Generalize to the dev set",
    "test": "Generalize to the test set",
    "real_world": "Do well in the real world",
}
_LINK_DESCRIPTIONS: dict[str, str] = {
    "training": "Training error against human-level error: the gap is avoidable bias.",
    "training_dev": "Training-dev error against training error: the gap is variance.",
    "dev": "Dev error against training-dev error: the gap is data mismatch.",
    "test": "Test error against dev error: the gap is overfitting to the dev set.",
    "real_world": (
        "Production error against test error, or the team's judgement: a gap means the "
        "dev set or the metric does not reflect what matters."
    ),
}
_LINK_GAPS = {
    "training": "avoidable_bias",
    "training_dev": "variance",
    "dev": "data_mismatch",
    "test": "dev_overfitting",
}

REAL_WORLD_KNOBS: tuple[str, ...] = (
    "Change the dev set (and the test set with it) so it reflects the data the product "
    "really sees.",
    "Change the metric (or the cost function) so it ranks models the way the real world does.",
)
REAL_WORLD_ADVICE = (
    "The model falls short in the real world: change the dev set or the metric, because "
    "doing well on them no longer means doing well where it matters."
)

# Early stopping is the classic knob that is not orthogonal (docs/rules.md §2): one setting moves
# how well the training set is fit and how well the model generalizes.
_EARLY_STOPPING = {
    "training": (
        "Stop training later, or drop early stopping, so the model fits the training set better.",
        "early stopping moves two links at once: training longer fits the training set "
        "better but can widen the training-dev gap, so re-check the training-dev link after "
        "changing it; a knob that acts on one link (a bigger model) is easier to reason "
        "about.",
    ),
}
# Link 2 lists early stopping among the variance actions (MLY ch. 27); the checklist adds why
# it is not orthogonal.
_EARLY_STOPPING_WARNING = (
    "early stopping moves two links at once: it narrows the training-dev gap by fitting the "
    "training set worse, so avoidable bias grows; prefer knobs that act on this link only "
    "(regularization, more data) and re-check the training link after changing it.")


# Why the chain is worked one link at a time, and why early stopping is the exception to
# avoid (shown next to the knobs on the checklist page).
SEVERAL_LINKS_NOTE = (
    "Turn knobs that act on one link at a time, so you know what each change did. Early "
    "stopping is the classic knob that does not: stopping earlier narrows the training-dev "
    "gap (link 2) by fitting the training set worse (link 1), so after changing it re-check "
    "both links. Prefer a bigger model for link 1 and regularization or more data for link 2."
)


@dataclass(frozen=True)
class RealWorld:
    """Link 5 as the team sees it: a judgement (ok / not_ok / unknown) or a production
    error they recorded. A recorded production error wins over the judgement."""

    judgement: str | None = None
    production_error: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.judgement is not None:
            judgement = self.judgement.strip().lower().replace(" ", "_").replace("-", "_")
            if judgement not in JUDGEMENTS:
                raise InputError(
                    f"real-world judgement '{self.judgement}' must be ok, not ok or unknown",
                    column="real_world",
                )
            object.__setattr__(self, "judgement", judgement)
        value = self.production_error
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError("production error must be a number", column="production_error")
            if not 0 <= value <= 1:
                raise InputError(
                    "production error must be between 0% and 100%", column="production_error"
                )
            object.__setattr__(self, "production_error", float(value))


@dataclass(frozen=True)
class Knob:
    """Something the team can turn for a link; ``warning`` when it moves other links too."""

    text: str
    warning: str | None = None

    def as_text(self) -> str:
        return self.text if self.warning is None else f"{self.text} Warning: {self.warning}"


@dataclass(frozen=True)
class Link:
    """One link of the chain with its gap (None when it cannot be computed) and status."""

    number: int
    name: str
    title: str
    description: str
    gap: float | None
    status: str
    missing: str | None = None  # what to record when the status is unknown

    def as_dict(self) -> dict:
        gap = None if self.gap is None else round(self.gap, 12) + 0.0
        return {"name": self.name, "gap": gap, "status": self.status}


@dataclass(frozen=True)
class Chain:
    """The five links, the focus link with its knobs and the red links next in line
    (docs/rules.md §2). ``choice`` is the diagnosis focus at this tolerance (§1)."""

    links: tuple[Link, ...]
    tolerance: float
    focus: str | None
    next: tuple[str, ...]
    knobs: tuple[Knob, ...]
    real_world_advice: str | None
    reasons: tuple[str, ...]
    choice: Focus
    metric: ProjectMetric = ERROR_RATE
    tentative: bool = False  # the focus gap's interval holds 0 (docs/rules.md §1)

    def link(self, name: str) -> Link:
        return next(link for link in self.links if link.name == name)

    @property
    def runner_up_note(self) -> str | None:
        """The diagnosis's runner-up sentence (`runner_up_sentence`), word for word."""
        gaps = {gap: self.link(link).gap for link, gap in _LINK_GAPS.items()}
        return runner_up_sentence(self.choice, gaps, self.metric)

    def as_dict(self) -> dict:
        """The `checklist` command's JSON: links (name, gap, status), the focus and runner-up
        as the `diagnose` command names them, the focus link, the next links, the knobs."""
        return {
            "links": [link.as_dict() for link in self.links],
            "focus": self.choice.gap,
            "runner_up": self.choice.runner_up,
            "focus_link": self.focus,
            "next_links": list(self.next),
            "knobs": [knob.as_text() for knob in self.knobs],
        }


def evaluate_chain(
    decomposition_or_levels: Decomposition | ErrorLevels,
    tolerance: float = DEFAULT_TOLERANCE,
    real_world: RealWorld | None = None,
) -> Chain:
    """Mark each link green (gap ≤ tolerance), red (above) or unknown (no gap), docs/rules.md §2.

    Links 1–4 take the gaps of docs/rules.md §1; without a training-dev error link 2 uses D − T and
    link 3 is unknown. Link 5 is the production error minus the test error (the dev error
    when there is no test error), else the team's judgement. The focus link is the link of
    the diagnosis focus at this tolerance (`choose_focus`): the largest gap above it, ties in
    chain order; link 5 when no gap is above it and link 5 is red. The other red links come
    next. The focus link's knobs are listed, with a warning on knobs that move several links.
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
        raise InputError("tolerance must be a number", column="tolerance")
    decomposition = (
        decomposition_or_levels
        if isinstance(decomposition_or_levels, Decomposition)
        else decompose(decomposition_or_levels)
    )
    metric = decomposition.metric
    if tolerance < 0 or (metric.percent and tolerance > 1) or not math.isfinite(tolerance):
        raise InputError(
            "tolerance must be between 0 and 100 percentage points" if metric.percent else
            f"tolerance must be a non-negative number of {metric.unit or metric.name}",
            column="tolerance")
    levels = decomposition.levels
    links = [
        _gap_link(number, name, decomposition, tolerance)
        for number, name in enumerate(LINK_NAMES[:4], start=1)
    ]
    links.append(_real_world_link(levels, real_world, tolerance))
    choice = choose_focus(decomposition.gaps, tolerance, unmeasured_bias_bound(levels))
    focus, following = _focus_links(choice, links[4].status == RED)
    advice = REAL_WORLD_ADVICE if links[4].status == RED else None
    tentative = choice.decided and decomposition.significant.get(choice.gap) is False
    parts = _ChainParts(tuple(links), float(tolerance), focus, following, choice, metric,
                        tentative)
    return Chain(
        links=parts.links,
        tolerance=parts.tolerance,
        focus=focus,
        next=following,
        knobs=_knobs(focus) if focus is not None else (),
        real_world_advice=advice,
        reasons=_reasons(parts, decomposition, advice),
        choice=choice,
        metric=metric,
        tentative=tentative,
    )


@dataclass(frozen=True)
class _ChainParts:
    """What the verdict reads, before the chain is built."""

    links: tuple[Link, ...]
    tolerance: float
    focus: str | None
    next: tuple[str, ...]
    choice: Focus
    metric: ProjectMetric
    tentative: bool = False

    def link(self, name: str) -> Link:
        return next(link for link in self.links if link.name == name)


def _focus_links(choice: Focus, real_world_red: bool) -> tuple[str | None, tuple[str, ...]]:
    """The focus link and the red links next in line, from the diagnosis focus (§1, §2)."""
    link_of = {gap: link for link, gap in _LINK_GAPS.items()}
    following = [link_of[gap] for gap in choice.next]
    if choice.decided:
        focus: str | None = link_of[choice.gap]
    else:
        focus = "real_world" if real_world_red and choice.gap != FOCUS_UNKNOWN else None
    if real_world_red and focus != "real_world":
        following.append("real_world")
    return focus, tuple(following)


def _status(gap: float | None, tolerance: float) -> str:
    if gap is None:
        return UNKNOWN
    return GREEN if gap <= tolerance + TOLERANCE_SLACK else RED


def _gap_link(number: int, name: str, decomposition: Decomposition, tolerance: float) -> Link:
    levels = decomposition.levels
    gap = getattr(decomposition, _LINK_GAPS[name])
    description = _LINK_DESCRIPTIONS[name]
    if name == "training_dev" and decomposition.variance_uses_dev:
        description = (
            "Dev error against training error, as no training-dev error is recorded: the gap "
            "mixes variance and data mismatch."
        )
    needs = {
        "training": (("human", "human-level error"), ("train", "training error")),
        "training_dev": (("train", "training error"), ("train_dev", "training-dev error")),
        "dev": (("train_dev", "training-dev error"), ("dev", "dev error")),
        "test": (("dev", "dev error"), ("test", "test error")),
    }[name]
    if name == "training_dev" and levels.train_dev is None and levels.dev is not None:
        needs = (("train", "training error"),)
    missing = [what for field_name, what in needs if getattr(levels, field_name) is None]
    return Link(
        number=number,
        name=name,
        title=LINK_TITLES[name],
        description=description,
        gap=gap,
        status=_status(gap, tolerance),
        missing=f"record the {' and the '.join(missing)}" if gap is None else None,
    )


def _real_world_link(levels: ErrorLevels, real_world: RealWorld | None, tolerance: float) -> Link:
    description = _LINK_DESCRIPTIONS["real_world"]
    gap: float | None = None
    missing: str | None = None
    if real_world is not None and real_world.production_error is not None:
        reference, against = levels.test, "test"
        if reference is None:
            reference, against = levels.dev, "dev"
        if reference is None:
            status = UNKNOWN
            missing = "record the test or dev error to compare the production error with"
        else:
            metric = levels.metric
            gap = metric.gap(real_world.production_error, reference)
            status = _status(gap, tolerance)
            word = "error" if metric.is_error_rate else metric.name
            description = (
                f"Production {word} {metric.format(real_world.production_error)} against "
                f"{against} {word} {metric.format(reference)}: a gap means the dev set or "
                "the metric does not reflect what matters."
            )
    elif real_world is not None and real_world.judgement in ("ok", "not_ok"):
        status = GREEN if real_world.judgement == "ok" else RED
        description = (
            "The team judges that the model does "
            + ("well" if status == GREEN else "not do well")
            + " in the real world."
        )
    else:
        status = UNKNOWN
        missing = "record a production error or the team's judgement"
    return Link(
        number=5,
        name="real_world",
        title=LINK_TITLES["real_world"],
        description=description,
        gap=gap,
        status=status,
        missing=missing,
    )


def _knobs(link_name: str) -> tuple[Knob, ...]:
    if link_name == "real_world":
        return tuple(Knob(text) for text in REAL_WORLD_KNOBS)
    gap = _LINK_GAPS[link_name]
    knobs = []
    for text in GAP_ACTIONS[gap]:
        # A knob listed for several gaps moves several links at once.
        others = [
            f"link {LINK_NAMES.index(other_link) + 1} ({LINK_TITLES[other_link].lower()})"
            for other_link, other_gap in _LINK_GAPS.items()
            if other_gap != gap and text in GAP_ACTIONS[other_gap]
        ]
        warning = None
        if others:
            warning = (
                f"it also acts on {' and '.join(others)}, so re-check that link after the change."
            )
        elif text == EARLY_STOPPING:
            warning = _EARLY_STOPPING_WARNING
        knobs.append(Knob(text, warning))
    if link_name in _EARLY_STOPPING:
        knobs.append(Knob(*_EARLY_STOPPING[link_name]))
    return tuple(knobs)


def _verdict(parts: _ChainParts, on: str = "") -> str:
    """Where to work in one sentence: the focus link and why (docs/rules.md §2)."""
    limit = parts.metric.format_gap(parts.tolerance)
    if parts.focus is not None:
        link = parts.link(parts.focus)
        gap = None if link.gap is None else parts.metric.format_gap(link.gap)
        if link.name == "real_world" and gap is not None:
            why = f"its gap of {gap} is above the tolerance of {limit}, and no other link is"
        elif gap is not None:
            why = f"its gap of {gap} is the largest above the tolerance of {limit}"
        else:
            why = "the team judges that the model falls short there"
        if parts.tentative:  # the same reading as the diagnosis: it may be noise
            return (f"Tentatively, work on link {link.number}{on}, {link.title.lower()}: "
                    f"{why}, though on these set sizes it is not significant.")
        return f"Work on link {link.number}{on}, {link.title.lower()}: {why}."
    if parts.choice.gap == FOCUS_UNKNOWN:
        training = parts.link("training")
        red = [parts.link(name) for name in parts.next]
        weigh = (" Red links to weigh once it is known: "
                 + ", ".join(f"link {link.number}" for link in red) + ".") if red else ""
        return (f"Not enough information to choose a link{on}: link 1, "
                f"{training.title.lower()}, is unknown ({training.missing}), and its gap "
                f"could be larger than any other.{weigh}")
    if any(link.status == UNKNOWN for link in parts.links):
        return f"No link{on} is red within {limit}; fill in the unknown links to be sure."
    return f"Every link{on} is green within {limit}: no link needs work on these numbers."


def _reasons(parts: _ChainParts, decomposition: Decomposition, advice: str | None
             ) -> tuple[str, ...]:
    reasons = [_verdict(parts)]
    runner_up = runner_up_sentence(parts.choice, decomposition.gaps, parts.metric)
    if runner_up is not None:
        reasons.append(runner_up)
    if parts.next and parts.choice.gap != FOCUS_UNKNOWN:
        reasons.append("Next: " + ", ".join(
            f"link {link.number}, {link.title.lower()}" for link in map(parts.link, parts.next))
            + ".")
    unknown = [link for link in parts.links if link.status == UNKNOWN
               and not (parts.choice.gap == FOCUS_UNKNOWN and link.name == "training")]
    if unknown:
        reasons.append("Unknown, so not ranked: " + "; ".join(
            f"link {link.number}, {link.title.lower()}: {link.missing}" for link in unknown)
            + ".")
    if advice is not None:
        reasons.append(advice)
    return tuple(reasons)


def chain_verdict(chain: Chain, run_name: str | None = None) -> str:
    """The checklist's decision in one sentence: the focus link and why (docs/rules.md §2),
    the same place as the diagnosis focus."""
    on = f" of run {run_name}" if run_name else ""
    return _verdict(_ChainParts(chain.links, chain.tolerance, chain.focus, chain.next,
                                chain.choice, chain.metric, chain.tentative), on)


# --- per-project settings: tolerance, link 5 and the team's notes (docs/rules.md §2) --------------

TOLERANCE_SETTING = "checklist.tolerance"
REAL_WORLD_SETTING = "checklist.real_world"
NOTE_SETTING_PREFIX = "checklist.note."
MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class ChecklistSettings:
    """What the team keeps per project for the checklist: the tolerance (a fraction: 0.005
    is 0.5 points), link 5 (judgement or production error) and a note per link."""

    tolerance: float = DEFAULT_TOLERANCE
    real_world: RealWorld | None = None
    notes: Mapping[str, str] = field(default_factory=dict)
    # Edit version of each stored setting (0 while never saved): a save names it.
    versions: Mapping[str, int] = field(default_factory=dict, compare=False)


def validate_tolerance(value: object, metric: ProjectMetric = ERROR_RATE) -> float:
    """A tolerance as a fraction between 0 and 1 (0.005 = 0.5 percentage points), or a
    non-negative number in the units of a metric that is not a percentage (§16)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise InputError("tolerance must be a number", column="tolerance")
    if not metric.percent:
        if not 0 <= value < math.inf:
            raise InputError(f"tolerance must be a non-negative number of "
                             f"{metric.unit or metric.name}", column="tolerance")
        return float(value)
    if not 0 <= value <= 1:
        raise InputError(
            "tolerance must be between 0 and 100 percentage points", column="tolerance"
        )
    return float(value)


def describe_real_world(raw: object) -> str:
    """Link 5 as stored, in words: 'judged: ok; production error 4.50%' or 'nothing'."""
    try:
        real_world = real_world_from_json(raw)
    except InputError:
        real_world = None
    if real_world is None:
        return "nothing recorded"
    parts = [f"judged: {real_world.judgement}"] if real_world.judgement else []
    if real_world.production_error is not None:
        parts.append(f"production error {real_world.production_error * 100:.2f}%")
    return "; ".join(parts) or "nothing recorded"


def real_world_from_json(raw: object) -> RealWorld | None:
    if not isinstance(raw, dict):
        return None
    judgement = raw.get("judgement")
    production = raw.get("production_error")
    if judgement is None and production is None:
        return None
    return RealWorld(judgement=judgement, production_error=production)
