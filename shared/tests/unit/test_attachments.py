"""The attachments kit: types told from the bytes, limits, safe names, the archive's index."""

import asyncio
import csv
import datetime as dt
import io
import uuid
import zipfile
from urllib.parse import unquote

import pytest

from unionfed_shared.attachments.archive import ArchiveItem, ArchiveWriter, chunks
from unionfed_shared.attachments.http import AttachmentTooLarge, read_upload
from unionfed_shared.attachments.kinds import AttachmentTypeNotAllowed, signature_kinds, sniff
from unionfed_shared.attachments.names import content_disposition, safe_file_name
from unionfed_shared.attachments.settings import attachment_settings

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32


def office(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "发票.pdf", "pdf"),
        (JPEG, "现场.JPG", "jpeg"),
        (JPEG, "现场.jpeg", "jpeg"),
        (PNG, "a.png", "png"),
        (WEBP, "a.webp", "webp"),
        (office("word/document.xml"), "纪要.docx", "docx"),
        (office("xl/workbook.xml"), "名单.xlsx", "xlsx"),
        (OLE2, "old.doc", "doc"),
        (OLE2, "old.xls", "xls"),
        ("会议纪要\r\n第一项".encode(), "纪要.txt", "txt"),
        ("姓名,金额\n李华,500\n".encode("gb18030"), "名单.csv", "csv"),
        (b"\xef\xbb\xbfa,b\n", "bom.csv", "csv"),
        (PDF, "no-extension", "pdf"),
    ],
)
def test_allowed_files_are_told_by_their_signature_and_extension(data, name, kind):
    assert sniff(data, name).name == kind


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03", "发票.pdf"),  # a Windows program named as a PDF
        (PNG, "发票.pdf"),  # a PNG claiming to be a PDF: the extension disagrees with the bytes
        (PDF, "发票.exe"),
        (b"GIF89a\x01\x00", "a.gif"),
        (office("ppt/presentation.xml"), "a.pptx"),  # a zip that is not a Word or Excel file
        (b"PK\x03\x04broken", "a.docx"),
        (b"<script>\x00</script>", "a.txt"),  # NUL: not text
        (b"text\x1b[31m", "a.txt"),  # an escape sequence
        (OLE2, "no-extension"),  # doc or xls: cannot tell without the extension
    ],
)
def test_other_files_are_refused_with_a_stable_code_and_chinese_first(data, name):
    with pytest.raises(AttachmentTypeNotAllowed) as refused:
        sniff(data, name)
    assert refused.value.code == "attachment_type_not_allowed" and refused.value.status_code == 415
    assert refused.value.zh.startswith("不支持此文件类型")


def test_the_allow_list_can_be_narrowed():
    assert signature_kinds(PNG) == ("png",)
    with pytest.raises(AttachmentTypeNotAllowed):
        sniff(PNG, "a.png", allowed=("pdf",))


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("C:\\Users\\李华\\发票.pdf", "发票.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\r\nContent-Type: x.pdf", "aContent-Type: x.pdf"),
        ("", "attachment"),
        (None, "attachment"),
        ("...", "attachment"),
        ("e\u0301.pdf", "\u00e9.pdf"),  # NFC
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_original_names_are_kept_but_made_safe(raw, safe):
    assert safe_file_name(raw) == safe


def test_content_disposition_carries_the_utf8_name_and_an_ascii_fallback():
    header = content_disposition('购买乐器 "发票";.pdf')
    ascii_part, utf8_part = header.split("; filename*=UTF-8''")
    assert ascii_part.startswith('attachment; filename="') and ascii_part.isascii()
    assert ascii_part.count('"') == 2 and ";" not in ascii_part.removeprefix("attachment;")
    assert unquote(utf8_part) == '购买乐器 "发票";.pdf'
    assert "\r" not in content_disposition("a\r\nX: y.pdf") and "\n" not in content_disposition("a\r\nX: y.pdf")


class Upload:
    def __init__(self, data: bytes, filename: str | None):
        self.data, self.filename = data, filename

    async def read(self, size: int = -1) -> bytes:
        return self.data if size < 0 else self.data[:size]


def test_a_file_over_the_limit_is_refused_before_its_type_is_looked_at(monkeypatch):
    monkeypatch.setenv("ATTACHMENTS_MAX_BYTES", "16")
    attachment_settings.cache_clear()
    try:
        with pytest.raises(AttachmentTooLarge) as refused:
            asyncio.run(read_upload(Upload(b"x" * 17, "big.exe")))  # type: ignore[arg-type]
        assert (refused.value.code, refused.value.status_code) == ("attachment_too_large", 413)
        assert "上限" in refused.value.zh
        data, name, media_type = asyncio.run(read_upload(Upload(PDF[:16], "发票")))  # type: ignore[arg-type]
        assert (name, media_type) == ("发票.pdf", "application/pdf")
    finally:
        monkeypatch.delenv("ATTACHMENTS_MAX_BYTES")
        attachment_settings.cache_clear()
    assert attachment_settings().max_bytes == 20 * 1024 * 1024


def test_an_empty_file_is_refused():
    with pytest.raises(Exception) as refused:
        asyncio.run(read_upload(Upload(b"", "empty.pdf")))  # type: ignore[arg-type]
    assert getattr(refused.value, "code", None) == "attachment_empty"


def _row(name: str, content: bytes, record: str = "r1") -> dict:
    return {
        "id": uuid.uuid4(),
        "record_kind": "grant",
        "record_id": record,
        "purpose": "receipt",
        "file_name": name,
        "media_type": "application/pdf",
        "size_bytes": len(content),
        "sha256": "ab" * 32,
        "uploaded_by": "officer-1",
        "uploaded_at": dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC),
    }


def test_the_archive_holds_every_file_once_and_an_index_excel_opens():
    writer = ArchiveWriter()
    writer.add(ArchiveItem(_row("签收单.pdf", PDF), "慰问", "住院慰问 李华"), PDF)
    writer.add(ArchiveItem(_row("签收单.pdf", PDF + b"2"), "慰问", "住院慰问 李华"), PDF + b"2")  # same name
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks(writer.finish()))))
    raw = archive.read("index.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0].startswith("记录类型") and len(rows) == 3
    paths = [row[5] for row in rows[1:]]
    assert len(set(paths)) == 2 and paths[0] == "grant-r1/签收单.pdf"
    assert archive.read(paths[0]) == PDF and archive.read(paths[1]) == PDF + b"2"
