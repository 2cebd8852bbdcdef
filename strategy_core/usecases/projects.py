"""Projects: list, find, create, rename and delete the projects of a database (the sidebar's
project picker and the command line's --project)."""

from __future__ import annotations

from strategy_core.errors import NotFoundError
from strategy_core.store import Store
from strategy_core.store.projects import Project, is_valid_slug

__all__ = ["Project", "create_project", "delete_project", "ensure_project", "get_project",
           "is_valid_slug", "list_projects", "project_by_slug", "rename_project",
           "resolve_or_none", "resolve_project"]


def list_projects(store: Store) -> list[Project]:
    """Every project with its number of current runs, by name."""
    return store.projects.list()


def get_project(store: Store, project_id: int) -> Project:
    """The project with this id (NotFoundError when there is none)."""
    return store.projects.get(project_id)


def project_by_slug(store: Store, slug: str) -> Project | None:
    """The project a link's `?project=<slug>` names, or None (a malformed slug included)."""
    return store.projects.by_slug(slug)


def resolve_project(store: Store, name_or_slug: str) -> Project:
    """A project by exact name or slug (NotFoundError when there is none)."""
    return store.projects.resolve(name_or_slug)


def resolve_or_none(store: Store, name_or_slug: str) -> Project | None:
    """A project by exact name or slug, or None when there is none."""
    try:
        return store.projects.resolve(name_or_slug)
    except NotFoundError:
        return None


def create_project(store: Store, name: str) -> Project:
    """A new project; its slug comes from the name, made unique. A name already taken is
    refused."""
    return store.projects.create(name)


def ensure_project(store: Store, name: str) -> Project:
    """The project with this exact name or slug, else a new one with this name."""
    return store.projects.ensure(name)


def rename_project(store: Store, project_id: int, new_name: str, *,
                   expected: int | None = None) -> Project:
    """Rename a project; its slug (so every shared link) stays. With `expected` (the edit
    version the form read), a rename someone else's overtook is refused (ConflictError)."""
    return store.projects.rename(project_id, new_name, expected=expected)


def delete_project(store: Store, project_id: int) -> None:
    """Delete a project with its runs, predictions, reviews, decisions and settings."""
    store.projects.delete(project_id)
