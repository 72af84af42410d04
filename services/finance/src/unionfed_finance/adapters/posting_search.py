"""Finding a ledger's entries by date, amount, text and account, through the indexes made for it."""

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import posting_lines, postings
from unionfed_finance.domain.posting_search import PostingFilter


async def find(
    session: AsyncSession,
    organization_id: str,
    limit: int,
    after_sequence: int,
    wanted: PostingFilter = PostingFilter(),
) -> list[dict]:
    """The organization's entries matching every filter given, in ledger order after ``after_sequence``.
    Common matches are found walking the (organization, sequence) index; rare ones through the
    indexes of 0010 (description trigrams, effective date, total, lines by account), then ordered."""
    query = select(postings).where(postings.c.organization_id == organization_id, postings.c.sequence > after_sequence)
    if wanted.date_from is not None:
        query = query.where(postings.c.effective_date >= wanted.date_from)
    if wanted.date_to is not None:
        query = query.where(postings.c.effective_date <= wanted.date_to)
    if wanted.amount_min_fen is not None:
        query = query.where(postings.c.total_fen >= wanted.amount_min_fen)
    if wanted.amount_max_fen is not None:
        query = query.where(postings.c.total_fen <= wanted.amount_max_fen)
    if (pattern := wanted.text_pattern()) is not None:
        described = postings.c.description if _has_trigram(wanted.text or "") else postings.c.description.concat("")
        query = query.where(described.ilike(pattern, escape="\\"))
    if wanted.account_code is not None:
        # A line is in its entry's ledger: naming the ledger lets the (organization, account) index answer.
        on_account = select(posting_lines.c.posting_id).where(
            posting_lines.c.posting_id == postings.c.id,
            posting_lines.c.organization_id == organization_id,
            posting_lines.c.account_code == wanted.account_code,
        )
        query = query.where(on_account.exists())
    query = query.order_by(postings.c.sequence).limit(limit)
    rows = [dict(row._mapping) for row in await session.execute(query)]
    if rows:
        lines = await session.execute(
            select(posting_lines)
            .where(posting_lines.c.posting_id.in_([r["id"] for r in rows]))
            .order_by(posting_lines.c.posting_id, posting_lines.c.line_no)
        )
        by_posting: dict = {}
        for line in lines:
            by_posting.setdefault(line.posting_id, []).append(dict(line._mapping))
        for row in rows:
            row["lines"] = by_posting.get(row["id"], [])
    return rows


def _has_trigram(words: str) -> bool:
    """Whether the trigram index can narrow a search for ``words``: it needs three letters or
    digits in a row. Without them the index would hand every entry over to be checked (0.7 s in a
    100,000-entry ledger, against 0.2 s walking in ledger order), so the search hides the column
    from it (``description || ''``, the same text)."""
    return re.search(r"\w{3}", words) is not None
