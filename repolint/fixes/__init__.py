"""Fixes: text edits a rule attaches to a finding, and the machinery that applies them.

- `edits`: the records (`Edit`, `Fix`, `Applicability`) and positions from syntax nodes;
- `text`: a file's text as written (encoding, line endings) and edits applied to it;
- `apply`: rounds of analyse-and-edit until nothing changes (`repolint check --fix`);
- `diff`: unified diffs (`--diff`);
- `build_*`: the fixes of the rules, one module per kind of repair.
"""
