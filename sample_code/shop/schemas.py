"""Response models. All read ORM objects `from_attributes`."""

from pydantic import BaseModel, ConfigDict


class LineOut(BaseModel):
    """One order line (columns only)."""

    model_config = ConfigDict(from_attributes=True)

    product_id: int
    quantity: int


class OrderOut(BaseModel):
    """An order with its lines: `lines` names the lazy relationship Order.lines."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    lines: list[LineOut]


class OrderSummary(BaseModel):
    """An order without its lines: every field is a column."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    customer_id: int


class CustomerOut(BaseModel):
    """A customer with their orders: `orders` names the lazy relationship Customer.orders."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    orders: list[OrderSummary]
