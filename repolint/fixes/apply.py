"""Applying fixes by rounds: analyse, apply the fixes that do not overlap, analyse again.

A round takes the findings' fixes in output order and keeps each one that
overlaps none kept before it (the others wait for the next round, when the
analysis sees the edited text). A fix whose result would not parse is dropped
with a warning and its files keep their text. Rounds stop when no fix is left,
or after `MAX_ROUNDS`. Nothing is written here: the caller writes the texts
(`--fix`) or prints a diff of them (`--diff`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from repolint.findings import Finding
from repolint.fixes.edits import Edit, Fix
from repolint.fixes.layout import rewrap
from repolint.fixes.text import SourceText
from repolint.runner import RunResult
from repolint.semantics.source import Unparsable, parse_source

MAX_ROUNDS = 4
"""Analyses that apply fixes; one more analysis reports what is left."""

Analyse = Callable[[Mapping[Path, bytes]], RunResult]
"""Runs the check with some files' content replaced (the edited texts, by path)."""


@dataclass
class FixOutcome:
    """What the rounds did: the last analysis, the findings fixed, the edited texts."""

    result: RunResult
    fixed: list[Finding] = field(default_factory=list)
    originals: dict[Path, SourceText] = field(default_factory=dict)
    texts: dict[Path, SourceText] = field(default_factory=dict)
    """The edited text of each file a fix changed (files whose edits cancel out included)."""
    displays: dict[Path, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rounds: int = 0

    def changed(self) -> list[Path]:
        """The files whose text differs from the original, in display order."""
        paths = [p for p, text in self.texts.items() if text.text != self.originals[p].text]
        return sorted(paths, key=lambda p: self.displays.get(p, str(p)))


def fix_rounds(
    analyse: Analyse,
    read: Callable[[Path], bytes | None],
    *,
    unsafe: bool,
    max_rounds: int = MAX_ROUNDS,
    line_length: int | None = None,
) -> FixOutcome:
    """Analyse and apply fixes until none is left (or `max_rounds` rounds applied some).

    With `line_length`, a statement a fix makes too long in a file that fitted it is
    wrapped as the formatters would (`layout.rewrap`)."""
    outcome = FixOutcome(analyse({}))
    dropped: set[tuple[str, str, str]] = set()
    for round_number in range(1, max_rounds + 1):
        result = outcome.result
        candidates = [
            f
            for f in result.findings
            if f.fix is not None and f.fix.applies(unsafe) and _key(f) not in dropped
        ]
        if not candidates:
            break
        start = dict(outcome.texts)
        applied = _one_round(candidates, result, read, outcome, dropped)
        if not applied:
            break
        if line_length is not None:
            for path, text in outcome.texts.items():
                before = start.get(path) or outcome.originals[path]
                if text is not before:
                    outcome.texts[path] = rewrap(before, text, line_length)
        outcome.fixed.extend(applied)
        outcome.rounds = round_number
        edited = {p: t.encode() for p, t in outcome.texts.items()}
        outcome.result = analyse(edited)
    else:
        left = [f for f in outcome.result.findings if f.fix and f.fix.applies(unsafe)]
        if left:
            outcome.warnings.append(
                f"warning: fixes were applied in {max_rounds} rounds and {len(left)} "
                "still apply: run `repolint check --fix` again"
            )
    return outcome


def _key(finding: Finding) -> tuple[str, str, str]:
    """A finding across rounds (its line may move when the file above it is edited)."""
    return (finding.path, finding.code, finding.message)


def _one_round(
    candidates: Sequence[Finding],
    result: RunResult,
    read: Callable[[Path], bytes | None],
    outcome: FixOutcome,
    dropped: set[tuple[str, str, str]],
) -> list[Finding]:
    """Choose and apply the fixes of one round; return the findings they fix."""
    chosen: list[Fix] = []
    applied: list[Finding] = []
    pending: dict[Path, list[Edit]] = {}
    start: dict[Path, SourceText] = {}
    for finding in candidates:
        fix = finding.fix
        assert fix is not None
        if any(fix.overlaps(other) for other in chosen):
            continue  # next round, on the edited text
        paths = _paths_of(fix, result)
        if paths is None:
            continue  # an edit in a file that is not checked: never applied
        trial: dict[Path, SourceText] = {}
        for path, shown in paths.items():
            base = start.get(path) or _current(path, read, outcome)
            if base is None:
                trial = {}
                break
            start.setdefault(path, base)
            edits = [*pending.get(path, []), *(e for e in fix.edits if e.path == shown)]
            text = base.apply(edits)
            if text is None or isinstance(parse_source(text.encode()), Unparsable):
                dropped.add(_key(finding))
                outcome.warnings.append(
                    f"warning: {finding.path}:{finding.line}:{finding.column}: {finding.code} "
                    f"fix dropped: {shown} would no longer parse (left unchanged)"
                )
                trial = {}
                break
            trial[path] = text
        if not trial:
            continue
        for path, shown in paths.items():
            pending.setdefault(path, []).extend(e for e in fix.edits if e.path == shown)
            outcome.texts[path] = trial[path]
            outcome.displays[path] = shown
        chosen.append(fix)
        applied.append(finding)
    return applied


def _paths_of(fix: Fix, result: RunResult) -> dict[Path, str] | None:
    """The files a fix edits, by path; None when one of them was not checked."""
    out: dict[Path, str] = {}
    for shown in fix.paths():
        path = result.files.get(shown)
        if path is None:
            return None
        out[path] = shown
    return out


def _current(
    path: Path, read: Callable[[Path], bytes | None], outcome: FixOutcome
) -> SourceText | None:
    """The text of `path` as edited so far (read and remembered the first time)."""
    if path in outcome.texts:
        return outcome.texts[path]
    data = read(path)
    text = SourceText.decode(data) if data is not None else None
    if text is None:
        return None
    outcome.originals[path] = text
    outcome.texts[path] = text
    return text
