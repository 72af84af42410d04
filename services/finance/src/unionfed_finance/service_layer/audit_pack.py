"""The audit pack (审计包): every entry of a period as it is, for the finance review group
(民主理财小组), with account totals and the hash chain's verdict; as CSV and as a printable page. No I/O.
"""

import csv
import datetime as dt
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from unionfed_finance.service_layer.disclosure_statement import LedgerHead
from unionfed_finance.service_layer.report_format import (
    BOM,
    LABELS,
    Lang,
    Period,
    account_name,
    format_yuan,
    html_page,
    shanghai_time,
)


@dataclass(frozen=True)
class AuditLine:
    line_no: int
    account_code: str
    debit_fen: int
    credit_fen: int
    counterparty_id: str | None


@dataclass(frozen=True)
class AuditEntry:
    id: str
    sequence: int
    effective_date: dt.date
    description: str
    total_fen: int
    source_event_id: str
    source_event_type: str
    source_topic: str
    source_partition: int
    source_offset: int
    actor: str | None
    causation_id: str | None
    correlation_id: str
    trace_id: str | None
    journal_event_id: str | None
    journal_partition: int | None
    journal_offset: int | None
    reverses_posting_id: str | None
    reversed_by_posting_id: str | None
    previous_hash: str
    hash: str
    recorded_at: dt.datetime
    lines: tuple[AuditLine, ...]


@dataclass(frozen=True)
class AccountTotal:
    code: str
    debit_fen: int
    credit_fen: int

    @property
    def net_debit_fen(self) -> int:
        return self.debit_fen - self.credit_fen


@dataclass(frozen=True)
class ChainResult:
    ok: bool
    description: str


@dataclass(frozen=True)
class AuditPack:
    organization_id: str
    organization_name: str
    period: Period
    generated_at: dt.datetime
    head: LedgerHead
    chain: ChainResult
    entries: tuple[AuditEntry, ...]
    totals: tuple[AccountTotal, ...] = field(default=())

    @property
    def debit_total_fen(self) -> int:
        return sum(t.debit_fen for t in self.totals)

    @property
    def credit_total_fen(self) -> int:
        return sum(t.credit_fen for t in self.totals)


def account_totals(entries: Iterable[AuditEntry]) -> tuple[AccountTotal, ...]:
    """Debits and credits per account (sub-accounts kept apart: each drive is audited on its own)."""
    sums: dict[str, list[int]] = {}
    for entry in entries:
        for line in entry.lines:
            pair = sums.setdefault(line.account_code, [0, 0])
            pair[0] += line.debit_fen
            pair[1] += line.credit_fen
    return tuple(AccountTotal(code, d, c) for code, (d, c) in sorted(sums.items()))


def chain_result(report) -> ChainResult:
    """Whatever ``verify_chain`` returns: its ``ok`` and its own description of itself."""
    describe = getattr(report, "describe", None)
    return ChainResult(bool(report.ok), describe() if callable(describe) else str(report))


AUDIT_COLUMNS = (
    "sequence",
    "posting_id",
    "effective_date",
    "description",
    "line_no",
    "account_code",
    "account_name",
    "debit_yuan",
    "credit_yuan",
    "counterparty_id",
    "source_event_id",
    "source_event_type",
    "source_topic",
    "source_partition",
    "source_offset",
    "actor",
    "causation_id",
    "correlation_id",
    "trace_id",
    "journal_event_id",
    "journal_partition",
    "journal_offset",
    "reverses_posting_id",
    "reversed_by_posting_id",
    "recorded_at_beijing",
    "previous_hash",
    "hash",
)
# The audit pack's words in each language a federation keeps its books in. The English column
# names are the snake_case ones auditors' tools already read.
AUDIT_WORDS: dict[Lang, dict[str, Any]] = {  # texts, and tuples of column names
    "zh": {
        "columns": (
            "序号",
            "分录编号",
            "记账日期",
            "摘要",
            "行号",
            "科目编码",
            "科目名称",
            "借方（元）",
            "贷方（元）",
            "往来单位",
            "来源事件编号",
            "来源事件类型",
            "来源主题",
            "来源分区",
            "来源偏移量",
            "经办人",
            "起因编号",
            "关联编号",
            "追踪编号",
            "记账事件编号",
            "记账分区",
            "记账偏移量",
            "所冲销的分录",
            "冲销它的分录",
            "记录时间（北京时间）",
            "前一哈希",
            "哈希",
        ),
        "totals_columns": ("科目编码", "科目名称", "借方合计（元）", "贷方合计（元）", "借方净额（元）"),
        "total": "合计",
        "organization": "单位",
        "period": "期间",
        "generated_at_beijing": "生成时间（北京时间）",
        "ledger_head_at_generation": "生成时账簿链头",
        "head_sequence": "序号 {sequence}",
        "head_hash": "哈希 {hash}",
        "chain_verified": "链校验",
        "ok": "通过",
        "broken": "已断裂",
        "postings": "分录数",
        "chain_intact": "账簿链完整",
        "chain_broken": "账簿链已断裂",
        "totals_heading": "各科目合计",
        "lines_heading": "分录及明细",
    },
    "en": {
        "columns": AUDIT_COLUMNS,
        "totals_columns": ("account_code", "account_name", "debit_yuan", "credit_yuan", "net_debit_yuan"),
        "total": "total",
        "organization": "organization",
        "period": "period",
        "generated_at_beijing": "generated_at_beijing",
        "ledger_head_at_generation": "ledger_head_at_generation",
        "head_sequence": "sequence {sequence}",
        "head_hash": "hash {hash}",
        "chain_verified": "chain_verified",
        "ok": "ok",
        "broken": "BROKEN",
        "postings": "postings",
        "chain_intact": "chain intact",
        "chain_broken": "CHAIN BROKEN",
        "totals_heading": "Totals per account",
        "lines_heading": "Postings and lines",
    },
}


