"""Database engines and session factories."""
