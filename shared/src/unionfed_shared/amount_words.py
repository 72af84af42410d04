"""Amounts as a refusal says them to Chinese staff, who count in yuan, not in fen."""


def yuan(fen: int) -> str:
    """``123456`` → ``"1,234.56 元"``: exact (no float), grouped, with the sign of a negative amount."""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d} 元"
