"""Reading and parsing one file without ever failing the run."""

from __future__ import annotations

import ast
import io
import sys
import threading
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

from repolint.semantics.downgrade import downgrade, newer_only

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Files larger than this are reported once and skipped (generated data, not code)."""


@dataclass
class Parsed:
    tree: ast.Module
    text: str


@dataclass
class Unparsable:
    """A file that was read but cannot be analysed: reported as RPL000."""

    message: str
    line: int = 1
    column: int = 1


def parse_source(data: bytes) -> Parsed | Unparsable:
    """Decode (PEP 263 aware) and parse; every failure becomes a one-line reason."""
    if b"\x00" in data:
        return Unparsable("cannot parse: file contains NUL bytes (binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        return Unparsable(
            f"cannot decode: {reason} (save the file as UTF-8 or declare its encoding)"
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        tree = parse_text(text)
    except SyntaxError as exc:
        msg = exc.msg or "invalid syntax"
        if isinstance(exc, NewerSyntaxError):
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            msg = f"{msg} (this file may need a newer Python than {version})"
        return Unparsable(f"cannot parse: {msg}", exc.lineno or 1, exc.offset or 1)
    except (RecursionError, MemoryError, ValueError) as exc:
        kind = (
            "too deeply nested"
            if isinstance(exc, RecursionError)
            else str(exc) or type(exc).__name__
        )
        return Unparsable(f"cannot parse: {kind}")
    return Parsed(tree, text)


class NewerSyntaxError(SyntaxError):
    """A syntax error in a file that uses syntax a newer Python may accept."""


def parse_text(text: str) -> ast.Module:
    """`ast.parse`, reading the newer forms `downgrade` knows when the running Python
    rejects them (every front end parses analysed code here). Raises SyntaxError
    (`NewerSyntaxError` when the file uses syntax a newer Python may accept),
    RecursionError, MemoryError or ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _parse(text)
        except SyntaxError as exc:
            error = exc
        rewritten = downgrade(text)
        if rewritten is None:
            raise _newer(error) if newer_only(error) else error
        try:
            tree = _parse(rewritten.text)
        except SyntaxError as exc:
            raise _newer(exc) from None
    rewritten.restore(tree)
    return tree


def _newer(exc: SyntaxError) -> NewerSyntaxError:
    details = (exc.filename, exc.lineno, exc.offset, exc.text, exc.end_lineno, exc.end_offset)
    return NewerSyntaxError(exc.msg, details)


def _parse(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except RecursionError:
        return _parse_on_a_deep_stack(text)


DEEP_STACK_BYTES = 64 * 1024 * 1024
DEEP_RECURSION_LIMIT = 100_000
"""Python builds a syntax tree recursively, within the recursion limit (1000 by default),
using about 150 bytes of C stack per level: 64 MB leave a wide margin."""


def _parse_on_a_deep_stack(text: str) -> ast.Module:
    """Parse code nested deeper than the recursion limit (generated code) again in a
    thread with a larger stack and limit, so that its declarations reach the index;
    the analysis of the deep function then fails alone, with one clear line.
    Raises RecursionError when even that is not enough."""
    outcome: list[ast.Module | BaseException] = []

    def parse() -> None:
        try:
            outcome.append(ast.parse(text))
        except BaseException as exc:  # handed to the calling thread
            outcome.append(exc)

    limit = sys.getrecursionlimit()
    try:
        size = threading.stack_size(DEEP_STACK_BYTES)
    except (ValueError, RuntimeError) as exc:
        raise RecursionError from exc
    try:
        sys.setrecursionlimit(max(limit, DEEP_RECURSION_LIMIT))
        thread = threading.Thread(target=parse, name="repolint-deep-parse")
        thread.start()
        thread.join()
    except (RuntimeError, MemoryError) as exc:  # no thread could be started
        raise RecursionError from exc
    finally:
        sys.setrecursionlimit(limit)
        threading.stack_size(size)
    result = outcome[0] if outcome else RecursionError()
    if isinstance(result, BaseException):
        raise result
    return result


def read_source(path: Path) -> bytes | Unparsable:
    """The file's bytes, or the reason it is too large to analyse. OSError propagates."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        return Unparsable(
            f"cannot parse: file too large ({size / (1024 * 1024):.1f} MB > {mb} MB), skipped"
        )
    return path.read_bytes()
