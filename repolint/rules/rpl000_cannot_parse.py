"""## What it does
Reports a file that repolint cannot read as Python: a syntax error, syntax
newer than the Python running repolint that it cannot read anyway, an
undecodable or binary file, or a file too large to be source code.

## Why is this bad?
Nothing in such a file is checked, and what it declares (models, sessions,
repositories) is missing from the project, so findings in other files that
depend on it may be missing too (`repolint check` warns about this). Like
flake8's E999, the finding says why, and the run goes on with the other files.

## Example
```python
def broken(:
    pass
```

## Use instead
```python
def fixed():
    pass
```

repolint parses with the Python it runs on. It reads these newer forms on an
older Python anyway, by rewriting them with the same lines and columns: PEP
695 generics (`class Repository[T: Base]:`, `def first[T](rows: list[T])`)
and `type` aliases, PEP 696 type parameter defaults, PEP 758 `except A, B:`
(and `except*` on 3.10), and the PEP 701 f-strings of 3.12 (`f"{row["name"]}"`:
read as a plain string, what their braces hold is not analysed). For other new
syntax, run repolint under the newest Python your code base targets: the message
says "may need a newer Python" only then, not for a plain syntax error.
"""

from __future__ import annotations

from repolint.findings import Severity
from repolint.rules.base import Rule


class CannotParse(Rule):
    code = "RPL000"
    name = "cannot-parse"
    summary = "The file cannot be decoded or parsed by the running Python"
    severity = Severity.ERROR
