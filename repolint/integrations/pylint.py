"""pylint plugin: `pylint --load-plugins=repolint.integrations.pylint`.

One raw-file checker per rule family, all named `repolint`, so
`--enable=repolint` / `--disable=repolint` switch every message at once.
Symbols are the rule names; each message starts with its RPL code.

Message ids: `RPL{f}{nn}` is `W7{f}{nn}` (`E7{f}{nn}` for the rules whose
problems crash at run time), so RPL301 is W7301 and RPL302 is E7302. The
checker ids 70-74 are used by no pylint extension nor pylint-django. Columns
are 0-based, as pylint prints them.

The findings are `repolint check`'s: the project is analysed once per process
(see `repolint.integrations`), `[tool.repolint]` selects the rules, and
`# noqa: RPL301` as well as `# pylint: disable=lazy-load-per-row` silence one.
A file that does not parse is pylint's syntax-error (E0001), not RPL000.
"""

from __future__ import annotations

import io
import tokenize
from typing import TYPE_CHECKING, Any

from pylint.checkers import BaseRawFileChecker

from repolint.findings import Severity
from repolint.integrations import findings_for
from repolint.rules import ALL_RULES

if TYPE_CHECKING:
    from astroid import nodes
    from pylint.lint import PyLinter

CHECKER_NAME = "repolint"
CHECKER_BLOCK = 70
"""The first pylint checker id used: family `f` of RPL codes gets 70 + f."""


def msgid(code: str, severity: Severity) -> str:
    """The pylint message id of an RPL code: `RPL301` -> `W7301`."""
    letter = "E" if severity is Severity.ERROR else "W"
    return f"{letter}{CHECKER_BLOCK + int(code[3])}{code[4:]}"


def _messages(family: str) -> dict[str, Any]:
    return {
        msgid(rule.code, rule.severity): (
            f"{rule.code} %s",
            rule.name,
            f"{rule.summary}. Reported by repolint; `repolint explain {rule.code}` tells more.",
        )
        for rule in ALL_RULES
        if rule.code[3] == family
    }


class RepolintChecker(BaseRawFileChecker):
    """The findings of one rule family for each module pylint checks."""

    name = CHECKER_NAME

    def __init__(self, linter: PyLinter, family: str) -> None:
        self.msgs = _messages(family)
        self.family = family
        self._ids = {rule.code: msgid(rule.code, rule.severity) for rule in ALL_RULES}
        super().__init__(linter)

    def process_module(self, node: nodes.Module) -> None:
        """Report this family's findings for the module's file."""
        if not node.file:
            return
        for finding in findings_for(node.file, _source(node)):
            if finding.code[3] != self.family or finding.code not in self._ids:
                continue
            self.add_message(
                self._ids[finding.code],
                line=finding.line,
                args=(finding.message,),
                col_offset=max(finding.column - 1, 0),
                end_lineno=finding.end_line or finding.line,
                end_col_offset=max((finding.end_column or finding.column) - 1, 0),
            )


def _source(node: nodes.Module) -> str | None:
    """The text pylint read (standard input included), decoded as Python does."""
    try:
        with node.stream() as stream:
            data = stream.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def register(linter: PyLinter) -> None:
    """pylint's plugin hook: one checker per rule family."""
    for family in sorted({rule.code[3] for rule in ALL_RULES}):
        linter.register_checker(RepolintChecker(linter, family))
