"""A progress bar on standard error, for long runs on a terminal only."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

DELAY_SECONDS = 1.0
"""Runs shorter than this never show a bar."""


HUMAN_FORMATS = ("full", "concise")


def wanted(output_format: str, quiet: bool, stream: TextIO | None = None) -> bool:
    """A bar only for the human formats, when both output streams are terminals,
    and not with `--quiet`."""
    stream = stream or sys.stderr
    if quiet or output_format not in HUMAN_FORMATS:
        return False
    try:
        return stream.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class TerminalProgress:
    """`progress(phase, done, total)` for the engine: draws a transient bar once the
    run has lasted `DELAY_SECONDS`. It redraws only when called (no thread), so it is
    safe around the engine's `fork`."""

    def __init__(self, stream: TextIO | None = None, delay: float = DELAY_SECONDS) -> None:
        self._stream = stream or sys.stderr
        self._start = time.monotonic()
        self._delay = delay
        self._bar: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self._bar is None:
            if now - self._start < self._delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description:>10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self._stream),
                transient=True,
                auto_refresh=False,
            )
            self._bar.start()
        if phase not in self._tasks:
            self._tasks[phase] = self._bar.add_task(phase, total=total)
        self._bar.update(self._tasks[phase], completed=done, total=total)
        if done >= total or now - self._last > 0.1:
            self._last = now
            self._bar.refresh()

    def close(self) -> None:
        """Remove the bar (it is transient) before the findings are printed."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
