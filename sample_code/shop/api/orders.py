"""Order and customer routes on the sync session (FastAPI runs them in its threadpool)."""

from collections.abc import Sequence

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.db import SessionDep
from shop.models import Customer, Order
from shop.schemas import CustomerOut, OrderOut, OrderSummary

router = APIRouter(tags=["orders"])


@router.get("/orders", response_model=list[OrderOut])
def list_orders(db: SessionDep) -> Sequence[Order]:
    """N+1 during serialization: FastAPI validates the rows against OrderOut and
    reads `lines` of each order, one lazy SELECT per order."""
    orders = db.scalars(select(Order).order_by(Order.id)).all()
    return orders  # expect: RPL308


@router.get("/orders/eager", response_model=list[OrderOut])
def list_orders_eager(db: SessionDep) -> Sequence[Order]:
    """Right: the lines are selectin-loaded with the orders (2 statements in all)."""
    stmt = select(Order).options(selectinload(Order.lines)).order_by(Order.id)
    return db.scalars(stmt).all()  # ok: RPL308


@router.get("/orders/summaries")
def list_order_summaries(db: SessionDep) -> list[OrderSummary]:
    """Right: OrderSummary (the return annotation) has no relationship field."""
    return db.scalars(select(Order).order_by(Order.id)).all()  # ok: RPL308


@router.get("/orders/validated")
def list_orders_validated(db: SessionDep) -> list[OrderOut]:
    """N+1 while the route validates each row into OrderOut itself."""
    orders = db.scalars(select(Order).order_by(Order.id)).all()
    return [OrderOut.model_validate(o) for o in orders]  # expect: RPL308


@router.get("/customers")
def list_customers(db: SessionDep) -> list[CustomerOut]:
    """N+1 during serialization, through the return annotation: CustomerOut.orders."""
    return db.scalars(select(Customer).order_by(Customer.id)).all()  # expect: RPL308


@router.get("/customers/eager")
def list_customers_eager(db: SessionDep) -> list[CustomerOut]:
    """Right: Customer.orders is selectin-loaded."""
    stmt = select(Customer).options(selectinload(Customer.orders)).order_by(Customer.id)
    return db.scalars(stmt).all()  # ok: RPL308
