"""Reading syntax newer than the running Python: a token-level downgrade.

Used only when `ast.parse` rejects a file. `downgrade` rewrites the newer forms
it knows into code the running Python parses, keeping every line, and every
column outside the rewritten text (byte columns, as the syntax tree counts them):

- PEP 695 type parameters, `class Repo[T: Base](Parent):`, `def f[T](x: T)`:
  the bracket list is blanked out; `Downgraded.restore` sets it back on the node
  as `type_params` (`TypeVar`, `ParamSpec`, `TypeVarTuple`, as on Python 3.13),
  so the class is still known to be generic. Its subclasses, `UserRepo(Repo[User])`,
  are read as those of a `Generic[T]` base are: the model is the argument.
- PEP 695 `type X = expr` becomes `_=   X = expr`; `restore` drops the `_` target,
  leaving the assignment `X = expr` with `X` and `expr` where they were.
- PEP 696 type parameter defaults, `[T = int]`: blanked (on 3.12), or kept in
  `type_params` when the whole list is blanked.
- PEP 758 `except A, B:` and `except* A, B:` become `except(A, B):`: the
  parentheses take the blank after `except` and the one before the colon. Where
  there is no blank, one is inserted: then the rest of that line (after the
  colon, or from `A` on) moves one column, unless a blank after the colon can
  be taken instead.
- PEP 654 `except*` (3.11) on Python 3.10: the star is blanked.

- PEP 701 f-strings (quotes of the same kind nested, backslashes, comments or line
  breaks in a replacement field), on Python 3.10 and 3.11: replaced by `""` and
  blanks first (`fstrings.blank_newer_fstrings`), so the tokenizer reads the rest;
  what their replacement fields held is not analysed.
"""

from __future__ import annotations

import ast
import io
import keyword
import sys
import tokenize
from dataclasses import dataclass, field

from repolint.semantics.fstrings import blank_newer_fstrings

Version = tuple[int, int]
Position = tuple[int, int]
"""(line, byte column), as the syntax tree records a node's start."""

TYPE_PARAMS = (3, 12)  # PEP 695
TYPE_PARAM_DEFAULTS = (3, 13)  # PEP 696
EXCEPT_WITHOUT_PARENS = (3, 14)  # PEP 758
EXCEPT_STAR = (3, 11)  # PEP 654
F_STRINGS_ANYWHERE = (3, 12)  # PEP 701

_F_STRING_ERRORS = (
    "f-string: expecting '}'",
    "f-string: unmatched",
    "f-string expression part cannot include",
)
"""Errors of Python < 3.12 for f-strings PEP 701 allows (nested quotes, `\\`, `#`)."""


class TypeVar(ast.AST):
    """`T` or `T: Bound` in a type parameter list read by the downgrade."""

    _fields = ("name", "bound", "default_value")
    _attributes = ("lineno", "col_offset", "end_lineno", "end_col_offset")


class ParamSpec(ast.AST):
    """`**P` in a type parameter list read by the downgrade."""

    _fields = ("name", "default_value")
    _attributes = TypeVar._attributes


class TypeVarTuple(ast.AST):
    """`*Ts` in a type parameter list read by the downgrade."""

    _fields = ("name", "default_value")
    _attributes = TypeVar._attributes


@dataclass
class Downgraded:
    """The rewritten source, the newer forms found, and what `restore` puts back."""

    text: str
    forms: list[str]
    type_params: dict[Position, list[ast.AST]] = field(default_factory=dict)
    """Blanked type parameter lists, by the start of their `class`/`def`/`type` statement."""
    aliases: set[Position] = field(default_factory=set)
    """The starts of the `type X = ...` statements rewritten to `_= X = ...`."""

    def restore(self, tree: ast.Module) -> None:
        """Give the parsed tree back what the rewrite took out of the source."""
        if not (self.type_params or self.aliases):
            return
        for node in ast.walk(tree):
            if not isinstance(node, ast.stmt):
                continue
            start = (node.lineno, node.col_offset)
            if start in self.aliases and isinstance(node, ast.Assign) and len(node.targets) > 1:
                del node.targets[0]
            if start in self.type_params:
                node.type_params = self.type_params[start]  # type: ignore[attr-defined]


