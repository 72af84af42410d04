"""The one route anyone may call without signing in: the check of a printed disclosure.

A member scans the QR code of a statement posted on the notice board and lands here. The check
rebuilds the statement from the books up to the head printed on it, confirms that head is still on
the ledger's hash chain (and, when the sheet carries one, that the service's key signed it) and
compares the figures. It answers 核验通过 or 不一致 with what differs: a page for the phone, JSON
for ``Accept: application/json``.

It reveals nothing the sheet does not already show: until the printed head is found on the chain
(which needs its 64-hex hash, printed only on the sheet) every unknown ledger, period or head gets
the same answer, and the figures shown are the statement's own headline figures.

Bounded: the query's values are bounded by the document, and at most ``CHECKS_AT_ONCE`` checks walk
a chain at a time (the gateway also limits the rate per address); the others wait a little, then
are told to come back (503 ``public_check_busy``).
"""

import asyncio
import datetime as dt
import html
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from unionfed_finance.adapters import report_queries as queries
from unionfed_finance.adapters.signed_head import (
    SigningKeyMissing,
    head_problem,
    head_signature_problem,
    trusted_keys_of,
)
from unionfed_finance.adapters.tables import directory
from unionfed_finance.entrypoints.reports_http import build_disclosure
from unionfed_finance.service_layer import disclosure_check, disclosure_statement, report_format
from unionfed_shared import db
from unionfed_shared.caller import CurrentRuntime
from unionfed_shared.errors import Unavailable
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import Language, language_of

router = APIRouter(prefix="/v1/public", tags=["public"], route_class=IdempotentRoute)

CHECKS_AT_ONCE = 2
WAIT_FOR_A_TURN_SECONDS = 10
MAX_FEN = 2**53 - 1  # what the chain's JSON can hold exactly
_checks = asyncio.Semaphore(CHECKS_AT_ONCE)


class Difference(BaseModel):
    item: Literal["head", "signature", "opening", "income_total", "expenditure_total", "closing", "figures_digest"]
    label: str = Field(description="What differs, in the caller's language")
    printed: str | None = Field(None, description="What the sheet says (yuan with 2 decimals, or the digest)")
    books: str | None = Field(None, description="What the books say up to the printed head")


class Figure(BaseModel):
    item: Literal["opening", "income_total", "expenditure_total", "closing"]
    label: str
    yuan: str = Field(examples=["2,171.50"])


class DisclosureCheck(BaseModel):
    verified: bool
    verdict: str = Field(examples=["核验通过", "不一致"])
    summary: str = Field(description="One sentence in the caller's language")
    organization_name: str | None = Field(None, description="Only once the printed head is found on the chain")
    period_from: dt.date
    period_to: dt.date
    head_sequence: int
    signature: Literal["valid", "invalid", "absent", "unverifiable"] = Field(
        description="The Ed25519 signature of the printed head: `absent` when the sheet carries none, "
        "`unverifiable` when this service holds no key to check it with"
    )
    differences: list[Difference]
    figures: list[Figure] = Field(
        default_factory=list,
        description="The statement's headline figures from the books, once the head is on the chain",
    )


def _say(language: Language, zh: str, en: str) -> str:
    return en if language == "en" else zh


def _signature_status(settings, printed: disclosure_check.PrintedStatement) -> str:
    if printed.signature is None:
        return "absent"
    try:
        trusted = trusted_keys_of(settings)
    except (SigningKeyMissing, OSError, ValueError):  # the service's problem, not the sheet's
        return "unverifiable"
    if not trusted:
        return "unverifiable"
    problem = head_signature_problem(
        printed.organization_id,
        printed.head.sequence,
        printed.head.hash,
        disclosure_check.DISCLOSURE_SIGNER,
        printed.signature.signed_at,
        printed.signature.value,
        trusted,
    )
    return "valid" if problem is None else "invalid"


