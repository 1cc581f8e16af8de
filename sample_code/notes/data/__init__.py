"""The data layer, re-exported."""

from notes.data.notes import *  # noqa: F403
