"""Fixes: text edits a rule attaches to a finding, and the machinery that applies them.

- `edits`: the records (`Edit`, `Fix`, `Applicability`) and positions from syntax nodes;
- `text`: a file's text as written (encoding, line endings) and edits applied to it;
- `apply`: rounds of analyse-and-edit until nothing changes (`repolint check --fix`);
- `diff`: unified diffs (`--diff`);
- `build_*`: the fixes of the rules, one module per kind of repair;
- `statement_loading`, `loaders`, `copied_names`, `follow`, `locate`, `layout`: what
  the builders share (where a statement is built and how it loads, which loader and
  its import, the names a copied method needs, following rows back, positions,
  formatting).
"""
