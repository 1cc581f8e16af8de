"""The FastAPI application."""

from fastapi import FastAPI

from shop.api import async_orders, orders

app = FastAPI(title="Shop")
app.include_router(orders.router)
app.include_router(async_orders.router)
