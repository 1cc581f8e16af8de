"""Configuration the analysis cannot see through (filled in at start-up)."""

from __future__ import annotations

session_registry = None
