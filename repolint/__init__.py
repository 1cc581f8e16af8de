"""repolint: a project-aware linter for the SQLAlchemy data-access layer."""

__version__ = "0.1.0"
