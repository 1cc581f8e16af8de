"""`repolint audit`: score repositories against the checklist, summarise the data layer.

`run.run_audit(paths, settings)` runs a check and returns the `AuditReport`
(`model`); the report formats live in `repolint/report/audit_*.py`.
"""
