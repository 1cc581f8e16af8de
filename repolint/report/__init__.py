"""Reporters: turn a `RunResult` into text for people (`full`, `concise`) or tools (`json`)."""

from __future__ import annotations

OUTPUT_FORMATS = ("full", "concise", "json")
