"""The docs prelude: a tiny FastAPI + SQLAlchemy 2.x project.

Every code block of a rule's `## Example` and `## Use instead` is analysed as
a file of this project (`app/example.py` unless the block says otherwise), so
examples can import these names instead of declaring models and sessions.
repolint never imports or runs it.
"""
