"""HTTP routes of the shop."""
