"""flake8 plugin: `flake8 --select=RPL,E9` reports what `repolint check` reports.

Registered as the `flake8.extension` entry point `RPL`. flake8 calls it once
per file, in worker processes; the first call of a process analyses the file's
whole project (see `repolint.integrations`), so cross-file findings are the
same as the CLI's. Rule selection and `per-file-ignores` come from
`[tool.repolint]` (flake8 does not read `pyproject.toml`); `# noqa` is left to
flake8, `# repolint: disable=...` is applied here. A file that does not parse
is flake8's E999, not RPL000: flake8 stops at its syntax error and runs no
plugin on it, so a selection must keep E9 (`--select=RPL,E9`) for it to fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import Any

from repolint import __version__
from repolint.integrations import findings_for


class Plugin:
    """The flake8 AST plugin (the tree is unused: repolint reads the project itself)."""

    name = "repolint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        self.filename = filename
        self.text = "".join(lines)

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        """Yield `(line, column, "RPL301 message", type)`; flake8 columns are 0-based."""
        for finding in findings_for(self.filename, self.text, honour_noqa=False):
            yield (
                finding.line,
                max(finding.column - 1, 0),
                f"{finding.code} {finding.message}",
                type(self),
            )
