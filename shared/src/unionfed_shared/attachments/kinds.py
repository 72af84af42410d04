"""Which files a record may carry, told from the bytes' signature, not from the declared type.

A browser's ``Content-Type`` and the file name's extension are what the uploader says; the
first bytes are what the file is. A file is accepted when its signature is one of the allow-list
and its extension agrees with it (a ``.pdf`` holding a PNG is refused too: a reader opening it by
its name would be misled). Office documents of 2007 and later (docx, xlsx) are zip archives whose
``[Content_Types].xml`` and main part tell which; the older ones (doc, xls) share one OLE2
signature and are told apart by the extension. Text (txt, csv) has no signature: it must decode
as UTF-8 (or GB18030, what Excel in Chinese writes) and hold no control characters but tab and
line ends.
"""

import io
import zipfile
from dataclasses import dataclass

from unionfed_shared.errors import DomainError


class AttachmentTypeNotAllowed(DomainError):
    status_code = 415
    category = "unsupported_media_type"


@dataclass(frozen=True)
class FileKind:
    name: str  # pdf, jpeg, png, webp, docx, xlsx, doc, xls, txt, csv
    media_type: str
    extensions: tuple[str, ...]  # the first is the one a file without extension is given


KINDS = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "application/pdf", (".pdf",)),
        FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg")),
        FileKind("png", "image/png", (".png",)),
        FileKind("webp", "image/webp", (".webp",)),
        FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
        FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
        FileKind("doc", "application/msword", (".doc",)),
        FileKind("xls", "application/vnd.ms-excel", (".xls",)),
        FileKind("txt", "text/plain; charset=utf-8", (".txt",)),
        FileKind("csv", "text/csv; charset=utf-8", (".csv",)),
    )
}
DEFAULT_ALLOWED = tuple(KINDS)
ALLOWED_TEXT_ZH = "PDF、JPG、PNG、WEBP、Word（doc/docx）、Excel（xls/xlsx）、TXT、CSV"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 13, 12}


def extension_of(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:].lower() if dot > 0 else ""


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    for encoding in ("utf-8", "gb18030"):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(ch) in _TEXT_CONTROLS for ch in text)
    return False


def signature_kinds(data: bytes) -> tuple[str, ...]:
    """The kinds the bytes can be, by their signature (two for OLE2 and for text)."""
    if data.startswith(b"%PDF-"):
        return ("pdf",)
    if data.startswith(b"\xff\xd8\xff"):
        return ("jpeg",)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ("png",)
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ("webp",)
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        return (kind,) if kind else ()
    if data.startswith(_OLE2):
        return ("doc", "xls")
    if data and _is_text(data):
        return ("txt", "csv")
    return ()


def sniff(data: bytes, file_name: str, allowed: tuple[str, ...] = DEFAULT_ALLOWED) -> FileKind:
    """The kind of an uploaded file, or :class:`AttachmentTypeNotAllowed` (nothing is stored)."""
    candidates = [KINDS[name] for name in signature_kinds(data) if name in allowed]
    extension = extension_of(file_name)
    for kind in candidates:
        if extension in kind.extensions:
            return kind
    if len(candidates) == 1 and extension == "":
        return candidates[0]
    raise AttachmentTypeNotAllowed(
        "attachment_type_not_allowed",
        zh=f"不支持此文件类型（{file_name}）：只能上传 {ALLOWED_TEXT_ZH}，且文件内容须与扩展名相符",
        en=f"{file_name!r} is not an allowed file type: PDF, JPEG, PNG, WebP, Word, Excel, text or CSV, "
        f"whose content agrees with its extension",
    )
