"""RPL308 lazy-load-in-serialization, proved with FastAPI's own serializer.

The shop's routes return ORM rows; FastAPI then validates them against the
route's response model (`response_model=` or the return annotation) with
`fastapi.routing.serialize_response`, which reads every field from the
objects' attributes. A field that names a lazy relationship is loaded there,
after the route returned:

- on a sync Session: one SELECT per row (1 + N in all);
- on an AsyncSession: MissingGreenlet, the request fails.

The tests call the route function the way FastAPI does (the session is its
argument), then `serialize_response()` on the route's `response_field`,
counting statements in both phases.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute, serialize_response
from pydantic import BaseModel, ValidationError
from shop import services
from shop.api import async_orders, orders
from shop.db import SessionDep
from shop.models import Base, Customer, Order, OrderLine, Product
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import MissingGreenlet, StatementError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from .helpers import count_statements
from .seeded_copy import build_seeded, private_copy

# Each failed lazy load leaves aiosqlite's `Connection.cursor()` coroutine
# unawaited; Python reports it when the coroutine is collected, sometimes while
# Pydantic builds its error. It is part of the failure being demonstrated.
pytestmark = [
    pytest.mark.filterwarnings(
        r"ignore:Exception ignored in. <coroutine object Connection\.cursor"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:coroutine 'Connection.cursor' was never awaited:RuntimeWarning"
    ),
]

N_CUSTOMERS = 3
N_ORDERS = 2 * N_CUSTOMERS
LINES = [{"product_id": 1, "quantity": 1}, {"product_id": 2, "quantity": 2}]


def seed_shop(engine: Engine) -> None:
    """3 customers with 2 orders each; every order has the same 2 lines."""
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        products = [Product(name=f"Product {i}", price_cents=100 * i) for i in range(1, 5)]
        customers = [
            Customer(name=f"Customer {i}", email=f"c{i}@example.org")
            for i in range(1, N_CUSTOMERS + 1)
        ]
        db.add_all([*products, *customers])
        db.flush()
        for customer in customers:
            for _ in range(2):
                order = Order(customer=customer, status="open")
                order.lines = [OrderLine(product=products[j], quantity=j + 1) for j in range(2)]
                db.add(order)
                db.flush()
        db.commit()


@pytest.fixture(scope="module")
def seeded_shop_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded shop database, built once."""
    return build_seeded(tmp_path_factory, "shop.db", seed_shop)


@pytest.fixture
def shop_url(seeded_shop_file: Path, tmp_path: Path) -> str:
    """URL of this test's own copy of the seeded shop."""
    return private_copy(seeded_shop_file, tmp_path)


@pytest.fixture
def shop_engine(shop_url: str) -> Iterator[Engine]:
    engine = create_engine(shop_url)
    yield engine
    engine.dispose()


def response_field(router: APIRouter, endpoint: Callable[..., Any]) -> Any:
    """The ModelField FastAPI built from the route's response_model / return annotation."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.endpoint is endpoint:
            assert route.response_field is not None
            return route.response_field
    raise AssertionError(f"{endpoint.__name__} is not a route of this router")


def serve_sync(
    engine: Engine, router: APIRouter, endpoint: Callable[..., Any]
) -> tuple[Any, int, int]:
    """Run a sync route and FastAPI's serialization of its result; return the
    body and the statements sent by the route and by the serialization."""
    with Session(engine) as db, count_statements(engine) as statements:
        content = endpoint(db)
        in_route = len(statements)
        body = asyncio.run(
            serialize_response(field=response_field(router, endpoint), response_content=content)
        )
    return body, in_route, len(statements) - in_route


def serve_async(url: str, endpoint: Callable[..., Any], *args: Any) -> Any:
    """Run an async route and FastAPI's serialization of its result, on one loop."""

    async def main() -> Any:
        engine = create_async_engine(url.replace("sqlite://", "sqlite+aiosqlite://", 1))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                content = await endpoint(*args, db)
                return await serialize_response(
                    field=response_field(async_orders.router, endpoint), response_content=content
                )
        finally:
            await engine.dispose()

    return asyncio.run(main())


