"""Numbered, append-only schema migrations. Never edit a released one: add the next number.

Each migration runs in its own transaction and is recorded in `schema_migrations`.
Metrics and params of runs are stored in long form (run version, name, value) so an
uploaded header never becomes a SQL identifier.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "projects, runs, imports, human levels",
        (
            "CREATE SEQUENCE project_id_seq START 1",
            "CREATE SEQUENCE import_id_seq START 1",
            "CREATE SEQUENCE run_id_seq START 1",
            "CREATE SEQUENCE run_version_id_seq START 1",
            """CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
            """CREATE TABLE projects (
                id INTEGER PRIMARY KEY DEFAULT nextval('project_id_seq'),
                name VARCHAR NOT NULL UNIQUE,
                slug VARCHAR NOT NULL UNIQUE,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                bayes_proxy VARCHAR
            )""",
            """CREATE TABLE project_settings (
                project_id INTEGER NOT NULL,
                key VARCHAR NOT NULL,
                value VARCHAR NOT NULL,
                PRIMARY KEY (project_id, key)
            )""",
            """CREATE TABLE human_levels (
                project_id INTEGER NOT NULL,
                label VARCHAR NOT NULL,
                error DOUBLE NOT NULL,
                PRIMARY KEY (project_id, label)
            )""",
            # Every change to a project's runs is an import: a file, a manual edit, a delete.
            """CREATE TABLE imports (
                id INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
                project_id INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                source VARCHAR,
                format VARCHAR,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                added INTEGER NOT NULL DEFAULT 0,
                updated INTEGER NOT NULL DEFAULT 0,
                unchanged INTEGER NOT NULL DEFAULT 0,
                deleted INTEGER NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE runs (
                id INTEGER PRIMARY KEY DEFAULT nextval('run_id_seq'),
                project_id INTEGER NOT NULL
            )""",
            # Append-only: the newest version of a run (highest import) is current.
            """CREATE TABLE run_versions (
                id BIGINT PRIMARY KEY DEFAULT nextval('run_version_id_seq'),
                run_id INTEGER NOT NULL,
                import_id INTEGER NOT NULL,
                deleted BOOLEAN NOT NULL DEFAULT false,
                name VARCHAR NOT NULL,
                external_id VARCHAR,
                created TIMESTAMP,
                source_row INTEGER,
                train_error DOUBLE,
                train_dev_error DOUBLE,
                dev_error DOUBLE,
                test_error DOUBLE,
                n_train BIGINT,
                n_train_dev BIGINT,
                n_dev BIGINT,
                n_test BIGINT
            )""",
            """CREATE TABLE run_values (
                version_id BIGINT NOT NULL,
                kind VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                num DOUBLE,
                text VARCHAR,
                PRIMARY KEY (version_id, kind, name)
            )""",
            "CREATE INDEX run_versions_run ON run_versions (run_id)",
            """CREATE VIEW current_run_versions AS
                SELECT v.*, r.project_id
                FROM run_versions v JOIN runs r ON r.id = v.run_id
                QUALIFY row_number() OVER (
                    PARTITION BY v.run_id ORDER BY v.import_id DESC, v.id DESC) = 1""",
        ),
    ),
    Migration(
        2,
        "decision log",
        (
            "CREATE SEQUENCE decision_id_seq START 1",
            """CREATE TABLE decisions (
                id INTEGER PRIMARY KEY DEFAULT nextval('decision_id_seq'),
                project_id INTEGER NOT NULL,
                page VARCHAR NOT NULL,
                verdict VARCHAR NOT NULL,
                numbers VARCHAR NOT NULL DEFAULT '{}',
                rationale VARCHAR NOT NULL DEFAULT '',
                author VARCHAR NOT NULL DEFAULT '',
                decided_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                superseded_by INTEGER
            )""",
        ),
    ),
    Migration(
        3,
        "error analysis: per-example predictions, review samples, categories, tags",
        (
            "CREATE SEQUENCE prediction_set_id_seq START 1",
            "CREATE SEQUENCE review_sample_id_seq START 1",
            "CREATE SEQUENCE review_category_id_seq START 1",
            # One upload of per-example predictions for one run; a re-upload replaces it.
            """CREATE TABLE prediction_sets (
                id INTEGER PRIMARY KEY DEFAULT nextval('prediction_set_id_seq'),
                project_id INTEGER NOT NULL,
                run_id INTEGER NOT NULL,
                source VARCHAR,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                created_by VARCHAR NOT NULL DEFAULT '',
                rows BIGINT NOT NULL,
                misclassified BIGINT NOT NULL
            )""",
            # No index: a set's rows are written together, so zone maps find them.
            """CREATE TABLE predictions (
                set_id INTEGER NOT NULL,
                split VARCHAR NOT NULL,
                example_id VARCHAR NOT NULL,
                label VARCHAR NOT NULL,
                prediction VARCHAR NOT NULL,
                source VARCHAR,
                text VARCHAR,
                url VARCHAR,
                weight DOUBLE
            )""",
            # kind: 'errors' (misclassified dev examples), 'audit' (correctly classified
            # ones), 'imported' (a spreadsheet's rows). The eyeball set of an errors sample
            # is every dev example whose sampling key is at most eyeball_key.
            """CREATE TABLE review_samples (
                id INTEGER PRIMARY KEY DEFAULT nextval('review_sample_id_seq'),
                project_id INTEGER NOT NULL,
                name VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                run_id INTEGER,
                split VARCHAR NOT NULL DEFAULT 'dev',
                seed BIGINT,
                size INTEGER NOT NULL,
                population BIGINT,
                dev_n BIGINT,
                dev_errors BIGINT,
                dev_error DOUBLE,
                eyeball_key VARCHAR,
                eyeball_n BIGINT,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
                created_by VARCHAR NOT NULL DEFAULT ''
            )""",
            """CREATE TABLE review_examples (
                sample_id INTEGER NOT NULL,
                position INTEGER NOT NULL,
                example_id VARCHAR NOT NULL,
                label VARCHAR,
                prediction VARCHAR,
                source VARCHAR,
                text VARCHAR,
                url VARCHAR,
                PRIMARY KEY (sample_id, example_id)
            )""",
            """CREATE TABLE review_categories (
                id INTEGER PRIMARY KEY DEFAULT nextval('review_category_id_seq'),
                project_id INTEGER NOT NULL,
                name VARCHAR NOT NULL,
                effort DOUBLE,
                position INTEGER NOT NULL DEFAULT 0,
                created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
            # One row per sample and example; version goes up on every save (optimistic
            # concurrency: a save names the version it started from).
            """CREATE TABLE review_tags (
                sample_id INTEGER NOT NULL,
                example_id VARCHAR NOT NULL,
                categories INTEGER[] NOT NULL DEFAULT [],
                notes VARCHAR NOT NULL DEFAULT '',
                reviewed BOOLEAN NOT NULL DEFAULT false,
                version INTEGER NOT NULL DEFAULT 0,
                updated_at TIMESTAMP,
                updated_by VARCHAR NOT NULL DEFAULT ''
            )""",
        ),
    ),
    Migration(
        4,
        "metric change log",
        (
            "CREATE SEQUENCE metric_change_id_seq START 1",
            # kind: 'metric' or 'dev_set'; changed_on is the day the change took effect.
            """CREATE TABLE metric_changes (
                id INTEGER PRIMARY KEY DEFAULT nextval('metric_change_id_seq'),
                project_id INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                what VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                author VARCHAR NOT NULL DEFAULT '',
                changed_on DATE NOT NULL,
                recorded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
            )""",
        ),
    ),
    Migration(
        5,
        "edit versions: every row saved from a form carries a version (optimistic concurrency)",
        (
            # One sequence for all of them: a version number is never reused, so a row
            # deleted and added again can never look unchanged to a stale save.
            "CREATE SEQUENCE edit_version_seq START 2",
            "ALTER TABLE human_levels ADD COLUMN version BIGINT DEFAULT 1",
            "ALTER TABLE project_settings ADD COLUMN version BIGINT DEFAULT 1",
            "ALTER TABLE review_categories ADD COLUMN version BIGINT DEFAULT 1",
            "ALTER TABLE projects ADD COLUMN version BIGINT DEFAULT 1",
        ),
    ),
    Migration(
        6,
        "per-example values: regression errors and per-example losses or scores",
        (
            # kind: 'classification' (label vs prediction), 'regression' (value is
            # |label - prediction|) or 'value' (the file's value column, named value_name).
            "ALTER TABLE prediction_sets ADD COLUMN kind VARCHAR DEFAULT 'classification'",
            "ALTER TABLE prediction_sets ADD COLUMN value_name VARCHAR",
            "ALTER TABLE predictions ADD COLUMN value DOUBLE",
            # A sample of the worst examples ('worst') or of those past a threshold: the
            # measure ranked, the metric's sums behind the ceilings (docs/rules.md §18).
            "ALTER TABLE review_samples ADD COLUMN measure VARCHAR",
            "ALTER TABLE review_samples ADD COLUMN value_name VARCHAR",
            "ALTER TABLE review_samples ADD COLUMN selection VARCHAR",
            "ALTER TABLE review_samples ADD COLUMN threshold DOUBLE",
            "ALTER TABLE review_samples ADD COLUMN cutoff DOUBLE",
            "ALTER TABLE review_samples ADD COLUMN dev_total DOUBLE",
            "ALTER TABLE review_samples ADD COLUMN population_gain DOUBLE",
            "ALTER TABLE review_examples ADD COLUMN value DOUBLE",
            "ALTER TABLE review_examples ADD COLUMN gain DOUBLE",
        ),
    ),
    Migration(
        7,
        "run curves: the per-step values of an imported history (docs/rules.md §9)",
        (
            # One row per (run version, metric, step): the curve a history export or an
            # MLflow metric history gave the run; a run's curve is its current version's.
            """CREATE TABLE run_curves (
                version_id BIGINT NOT NULL,
                metric VARCHAR NOT NULL,
                step BIGINT NOT NULL,
                value DOUBLE NOT NULL,
                PRIMARY KEY (version_id, metric, step)
            )""",
        ),
    ),
    Migration(
        8,
        "six-box table boxes and optimization verification (docs/rules.md §21, §22)",
        (
            # Human level on a distribution other than the one the project's human levels
            # describe: 'target' (the dev/test distribution, MLY ch. 41).
            """CREATE TABLE distribution_human_levels (
                project_id INTEGER NOT NULL,
                distribution VARCHAR NOT NULL,
                level DOUBLE NOT NULL,
                version BIGINT NOT NULL,
                PRIMARY KEY (project_id, distribution)
            )""",
            # A run's level on dev/test-distribution examples that were in its training set.
            """CREATE TABLE trained_target_levels (
                project_id INTEGER NOT NULL,
                run_id INTEGER NOT NULL,
                level DOUBLE NOT NULL,
                n BIGINT,
                version BIGINT NOT NULL,
                PRIMARY KEY (run_id)
            )""",
            # Per reviewed example of a run: S(y*) and S(y_out) (MLY ch. 44-46). A run's
            # records are saved together and share one version.
            """CREATE TABLE optimization_checks (
                project_id INTEGER NOT NULL,
                run_id INTEGER NOT NULL,
                position INTEGER NOT NULL,
                example_id VARCHAR NOT NULL,
                score_correct DOUBLE NOT NULL,
                score_output DOUBLE NOT NULL,
                note VARCHAR NOT NULL DEFAULT '',
                version BIGINT NOT NULL,
                PRIMARY KEY (run_id, example_id)
            )""",
        ),
    ),
)


# Tables that hold a project's data and how to find its rows (children first, so deleting
# in this order never leaves orphans). Project delete and backup bundles both use it;
# a migration that adds a per-project table adds it here.
PROJECT_TABLES: tuple[tuple[str, str], ...] = (
    ("run_curves", "version_id IN (SELECT v.id FROM run_versions v JOIN runs r "
                   "ON r.id = v.run_id WHERE r.project_id = ?)"),
    ("run_values", "version_id IN (SELECT v.id FROM run_versions v JOIN runs r "
                   "ON r.id = v.run_id WHERE r.project_id = ?)"),
    ("run_versions", "run_id IN (SELECT id FROM runs WHERE project_id = ?)"),
    ("runs", "project_id = ?"),
    ("imports", "project_id = ?"),
    ("human_levels", "project_id = ?"),
    ("project_settings", "project_id = ?"),
    ("decisions", "project_id = ?"),
    ("review_tags", "sample_id IN (SELECT id FROM review_samples WHERE project_id = ?)"),
    ("review_examples", "sample_id IN (SELECT id FROM review_samples WHERE project_id = ?)"),
    ("review_samples", "project_id = ?"),
    ("review_categories", "project_id = ?"),
    ("predictions", "set_id IN (SELECT id FROM prediction_sets WHERE project_id = ?)"),
    ("prediction_sets", "project_id = ?"),
    ("metric_changes", "project_id = ?"),
    ("distribution_human_levels", "project_id = ?"),
    ("trained_target_levels", "project_id = ?"),
    ("optimization_checks", "project_id = ?"),
    ("projects", "id = ?"),
)
