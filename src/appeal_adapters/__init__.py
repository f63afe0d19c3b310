"""appeal_adapters: pluggy hook specs, the plugin loader and the built-in adapters."""

__all__: list[str] = []
