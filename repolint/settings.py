"""Settings: the resolved configuration a run works with (frozen, hashable)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_REPOSITORY_SUFFIXES = ("Repository", "Repo", "DAO", "CRUD", "Table", "Store")
DEFAULT_REPOSITORY_BASES = ("BaseUserDatabase", "AccessTokenDatabase")
"""fastapi-users' data-layer bases: their subclasses receive the caller's session."""
DEFAULT_REPOSITORY_MODULES = (
    "**/repositories/**",
    "**/repository.py",
    "**/repository_*.py",
    "**/repos/**",
    "**/crud/**",
    "**/crud.py",
    "**/dal/**",
    "**/dao/**",
    "**/dao.py",
    "**/models/**",
    "**/models.py",
)
DEFAULT_WITH_RELATIONS_SUFFIXES = ("_with_relations",)
DEFAULT_EAGER_HOOKS = (
    "get_eager_options",
    "eager_options",
    "loader_options",
    "get_loader_options",
    "default_options",
    "get_default_options",
)
DEFAULT_ASYNC_BASES = ("AsyncBaseRepository",)
DEFAULT_TESTS = ("tests/", "test/", "test_*.py", "*_test.py")
DEFAULT_TEST_RULES = ("RPL103", "RPL105", "RPL302", "RPL306")
"""Rules checked in test code by default: those whose problem fails the test itself."""
DEFAULT_MIGRATIONS = ("**/alembic/versions/**", "**/migrations/versions/**")
"""Alembic revision scripts (a module with `revision = "..."` and `def upgrade()` too)."""
DEFAULT_NOT_FOUND_ERRORS = ("RecordNotFoundError", "*NotFoundError")
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".repolint_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)


OUTPUT_FORMATS = ("full", "concise", "grouped", "json", "json-lines", "sarif", "github", "junit")
"""What `--output-format` (and `output-format` in the config) accepts."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know besides the files themselves."""

    select: tuple[str, ...] = ()
    """Codes or prefixes to enable; empty means the default set."""
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    src: tuple[str, ...] = ()
    repository_suffixes: tuple[str, ...] = DEFAULT_REPOSITORY_SUFFIXES
    repository_bases: tuple[str, ...] = DEFAULT_REPOSITORY_BASES
    repository_modules: tuple[str, ...] = DEFAULT_REPOSITORY_MODULES
    session_providers: tuple[str, ...] = ()
    offload_functions: tuple[str, ...] = ()
    with_relations_suffixes: tuple[str, ...] = DEFAULT_WITH_RELATIONS_SUFFIXES
    eager_hooks: tuple[str, ...] = DEFAULT_EAGER_HOOKS
    async_bases: tuple[str, ...] = DEFAULT_ASYNC_BASES
    tests: tuple[str, ...] = DEFAULT_TESTS
    migrations: tuple[str, ...] = DEFAULT_MIGRATIONS
    test_rules: tuple[str, ...] = DEFAULT_TEST_RULES
    not_found_errors: tuple[str, ...] = DEFAULT_NOT_FOUND_ERRORS
    project_root: str = "."
    extra: tuple[tuple[str, str], ...] = field(default=())
