"""PEP 701 f-strings on Python < 3.12: find them, and stand a plain string in for them.

Python 3.12 lets an f-string's replacement fields hold what older tokenizers
reject: quotes of the f-string's own kind, backslashes, comments, line breaks in
a single-quoted f-string. `blank_newer_fstrings` finds every f-string literal
with a scanner that reads them as 3.12 does, and replaces each one the running
Python cannot parse by a plain string of blanks of the same extent: the same
lines, and the same columns for everything else (one blank per byte; a line
break inside it is escaped). What the replacement fields held (a call, an
attribute) is lost to the analysis; the rest of the file is not.
"""

from __future__ import annotations

import ast

_PREFIX_LETTERS = frozenset("rRbBuUfF")
_OPEN = {"(": ")", "[": "]", "{": "}"}

Span = tuple[int, int]
"""(start, end) character offsets of a literal in the text."""


def blank_newer_fstrings(text: str) -> tuple[str, int]:
    """`text` with the f-strings this Python cannot parse blanked, and how many."""
    spans = [span for span in _Scanner(text).literals() if not _parses(text[span[0] : span[1]])]
    if not spans:
        return text, 0
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(_placeholder(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out), len(spans)


def _parses(literal: str) -> bool:
    try:
        ast.parse("(" + literal + "\n)", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _placeholder(literal: str) -> str:
    """A plain string literal of the same extent: as many bytes per line as `literal`,
    blanks between the quotes, lines joined inside it by `\\`."""
    widths = [len(line.encode("utf-8", "surrogatepass")) for line in literal.split("\n")]
    if len(widths) == 1:
        return '"' + " " * (widths[0] - 2) + '"'
    out = ['"' + " " * (widths[0] - 2) + "\\"]
    out.extend(" " * max(width - 1, 0) + "\\" for width in widths[1:-1])
    out.append(" " * (widths[-1] - 1) + '"')
    return "\n".join(out)


class _Scanner:
    """Reads the text as 3.12's tokenizer does, as far as strings and comments go."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)

    def literals(self) -> list[Span]:
        """The spans of the top-level f-string literals (not those nested in one)."""
        found: list[Span] = []
        i = 0
        text, n = self.text, self.n
        while i < n:
            ch = text[i]
            if ch == "#":
                i = self._line_end(i)
            elif ch in "'\"":
                i = self._string(i, fstring=False)
            elif ch in _PREFIX_LETTERS and (i == 0 or not _word(text[i - 1])):
                start = i
                while i < n and text[i] in _PREFIX_LETTERS and i - start < 2:
                    i += 1
                if i < n and text[i] in "'\"":
                    prefix = text[start:i].lower()
                    end = self._string(i, fstring="f" in prefix)
                    if "f" in prefix:
                        found.append((start, end))
                    i = end
                else:
                    while i < n and _word(text[i]):
                        i += 1
            elif _word(ch):
                while i < n and _word(text[i]):
                    i += 1
            else:
                i += 1
        return found

    def _line_end(self, i: int) -> int:
        end = self.text.find("\n", i)
        return self.n if end < 0 else end

    def _string(self, quote_at: int, *, fstring: bool) -> int:
        """The end of the literal whose quote starts at `quote_at` (the text's end if
        open); a backslash keeps the next character in, raw or not."""
        text, n = self.text, self.n
        quote = text[quote_at]
        triple = text.startswith(quote * 3, quote_at)
        close = quote * 3 if triple else quote
        i = quote_at + len(close)
        while i < n:
            ch = text[i]
            if ch == "\\":
                i += 2
            elif text.startswith(close, i):
                return i + len(close)
            elif ch == "\n" and not triple and not fstring:
                return i  # unterminated: let the parser report it
            elif fstring and ch == "{":
                if text.startswith("{{", i):
                    i += 2
                else:
                    i = self._field(i + 1)
            else:
                i += 1
        return n

    def _field(self, i: int) -> int:
        """From inside `{`, past its matching `}` (a format spec may nest fields)."""
        text, n = self.text, self.n
        depth = 0
        while i < n:
            ch = text[i]
            if ch == "#":
                i = self._line_end(i)
            elif ch in "'\"":
                i = self._string(i, fstring=False)
            elif ch in _PREFIX_LETTERS and not _word(text[i - 1]):
                start = i
                while i < n and text[i] in _PREFIX_LETTERS and i - start < 2:
                    i += 1
                if i < n and text[i] in "'\"":
                    i = self._string(i, fstring="f" in text[start:i].lower())
                else:
                    while i < n and _word(text[i]):
                        i += 1
            elif ch in _OPEN:
                depth += 1
                i += 1
            elif ch in ")]":
                depth -= 1
                i += 1
            elif ch == "}":
                if depth == 0:
                    return i + 1
                depth -= 1
                i += 1
            elif ch == ":" and depth == 0 and not text.startswith(":=", i):
                return self._format_spec(i + 1)
            else:
                i += 1
        return n

    def _format_spec(self, i: int) -> int:
        """From after a field's `:`, past the field's closing `}`."""
        text, n = self.text, self.n
        while i < n:
            ch = text[i]
            if ch == "{":
                i = self._field(i + 1)
            elif ch == "}":
                return i + 1
            elif ch == "\\":
                i += 2
            else:
                i += 1
        return n


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
