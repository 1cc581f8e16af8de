"""Order routes on the AsyncSession."""

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.db import AsyncSessionDep
from shop.models import Order
from shop.schemas import OrderOut, OrderSummary

router = APIRouter(prefix="/v2", tags=["orders"])


@router.get("/orders/{order_id}")
async def get_order(order_id: int, db: AsyncSessionDep) -> OrderOut:
    """MissingGreenlet during serialization: FastAPI reads order.lines after the
    route returned, and a lazy load cannot run there."""
    order = await db.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="order not found")
    return order  # expect: RPL308


@router.get("/orders/{order_id}/eager")
async def get_order_eager(order_id: int, db: AsyncSessionDep) -> OrderOut:
    """Right: the lines are loaded with the order."""
    stmt = select(Order).options(selectinload(Order.lines)).where(Order.id == order_id)
    order = await db.scalar(stmt)
    if order is None:
        raise HTTPException(status_code=404, detail="order not found")
    return order  # ok: RPL308


@router.get("/orders", response_model=list[OrderOut])
async def list_orders(db: AsyncSessionDep) -> Sequence[Order]:
    """MissingGreenlet during serialization, through response_model=."""
    result = await db.scalars(select(Order).order_by(Order.id))
    return result.all()  # expect: RPL308


@router.get("/orders/summaries", response_model=list[OrderSummary])
async def list_order_summaries(db: AsyncSessionDep) -> Sequence[Order]:
    """Right: OrderSummary names no relationship."""
    result = await db.scalars(select(Order).order_by(Order.id))
    return result.all()  # ok: RPL308
