"""sample_code is the oracle: every `# expect:` fires, nothing else does."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from repolint.engine import analyse
from repolint.rules import ALL_RULES
from repolint.settings import Settings
from tests.sample_oracle import SAMPLES, annotations, themes

ALL_CODES = frozenset(rule.code for rule in ALL_RULES)


def _line(path: Path, line: int) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


@pytest.mark.parametrize("theme", themes(), ids=lambda p: p.name)
def test_sample_findings_are_exact(theme: Path) -> None:
    files = sorted(theme.rglob("*.py"))
    result = analyse(files, Settings(project_root=str(SAMPLES)), ALL_CODES)
    assert not result.errors, result.errors
    found: Counter[tuple[Path, int, str]] = Counter(
        (Path(f.path), f.line, f.code) for f in result.findings
    )
    expected: Counter[tuple[Path, int, str]] = Counter()
    near_misses: set[tuple[Path, int, str]] = set()
    for path in files:
        exp, ok = annotations(path)
        for (line, code), n in exp.items():
            expected[(path, line, code)] += n
        near_misses |= {(path, line, code) for line, code in ok}
    missing = expected - found
    extra = found - expected
    report = []
    for title, items in (("missing", missing), ("extra", extra)):
        for path, line, code in sorted(items.elements()):
            report.append(
                f"{title}: {path.relative_to(SAMPLES)}:{line}: {code}  | {_line(path, line)}"
            )
    assert not report, "\n" + "\n".join(report)
    fired_on_near_miss = near_misses & set(found)
    assert not fired_on_near_miss, fired_on_near_miss
    assert sum(expected.values()) > 0


def test_every_rule_has_a_sample_and_a_near_miss() -> None:
    expected_codes: set[str] = set()
    near_miss_codes: set[str] = set()
    for path in SAMPLES.rglob("*.py"):
        exp, ok = annotations(path)
        expected_codes |= {code for _, code in exp}
        near_miss_codes |= {code for _, code in ok}
    implemented = {rule.code for rule in ALL_RULES} - {"RPL000"}
    assert implemented <= expected_codes, implemented - expected_codes
    assert implemented <= near_miss_codes, implemented - near_miss_codes
