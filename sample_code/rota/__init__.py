"""rota: a small residency-scheduling back end (FastAPI + SQLAlchemy 2.x).

This is repolint's annotated sample. A trailing "expect" comment names the
codes that must be reported on its line; a trailing "ok" comment names codes
that must not be. See ../README.md for the index.
"""