def _blank(value) -> str:
    return "" if value is None else str(value)


def audit_line_rows(pack: AuditPack, lang: Lang = "zh") -> list[list[str]]:
    rows = []
    for entry in pack.entries:
        for line in entry.lines:
            rows.append(
                [
                    str(entry.sequence),
                    entry.id,
                    entry.effective_date.isoformat(),
                    entry.description,
                    str(line.line_no),
                    line.account_code,
                    account_name(line.account_code, lang),
                    format_yuan(line.debit_fen),
                    format_yuan(line.credit_fen),
                    _blank(line.counterparty_id),
                    entry.source_event_id,
                    entry.source_event_type,
                    entry.source_topic,
                    str(entry.source_partition),
                    str(entry.source_offset),
                    _blank(entry.actor),
                    _blank(entry.causation_id),
                    entry.correlation_id,
                    _blank(entry.trace_id),
                    _blank(entry.journal_event_id),
                    _blank(entry.journal_partition),
                    _blank(entry.journal_offset),
                    _blank(entry.reverses_posting_id),
                    _blank(entry.reversed_by_posting_id),
                    shanghai_time(entry.recorded_at),
                    entry.previous_hash,
                    entry.hash,
                ]
            )
    return rows


def _audit_meta(pack: AuditPack, lang: Lang) -> list[list[str]]:
    words = AUDIT_WORDS[lang]
    return [
        [words["organization"], pack.organization_name, pack.organization_id],
        [words["period"], pack.period.starts_on.isoformat(), pack.period.ends_on.isoformat()],
        [words["generated_at_beijing"], shanghai_time(pack.generated_at)],
        [
            words["ledger_head_at_generation"],
            words["head_sequence"].format(sequence=pack.head.sequence),
            words["head_hash"].format(hash=pack.head.hash),
        ],
        [words["chain_verified"], words["ok"] if pack.chain.ok else words["broken"], pack.chain.description],
        [words["postings"], str(len(pack.entries))],
    ]


def render_audit_csv(pack: AuditPack, lang: Lang = "zh") -> bytes:
    words = AUDIT_WORDS[lang]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([LABELS[lang]["audit_pack"]])
    writer.writerows(_audit_meta(pack, lang))
    writer.writerow([])
    writer.writerow(words["columns"])
    writer.writerows(audit_line_rows(pack, lang))
    writer.writerow([])
    writer.writerow(words["totals_columns"])
    for total in pack.totals:
        writer.writerow(
            [
                total.code,
                account_name(total.code, lang),
                format_yuan(total.debit_fen),
                format_yuan(total.credit_fen),
                format_yuan(total.net_debit_fen),
            ]
        )
    writer.writerow([words["total"], "", format_yuan(pack.debit_total_fen), format_yuan(pack.credit_total_fen), ""])
    return (BOM + out.getvalue()).encode("utf-8")


def render_audit_html(pack: AuditPack, lang: Lang = "zh") -> str:
    e = html.escape
    words = AUDIT_WORDS[lang]
    title = f"{pack.organization_name} {LABELS[lang]['audit_pack']}"
    meta = "".join(
        f"<tr><th>{e(row[0])}</th><td>{'<br>'.join(e(v) for v in row[1:])}</td></tr>" for row in _audit_meta(pack, lang)
    )
    money_columns = {"debit_yuan", "credit_yuan"}
    head = "".join(f"<th>{e(c)}</th>" for c in words["columns"])
    body_rows = []
    for row in audit_line_rows(pack, lang):
        cells = "".join(
            f'<td class="amount">{e(v)}</td>' if c in money_columns else f"<td>{e(v)}</td>"
            for c, v in zip(AUDIT_COLUMNS, row)
        )
        body_rows.append(f"<tr>{cells}</tr>")
    totals = "".join(
        f'<tr><td>{e(t.code)}</td><td>{e(account_name(t.code, lang))}</td><td class="amount">{format_yuan(t.debit_fen, True)}</td>'
        f'<td class="amount">{format_yuan(t.credit_fen, True)}</td><td class="amount">{format_yuan(t.net_debit_fen, True)}</td></tr>'
        for t in pack.totals
    )
    status = words["chain_intact"] if pack.chain.ok else words["chain_broken"]
    totals_head = "".join(f"<th>{e(c)}</th>" for c in words["totals_columns"])
    body = f"""<h1>{e(title)}</h1>
<p class="meta"><strong>{e(status)}</strong></p>
<table>{meta}</table>
<h2>{e(words["totals_heading"])}</h2>
<table><thead><tr>{totals_head}</tr></thead>
<tbody>{totals}
<tr class="total"><td>{e(words["total"])}</td><td></td><td class="amount">{format_yuan(pack.debit_total_fen, True)}</td>
<td class="amount">{format_yuan(pack.credit_total_fen, True)}</td><td></td></tr></tbody></table>
<h2>{e(words["lines_heading"])}</h2>
<div style="overflow-x:auto"><table><thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody></table></div>"""
    return html_page(title, lang, body)
