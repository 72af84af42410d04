"""A union's attachments of a year as one zip file with an index (``index.csv``, UTF-8 with BOM).

The zip is written into a spooled temporary file (in memory up to a few MB, then on disk) one
attachment at a time, and sent back in chunks: memory holds one attachment's bytes and the index
rows, never the archive.
"""

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

SPOOL_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
INDEX_NAME = "index.csv"
INDEX_HEADERS = (
    "记录类型 record kind",
    "记录编号 record id",
    "记录名称 record title",
    "用途 purpose",
    "文件名 file name",
    "压缩包内路径 path in archive",
    "大小（字节） size bytes",
    "SHA-256",
    "上传人 uploaded by",
    "上传时间 uploaded at (UTC)",
)
_NOT_STORED_AGAIN = {"image/jpeg", "image/png", "image/webp"}  # already compressed


@dataclass(frozen=True)
class ArchiveItem:
    row: dict  # an attachments row
    record_label: str  # 活动, 教代会会议, 慰问, 记账凭证 …
    record_title: str


class ArchiveWriter:
    def __init__(self) -> None:
        # Closed by chunks() once sent, or by the route on a failure.
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        self.zip = zipfile.ZipFile(self.file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.index: list[tuple] = []
        self.names: set[str] = set()

    def _path(self, item: ArchiveItem) -> str:
        row = item.row
        base = f"{row['record_kind']}-{row['record_id']}/{row['file_name']}"
        if base not in self.names:
            return base
        return f"{row['record_kind']}-{row['record_id']}/{str(row['id'])[:8]}-{row['file_name']}"

    def add(self, item: ArchiveItem, content: bytes) -> None:
        row = item.row
        path = self._path(item)
        self.names.add(path)
        compression = zipfile.ZIP_STORED if row["media_type"] in _NOT_STORED_AGAIN else zipfile.ZIP_DEFLATED
        self.zip.writestr(path, content, compress_type=compression)
        self.index.append(
            (
                item.record_label,
                row["record_id"],
                item.record_title,
                row["purpose"],
                row["file_name"],
                path,
                row["size_bytes"],
                row["sha256"],
                row["uploaded_by"],
                row["uploaded_at"].isoformat(),
            )
        )

    def abort(self) -> None:
        try:
            self.zip.close()
        finally:
            self.file.close()

    def finish(self) -> IO[bytes]:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(INDEX_HEADERS)
        writer.writerows(self.index)
        self.zip.writestr(INDEX_NAME, "\ufeff" + text.getvalue())
        self.zip.close()
        self.file.seek(0)
        return self.file


def chunks(file: IO[bytes]) -> Iterator[bytes]:
    try:
        while block := file.read(CHUNK_BYTES):
            yield block
    finally:
        file.close()
