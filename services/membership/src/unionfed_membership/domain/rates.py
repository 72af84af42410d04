"""One rule for every rate the membership service shows (入会率, signing rates, shares): a part of a
whole, scaled and rounded half up in whole numbers, None when there is nothing to divide by.

入会率 is read three ways — per mille on a statistics report and its roll-up, per mille beside a
collective contract's signing rate, a percentage with two decimals on the older membership report —
and all three come from :func:`rounded_share`, so the same members and staff never round apart.
Integers only: no float ever decides a rounding.
"""


def rounded_share(part: int, whole: int | None, scale: int) -> int | None:
    """``part / whole × scale`` rounded half up (0.5 goes up); None when ``whole`` is 0, unknown or
    negative. ``part`` is never below 0 (a count)."""
    if not whole or whole <= 0:
        return None
    part = max(0, part)
    return (part * scale * 2 + whole) // (whole * 2)


def per_mille(part: int, whole: int | None) -> int | None:
    """The share in thousandths (‰), rounded half up."""
    return rounded_share(part, whole, 1000)


def percent_text(part: int, whole: int | None) -> str | None:
    """The share as a percentage with two decimals ("66.67"), rounded half up: a string, never a float."""
    hundredths = rounded_share(part, whole, 10_000)
    if hundredths is None:
        return None
    return f"{hundredths // 100}.{hundredths % 100:02d}"
