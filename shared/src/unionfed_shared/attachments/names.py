"""An uploaded file's original name, kept as given but made safe to store and to send back."""

import unicodedata
from urllib.parse import quote

MAX_NAME_CHARS = 200


def safe_file_name(raw: str | None, fallback: str = "attachment") -> str:
    """The last path part, NFC, without control characters, at most 200 characters (extension kept)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".").strip()
    if not name:
        return fallback
    if len(name) > MAX_NAME_CHARS:
        dot = name.rfind(".")
        extension = name[dot:] if dot > 0 and len(name) - dot <= 10 else ""
        name = name[: MAX_NAME_CHARS - len(extension)] + extension
    return name


def content_disposition(file_name: str, disposition: str = "attachment") -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266 with the RFC 5987 UTF-8 name)."""
    name = safe_file_name(file_name)
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name)
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
