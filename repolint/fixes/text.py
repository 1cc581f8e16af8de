"""A source file as written: its bytes, encoding and line endings, and edits applied to it.

Edits replace text ranges; everything else (formatting, comments, line endings,
the encoding and a byte-order mark) is kept byte for byte.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from repolint.fixes.edits import Edit

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SourceText:
    """The decoded text of a file (line endings untouched) and how to encode it back."""

    text: str
    encoding: str

    @classmethod
    def decode(cls, data: bytes) -> SourceText | None:
        """Decode as Python does (BOM, PEP 263 cookie, else UTF-8); None when undecodable."""
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            return cls(data.decode(encoding), encoding)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            return None

    def encode(self) -> bytes:
        return self.text.encode(self.encoding)

    @property
    def newline(self) -> str:
        """The file's first line ending, `\\n` when it has none."""
        match = _LINE_BREAK.search(self.text)
        return match.group() if match else "\n"

    def line_starts(self) -> list[int]:
        """Offsets where each line starts (lines end at `\\r\\n`, `\\r` or `\\n`, as for ast)."""
        return [0, *(m.end() for m in _LINE_BREAK.finditer(self.text))]

    def apply(self, edits: Sequence[Edit]) -> SourceText | None:
        """The text with `edits` (of this file, not overlapping) applied; None when an edit
        points outside the text."""
        starts = self.line_starts()

        def offset(line: int, column: int) -> int | None:
            if not 0 < line <= len(starts):
                return None
            end = starts[line] if line < len(starts) else len(self.text)
            at = starts[line - 1] + column - 1
            return at if starts[line - 1] <= at <= end else None

        text = self.text
        newline = self.newline
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            begin, stop = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
            if begin is None or stop is None or stop < begin:
                return None
            content = edit.content.replace("\n", newline) if newline != "\n" else edit.content
            text = text[:begin] + content + text[stop:]
        return SourceText(text, self.encoding)
