"""HTTP clients for the on-call calendar and the pager service."""

import os
from typing import Any

import aiohttp
import httpx

CALENDAR_URL = os.environ.get("ROTA_CALENDAR_URL", "https://calendar.example.org/on-call.json")
PAGER_URL = os.environ.get("ROTA_PAGER_URL", "https://pager.example.org/api")


async def fetch_on_call_calendar() -> list[dict[str, Any]]:
    """The external on-call calendar. `session` is an aiohttp ClientSession."""
    async with aiohttp.ClientSession() as session:
        async with session.get(CALENDAR_URL) as resp:  # ok: RPL101
            resp.raise_for_status()
            return await resp.json()


async def pager_is_up() -> bool:
    """Health of the pager service. `client` is an httpx.AsyncClient."""
    async with httpx.AsyncClient(timeout=5.0) as client:
        resp = await client.get(f"{PAGER_URL}/status")  # ok: RPL101
        return resp.status_code == 200
