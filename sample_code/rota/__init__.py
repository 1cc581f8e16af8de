"""rota: a small residency-scheduling back end (FastAPI + SQLAlchemy 2.x).

repolint's annotated sample: lines ending in `# expect: RPLnnn` must be
reported, lines ending in `# ok: RPLnnn` must not. See ../README.md.
"""
