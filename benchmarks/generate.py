"""The benchmark's data: a big project like the demo's, from a fixed seed.

`build_project` writes, through the app's own store, a project with `runs` runs (the demo's
error fields, split sizes, metrics and params), per-example predictions for its two newest
runs (`predictions` rows in all, dev/test/train-dev splits, sources, image URLs), and a review
sample of `tagged` of the newest run's dev mistakes, every one tagged. `write_predictions_csv`
writes the predictions file the import is timed on.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.reviews import TagEdit
from strategy_core.usecases.demo import REVIEW_EFFORTS, demo_tags

PROJECT_NAME = "Benchmark (big project)"
PREDICTION_RUNS = 2
SEED = 20260909
SPLITS = ("dev", "test", "train_dev")
ARCHS = ("logistic-regression", "cnn-4-layer", "cnn-8-layer", "resnet50", "efficientnet-b3")


@dataclass(frozen=True)
class Sizes:
    runs: int = 5000
    predictions: int = 1_000_000
    tagged: int = 2000

    def label(self) -> str:
        return f"{self.runs} runs, {self.predictions:,} predictions, {self.tagged} tagged"


@dataclass(frozen=True)
class BuiltProject:
    slug: str
    runs: int
    predictions: int
    tagged: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def split_sizes(rows: int) -> dict[str, int]:
    """`rows` examples cut into dev, test and train-dev (thirds; dev takes the remainder)."""
    third = rows // 3
    return {"dev": rows - 2 * third, "test": third, "train_dev": third}


def benchmark_runs(count: int, seed: int = SEED) -> list[Run]:
    """`count` runs over a year, errors falling with noise, like data/demo/runs.csv."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 1, 1, 9, 0)
    progress = np.linspace(0.0, 1.0, count)
    train = np.clip(0.12 * (1 - progress) ** 2 + 0.008 + rng.normal(0, 0.004, count), 0.001,
                    0.5)
    variance = np.clip(0.006 + 0.04 * progress + rng.normal(0, 0.003, count), 0.0, 0.3)
    mismatch = np.clip(0.015 + rng.normal(0, 0.003, count), 0.0, 0.3)
    overfit = np.clip(0.003 + rng.normal(0, 0.002, count), 0.0, 0.3)
    runs = []
    for i in range(count):
        train_dev = train[i] + variance[i]
        dev = train_dev + mismatch[i]
        test = dev + overfit[i]
        runs.append(Run(
            name=f"run-{i + 1:05d}", run_id=f"bench-{i + 1:05d}",
            created=start + timedelta(minutes=100 * i),
            train_error=round(float(train[i]), 4), train_dev_error=round(float(train_dev), 4),
            dev_error=round(float(dev), 4), test_error=round(float(test), 4),
            n_train=202_500, n_train_dev=2500, n_dev=2500, n_test=2500,
            metrics={"latency_ms": round(float(rng.uniform(2, 60)), 1),
                     "precision": round(float(1 - dev * rng.uniform(0.8, 1.2)), 3),
                     "recall": round(float(1 - dev * rng.uniform(1.0, 1.6)), 3),
                     "region_us_error": round(float(dev * rng.uniform(0.85, 1.0)), 4),
                     "region_eu_error": round(float(dev * rng.uniform(0.95, 1.05)), 4),
                     "region_asia_error": round(float(dev * rng.uniform(1.0, 1.2)), 4)},
            params={"arch": ARCHS[min(int(progress[i] * len(ARCHS)), len(ARCHS) - 1)],
                    "lr": f"{10.0 ** -int(rng.integers(2, 5)):g}",
                    "epochs": str(int(rng.integers(10, 80)))},
        ))
    return runs


def predictions_frames(rows_per_run: int, errors: dict[str, dict[str, float]],
                       seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Per-example predictions of some runs on the same examples (`errors[run][split]` is
    the run's error rate there); runs err on much the same hard examples."""
    rng = np.random.default_rng(seed)
    sizes = split_sizes(rows_per_run)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in errors}
    offset = 0
    for split in SPLITS:
        n = sizes[split]
        numbers = pd.Series(np.arange(offset + 1, offset + n + 1)).astype(str).str.zfill(7)
        offset += n
        labels = np.where(rng.random(n) < 0.5, "cat", "not_cat")
        other = np.where(labels == "cat", "not_cat", "cat")
        if split == "train_dev":
            sources = np.where(rng.random(n) < 0.9, "web", "mobile")
        else:
            sources = np.where(rng.random(n) < 0.8, "mobile", "tablet")
        hardness = rng.random(n)
        ids = ("img-" + numbers).to_numpy()
        urls = ("https://images.example.org/" + numbers + ".jpg").to_numpy()
        for name, rates in errors.items():
            score = hardness + 0.012 * rng.standard_normal(n)
            wrong = np.zeros(n, dtype=bool)
            wrong[np.argsort(-score)[:int(rates[split] * n + 0.5)]] = True
            parts[name].append(pd.DataFrame({
                "example_id": ids, "split": split, "source": sources, "label": labels,
                "prediction": np.where(wrong, other, labels), "image_url": urls}))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}