def expected_orders() -> list[dict[str, Any]]:
    return [{"id": i, "status": "open", "lines": LINES} for i in range(1, N_ORDERS + 1)]


def test_sync_response_model_lazy_loads_per_row(shop_engine: Engine) -> None:
    """list_orders(): response_model=list[OrderOut], rows without their lines."""
    bad, bad_route, bad_serialization = serve_sync(shop_engine, orders.router, orders.list_orders)
    good, good_route, good_serialization = serve_sync(
        shop_engine, orders.router, orders.list_orders_eager
    )
    assert bad == good == expected_orders()
    assert (bad_route, bad_serialization) == (1, N_ORDERS)  # 1 + N
    assert (good_route, good_serialization) == (2, 0)  # selectinload: 2, whatever N


def test_sync_return_annotation_lazy_loads_per_row(shop_engine: Engine) -> None:
    """list_customers() -> list[CustomerOut]: CustomerOut.orders per customer."""
    bad, bad_route, bad_serialization = serve_sync(
        shop_engine, orders.router, orders.list_customers
    )
    good, good_route, good_serialization = serve_sync(
        shop_engine, orders.router, orders.list_customers_eager
    )
    assert bad == good
    assert [len(c["orders"]) for c in bad] == [2] * N_CUSTOMERS
    assert (bad_route, bad_serialization) == (1, N_CUSTOMERS)
    assert (good_route, good_serialization) == (2, 0)


def test_fields_that_are_not_relationships_load_nothing(shop_engine: Engine) -> None:
    """list_order_summaries() -> list[OrderSummary]: columns only."""
    body, in_route, in_serialization = serve_sync(
        shop_engine, orders.router, orders.list_order_summaries
    )
    assert len(body) == N_ORDERS
    assert body[0] == {"id": 1, "status": "open", "customer_id": 1}
    assert (in_route, in_serialization) == (1, 0)


def test_validating_in_the_route_lazy_loads_per_row(shop_engine: Engine) -> None:
    """list_orders_validated(): OrderOut.model_validate(o) per row, in the route itself."""
    with Session(shop_engine) as db, count_statements(shop_engine) as statements:
        result = orders.list_orders_validated(db)
    assert [o.model_dump() for o in result] == expected_orders()
    assert len(statements) == 1 + N_ORDERS


@pytest.mark.parametrize(
    ("endpoint", "args", "locs"),
    [
        (async_orders.get_order, (1,), [("response", "lines")]),
        (async_orders.list_orders, (), [("response", i, "lines") for i in range(N_ORDERS)]),
    ],
    ids=["return_annotation", "response_model"],
)
def test_async_serialization_hits_missing_greenlet(
    shop_url: str, endpoint: Callable[..., Any], args: tuple[Any, ...], locs: list[tuple[Any, ...]]
) -> None:
    """get_order() -> OrderOut, list_orders (response_model=list[OrderOut]): reading
    `lines` while FastAPI serializes raises MissingGreenlet, which Pydantic reports
    as a get_attribute_error: FastAPI answers 500 (ResponseValidationError)."""
    with pytest.raises(ResponseValidationError) as info:
        serve_async(shop_url, endpoint, *args)
    errors = info.value.errors()
    assert [e["loc"] for e in errors] == locs  # one failed lazy load per row
    assert {e["type"] for e in errors} == {"get_attribute_error"}
    for error in errors:  # SQLAlchemy 2.1 names the class "(sqlalchemy.exc.MissingGreenlet)"
        assert "MissingGreenlet" in error["msg"]
        assert "greenlet_spawn has not been called" in error["msg"]
    del info, errors
    gc.collect()


