"""Records for the rooms area (filled in by its issue)."""

__all__: list[str] = []