async def _check(runtime, printed: disclosure_check.PrintedStatement, language: Language) -> DisclosureCheck:
    base = {
        "period_from": printed.period.starts_on,
        "period_to": printed.period.ends_on,
        "head_sequence": printed.head.sequence,
    }
    signature = _signature_status(runtime.settings, printed)
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        org = await queries.organization(session, printed.organization_id)
        on_chain = org is not None and await queries.ledger_head(session, printed.organization_id) is not None
        if on_chain:
            on_chain = (
                await head_problem(session, printed.organization_id, printed.head.sequence, printed.head.hash) is None
            )
        if not on_chain:
            # Unknown ledger, head never recorded, or the entries up to it rewritten: one answer for all.
            return DisclosureCheck(
                verified=False,
                verdict=_say(language, "不一致", "Does not match"),
                signature=signature,
                summary=_say(
                    language,
                    f"表上所印的账簿链头（第 {printed.head.sequence} 笔）不在该账簿的哈希链上：账簿已被改动，或此表并非由本系统打印。",
                    f"The ledger head printed on the sheet (entry {printed.head.sequence}) is not on the ledger's hash "
                    f"chain: the books were altered, or the sheet was not printed by this system.",
                ),
                differences=[
                    Difference(
                        item="head",
                        label=_say(language, "账簿链头", "Ledger head"),
                        printed=f"{printed.head.sequence} {printed.head.hash}",
                    )
                ],
                **base,
            )
        assert org is not None  # on the chain: the ledger's organization is known
        lang = report_format.statement_lang(await directory.language_of(session, printed.organization_id))
        books = await build_disclosure(session, org, printed.head, printed.period, lang)
    found = [
        Difference(item=d.item, label=_say(language, d.label_zh, d.label_en), printed=d.printed, books=d.books)
        for d in disclosure_check.differences(printed, books)
    ]
    if signature == "invalid":
        found.insert(
            0, Difference(item="signature", label=_say(language, "账簿链头的签名", "Signature of the ledger head"))
        )
    recomputed = disclosure_check.PrintedStatement.of(books)
    figures = [
        Figure(
            item=item,
            label=_say(language, zh, en),
            yuan=report_format.format_yuan(getattr(recomputed, attribute), True),
        )
        for attribute, item, zh, en in disclosure_check.HEADLINES
    ]
    if found:
        named = "、".join(d.label for d in found) if language != "en" else ", ".join(d.label for d in found)
        summary = _say(
            language,
            f"此表与账簿不一致：{named}与账簿（截至第 {printed.head.sequence} 笔）不符。",
            f"The sheet does not match the books (up to entry {printed.head.sequence}): {named} differ.",
        )
    else:
        summary = _say(
            language,
            f"此表与账簿一致：账簿链头（第 {printed.head.sequence} 笔）仍在哈希链上，各项数字与账簿相符。",
            f"The sheet matches the books: the ledger head (entry {printed.head.sequence}) is still on the hash "
            f"chain and every figure agrees.",
        )
    return DisclosureCheck(
        verified=not found,
        verdict=_say(language, "不一致" if found else "核验通过", "Does not match" if found else "Verified"),
        summary=summary,
        organization_name=org["name"],
        signature=signature,
        differences=found,
        figures=figures,
        **base,
    )


