"""The demo projects, seeded once into a new, empty database: "Cat classifier (demo)"
(here) and "Speech recognition (demo)", tracked in word error rate (`demo_speech`).

Seeding is recorded in the `meta` table, so it happens once per database: a user who
deletes a demo does not get it back on the next start. Besides the runs and human levels
of `data/demo/`, the two newest runs get per-example predictions (generated here from a
fixed seed, so every database gets the same ones) and the newest run a tagged review
sample, so the error-analysis page shows a real analysis.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from strategy_core.errors import InputError
from strategy_core.rates import parse_rate
from strategy_core.settings import REPO_ROOT
from strategy_core.store import Store
from strategy_core.store.reviews import TagEdit
from strategy_core.usecases.decisions import record_decision
from strategy_core.usecases.demo_canon import seed_canon_demo
from strategy_core.usecases.demo_speech import SPEECH_DEMO_NAME, seed_speech_demo
from strategy_core.usecases.projects import create_project, list_projects
from strategy_core.usecases.runs import import_run_file, save_human_levels

DEMO_NAME = "Cat classifier (demo)"
# Every demo project, in the order they are seeded (the first is the app's default).
DEMO_NAMES: tuple[str, ...] = (DEMO_NAME, SPEECH_DEMO_NAME)
DEMO_DIR = REPO_ROOT / "data" / "demo"
_SEEDED_KEY = "demo_seeded"
_seed_lock = threading.Lock()


def seed_demo(store: Store, demo_dir: Path = DEMO_DIR) -> bool:
    """Seed the demo projects (the cat classifier, then speech recognition) if this
    database never had them and holds no project.

    Returns True when it seeded. Idempotent: a flag in `meta` records the seeding, and a
    process-wide lock makes sessions that start at the same moment seed once.
    """
    with _seed_lock:
        if store.marker(_SEEDED_KEY) is not None:
            return False
        if list_projects(store):
            return False
        project = create_project(store, DEMO_NAME)
        try:
            import_run_file(store, project.id, (demo_dir / "runs.csv").read_bytes(),
                            source="demo/runs.csv", fmt="generic")
        except InputError as exc:
            raise RuntimeError(f"demo runs.csv is invalid: {exc}") from exc
        with (demo_dir / "human_levels.csv").open(encoding="utf-8") as handle:
            levels = [(row["label"], parse_rate(row["error"])) for row in csv.DictReader(handle)]
        save_human_levels(store, project.id, levels)
        seed_error_analysis(store, project.id)
        seed_history(store, project.id)
        seed_speech_demo(store)
        seed_canon_demo(store)  # six-box boxes and scored mistakes (docs/rules.md §21-22)
        store.set_marker(_SEEDED_KEY)
    return True


# -- per-example predictions and a tagged review -----------------------------

PREDICTION_RUNS: tuple[str, ...] = ("resnet50-mobile-5k", "efficientnet-b3-mobile")
EXAMPLES_PER_SPLIT = 2500
_GENERATOR_SEED = 20261116
REVIEW_NAME = "efficientnet-b3-mobile: first review"
REVIEW_SEED = 4242
REVIEW_SIZE = 60
# Reviewer's effort estimates (weeks) for the demo categories.
REVIEW_EFFORTS: dict[str, float] = {"Blurry": 3, "Great cat": 2, "Instagram filter": 1,
                                    "Dog": 1, "Incorrectly labeled": 1}
_NOTES = {
    "Dog": ("pitbull", "husky puppy", "chihuahua on a sofa"),
    "Great cat": ("lion at the zoo", "tiger, documentary still", "lynx"),
    "Blurry": ("motion blur", "out of focus, low light", ""),
    "Instagram filter": ("heavy vignette", "sepia filter", ""),
    "Incorrectly labeled": ("label says cat: it is a fox", "label says not cat: cat behind glass"),
}
# Chance that a reviewed mistake carries each category: dogs and great cats are photos
# labelled "not cat" that the model calls a cat; blur, filters and wrong labels hit both.
_CAUSES: tuple[tuple[str, float, str | None], ...] = (
    ("Blurry", 0.40, None),
    ("Great cat", 0.55, "not_cat"),
    ("Dog", 0.22, "not_cat"),
    ("Instagram filter", 0.22, None),
    ("Incorrectly labeled", 0.07, None),
)


def seed_history(store: Store, project_id: int) -> None:
    """The team's record so far: a dev-set change and two decisions, the first superseded."""
    store.metric_log.add(
        project_id, "dev_set", "Dev and test sets are mobile photos only",
        "The app's users upload phone photos; a dev set of web images ranked models by the "
        "wrong data.", "Ana", "2026-09-20")
    variance = record_decision(
        store, project_id, "diagnosis", "Work on variance: add dropout and data augmentation",
        {"run": "resnet50-longer", "focus": "variance", "variance": 0.055},
        "resnet50 fits the training set (0.6%) but training-dev is 6.1%.", "Wei")
    record_decision(
        store, project_id, "diagnosis",
        "Work on data mismatch: collect and synthesize mobile-like training photos",
        {"run": "resnet50-dropout-aug", "focus": "data_mismatch", "data_mismatch": 0.042},
        "Variance is down to 0.7 pts after dropout and augmentation; dev (mobile) is still "
        "4.2 pts above training-dev (web).", "Ana", supersedes=variance.id)


