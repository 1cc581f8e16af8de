"""The models, re-exported with star imports as real packages do."""

from library.models.books import *  # noqa: F403
from library.models.members import *  # noqa: F403
