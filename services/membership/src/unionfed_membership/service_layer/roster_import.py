"""Bulk import of a union's roster from .xlsx or .csv: validate every row, then enrol the new members.

A file with bad rows imports nothing unless the caller asks for the good rows. Re-importing
the same file creates nothing: a person is recognised by ID number anywhere in the federation,
or by staff number within the union when the row has no ID number.
"""

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from unionfed_membership.domain.model import Organization
from unionfed_membership.domain.roster import RosterRow, RowError, map_headers, parse_rows
from unionfed_membership.service_layer import clock, commands, members, permissions, scope
from unionfed_shared.auth import Principal
from unionfed_shared.errors import Conflict, DomainError, Invalid

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# What an .xlsx may unpack to. A roster of MAX_ROWS rows is a few MB of XML; a "zip bomb" of a few
# KB that unpacks to gigabytes (openpyxl reads sharedStrings.xml whole) is refused before opening.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024


class RosterTooLarge(DomainError):
    status_code = 413
    category = "too_large"


class UnsupportedRoster(DomainError):
    status_code = 415
    category = "unsupported_media_type"


Progress = Callable[[int, int], None]


@dataclass
class Skipped:
    line: int
    member_id: str
    zh: str
    en: str

    @classmethod
    def already_a_member(cls, line: int, member_id: object) -> "Skipped":
        return cls(line, str(member_id), "已是会员", "already a member")


@dataclass
class ImportSummary:
    organization_id: str
    filename: str
    rows: int = 0
    created: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    refused: list[RowError] = field(default_factory=list)
    imported: bool = True  # False when bad rows stopped the whole file, or on a dry run
    dry_run: bool = False
    to_create: int = 0  # on a dry run: the good rows that are not members yet

    def as_dict(self, language: str = "zh-CN") -> dict:
        """The summary with every reason in ``language`` (``zh-CN`` or ``en``)."""
        return {
            "organization_id": self.organization_id,
            "filename": self.filename,
            "imported": self.imported,
            "dry_run": self.dry_run,
            "to_create": self.to_create,
            "rows": self.rows,
            "created": self.created,
            "skipped_already_members": len(self.skipped),
            "refused": len(self.refused),
            "skipped": [
                {"line": s.line, "member_id": s.member_id, "reason": s.en if language == "en" else s.zh}
                for s in self.skipped
            ],
            "refused_rows": [{"line": e.line, "code": e.code, "reason": e.reason(language)} for e in self.refused],
        }


def read_table(filename: str, data: bytes) -> tuple[list[object], list[tuple[int, Sequence[object]]]]:
    """The header and numbered rows of the first sheet (.xlsx) or of a CSV (UTF-8, BOM or GB18030)."""
    if len(data) > MAX_BYTES:
        raise RosterTooLarge(
            "roster_too_large",
            zh=f"文件大小为 {len(data)} 字节，超过 {MAX_BYTES} 字节的上限，请拆分后再导入",
            en=f"the file is {len(data)} bytes; the limit is {MAX_BYTES} (split it)",
        )
    if not data.strip():
        raise Invalid("roster_empty", zh="文件为空", en="the file is empty")
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        records = _xlsx_records(data)
    elif name.endswith((".xls", ".et", ".ods")) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedRoster(
            "roster_format_unsupported",
            zh="只能读取 .xlsx 和 .csv 文件；请将表格另存为 .xlsx（Excel 2007 及以上）或 CSV",
            en="only .xlsx and .csv are read; save the sheet as .xlsx (Excel 2007+) or CSV",
        )
    else:
        records = _csv_records(data)
    header: list[object] | None = None
    rows: list[tuple[int, Sequence[object]]] = []
    for line, cells in enumerate(records, start=1):
        if header is None:
            header = list(cells)
            continue
        if len(rows) >= MAX_ROWS:
            raise RosterTooLarge(
                "roster_too_large",
                zh=f"文件超过 {MAX_ROWS} 行，请拆分成较小的文件",
                en=f"the file has more than {MAX_ROWS} rows; split it into smaller files",
            )
        rows.append((line, tuple(cells)))
    if header is None:
        raise Invalid("roster_header_missing", zh="文件没有表头行", en="the file has no header row")
    return header, rows


