"""Suppression: noqa comments (read with tokenize), per-file-ignores, selection."""

from __future__ import annotations

import pytest

from repolint.findings import Finding
from repolint.settings import Settings
from repolint.suppression import (
    filter_findings,
    parse_comment,
    parse_suppressions,
    per_file_ignored,
)


def finding(code: str, line: int = 1, path: str = "app/a.py") -> Finding:
    return Finding(path=path, line=line, column=1, code=code, message="m")


def suppressed(source: str, code: str, line: int = 1) -> bool:
    return parse_suppressions(source).suppresses(finding(code, line))


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# noqa", (True, None)),
        ("#noqa", (True, None)),
        ("# NOQA", (True, None)),
        ("# noqa: RPL301", (True, frozenset({"RPL301"}))),
        ("# noqa:RPL301,RPL302", (True, frozenset({"RPL301", "RPL302"}))),
        ("# noqa: RPL301, rpl302 E501", (True, frozenset({"RPL301", "RPL302", "E501"}))),
        ("# type: ignore  # noqa: RPL101", (True, frozenset({"RPL101"}))),
        ("# repolint: disable=RPL301", (True, frozenset({"RPL301"}))),
        ("# repolint: disable = RPL301, RPL201", (True, frozenset({"RPL301", "RPL201"}))),
        ("# repolint: disable", (True, None)),
        ("# this is not noqa", (False, frozenset())),
        ("# noqanything", (False, frozenset())),
        ("# pylint: disable=no-member", (False, frozenset())),
    ],
)
def test_parse_comment(comment: str, expected: tuple[bool, frozenset[str] | None]) -> None:
    assert parse_comment(comment) == expected


def test_bare_noqa_suppresses_everything_on_its_line() -> None:
    source = "db.commit()  # noqa\ndb.commit()\n"
    assert suppressed(source, "RPL101", 1)
    assert suppressed(source, "RPL201", 1)
    assert not suppressed(source, "RPL101", 2)


def test_noqa_with_codes_suppresses_only_those() -> None:
    source = "x = a.b  # noqa: RPL301, RPL302\n"
    assert suppressed(source, "RPL301")
    assert suppressed(source, "RPL302")
    assert not suppressed(source, "RPL201")


def test_noqa_for_other_tools_does_not_suppress() -> None:
    assert not suppressed("import os  # noqa: F401\n", "RPL101")


def test_noqa_code_prefix_matches_as_in_flake8() -> None:
    assert suppressed("x = a.b  # noqa: RPL3\n", "RPL301")
    assert not suppressed("x = a.b  # noqa: RPL3\n", "RPL201")


def test_repolint_disable_comment() -> None:
    source = "db.commit()  # repolint: disable=RPL201\n"
    assert suppressed(source, "RPL201")
    assert not suppressed(source, "RPL101")


def test_noqa_inside_a_string_does_not_count() -> None:
    source = 'query = "SELECT 1  # noqa"\nother = """\n# noqa: RPL301\n"""\n'
    assert not suppressed(source, "RPL101", 1)
    assert not suppressed(source, "RPL301", 3)


def test_rpl000_cannot_be_suppressed() -> None:
    assert not suppressed("def f(:  # noqa\n", "RPL000")
    assert not suppressed("def f(:  # noqa: RPL000\n", "RPL000")


def test_comments_before_a_tokenize_error_still_count() -> None:
    source = "a.b  # noqa: RPL301\nx = (\n"
    assert suppressed(source, "RPL301", 1)


def test_two_comments_on_a_line_combine() -> None:
    assert parse_suppressions("x = 1  # noqa: RPL301  # repolint: disable=RPL302\n").lines == {
        1: frozenset({"RPL301", "RPL302"})
    }


def test_per_file_ignores() -> None:
    settings = Settings(
        project_root="/r",
        per_file_ignores=(
            ("tests/*", ("RPL201",)),
            ("conftest.py", ("RPL1",)),
            ("migrations", ("RPL",)),
        ),
    )
    assert per_file_ignored("/r/tests/test_a.py", "RPL201", settings)
    assert per_file_ignored("/r/tests/unit/test_a.py", "RPL201", settings)
    assert not per_file_ignored("/r/tests/test_a.py", "RPL301", settings)
    assert per_file_ignored("/r/app/conftest.py", "RPL102", settings)
    assert per_file_ignored("/r/app/migrations/v1.py", "RPL305", settings)
    assert not per_file_ignored("/r/app/migrations/v1.py", "RPL000", settings)
    assert not per_file_ignored("/r/app/api.py", "RPL201", settings)


def test_filter_findings_applies_selection_per_file_ignores_and_comments() -> None:
    sources = {
        "app/a.py": "db.commit()  # noqa: RPL201\ndb.commit()\nx(\n",
        "tests/t.py": "db.commit()\n",
    }
    findings = [
        finding("RPL201", 1),  # silenced by its comment
        finding("RPL201", 2),  # kept
        finding("RPL404", 2),  # not enabled
        finding("RPL000", 3),  # always kept
        finding("RPL201", 1, path="tests/t.py"),  # per-file-ignored
    ]
    kept = filter_findings(
        findings,
        enabled=frozenset({"RPL201", "RPL000"}),
        settings=Settings(project_root="/r", per_file_ignores=(("tests/**", ("RPL201",)),)),
        real_path=lambda shown: "/r/" + shown,
        source=sources.get,
    )
    assert kept == [finding("RPL201", 2), finding("RPL000", 3)]


def test_unreadable_source_suppresses_nothing() -> None:
    kept = filter_findings(
        [finding("RPL201")],
        enabled=frozenset({"RPL201"}),
        settings=Settings(project_root="/r"),
        real_path=lambda shown: "/r/" + shown,
        source=lambda shown: None,
    )
    assert kept == [finding("RPL201")]
