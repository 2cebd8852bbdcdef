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
)


# Tables that hold a project's data and how to find its rows (children first, so deleting
# in this order never leaves orphans). Project delete and backup bundles both use it;
# a migration that adds a per-project table adds it here.
PROJECT_TABLES: tuple[tuple[str, str], ...] = (
    ("run_values", "version_id IN (SELECT v.id FROM run_versions v JOIN runs r "
                   "ON r.id = v.run_id WHERE r.project_id = ?)"),
    ("run_versions", "run_id IN (SELECT id FROM runs WHERE project_id = ?)"),
    ("runs", "project_id = ?"),
    ("imports", "project_id = ?"),
    ("human_levels", "project_id = ?"),
    ("project_settings", "project_id = ?"),
    ("decisions", "project_id = ?"),
    ("projects", "id = ?"),
)
