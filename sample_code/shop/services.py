"""Services that build response models from rows themselves, outside any route."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, selectinload

from shop.models import Order
from shop.schemas import OrderOut, OrderSummary


def order_feed(db: Session) -> list[OrderOut]:
    feed = []
    for order in db.scalars(select(Order)).all():
        feed.append(OrderOut.model_validate(order))  # expect: RPL308
    return feed


def order_feed_eager(db: Session) -> list[OrderOut]:
    orders = db.scalars(select(Order).options(selectinload(Order.lines))).all()
    return [OrderOut.model_validate(order) for order in orders]  # ok: RPL308


def order_summaries(db: Session) -> list[OrderSummary]:
    """Columns only: nothing lazy is read."""
    return [OrderSummary.model_validate(o) for o in db.scalars(select(Order))]  # ok: RPL308


async def first_order(db: AsyncSession, order_id: int) -> OrderOut:
    """One row, but under an AsyncSession a lazy read is a crash, not a query."""
    order = await db.get(Order, order_id)
    return OrderOut.model_validate(order)  # expect: RPL308


def line_count(order: Order) -> int:
    """A sync helper: reads the lazy `lines` of the order it is given."""
    return len(order.lines)


async def order_size(db: AsyncSession, order_id: int) -> int:
    order = await db.get(Order, order_id)
    return line_count(order)  # expect: RPL302


async def order_size_eager(db: AsyncSession, order_id: int) -> int:
    order = await db.get(Order, order_id, options=[selectinload(Order.lines)])
    return line_count(order)  # ok: RPL302