def _round(value: float) -> int:
    return int(value + 0.5)


def demo_predictions(runs: dict[str, object]) -> dict[str, pd.DataFrame]:
    """Per-example predictions of the demo's two newest runs, from a fixed seed.

    2,500 examples per split with the error rates of data/demo/runs.csv (rounded to whole
    examples); dev and test from source "mobile", train-dev mostly "web". The runs err on
    much the same hard examples, as successive models of a team do.
    """
    rng = np.random.default_rng(_GENERATOR_SEED)
    frames = {name: [] for name in PREDICTION_RUNS}
    offsets = {"dev": 0, "test": EXAMPLES_PER_SPLIT, "train_dev": 2 * EXAMPLES_PER_SPLIT}
    fields = {"dev": "dev_error", "test": "test_error", "train_dev": "train_dev_error"}
    for split, offset in offsets.items():
        numbers = np.arange(offset + 1, offset + EXAMPLES_PER_SPLIT + 1)
        ids = [f"img-{n:06d}" for n in numbers]
        labels = np.where(rng.random(EXAMPLES_PER_SPLIT) < 0.5, "cat", "not_cat")
        if split == "train_dev":
            sources = np.where(rng.random(EXAMPLES_PER_SPLIT) < 0.976, "web", "mobile")
        else:
            sources = np.full(EXAMPLES_PER_SPLIT, "mobile")
        hardness = rng.random(EXAMPLES_PER_SPLIT)
        for name in PREDICTION_RUNS:
            error = getattr(runs[name], fields[split])
            wrong_count = _round(error * EXAMPLES_PER_SPLIT)
            score = hardness + 0.012 * rng.standard_normal(EXAMPLES_PER_SPLIT)
            wrong = np.zeros(EXAMPLES_PER_SPLIT, dtype=bool)
            wrong[np.argsort(-score)[:wrong_count]] = True
            other = np.where(labels == "cat", "not_cat", "cat")
            frames[name].append(pd.DataFrame({
                "example_id": ids, "split": split, "source": sources, "label": labels,
                "prediction": np.where(wrong, other, labels),
                "image_url": [f"https://images.example.org/{n:06d}.jpg" for n in numbers],
            }))
    return {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}


def demo_tags(examples: pd.DataFrame) -> dict[str, tuple[tuple[str, ...], str]]:
    """Realistic categories and notes for reviewed demo mistakes, from a fixed seed."""
    rng = np.random.default_rng(_GENERATOR_SEED + 1)
    tags = {}
    for example_id, label in zip(examples["example_id"], examples["label"], strict=True):
        chosen = tuple(name for name, chance, only in _CAUSES
                       if rng.random() < chance and (only is None or only == label))
        notes = ""
        if chosen and rng.random() < 0.35:
            options = _NOTES[chosen[0]]
            notes = options[int(rng.integers(len(options)))]
        tags[str(example_id)] = (chosen, notes)
    return tags


def seed_error_analysis(store: Store, project_id: int) -> None:
    """Predictions for the two newest demo runs and a tagged review of the newest."""
    runs = {run.name: run for run in store.runs.list(project_id)}
    for name, frame in demo_predictions(runs).items():
        store.predictions.import_bytes(project_id, runs[name].key,  # type: ignore[arg-type]
                                       frame.to_csv(index=False).encode(),
                                       source="demo predictions", created_by="demo")
    newest = runs[PREDICTION_RUNS[-1]]
    sample = store.reviews.draw(project_id, newest.key, name=REVIEW_NAME,  # type: ignore[arg-type]
                                size=REVIEW_SIZE, seed=REVIEW_SEED, created_by="demo")
    category_ids = {c.name: c.id for c in store.reviews.categories(project_id)}
    for name, _, _ in _CAUSES:
        if name not in category_ids:
            category_ids[name] = store.reviews.add_category(project_id, name).id
    store.reviews.set_efforts(project_id, {category_ids[name]: effort
                                           for name, effort in REVIEW_EFFORTS.items()})
    current = store.reviews.tags(sample.id)
    tags = demo_tags(current)
    edits = [TagEdit(example_id, frozenset(category_ids[c] for c in tags[example_id][0]),
                     tags[example_id][1], True, int(version))
             for example_id, version in zip(current["example_id"], current["version"],
                                            strict=True)]
    store.reviews.save_tags(sample.id, edits, updated_by="demo")
