"""The data layer: repositories hold the caller's session and never commit."""