_PAGE_STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:1em;color:#222;
max-width:40em;margin:auto;font-size:17px;line-height:1.5}
.verdict{font-size:1.8em;font-weight:bold;padding:.4em .6em;border-radius:.3em;color:#fff}
.ok{background:#2e7d32}.bad{background:#c62828}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left}
td.amount{text-align:right;white-space:nowrap}code{word-break:break-all;font-size:.8em}.meta{color:#555;font-size:.9em}
"""


def _page(result: DisclosureCheck, language: Language) -> str:
    e = html.escape
    words = {
        "title": _say(language, "财务公开核验", "Disclosure check"),
        "what": _say(language, "项目", "Item"),
        "printed": _say(language, "表上", "On the sheet"),
        "books": _say(language, "账簿", "In the books"),
        "figures": _say(language, "账簿中的主要数字", "Headline figures in the books"),
        "period": _say(language, "期间", "Period"),
        "signature": _say(language, "签名", "Signature"),
    }
    signature = {
        "valid": _say(language, "有效", "valid"),
        "invalid": _say(language, "无效", "INVALID"),
        "absent": _say(language, "表上未印签名", "none on the sheet"),
        "unverifiable": _say(language, "本系统无法核验", "cannot be checked here"),
    }[result.signature]
    rows = "".join(
        f"<tr><td>{e(d.label)}</td><td class=amount><code>{e(d.printed or '')}</code></td>"
        f"<td class=amount><code>{e(d.books or '')}</code></td></tr>"
        for d in result.differences
    )
    differences = (
        f"<table><tr><th>{words['what']}</th><th>{words['printed']}</th><th>{words['books']}</th></tr>{rows}</table>"
        if rows
        else ""
    )
    figures = "".join(f"<tr><td>{e(f.label)}</td><td class=amount>{e(f.yuan)}</td></tr>" for f in result.figures)
    body = f"""<h1>{words["title"]}</h1>
<p class="verdict {"ok" if result.verified else "bad"}">{e(result.verdict)}</p>
<p>{e(result.summary)}</p>
{differences}
<p class="meta">{e(result.organization_name or "")}<br>{words["period"]}：{result.period_from} – {result.period_to}<br>
{words["signature"]}：{e(signature)}</p>
{f"<h2>{words['figures']}</h2><table>{figures}</table>" if figures else ""}"""
    lang_attr = "en" if language == "en" else "zh-CN"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang_attr}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{words["title"]}</title>\n'
        f"<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


@router.get(
    "/disclosure-check",
    response_model=DisclosureCheck,
    responses={
        200: {
            "description": "The verdict: a page for a phone, or JSON with `Accept: application/json`",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        503: {"description": "Too many checks at once; try again shortly (`public_check_busy`)"},
    },
    summary="Check a printed disclosure against the books, without signing in (the sheet's QR code)",
)
async def disclosure_check_route(
    request: Request,
    runtime: CurrentRuntime,
    organization_id: str = Query(alias="o", min_length=1, max_length=100, description="The ledger's organization"),
    starts: dt.date = Query(alias="from", description="First day of the statement's period"),
    ends: dt.date = Query(alias="to", description="Last day of the statement's period"),
    sequence: int = Query(alias="seq", ge=0, le=MAX_FEN, description="The ledger head's sequence when printed"),
    head_hash: str = Query(alias="hash", pattern="^[0-9a-f]{64}$", description="The ledger head's hash when printed"),
    opening: int = Query(alias="open", ge=-MAX_FEN, le=MAX_FEN, description="Opening balance printed, fen"),
    income: int = Query(alias="in", ge=-MAX_FEN, le=MAX_FEN, description="Total income printed, fen"),
    expenditure: int = Query(alias="out", ge=-MAX_FEN, le=MAX_FEN, description="Total expenditure printed, fen"),
    closing: int = Query(alias="close", ge=-MAX_FEN, le=MAX_FEN, description="Closing balance printed, fen"),
    digest: str = Query(
        alias="d",
        pattern=f"^[0-9a-f]{{{disclosure_check.DIGEST_HEX}}}$",
        description="Digest of every figure of the statement",
    ),
    signed_at: str | None = Query(None, alias="at", max_length=40, description="When the head was signed"),
    signature: str | None = Query(
        None,
        alias="sig",
        max_length=100,
        pattern="^[A-Za-z0-9_-]*$",
        description="Ed25519 signature of the head, URL-safe base64",
    ),
) -> Response:
    printed = disclosure_check.PrintedStatement(
        organization_id,
        report_format.Period(starts, ends),
        disclosure_statement.LedgerHead(sequence, head_hash),
        opening,
        income,
        expenditure,
        closing,
        digest,
        disclosure_check.signature_from_url(signed_at, signature),
    )
    language = language_of(request)
    try:
        async with asyncio.timeout(WAIT_FOR_A_TURN_SECONDS):
            await _checks.acquire()
    except TimeoutError:
        raise Unavailable(
            "public_check_busy", zh="核验请求过多，请稍后再试", en="too many checks at once; try again shortly"
        ) from None
    try:
        result = await _check(runtime, printed, language)
    finally:
        _checks.release()
    if _wants_json(request):
        return JSONResponse(result.model_dump(mode="json"))
    return HTMLResponse(_page(result, language))
