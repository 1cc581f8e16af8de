"""Clients for systems that are not our database (Redis, HTTP services, git)."""
