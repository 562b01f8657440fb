"""Records for the agenda area (filled in by its issue)."""

__all__: list[str] = []
