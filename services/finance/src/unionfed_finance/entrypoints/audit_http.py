"""The auditor's (经审) checks over HTTP: the same use cases as ``unionfed finance verify-chain |
export-head | reconcile``, for the console's audit desk.

The routes only translate: the chain walk, the signing, the check against a signed head and the
reconcile checks are :mod:`unionfed_finance.adapters.chain`, :mod:`~unionfed_finance.adapters.signed_head`
and :mod:`unionfed_finance.service_layer.reconcile`. The technical ``detail`` of a finding names
tables and columns and stays in English, as the CLI prints it; the ``summary`` sentence is in the
caller's language.
"""

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from unionfed_finance.adapters import report_queries as queries
from unionfed_finance.adapters.chain import ChainReport, verify_chain
from unionfed_finance.adapters.metrics import record_chain, record_reconcile
from unionfed_finance.adapters.reconciliation import ReconcileReport, reconcile
from unionfed_finance.adapters.signed_head import (
    ChainBroken,
    SigningKeyMissing,
    export_head,
    load_signing_key,
    trusted_keys_of,
    verify_against_head,
)
from unionfed_finance.adapters.tables import directory
from unionfed_finance.entrypoints.dependencies import CurrentRuntime
from unionfed_finance.service_layer import report_format
from unionfed_shared import db
from unionfed_shared.auth import Principal, Role
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import downloads
from unionfed_shared.errors import Conflict, Invalid, Unavailable
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt
from unionfed_shared.problems import Language, language_of

router = APIRouter(prefix="/v1", tags=["finance audit"], route_class=IdempotentRoute)

# The review group (经审会) and the federation's administrators, as for an entry's trace.
AUDITORS = (Role.AUDITOR, Role.FEDERATION_ADMIN)


def _say(language: Language, zh: str, en: str) -> str:
    return en if language == "en" else zh


async def _auditor_in_scope(session, principal: Principal, organization_id: str) -> None:
    # Scope first: an organization outside the caller's subtree answers like a missing one.
    await directory.require_in_scope(session, principal, organization_id)
    principal.require_role(*AUDITORS)


KEYS_UNCONFIGURED: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "The service has no head signing key or cannot read its trusted keys "
        "(`head_signing_key_missing`, `head_trusted_keys_unreadable`)"
    }
}


def _signing_key(settings):
    try:
        return load_signing_key(settings.head_signing_key_file)
    except SigningKeyMissing as missing:
        raise Unavailable(
            "head_signing_key_missing",
            zh="财务服务未配置账簿签核密钥（FINANCE_HEAD_SIGNING_KEY_FILE），无法签核或核验账簿头",
            en=f"the finance service cannot sign or check ledger heads: {missing}",
        ) from None


# ---------------------------------------------------------------- the chain


class ChainVerification(BaseModel):
    organization_id: str
    intact: bool
    entries_checked: int = Field(description="Entries that verified, from sequence 1")
    head_sequence: int = Field(description="Sequence of the last entry that verified (0: none)")
    head_hash: str = Field(description="Hash of that entry (the genesis hash when none)")
    broken_sequence: int | None = Field(None, description="Where the chain breaks; null when intact")
    problem: str | None = Field(None, examples=["hash mismatch"], description="What breaks there; null when intact")
    detail: str | None = Field(None, description="The finding, naming tables and columns (English)")
    fields: list[str] = Field(default_factory=list, description="Columns that differ from what was chained")
    vouchers_checked: int = Field(
        0, description="Vouchers (票据) whose chain link, attachments row and file bytes verified"
    )
    summary: str = Field(description="One sentence in the caller's language")


def _chain_summary(report: ChainReport, language: Language) -> str:
    if report.ok:
        return _say(
            language,
            f"{report.organization_id} 的账簿哈希链完整：已核验 {report.entries_checked} 笔分录"
            f"{f'、{report.vouchers_checked} 张票据' if report.vouchers_checked else ''}，链头为第 {report.last_sequence} 笔",
            f"The hash chain of {report.organization_id} is intact: {report.entries_checked} entries verified, "
            f"head at entry {report.last_sequence}",
        )
    if report.broken_sequence is None:
        return _say(
            language,
            f"{report.organization_id} 的账簿哈希链有问题（{report.problem}）：{report.detail}",
            f"The hash chain of {report.organization_id} is broken ({report.problem}): {report.detail}",
        )
    return _say(
        language,
        f"{report.organization_id} 的账簿哈希链在第 {report.broken_sequence} 笔断开（{report.problem}）：{report.detail}",
        f"The hash chain of {report.organization_id} breaks at entry {report.broken_sequence} "
        f"({report.problem}): {report.detail}",
    )