def newer_only(error: SyntaxError, version: Version = sys.version_info[:2]) -> bool:
    """Whether a newer Python may accept what `error` rejects (PEP 701 f-strings)."""
    msg = error.msg or ""
    return version < F_STRINGS_ANYWHERE and msg.startswith(_F_STRING_ERRORS)


def downgrade(text: str, version: Version = sys.version_info[:2]) -> Downgraded | None:
    """`text` with the forms newer than `version` rewritten, or None when it has none.

    A tokenizer error ends the scan: what was found before it is still rewritten.
    """
    blanked = 0
    if version < F_STRINGS_ANYWHERE:
        text, blanked = blank_newer_fstrings(text)
    rewriter = _Rewriter(text, version)
    rewriter.scan()
    if blanked:
        rewriter.forms.insert(0, "PEP 701 f-strings")
    elif not rewriter.edits:
        return None
    return Downgraded(rewriter.rewritten(), rewriter.forms, rewriter.type_params, rewriter.aliases)


_SKIPPED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING})
_STATEMENT_END = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    """The significant tokens (no comments, no blank lines), up to a tokenizer error."""
    found: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type not in _SKIPPED:
                found.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _is(token: tokenize.TokenInfo | None, kind: int, string: str | None = None) -> bool:
    return token is not None and token.type == kind and string in (None, token.string)


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


