"""Routes that talk to Redis and HTTP services, not to our database."""

import json
from typing import Any

from fastapi import APIRouter

from rota.integrations.cache import cached_roster, store_roster
from rota.integrations.pager import fetch_on_call_calendar, pager_is_up

router = APIRouter(prefix="/integrations", tags=["integrations"])


@router.get("/on-call")
async def on_call() -> list[dict[str, Any]]:
    """The external on-call calendar, cached in Redis."""
    cached = await cached_roster(0)
    if cached is not None:
        return json.loads(cached)
    calendar = await fetch_on_call_calendar()
    await store_roster(0, json.dumps(calendar).encode())
    return calendar


@router.get("/pager")
async def pager() -> dict[str, bool]:
    """Whether the pager service answers."""
    return {"up": await pager_is_up()}
