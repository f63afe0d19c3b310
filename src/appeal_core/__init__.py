"""appeal_core: the pure domain of the enterprise appeal direct line (no I/O, no clock)."""

__all__: list[str] = []
