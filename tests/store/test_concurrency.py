"""Several people at once (docs/rules.md §13): 8 threads × 200 operations through one
store — run imports into a few shared projects, deletes and undo of their own imports, tag
saves on one review sample, and reads. Afterwards nothing is lost (the database holds
exactly what the successful operations imply) and every conflicting tag save was reported
(no two saves succeeded from the same version of an example; each refused save had really
been overtaken)."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from strategy_core.errors import ConflictError
from strategy_core.run_csv import build_runs, propose_mapping, read_table
from strategy_core.runs import Run
from strategy_core.store import Store
from strategy_core.store.reviews import TagEdit

THREADS = 8
OPERATIONS = 200
PROJECTS = ("Shared A", "Shared B", "Shared C")
HOT_EXAMPLES = 6  # tag saves aim at a few examples so that saves really collide


@dataclass
class Setup:
    projects: list[int]
    sample_id: int
    examples: list[str]
    categories: list[int]
    seed_runs: dict[int, set[str]]


@dataclass
class Undoable:
    """One of a thread's imports (a file or a delete) and how to take it back in the model."""

    project_id: int
    import_id: int
    added: list[str] = field(default_factory=list)
    previous: dict[str, float] = field(default_factory=dict)


@dataclass
class Log:
    """What one thread did and what it expects the database to hold."""

    runs: dict[tuple[int, str], float] = field(default_factory=dict)
    undoable: list[Undoable] = field(default_factory=list)
    saves: list[tuple[str, int, tuple[int, ...], str]] = field(default_factory=list)
    conflicts: list[tuple[str, int]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def setup(store: Store) -> Setup:
    projects = [store.projects.create(name).id for name in PROJECTS]
    seed_runs = {}
    for project_id in projects:
        store.runs.import_runs(project_id, [Run(name="seed-1", dev_error=0.3),
                                            Run(name="seed-2", dev_error=0.25)],
                               source="seed.csv", fmt="generic")
        seed_runs[project_id] = {"seed-1", "seed-2"}
    review = projects[0]
    key = store.runs.by_name(review, "seed-1").key
    assert key is not None
    rows = "\n".join(f"ex{i:02d},cat,{'dog' if i % 3 else 'cat'}" for i in range(60))
    store.predictions.import_bytes(review, key, f"example_id,label,prediction\n{rows}\n"
                                   .encode(), source="p.csv")
    sample = store.reviews.draw(review, key, name="Shared review", size=40, seed=1)
    categories = [store.reviews.add_category(review, name).id
                  for name in ("Blurry", "Dog-like cat", "Small")]
    examples = list(store.reviews.sample_examples(sample.id)["example_id"])[:HOT_EXAMPLES]
    return Setup(projects, sample.id, examples, categories, seed_runs)


def run_file(names: list[str], errors: list[float]) -> bytes:
    rows = "\n".join(f"{name},{error:.2f}" for name, error in zip(names, errors, strict=True))
    return f"name,dev_error\n{rows}\n".encode()


def worker(store: Store, setup: Setup, thread: int) -> Log:
    rng = random.Random(9000 + thread)
    log = Log()
    fresh = iter(range(10_000))

    def count(what: str) -> None:
        log.counts[what] = log.counts.get(what, 0) + 1

    def own_runs(project_id: int) -> dict[str, float]:
        return {name: error for (pid, name), error in log.runs.items() if pid == project_id}

    for _ in range(OPERATIONS):
        roll = rng.random()
        project_id = rng.choice(setup.projects)
        mine = own_runs(project_id)
        if roll < 0.30:  # import a small run file: new runs, maybe an update of one of mine
            names = [f"t{thread}-r{next(fresh)}" for _ in range(rng.randint(1, 2))]
            errors = [rng.randint(1, 99) / 100 for _ in names]
            updated = {}
            if mine and rng.random() < 0.5:
                name = rng.choice(sorted(mine))
                new = round(mine[name] + 0.01, 2) if mine[name] < 0.9 else 0.05
                updated[name] = mine[name]
                names.append(name)
                errors.append(new)
            table = read_table(run_file(names, errors))
            built = build_runs(table, propose_mapping(table))
            assert built.ok, built.problems
            result = store.runs.import_runs(project_id, built.runs, source=f"t{thread}.csv",
                                            fmt="generic")
            assert (result.added, result.updated) == (len(names) - len(updated), len(updated))
            assert result.import_id is not None
            log.undoable.append(Undoable(project_id, result.import_id,
                                         [n for n in names if n not in updated], updated))
            for name, error in zip(names, errors, strict=True):
                log.runs[(project_id, name)] = round(error, 2)
            count("import")
        elif roll < 0.38 and mine:  # delete one of my runs
            name = rng.choice(sorted(mine))
            key = store.runs.by_name(project_id, name).key
            assert key is not None
            result = store.runs.delete_runs(project_id, [key])
            assert result.import_id is not None
            log.undoable.append(Undoable(project_id, result.import_id, [], {name: mine[name]}))
            del log.runs[(project_id, name)]
            count("delete")
        elif roll < 0.45 and log.undoable:  # undo my latest import or delete
            last = log.undoable.pop()
            store.runs.undo_import(last.project_id, last.import_id)
            for name in last.added:
                del log.runs[(last.project_id, name)]
            for name, error in last.previous.items():
                log.runs[(last.project_id, name)] = error
            count("undo")
        elif roll < 0.70:  # tag an example from the version just read
            save_tags(store, setup, rng, thread, log)
            count("tag")
        elif roll < 0.75:  # a save from a version already overtaken is always refused
            example = rng.choice(setup.examples)
            version = current_version(store, setup, example)
            save_tags(store, setup, rng, thread, log, example)
            with pytest.raises(ConflictError) as caught:
                store.reviews.save_tags(setup.sample_id, [TagEdit(
                    example, frozenset(), "stale", True, version)], f"t{thread}")
            (shown,) = caught.value.current.to_dict("records")
            assert shown["example_id"] == example and shown["version"] > version
            log.conflicts.append((example, version))
            count("stale")
        else:  # reads: my runs are exactly what I wrote; the rest stays consistent
            stored = {r.name: r.dev_error for r in store.runs.list(project_id)
                      if r.name.startswith(f"t{thread}-")}
            assert stored == pytest.approx(mine)
            other = rng.randrange(3)
            if other == 0:
                counts = store.reviews.counts(setup.sample_id)
                assert counts.reviewed <= counts.size == 40
            elif other == 1:
                assert store.runs.count(project_id) >= len(mine) + 2
            else:
                assert [p.name for p in store.projects.list()] == sorted(PROJECTS)
            count("read")
    return log


def current_version(store: Store, setup: Setup, example: str) -> int:
    tags = store.reviews.tags(setup.sample_id)
    return int(tags.loc[tags["example_id"] == example, "version"].iloc[0])


def save_tags(store: Store, setup: Setup, rng: random.Random, thread: int, log: Log,
              example: str | None = None) -> None:
    example = example or rng.choice(setup.examples)
    version = current_version(store, setup, example)
    categories = tuple(sorted(rng.sample(setup.categories, rng.randint(1, 2))))
    notes = f"t{thread} from v{version}"
    try:
        store.reviews.save_tags(setup.sample_id, [TagEdit(
            example, frozenset(categories), notes, True, version)], f"t{thread}")
    except ConflictError as conflict:
        (shown,) = conflict.current.to_dict("records")
        assert shown["version"] > version, "a refused save was not overtaken"
        log.conflicts.append((example, version))
    else:
        log.saves.append((example, version, categories, notes))


def test_eight_threads_lose_nothing_and_report_every_conflict(store: Store, setup: Setup):
    with ThreadPoolExecutor(THREADS) as pool:
        logs = list(pool.map(lambda t: worker(store, setup, t), range(THREADS)))

    # Runs: each project holds its seed runs and exactly what the threads' successful
    # imports, deletes and undos leave, with the values they wrote.
    expected: dict[int, dict[str, float]] = {p: {"seed-1": 0.3, "seed-2": 0.25}
                                             for p in setup.projects}
    for log in logs:
        for (project_id, name), error in log.runs.items():
            expected[project_id][name] = error
    for project_id in setup.projects:
        stored = {r.name: r.dev_error for r in store.runs.list(project_id)}
        assert stored == pytest.approx(expected[project_id])
        history = {record.id for record in store.runs.history(project_id)}
        kept = {u.import_id for log in logs for u in log.undoable if u.project_id == project_id}
        assert kept <= history and len(history) == len(kept) + 1  # + the seed import

    # Tags: per example, the successful saves started from versions 0, 1, 2, … (none from the
    # same version: no silent overwrite), the stored version counts them, and the stored
    # tags are the last one's. Every refused save had been overtaken by a successful one.
    saves = [s for log in logs for s in log.saves]
    conflicts = [c for log in logs for c in log.conflicts]
    tags = store.reviews.tags(setup.sample_id).set_index("example_id")
    for example in setup.examples:
        chain = sorted((s for s in saves if s[0] == example), key=lambda s: s[1])
        assert [s[1] for s in chain] == list(range(len(chain))), example
        stored = tags.loc[example]
        assert int(stored["version"]) == len(chain)
        if chain:
            assert tuple(stored["categories"]) == chain[-1][2]
            assert stored["notes"] == chain[-1][3]
    started = {(s[0], s[1]) for s in saves}
    for example, version in conflicts:
        assert (example, version) in started, (example, version)
    counts = store.reviews.counts(setup.sample_id)
    assert counts.reviewed == sum(1 for e in setup.examples if any(s[0] == e for s in saves))

    done = {what: sum(log.counts.get(what, 0) for log in logs)
            for what in ("import", "delete", "undo", "tag", "stale", "read")}
    assert sum(done.values()) == THREADS * OPERATIONS, done
    assert all(done.values()), done
    assert len(conflicts) >= done["stale"] > 0