def _xlsx_records(data: bytes) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # The sizes a zip declares bound what it unpacks to: zipfile stops (bad CRC) at the declared size.
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Invalid(
            "roster_unreadable",
            zh=f"无法读取该 .xlsx 工作簿：{exc}",
            en=f"the file is not a readable .xlsx workbook: {exc}",
        ) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise RosterTooLarge(
            "roster_too_large",
            zh=f"工作簿解压后为 {unpacked} 字节，超过 {MAX_XLSX_UNPACKED_BYTES} 字节的上限，请拆分后再导入",
            en=f"the workbook unpacks to {unpacked} bytes, more than the limit of {MAX_XLSX_UNPACKED_BYTES}; "
            "split the file",
        )
    try:
        # data_only=False: a formula comes back as its text ("=…") and is refused as injection,
        # rather than as a cached value the office never typed.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Invalid(
            "roster_unreadable",
            zh=f"无法读取该 .xlsx 工作簿：{exc}",
            en=f"the file is not a readable .xlsx workbook: {exc}",
        ) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_records(data: bytes) -> Iterator[Sequence[object]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Invalid(
            "roster_encoding_unsupported",
            zh="该 CSV 为 UTF-16 编码（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”或“CSV（逗号分隔）”",
            en='the CSV is UTF-16 (Excel\'s "Unicode text"); save it as "CSV UTF-8" or "CSV (逗号分隔)"',
        )
    if data.startswith(b"\xef\xbb\xbf"):
        text = data.decode("utf-8-sig")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                # What Chinese Excel writes for "CSV (逗号分隔)"; a superset of GBK and GB2312.
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise Invalid(
                    "roster_encoding_unsupported",
                    zh="该 CSV 既不是 UTF-8 也不是 GB18030 编码的文本",
                    en="the CSV is neither UTF-8 nor GB18030 text",
                ) from None
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise Invalid("roster_unreadable", zh=f"无法读取该 CSV：{exc}", en=f"the CSV cannot be read: {exc}") from None


async def import_roster(
    uow_factory,
    principal: Principal,
    organization_id: str,
    filename: str,
    data: bytes,
    *,
    import_valid_rows: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportSummary:
    async with uow_factory() as uow:
        target = await scope.organization_in_scope(uow, principal, organization_id)
        today = today or clock.today(target.zone)
        principal.require_role(*permissions.OFFICERS)
        target.check_can_hold_members()
        groups = {o.id: o for o in await uow.organizations.subtree(target) if o.kind == "union_group"}
        # Staff numbers are unique within the whole union, whichever of its groups holds them.
        union = target if target.kind == "grassroots_union" else await uow.organizations.get(target.parent_id)
        union_ids = [o.id for o in await uow.organizations.subtree(union)]
    header, table = read_table(filename, data)
    columns = map_headers(header)

    summary = ImportSummary(organization_id=target.id, filename=filename, rows=len(table))
    good: list[tuple[RosterRow, str]] = []
    for row in parse_rows(table, columns, today):
        if isinstance(row, RowError):
            summary.refused.append(row)
            continue
        placed = _place(row, target, groups)
        if isinstance(placed, RowError):
            summary.refused.append(placed)
        else:
            good.append((row, placed))
    if dry_run:
        # The preview: every refused row, and who of the rest is a member already; nothing written.
        summary.imported, summary.dry_run = False, True
        async with uow_factory() as uow:
            for row, _ in good:
                existing = await _existing_member(uow, target, union_ids, row)
                if existing is None:
                    summary.to_create += 1
                else:
                    summary.skipped.append(Skipped.already_a_member(row.line, existing))
        return summary
    if summary.refused and not import_valid_rows:
        summary.imported = False
        return summary

    for done, (row, organization) in enumerate(good, start=1):
        await _import_one(uow_factory, principal, target, union_ids, row, organization, summary)
        if progress:
            progress(done, len(good))
    async with uow_factory() as uow:
        await uow.roster.record_import(
            target.id, filename, hashlib.sha256(data).hexdigest(), summary, principal.subject
        )
        await uow.commit()
    return summary


def _place(row: RosterRow, target: Organization, groups: dict[str, Organization]) -> str | RowError:
    """Which organization the row's member joins: the union, or the union group its 工会小组 names."""
    if not row.union_group:
        return target.id
    if target.kind == "union_group":
        if row.union_group in (target.id, target.name):
            return target.id
        return RowError(
            row.line,
            "roster_group_mismatch",
            f"工会小组“{row.union_group}”不是正在导入的小组“{target.name}”",
            f"工会小组 {row.union_group!r} is not {target.name}, the group imported into",
        )
    for group in groups.values():
        if row.union_group in (group.id, group.name):
            return group.id
    return RowError(
        row.line,
        "roster_group_unknown",
        f"工会小组“{row.union_group}”不是“{target.name}”下的工会小组",
        f"工会小组 {row.union_group!r} is not a union group of {target.name}",
    )


async def _import_one(uow_factory, principal, target, union_ids, row, organization_id, summary) -> None:
    # One transaction per member: each enrolment commits its MemberJoined event with it, and a
    # failure halfway through a large file leaves what was done, which a re-import then skips.
    async with uow_factory() as uow:
        existing = await _existing_member(uow, target, union_ids, row)
        if existing is not None:
            summary.skipped.append(Skipped.already_a_member(row.line, existing))
            return
        command = commands.EnrolMember(
            display_name=row.display_name,
            gender=row.gender,
            joined_on=row.joined_on,
            id_number=row.id_number,
            phone=row.phone,
            staff_no=row.staff_no,
            base_salary_fen=row.base_salary_fen,
        )
        try:
            await members.enrol_member(uow, principal, organization_id, command)
        except Conflict as exc:
            # Someone enrolled the same person since we looked: still not a duplicate.
            summary.skipped.append(Skipped.already_a_member(row.line, exc.en.rsplit(" ", 1)[-1]))
            return
        except DomainError as exc:
            summary.refused.append(RowError.of(row.line, exc))
            return
        summary.created += 1


async def _existing_member(uow, target: Organization, union_ids: list[str], row: RosterRow):
    if row.id_number:
        member = await uow.members.find_by_id_number(target.federation_id, row.id_number)
        return member.id if member else None
    if row.staff_no:
        return await uow.roster.member_id_by_staff_no(union_ids, row.staff_no)
    return None