class _Rewriter:
    """Finds the newer forms in the tokens and collects the edits that remove them."""

    def __init__(self, text: str, version: Version) -> None:
        self.lines = io.StringIO(text).readlines()
        self.tokens = _tokens(text)
        self.version = version
        self.edits: list[tuple[int, int, int, str]] = []
        """(line, first column, end column, replacement), in characters of the original."""
        self.forms: list[str] = []
        self.type_params: dict[Position, list[ast.AST]] = {}
        self.aliases: set[Position] = set()

    # -- scanning ---------------------------------------------------------------

    def scan(self) -> None:
        tokens = self.tokens
        for i, token in enumerate(tokens):
            if token.type != tokenize.NAME or i + 1 >= len(tokens):
                continue
            before = tokens[i - 1] if i else None
            starts = before is None or before.type in _STATEMENT_END or before.string == ";"
            if token.string in ("class", "def") and _is(tokens[i + 1], tokenize.NAME):
                if i + 2 < len(tokens) and _is(tokens[i + 2], tokenize.OP, "["):
                    is_async = before is not None and _is(before, tokenize.NAME, "async")
                    self._type_params(i + 2, before if before is not None and is_async else token)
            elif token.string == "type" and (starts or _is(before, tokenize.OP, ":")):
                self._type_statement(i)
            elif token.string == "except" and starts:
                self._except(i)

    def _type_statement(self, i: int) -> None:
        """`type X = ...` / `type X[T] = ...` (PEP 695)."""
        tokens = self.tokens
        if i + 2 >= len(tokens):
            return
        name, after = tokens[i + 1], tokens[i + 2]
        if not _is(name, tokenize.NAME) or keyword.iskeyword(name.string):
            return
        if not (_is(after, tokenize.OP, "=") or _is(after, tokenize.OP, "[")):
            return
        if _is(after, tokenize.OP, "["):
            self._type_params(i + 2, tokens[i])
        if self.version < TYPE_PARAMS:
            line, col = tokens[i].start
            self.edits.append((line, col, col + 4, "_=  "))
            self.aliases.add(self._position(tokens[i]))
            self._found("PEP 695 type statement")

    def _type_params(self, open_at: int, statement: tokenize.TokenInfo) -> None:
        """The type parameter list opened by the token at `open_at` (PEP 695, PEP 696)."""
        close_at = self._closing(open_at)
        if close_at is None:
            return
        params = self._split(open_at + 1, close_at)
        if self.version < TYPE_PARAMS:
            self._blank(self.tokens[open_at].start, self.tokens[close_at].end)
            self.type_params[self._position(statement)] = [
                node for node in map(self._type_param, params) if node is not None
            ]
            self._found("PEP 695 type parameters")
        elif self.version < TYPE_PARAM_DEFAULTS:
            for param in params:
                equals = self._top_level(param, "=")
                if equals is not None:
                    self._blank(param[equals].start, param[-1].end)
                    self._found("PEP 696 type parameter defaults")

    def _type_param(self, param: list[tokenize.TokenInfo]) -> ast.AST | None:
        """`T`, `T: Bound`, `*Ts`, `**P`, each with an optional `= default`."""
        stars = param[0].string if param and param[0].string in ("*", "**") else ""
        rest = param[1:] if stars else param
        if not rest or not _is(rest[0], tokenize.NAME):
            return None
        equals = self._top_level(rest, "=")
        default = self._expression(rest[equals + 1 :]) if equals is not None else None
        head = rest[:equals] if equals is not None else rest
        line, col = self._position(param[0])
        end_line, end_col = param[-1].end
        place = {
            "lineno": line,
            "col_offset": col,
            "end_lineno": end_line,
            "end_col_offset": _bytes(self.lines[end_line - 1][:end_col]),
        }
        name = rest[0].string
        if stars == "*":
            return TypeVarTuple(name=name, default_value=default, **place)  # type: ignore[call-arg]
        if stars == "**":
            return ParamSpec(name=name, default_value=default, **place)  # type: ignore[call-arg]
        colon = len(head) > 1 and _is(head[1], tokenize.OP, ":")
        bound = self._expression(head[2:]) if colon else None
        return TypeVar(name=name, bound=bound, default_value=default, **place)  # type: ignore[call-arg]

    def _except(self, i: int) -> None:
        """`except A, B:` (PEP 758), `except* A, B:`, and `except*` itself before 3.11."""
        tokens = self.tokens
        star = tokens[i + 1] if _is(tokens[i + 1], tokenize.OP, "*") else None
        first = i + 2 if star else i + 1
        colon = self._closing_colon(first)
        if colon is None or colon == first:
            return
        clause = tokens[first:colon]
        unparenthesised = self._top_level(clause, ",") is not None and not any(
            _is(t, tokenize.NAME, "as") for t in clause
        )
        wrap = unparenthesised and self.version < EXCEPT_WITHOUT_PARENS
        if star is not None and self.version < EXCEPT_STAR:
            line, col = star.start
            self.edits.append((line, col, col + 1, "(" if wrap else " "))
            self._found("PEP 654 except*")
        elif wrap:
            self._open_paren(tokens[first])
        if wrap:
            self._close_paren(tokens[colon - 1], tokens[colon])
            self._found("PEP 758 except without parentheses")

    def _open_paren(self, first: tokenize.TokenInfo) -> None:
        line, col = first.start
        if col and self.lines[line - 1][col - 1] in " \t\f":
            self.edits.append((line, col - 1, col, "("))
        else:
            self.edits.append((line, col, col, "("))

    def _close_paren(self, last: tokenize.TokenInfo, colon: tokenize.TokenInfo) -> None:
        line, col = colon.start
        text = self.lines[line - 1]
        if last.end[0] == line and last.end[1] < col:
            self.edits.append((line, col - 1, col, ")"))
            return
        self.edits.append((line, col, col, ")"))
        if text[col + 1 : col + 2] in (" ", "\t") and text[col + 2 : col + 3].strip():
            self.edits.append((line, col + 1, col + 2, ""))

    # -- token helpers ----------------------------------------------------------

    def _found(self, form: str) -> None:
        if form not in self.forms:
            self.forms.append(form)

    def _position(self, token: tokenize.TokenInfo) -> Position:
        line, col = token.start
        return line, _bytes(self.lines[line - 1][:col])

    def _closing(self, open_at: int) -> int | None:
        """The index of the bracket closing the one at `open_at`."""
        depth = 0
        for j in range(open_at, len(self.tokens)):
            token = self.tokens[j]
            if token.type == tokenize.OP and token.string in _OPEN:
                depth += 1
            elif token.type == tokenize.OP and token.string in _CLOSE:
                depth -= 1
                if depth == 0:
                    return j
        return None

    def _closing_colon(self, start: int) -> int | None:
        """The index of the first `:` outside brackets from `start` on, on this logical line."""
        depth = 0
        for j in range(start, len(self.tokens)):
            token = self.tokens[j]
            if token.type in _STATEMENT_END:
                return None
            if token.type == tokenize.OP and token.string in _OPEN:
                depth += 1
            elif token.type == tokenize.OP and token.string in _CLOSE:
                depth -= 1
            elif depth == 0 and _is(token, tokenize.OP, ":"):
                return j
        return None

    def _top_level(self, tokens: list[tokenize.TokenInfo], op: str) -> int | None:
        """The index in `tokens` of the first `op` outside brackets."""
        depth = 0
        for j, token in enumerate(tokens):
            if token.type != tokenize.OP:
                continue
            if token.string in _OPEN:
                depth += 1
            elif token.string in _CLOSE:
                depth -= 1
            elif depth == 0 and token.string == op:
                return j
        return None

    def _split(self, start: int, end: int) -> list[list[tokenize.TokenInfo]]:
        """The tokens from `start` to `end` (excluded) split at the commas outside brackets."""
        params: list[list[tokenize.TokenInfo]] = [[]]
        depth = 0
        for token in self.tokens[start:end]:
            if token.type == tokenize.OP and token.string in _OPEN:
                depth += 1
            elif token.type == tokenize.OP and token.string in _CLOSE:
                depth -= 1
            elif depth == 0 and _is(token, tokenize.OP, ","):
                params.append([])
                continue
            params[-1].append(token)
        return [p for p in params if p]

    def _expression(self, tokens: list[tokenize.TokenInfo]) -> ast.expr | None:
        """The expression the original source holds over `tokens`, with its real positions."""
        if not tokens:
            return None
        (line, col), (end_line, end_col) = tokens[0].start, tokens[-1].end
        if end_line == line:
            source = self.lines[line - 1][col:end_col]
        else:
            first, last = self.lines[line - 1][col:], self.lines[end_line - 1][:end_col]
            source = "".join([first, *self.lines[line : end_line - 1], last])
        # Inside parentheses, blanks put the expression at its column, newlines at its line;
        # a starred default (`*Ts = *tuple[int, ...]`) is read as the item of a tuple.
        starred = tokens[0].string == "*"
        indent = max(_bytes(self.lines[line - 1][:col]) - 1, 0)
        padded = "\n" * (line - 1) + "(" + " " * indent + source + (",)" if starred else ")")
        try:
            expr = ast.parse(padded, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return expr.elts[0] if starred and isinstance(expr, ast.Tuple) else expr

    # -- editing ----------------------------------------------------------------

    def _blank(self, start: Position, end: Position) -> None:
        """Replace the text from `start` to `end` (character positions) by blanks, one
        per byte; a line of it that is not the last ends in `\\` to keep joining them."""
        (line, col), (end_line, end_col) = start, end
        for number in range(line, end_line + 1):
            text = self.lines[number - 1]
            content = len(text.rstrip("\r\n"))
            first = col if number == line else 0
            last = end_col if number == end_line else content
            blanks = " " * _bytes(text[first:last])
            if number < end_line:
                blanks = blanks[:-1] + "\\"
            self.edits.append((number, first, last, blanks))

    def rewritten(self) -> str:
        lines = list(self.lines)
        for number, first, last, replacement in sorted(self.edits, reverse=True):
            text = lines[number - 1]
            lines[number - 1] = text[:first] + replacement + text[last:]
        return "".join(lines)
