"""What a printed disclosure carries in its QR code, and how it is checked against the books. No I/O.

The QR code is the URL of finance's public check with, in its query: the ledger (``o``), the
period (``from``, ``to``), the ledger head the statement was built from (``seq``, ``hash``), the
four headline figures in fen (``open``, ``in``, ``out``, ``close``), a digest of every figure of
the statement (``d``) and, when finance has a head signing key, the Ed25519 signature of that head
(``at``, ``sig``; see :mod:`unionfed_finance.adapters.signed_head`).

The check rebuilds the statement from the entries up to ``seq`` only, so entries posted after
printing do not make an honest sheet look wrong, and an entry up to ``seq`` rewritten since does.
The headline figures are named when they differ; the digest covers the rest (every account line
and every welfare payment) without the sheet having to carry them.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from unionfed_finance.domain.chain import canonical_bytes
from unionfed_finance.service_layer.disclosure_statement import Disclosure, LedgerHead
from unionfed_finance.service_layer.report_format import Period, format_yuan

DIGEST_HEX = 32  # 128 bits: enough against a forged sheet, short enough for a readable QR code
# Who "signs off" the head printed on a statement, in the signed head's signed_off_by: the service
# itself, not the officer who printed it (whose id must not reach a public page).
DISCLOSURE_SIGNER = "unionfed-finance:disclosure"


def figures_digest(statement: Disclosure) -> str:
    """SHA-256 (first 128 bits, hex) of the RFC 8785 form of every figure of the statement.

    Descriptions are left out: they are pseudonymised per language, the amounts are not.
    """
    document = {
        "organization_id": statement.organization_id,
        "from": statement.period.starts_on.isoformat(),
        "to": statement.period.ends_on.isoformat(),
        "sequence": statement.head.sequence,
        "opening": statement.opening_bank_fen,
        "closing": statement.closing_bank_fen,
        "income": {line.code: line.amount_fen for line in statement.income},
        "expenditure": {line.code: line.amount_fen for line in statement.expenditure},
        "held_for_others": {line.code: line.amount_fen for line in statement.held_for_others},
        "welfare": [
            [e.effective_date.isoformat(), e.sequence, e.count, e.cash_fen, e.goods_fen, e.amount_fen]
            for e in statement.welfare_entries
        ],
    }
    return hashlib.sha256(canonical_bytes(document)).hexdigest()[:DIGEST_HEX]


@dataclass(frozen=True)
class HeadSignature:
    signed_at: str  # the signed head's signed_off_at, exactly as signed
    value: str  # base64 of the Ed25519 signature

    @classmethod
    def of(cls, signed_head: dict) -> "HeadSignature":
        return cls(signed_head["signed_off_at"], signed_head["signature"]["value"])


@dataclass(frozen=True)
class PrintedStatement:
    """What a printed statement claims, as its QR code carries it."""

    organization_id: str
    period: Period
    head: LedgerHead
    opening_fen: int
    income_fen: int
    expenditure_fen: int
    closing_fen: int
    digest: str
    signature: HeadSignature | None = None

    @classmethod
    def of(cls, statement: Disclosure, signature: HeadSignature | None = None) -> "PrintedStatement":
        return cls(
            statement.organization_id,
            statement.period,
            statement.head,
            statement.opening_bank_fen,
            statement.income_total_fen,
            statement.expenditure_total_fen,
            statement.closing_bank_fen,
            figures_digest(statement),
            signature,
        )

    def query(self) -> dict[str, str]:
        query = {
            "o": self.organization_id,
            "from": self.period.starts_on.isoformat(),
            "to": self.period.ends_on.isoformat(),
            "seq": str(self.head.sequence),
            "hash": self.head.hash,
            "open": str(self.opening_fen),
            "in": str(self.income_fen),
            "out": str(self.expenditure_fen),
            "close": str(self.closing_fen),
            "d": self.digest,
        }
        if self.signature is not None:
            # URL-safe base64 without padding: the QR code stays in its compact alphanumeric-free form.
            raw = base64.b64decode(self.signature.value)
            query |= {"at": self.signature.signed_at, "sig": base64.urlsafe_b64encode(raw).decode().rstrip("=")}
        return query


def signature_from_url(signed_at: str | None, sig: str | None) -> HeadSignature | None:
    """The signature as the URL carries it (URL-safe base64), back in the signed head's form."""
    if not signed_at or not sig:
        return None
    try:
        raw = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    return HeadSignature(signed_at, base64.b64encode(raw).decode())


def check_url(base: str, printed: PrintedStatement) -> str:
    return f"{base}?{urlencode(printed.query())}"


# The headline figures, as the sheet and the check page name them.
HEADLINES = (
    ("opening_fen", "opening", "期初银行存款及现金余额", "Opening bank and cash balance"),
    ("income_fen", "income_total", "收入合计", "Total income"),
    ("expenditure_fen", "expenditure_total", "支出合计", "Total expenditure"),
    ("closing_fen", "closing", "期末银行存款及现金余额", "Closing bank and cash balance"),
)


@dataclass(frozen=True)
class Difference:
    item: str  # opening, income_total, expenditure_total, closing or figures_digest
    label_zh: str
    label_en: str
    printed: str  # yuan with 2 decimals, or the digest
    books: str


def differences(printed: PrintedStatement, books: Disclosure) -> list[Difference]:
    """What the printed statement says that the books (up to its head) do not."""
    recomputed = PrintedStatement.of(books)
    found = []
    for attribute, item, zh, en in HEADLINES:
        was, now = getattr(printed, attribute), getattr(recomputed, attribute)
        if was != now:
            found.append(Difference(item, zh, en, format_yuan(was, grouping=True), format_yuan(now, grouping=True)))
    if printed.digest != recomputed.digest:
        found.append(
            Difference(
                "figures_digest",
                "明细数字（各科目及福利支出明细的摘要）",
                "Detailed figures (digest of every account line and welfare payment)",
                printed.digest,
                recomputed.digest,
            )
        )
    return found