def _chain_verification(report: ChainReport, language: Language) -> ChainVerification:
    return ChainVerification(
        organization_id=report.organization_id,
        intact=report.ok,
        entries_checked=report.entries_checked,
        head_sequence=report.last_sequence,
        head_hash=report.last_hash,
        broken_sequence=report.broken_sequence,
        problem=None if report.problem is None else report.problem.value,
        detail=report.detail,
        fields=list(report.fields),
        vouchers_checked=report.vouchers_checked,
        summary=_chain_summary(report, language),
    )


@router.get(
    "/organizations/{organization_id}/ledger/chain",
    response_model=ChainVerification,
    summary="Re-verify a ledger's hash chain from sequence 1 (as `unionfed finance verify-chain`)",
)
async def ledger_chain(
    organization_id: str, request: Request, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ChainVerification:
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        await _auditor_in_scope(session, principal, organization_id)
        report = await verify_chain(session, organization_id)
    record_chain(runtime.metrics, report)
    return _chain_verification(report, language_of(request))


# ---------------------------------------------------------------- the signed head


class HeadSignature(BaseModel):
    algorithm: Literal["Ed25519"]
    value: str = Field(description="Base64 Ed25519 signature over the RFC 8785 form of the other fields")


class SignedHead(BaseModel):
    """A ledger head signed off by an auditor, as `unionfed finance export-head` writes it.

    Format 2 (`head_format`: 2) also signs the heads of the voucher chain and of the audit records;
    a head without `head_format` (format 1) signs the ledger's entries alone."""

    organization_id: str
    sequence: int
    hash: str
    chain_scheme: int
    signed_off_by: str
    signed_off_at: str
    key_id: str = Field(description="SHA-256 (hex) of the DER public key that checks the signature")
    head_format: Literal[2] | None = Field(None, description="2; absent in a format 1 head")
    voucher_sequence: int | None = Field(None, description="The voucher chain's last link (0: no voucher yet)")
    voucher_hash: str | None = None
    audit_sequence: int | None = Field(None, description="The audit records' last record (0: none yet)")
    audit_hash: str | None = None
    signature: HeadSignature


@router.get(
    "/organizations/{organization_id}/ledger/head",
    # Documented as the model; answered as the exact bytes export-head writes, to download.
    response_model=SignedHead,
    responses={
        200: {"description": "The signed head as a JSON file to keep (`Content-Disposition: attachment`)"},
        409: {"description": "The chain is broken: a broken chain is never signed off (`chain_broken`)"},
        **KEYS_UNCONFIGURED,
    },
    summary="Verify the chain and sign off its head for the auditor to keep (as `unionfed finance export-head`)",
)
async def ledger_head(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> Response:
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        await _auditor_in_scope(session, principal, organization_id)
        key = _signing_key(runtime.settings)
        try:
            # The signer is who asked: the token's subject, as the audit log names people.
            document = await export_head(session, organization_id, principal.subject, key)
        except ChainBroken as broken:
            raise Conflict(
                "chain_broken",
                zh=f"账簿哈希链已断开，不能签核：{broken.report.detail}",
                en=f"a broken chain is never signed off: {broken.report}",
            ) from None
    return downloads.attachment(
        (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode(),
        "application/json",
        f"ledger-head-{organization_id}-{document['sequence']}.json",
    )


class HeadVerification(BaseModel):
    organization_id: str
    sequence: int | None = Field(None, description="The signed entry")
    verdict: Literal["unchanged", "changed", "untrusted"] = Field(
        description="`unchanged`: the signature holds and nothing up to the signed entry changed; "
        "`changed`: entries (format 2: vouchers, audit records) up to it were altered since; `untrusted`: the signature does not hold"
    )
    valid: bool
    signature_valid: bool
    problem: str | None = Field(None, description="Why it is not `unchanged` (English)")
    summary: str = Field(description="The answer in the caller's language")
    chain: ChainVerification = Field(description="The live ledger's chain as verified now")


def _head_summary(verdict: str, document: dict, problem: str | None, language: Language) -> str:
    org, sequence, who = document.get("organization_id"), document.get("sequence"), document.get("signed_off_by")
    if "head_format" in document and verdict != "untrusted":
        vouchers, audit = document.get("voucher_sequence"), document.get("audit_sequence")
        zh_what = f"{org} 第 {sequence} 笔及之前的分录、第 {vouchers} 张及之前的票据和第 {audit} 条及之前的审计记录"
        if verdict == "unchanged":
            return _say(
                language,
                f"{zh_what}自 {who} 签核以来没有改动，签名有效",
                f"Nothing recorded up to entry {sequence} of {org} has changed since {who} signed it off, nor any "
                f"voucher up to link {vouchers} or audit record up to {audit}; the signature is valid",
            )
        return _say(
            language,
            f"{zh_what}在 {who} 签核后被改动：{problem}",
            f"Entries, vouchers or audit records up to entry {sequence}, voucher link {vouchers} and audit record "
            f"{audit} of {org} HAVE CHANGED since {who} signed them off: {problem}",
        )
    if verdict == "unchanged":
        return _say(
            language,
            f"{org} 第 {sequence} 笔及之前的分录自 {who} 签核以来没有改动，签名有效",
            f"Nothing recorded up to entry {sequence} of {org} has changed since {who} signed it off; the signature is valid",
        )
    if verdict == "changed":
        return _say(
            language,
            f"{org} 第 {sequence} 笔及之前的分录在 {who} 签核后被改动：{problem}",
            f"Entries up to entry {sequence} of {org} HAVE CHANGED since {who} signed them off: {problem}",
        )
    return _say(
        language,
        f"该账簿头不可信：{problem}",
        f"The head cannot be trusted: {problem}",
    )


@router.post(
    "/ledger-heads/verify",
    response_model=HeadVerification,
    responses=KEYS_UNCONFIGURED,
    summary="Check a signed head against the live ledger (as `unionfed finance verify-chain --against`)",
)
@exempt("a check that changes nothing")
async def verify_head(
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    # Any JSON object: a forged or altered head is answered `untrusted`, not refused as malformed.
    head: Annotated[
        dict[str, Any],
        Body(
            description="A head as `GET …/ledger/head` or `unionfed finance export-head` wrote it",
            openapi_examples={"head": {"value": {"organization_id": "county-school", "sequence": 5}}},
        ),
    ],
) -> HeadVerification:
    organization_id = head.get("organization_id")
    if not isinstance(organization_id, str) or not organization_id:
        raise Invalid(
            "head_document_invalid",
            zh="上传的文件不是账簿头：缺少 organization_id",
            en="this is not a ledger head: it names no organization_id",
        )
    language = language_of(request)
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        await _auditor_in_scope(session, principal, organization_id)
        trusted = _trusted_keys(runtime.settings)
        report = await verify_chain(session, organization_id)
        check = await verify_against_head(session, head, trusted, report)
    verdict = "unchanged" if check.ok else ("changed" if check.signature_ok else "untrusted")
    sequence = head.get("sequence")
    return HeadVerification(
        organization_id=organization_id,
        sequence=sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None,
        verdict=verdict,
        valid=check.ok,
        signature_valid=check.signature_ok,
        problem=check.problem,
        summary=_head_summary(verdict, head, check.problem, language),
        chain=_chain_verification(report, language),
    )


def _trusted_keys(settings):
    """The service's own view, as ``verify-chain --against`` without ``--trusted-key``."""
    try:
        return trusted_keys_of(settings)
    except (SigningKeyMissing, OSError, ValueError):
        raise Unavailable(
            "head_trusted_keys_unreadable",
            zh="财务服务无法读取受信任的账簿头公钥（FINANCE_HEAD_TRUSTED_KEYS_DIR）",
            en="the finance service cannot read its trusted head keys (FINANCE_HEAD_TRUSTED_KEYS_DIR)",
        ) from None


# ---------------------------------------------------------------- reconcile


FindingKind = Literal[
    "posting_unbalanced",
    "ledger_unbalanced",
    "posting_malformed",
    "account_not_in_chart",
    "balance_not_sum_of_lines",
    "below_floor",
    "pending_not_open_holds",
    "flow_without_journal",
    "flow_not_mirrored",
    "consolidation_differs",
    "flow_not_netted",
    "chain_broken",
]


class ReconcileFinding(BaseModel):
    kind: FindingKind = Field(
        description="What disagrees: e.g. `balance_not_sum_of_lines` (stored balance against "
        "the sum of the account's lines), `pending_not_open_holds`, `flow_not_mirrored` (a flow "
        "between two levels without its matching posting on the other side)"
    )
    organization_id: str
    organization_name: str | None
    account_code: str | None
    account_name: str | None = Field(description="In the federation's language")
    counterparty_id: str | None
    counterparty_name: str | None
    expected_fen: int | None = Field(description="What the rows say it must be (for a flow: the amount on this side)")
    stored_fen: int | None = Field(
        description="What is stored (for a flow: the amount on the other side, null if none)"
    )
    detail: str = Field(description="The offender as `unionfed finance reconcile` prints it (English)")


class ReconcileCheck(BaseModel):
    name: str
    verdict: Literal["PASS", "FAIL"]
    detail: str = Field(description="What was found (English)")
    offender_count: int = Field(description="Offenders over every ledger the service keeps")
    findings: list[ReconcileFinding] = Field(
        description="The offenders that are one ledger of the caller's subtree, each named; others are only counted"
    )


class ReconcileResult(BaseModel):
    ok: bool
    checks: list[ReconcileCheck]
    summary: str = Field(description="The overall verdict in the caller's language")
    scope: Literal["all ledgers"] = Field(
        "all ledgers",
        description="The checks run over every ledger the finance service keeps, as `unionfed finance reconcile` "
        "does; `findings` name only the offenders inside the caller's subtree (the rest are left to the CLI)",
    )


async def _findings_in_scope(
    session, principal: Principal, report: ReconcileReport
) -> dict[int, list[ReconcileFinding]]:
    """Each failing check's findings that the caller may see, with the names of what they name."""
    found = [f for check in report.checks for f in check.findings]
    known = await queries.organizations_by_id(
        session, {f.organization_id for f in found} | {f.counterparty_id for f in found if f.counterparty_id}
    )

    def name_of(organization_id: str | None) -> str | None:
        return known[organization_id]["name"] if organization_id in known else None

    def account_name_of(code: str | None, organization_id: str) -> str | None:
        if code is None:
            return None
        language = known[organization_id]["language"] if organization_id in known else "zh-CN"
        try:
            return report_format.account_name(code, report_format.statement_lang(language))
        except Invalid:
            return None  # not an account of the chart: that is the finding

    def visible(organization_id: str) -> bool:
        # An organization finance does not know is in no one's subtree.
        return organization_id in known and principal.can_see(known[organization_id]["path"])

    return {
        index: [
            ReconcileFinding(
                kind=f.kind,
                organization_id=f.organization_id,
                organization_name=name_of(f.organization_id),
                account_code=f.account_code,
                account_name=account_name_of(f.account_code, f.organization_id),
                counterparty_id=f.counterparty_id,
                counterparty_name=name_of(f.counterparty_id),
                expected_fen=f.expected_fen,
                stored_fen=f.stored_fen,
                detail=f.detail,
            )
            for f in check.findings
            if visible(f.organization_id)
        ]
        for index, check in enumerate(report.checks)
    }


def _reconcile_result(
    report: ReconcileReport, findings: dict[int, list[ReconcileFinding]], language: Language
) -> ReconcileResult:
    failed = len(report.failed)
    return ReconcileResult(
        ok=report.ok,
        checks=[
            ReconcileCheck(
                name=c.name,
                verdict="PASS" if c.passed else "FAIL",
                detail=c.detail,
                offender_count=c.offender_count,
                findings=findings[index],
            )
            for index, c in enumerate(report.checks)
        ],
        summary=_say(
            language,
            "全部核对项通过" if report.ok else f"{len(report.checks)} 项核对中有 {failed} 项未通过",
            "all checks pass" if report.ok else f"{failed} of {len(report.checks)} checks FAIL",
        ),
    )


@router.get(
    "/reconcile",
    response_model=ReconcileResult,
    summary="Every invariant of the books, re-checked over all ledgers (as `unionfed finance reconcile`)",
)
async def reconcile_books(request: Request, principal: CurrentPrincipal, runtime: CurrentRuntime) -> ReconcileResult:
    principal.require_role(*AUDITORS)
    async with runtime.session_factory() as session:
        report = await reconcile(session)
        findings = await _findings_in_scope(session, principal, report)
    record_reconcile(runtime.metrics, report)
    return _reconcile_result(report, findings, language_of(request))
