"""Amounts as a refusal says them to Chinese staff, who count in yuan, not in fen."""

from decimal import Decimal


def yuan(fen: int | Decimal) -> str:
    """``123456`` → ``"1,234.56 元"``: exact (no float), grouped, with the sign of a negative amount.

    A ``Decimal`` is taken when it is whole: PostgreSQL's ``sum()`` of a bigint comes back numeric.
    """
    return f"{yuan_figure(fen)} 元"


def yuan_figure(fen: int | Decimal) -> str:
    """``123456`` → ``"1,234.56"``: the figure alone, for a column headed 金额（元）."""
    if isinstance(fen, bool) or not isinstance(fen, int | Decimal) or fen != int(fen):
        raise TypeError(f"amounts are whole fen, not {fen!r}")
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"
