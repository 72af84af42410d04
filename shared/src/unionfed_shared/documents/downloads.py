"""A file to download, named in the reader's language.

The name goes in both forms of RFC 6266: an ASCII `filename` for old clients, and the UTF-8
`filename*` (RFC 5987) that browsers prefer, so 慰问金签收单.pdf arrives under its Chinese name.
"""

from urllib.parse import quote

from fastapi import Response


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


def file_responses(description: str, *media_types: str) -> dict[int | str, dict]:
    """A route's OpenAPI ``responses`` when it also answers these files (``?format=pdf|xlsx``) beside its JSON."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": description, "content": dict.fromkeys(media_types, binary)}}
