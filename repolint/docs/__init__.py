"""The rule catalogue, generated from the rules themselves.

A rule's module docstring is its documentation, written once: `repolint docs
--write` renders it into `rules/` (an index and one page per rule),
`repolint explain` shows it in the terminal, and `tests/test_catalogue.py`
checks it. Conventions a rule author follows:

- The docstring is Markdown made of these `##` sections, in this order:
  `What it does`, `Why is this bad?`, `Example`, `Use instead` (all four
  required), then `Options` and `References` when there is something to say.
  It starts with `## What it does`; `###` sub-headings may appear inside.
- `summary` is one line of plain text (at most 100 characters, no final
  period); `code`, `name`, `severity` and `default_enabled` go in the table.
  A rule added after 0.1.0 sets `since = "x.y.z"` on its class.
- The ```` ```python ```` blocks of `Example` and `Use instead` are run: each
  section is analysed with every rule (opt-in ones too) as a file of the
  prelude project (`repolint/docs/prelude/app/`: models, sessions and
  dependencies, schemas, repositories). `Example` must give at least one
  finding of the rule's code; `Use instead` must give no finding at all.
  Blocks in other languages, and Python blocks in other sections, are shown
  only.
- Snippets are whole files, short: they import what they use (from the
  prelude: `from app.models import Person`, `from app.db import SessionDep`;
  from SQLAlchemy and FastAPI), no `...` fragments of a class.
- All Python blocks of a section form one file, `app/example.py`. A block
  whose first line is `# file: app/repositories/teams.py` goes to that file
  instead (blocks naming the same file are joined in order; a prelude file of
  that name is replaced): for examples that span modules, or that need a
  repository module.
- The page shows the message the rule gives on its Example, so changing a
  message, a docstring or the metadata means running `repolint docs --write`
  and committing `rules/`.
"""

from repolint.docs.docstring import (
    DEFAULT_FILE,
    REQUIRED_SECTIONS,
    SECTIONS,
    doc_problems,
    docstring_of,
    parse_doc,
    snippet_files,
)
from repolint.docs.render import page_body, page_name, plan, render_catalogue

__all__ = [
    "DEFAULT_FILE",
    "REQUIRED_SECTIONS",
    "SECTIONS",
    "doc_problems",
    "docstring_of",
    "page_body",
    "page_name",
    "parse_doc",
    "plan",
    "render_catalogue",
    "snippet_files",
]
