"""Reads the `# expect: RPL301` / `# ok: RPL301` annotations of sample_code."""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from pathlib import Path

ANNOTATION = re.compile(r"#\s*(expect|ok):\s*(RPL\d{3}(?:\s*,\s*RPL\d{3})*)")

SAMPLES = Path(__file__).resolve().parent.parent / "sample_code"


def annotations(path: Path) -> tuple[Counter[tuple[int, str]], set[tuple[int, str]]]:
    """(expected (line, code) multiset, near-miss (line, code) set) of one file."""
    expected: Counter[tuple[int, str]] = Counter()
    near_misses: set[tuple[int, str]] = set()
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        for kind, codes in ANNOTATION.findall(token.string):
            for code in (c.strip() for c in codes.split(",")):
                if kind == "expect":
                    expected[(token.start[0], code)] += 1
                else:
                    near_misses.add((token.start[0], code))
    return expected, near_misses


def themes() -> list[Path]:
    """Each top-level folder of sample_code is one small app, checked as one project."""
    return sorted(p for p in SAMPLES.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
