"""Values written in the code, not loaded from data: a loop over one runs a fixed
handful of times, whatever the database holds.

`code_literal` recognises the syntax (a literal collection of constants, classes and
UPPER_CASE names); the flow analysis types such values, module constants and the
attributes of dynamically imported modules as `FixedT`, and passes that type on to
the parameters every caller fills with one.
"""

from __future__ import annotations

import ast

LITERALS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
DYNAMIC_IMPORTS = frozenset({"import_module", "import_string"})
"""`importlib.import_module(name)`, werkzeug's `import_string(path)`: a module, code."""
FIXED_METHODS = frozenset({"items", "keys", "values", "get", "copy"})
"""Methods of a fixed collection that give a part of it."""


def fixed_items(value: ast.AST) -> bool:
    """Items set by code: constants, classes and UPPER_CASE names, nested literals."""
    items = [*getattr(value, "elts", []), *(k for k in getattr(value, "keys", []) if k)]
    for item in items:
        if isinstance(item, ast.Constant) or (isinstance(item, LITERALS) and fixed_items(item)):
            continue
        last = item.attr if isinstance(item, ast.Attribute) else getattr(item, "id", "")
        if not last or not last[:1].isupper():
            return False
    return True


def code_literal(value: ast.AST | None) -> bool:
    """A non-empty literal collection whose items are set by code."""
    return (
        isinstance(value, LITERALS)
        and bool(getattr(value, "elts", None) or getattr(value, "keys", None))
        and fixed_items(value)
    )
