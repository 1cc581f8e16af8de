"""Batch jobs run outside the request path (cron, the admin CLI)."""
