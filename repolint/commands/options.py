"""Options shared by the commands that read a project (`check`, `audit`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

_PROJECT_OPTIONS = (
    click.option(
        "--exclude",
        multiple=True,
        metavar="GLOBS",
        help="Comma-separated names or globs to skip, replacing the defaults "
        "(.git, .venv, build, dist, node_modules, ...).",
    ),
    click.option(
        "--extend-exclude",
        multiple=True,
        metavar="GLOBS",
        help="Comma-separated names or globs to skip in addition to the defaults, "
        "e.g. 'migrations,tests/fixtures'.",
    ),
    click.option(
        "--src",
        multiple=True,
        metavar="DIRS",
        help="Comma-separated import roots for resolving the project's own imports "
        "(default: the given paths and a src/ folder under them).",
    ),
    click.option(
        "--config",
        "config_file",
        metavar="FILE",
        help="Read settings from FILE (a pyproject.toml with [tool.repolint], or a TOML "
        "file of the same keys) instead of the nearest pyproject.toml.",
    ),
)


def project_options(command: F) -> F:
    """Add --exclude, --extend-exclude, --src and --config, in that order in --help."""
    for option in reversed(_PROJECT_OPTIONS):
        command = option(command)
    return command
