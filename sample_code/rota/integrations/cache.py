"""Roster cache in Redis. `db` here is a Redis client, not a database session."""

import os

from redis.asyncio import Redis

db = Redis.from_url(os.environ.get("ROTA_REDIS_URL", "redis://localhost:6379/0"))

ROSTER_TTL_SECONDS = 300


async def cached_roster(block_id: int) -> bytes | None:
    """The cached roster JSON of a block, if any."""
    return await db.get(f"roster:{block_id}")  # ok: RPL101


async def store_roster(block_id: int, payload: bytes) -> None:
    """Cache a block's roster JSON and remember the block as cached."""
    async with db.pipeline(transaction=True) as pipe:
        pipe.set(f"roster:{block_id}", payload, ex=ROSTER_TTL_SECONDS)
        pipe.sadd("roster:cached", block_id)
        await pipe.execute()  # ok: RPL101


async def forget_roster(block_id: int) -> None:
    """Drop a block's cached roster after a change."""
    await db.delete(f"roster:{block_id}")  # ok: RPL101