def test_async_eager_and_column_only_models_serialize(shop_url: str) -> None:
    """get_order_eager() (selectinload) and list_order_summaries (OrderSummary)."""
    assert serve_async(shop_url, async_orders.get_order_eager, 1) == expected_orders()[0]
    summaries = serve_async(shop_url, async_orders.list_order_summaries)
    assert [s["customer_id"] for s in summaries] == [1, 1, 2, 2, 3, 3]


class LinePlain(BaseModel):
    """LineOut without `from_attributes` in its config."""

    product_id: int
    quantity: int


class OrderPlain(BaseModel):
    """OrderOut without `from_attributes` in its config."""

    id: int
    status: str
    lines: list[LinePlain]


def test_fastapi_reads_response_models_from_attributes_whatever_their_config(
    shop_engine: Engine,
) -> None:
    """Evidence for the rule's scope (no sample line): FastAPI validates a
    response with from_attributes=True (fastapi/_compat/v2.py), so a response
    model *without* `from_attributes` in its config lazy-loads the same way
    when a route returns ORM rows through it."""
    router = APIRouter()

    @router.get("/plain", response_model=list[OrderPlain])
    def plain(db: SessionDep) -> Any:
        return orders.list_orders(db)

    body, in_route, in_serialization = serve_sync(shop_engine, router, plain)
    assert body == expected_orders()
    assert (in_route, in_serialization) == (1, N_ORDERS)


def test_building_models_in_a_service_lazy_loads_per_row(shop_engine: Engine) -> None:
    """services.order_feed(): OrderOut.model_validate(order) for each row, outside any
    route: 1 + N; order_feed_eager() (selectinload): 2; order_summaries(): 1."""
    runs = {}
    for name in ("order_feed", "order_feed_eager", "order_summaries"):
        with Session(shop_engine) as db, count_statements(shop_engine) as statements:
            result = getattr(services, name)(db)
        runs[name] = (result, len(statements))
    assert [o.model_dump() for o in runs["order_feed"][0]] == expected_orders()
    assert runs["order_feed"][0] == runs["order_feed_eager"][0]
    assert runs["order_feed"][1] == 1 + N_ORDERS
    assert runs["order_feed_eager"][1] == 2
    assert runs["order_summaries"][1] == 1


def test_building_a_model_from_an_async_row_hits_missing_greenlet(shop_url: str) -> None:
    """services.first_order(): one row of an AsyncSession validated into OrderOut: reading
    `lines` needs a lazy load, which fails outside the greenlet (Pydantic wraps it)."""

    async def main() -> None:
        engine = create_async_engine(shop_url.replace("sqlite://", "sqlite+aiosqlite://", 1))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                await services.first_order(db, 1)
        finally:
            await engine.dispose()

    with pytest.raises(ValidationError) as info:
        asyncio.run(main())
    assert "MissingGreenlet" in str(info.value)
    del info
    gc.collect()  # the failed load's unawaited cursor coroutine is reported here, not later


def test_rpl302_sync_helper_reading_an_async_row_hits_missing_greenlet(shop_url: str) -> None:
    """RPL302 at a call: services.order_size() hands an AsyncSession row to the sync
    helper line_count(), which reads the lazy `lines`: MissingGreenlet. order_size_eager()
    loads them with the row (selectinload): 2 lines, no error."""

    async def run(name: str) -> int:
        engine = create_async_engine(shop_url.replace("sqlite://", "sqlite+aiosqlite://", 1))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                return await getattr(services, name)(db, 1)
        finally:
            await engine.dispose()

    with pytest.raises((MissingGreenlet, StatementError)) as info:  # 2.1 wraps it
        asyncio.run(run("order_size"))
    assert isinstance(info.value, MissingGreenlet) or "MissingGreenlet" in str(info.value)
    del info
    gc.collect()  # the failed load's unawaited cursor coroutine is reported here
    assert asyncio.run(run("order_size_eager")) == len(LINES)
