"""Substring search in SQL LIKE/ILIKE, shared by every list that finds text."""


def substring_pattern(part: str) -> str:
    """A LIKE/ILIKE pattern (escape character: backslash) finding ``part`` anywhere, its own
    ``%``, ``_`` and backslashes matching themselves rather than acting as wildcards."""
    escaped = part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
