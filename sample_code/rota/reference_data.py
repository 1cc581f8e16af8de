"""Reference data written in code: the rotation templates a new programme starts
with, and the periods of a block. Nothing here is loaded from the database."""

templates = (
    ("Night float", {"abbreviation": "NF", "periods": ("AM", "PM")}),
    ("Research", {"abbreviation": "RES", "periods": ("AM",)}),
    ("Clinic", {"abbreviation": "CLI", "periods": ("AM", "PM")}),
)