def write_predictions_csv(path: Path, rows: int, seed: int = SEED) -> Path:
    """A predictions CSV of one run with `rows` examples (the file the import is timed on)."""
    rates = {"dev": 0.052, "test": 0.055, "train_dev": 0.034}
    frame = predictions_frames(rows, {"run": rates}, seed)["run"]
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def build_project(store: Store, sizes: Sizes, seed: int = SEED,
                  log=lambda message: None) -> BuiltProject:
    """Write the big project into `store` (which must not hold it yet)."""
    started = time.perf_counter()
    project = store.projects.create(PROJECT_NAME)
    log(f"importing {sizes.runs} runs")
    store.runs.import_runs(project.id, benchmark_runs(sizes.runs, seed),
                           source="benchmark/runs.csv", fmt="generic")
    store.projects.set_human_levels(project.id, [("typical person", 0.03), ("expert", 0.01),
                                                 ("team of experts", 0.005)])
    runs = store.runs.list(project.id)
    with_predictions = runs[-PREDICTION_RUNS:]
    errors = {run.name: {"dev": run.dev_error, "test": run.test_error,
                         "train_dev": run.train_dev_error} for run in with_predictions}
    per_run = sizes.predictions // len(with_predictions)
    frames = predictions_frames(per_run, errors, seed)
    for run in with_predictions:
        log(f"importing {per_run:,} predictions of {run.name}")
        store.predictions.import_bytes(project.id, run.key,  # type: ignore[arg-type]
                                       frames[run.name].to_csv(index=False).encode(),
                                       source="benchmark predictions", created_by="benchmark")
    del frames
    newest = with_predictions[-1]
    log(f"drawing and tagging a review sample of {sizes.tagged}")
    sample = store.reviews.draw(project.id, newest.key,  # type: ignore[arg-type]
                                name=f"{newest.name}: review", size=sizes.tagged, seed=seed,
                                created_by="benchmark")
    category_ids = {c.name: c.id for c in store.reviews.categories(project.id)}
    for name in REVIEW_EFFORTS:
        if name not in category_ids:
            category_ids[name] = store.reviews.add_category(project.id, name).id
    store.reviews.set_efforts(project.id, {category_ids[name]: effort
                                           for name, effort in REVIEW_EFFORTS.items()})
    current = store.reviews.tags(sample.id)
    tags = demo_tags(current)
    store.reviews.save_tags(sample.id, [
        TagEdit(example_id, frozenset(category_ids[c] for c in tags[example_id][0]),
                tags[example_id][1], True, int(version))
        for example_id, version in zip(current["example_id"], current["version"], strict=True)
    ], updated_by="benchmark")
    for i, run in enumerate(runs[-20:]):
        store.decisions.record(project.id, "diagnosis", f"Work on variance for {run.name}",
                               {"run": run.name, "variance": run.train_dev_error},
                               rationale=f"benchmark decision {i + 1}", author="benchmark")
    predictions = store.predictions.count(project.id)
    return BuiltProject(project.slug, len(runs), predictions, int(len(current)),
                        time.perf_counter() - started)


def main(argv: list[str]) -> int:
    """`python -m benchmarks.generate project DB RUNS PREDICTIONS TAGGED` or
    `python -m benchmarks.generate csv PATH ROWS` (in a subprocess: the database file stays
    locked while a process holds it open)."""
    import json

    from strategy_core.store import open_store

    if argv[0] == "project":
        db = Path(argv[1])
        for stale in (db, db.with_name(db.name + ".wal")):
            stale.unlink(missing_ok=True)
        sizes = Sizes(int(argv[2]), int(argv[3]), int(argv[4]))
        built = build_project(open_store(str(db)), sizes,
                              log=lambda message: print(f"  {message}", file=sys.stderr))
        print(json.dumps(built.as_dict()))
    else:
        write_predictions_csv(Path(argv[1]), int(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
