"""## What it does
Reports a file that repolint cannot read as Python: a syntax error, syntax
newer than the Python running repolint, an undecodable or binary file, or a
file too large to be source code.

## Why is this bad?
Nothing in such a file is checked. Like flake8's E999, the finding says why,
and the run goes on with the other files.

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

Run repolint under the newest Python your code base targets when it uses new
syntax (PEP 695 generics, `except*`, PEP 758 `except` without parentheses).
"""

from __future__ import annotations

from repolint.findings import Severity
from repolint.rules.base import Rule


class CannotParse(Rule):
    code = "RPL000"
    name = "cannot-parse"
    summary = "The file cannot be decoded or parsed by the running Python"
    severity = Severity.ERROR
