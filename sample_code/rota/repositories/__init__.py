"""The data layer: sync (legacy) and async repositories, and the unit of work."""
