"""Web archives: the HTML response records of a WARC file (plain or gzip), streamed.

Records are read with warcio one at a time, so a CC-NEWS file of tens of thousands of pages
is never held whole. Each HTML response (status 200) becomes a Report whose ``url`` is the
record's target URI and whose ``published`` date is the page's own, else the capture date.
Other records (requests, metadata, images, redirects) are passed over. A bad record, a
truncated one or a broken gzip member yields one IngestError and reading resumes at the next
record that can be found.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sitrep.ingest.errors import IngestError, InputProblem
from sitrep.ingest.header import parse_iso_date
from sitrep.ingest.webpage import is_html_type, report_from_page
from sitrep.models import Report

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord
    from warcio.statusandheaders import StatusAndHeaders

WARC_ENDINGS = (".warc", ".warc.gz")
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
_SCAN_CHUNK = 1 << 20
_READ_ERRORS = (OSError, EOFError, ValueError, zlib.error, AttributeError, TypeError, KeyError)


def is_warc_name(name: str) -> bool:
    """True for ``*.warc`` and ``*.warc.gz`` file names."""
    return name.lower().endswith(WARC_ENDINGS)


def read_warc(path: Path, *, max_bytes: int) -> Iterator[Report | IngestError]:
    """Reports of a WARC file's HTML responses; bad records yield IngestErrors, never raise.

    ``max_bytes`` limits each record's payload, not the file.
    """
    try:
        stream = path.open("rb")
    except OSError as error:
        yield IngestError(str(path), f"cannot read ({error.strerror or error})")
        return
    with stream:
        try:
            size = os.fstat(stream.fileno()).st_size
            head = stream.read(len(WARC_MAGIC))
        except OSError as error:
            yield IngestError(str(path), f"read failed ({error.strerror or error})")
            return
        if not head:
            yield IngestError(str(path), "empty file")
            return
        gzipped = head.startswith(GZIP_MAGIC[:2])
        if not gzipped and not head.startswith(WARC_MAGIC):
            yield IngestError(str(path), "not a WARC file (no WARC/1.x record at the start)")
            return
        yield from _records(path, stream, size, gzipped, max_bytes)


def _records(
    path: Path, stream: BinaryIO, size: int, gzipped: bool, max_bytes: int
) -> Iterator[Report | IngestError]:
    from warcio.archiveiterator import ArchiveIterator

    position = 0
    silent_at = -1  # a resync candidate that fails at once is not reported again
    while position < size:
        stream.seek(position)
        records = ArchiveIterator(stream)
        start = position
        try:
            for record in records:
                start = records.offset
                if getattr(record.raw_stream, "limit", None) is None:
                    # No length in its headers: warcio would read on to the end of the file.
                    raise _DamagedRecord("headers cut short")
                item = _record_item(path, record, start, max_bytes)
                if item is not None:
                    yield item
            end = records.offset
        except (*_READ_ERRORS, _DamagedRecord, _archive_error()) as error:
            start = max(start, records.offset)
            if start != silent_at:
                reason = (
                    f"damaged WARC record ({error})"
                    if isinstance(error, _DamagedRecord)
                    else f"bad WARC record ({_describe(error)})"
                )
                yield IngestError(f"{path}@{start}", reason)
            position = _next_record(stream, start + 1, size, gzipped)
            silent_at = position
            continue
        if end < size and _has_data(stream, end):
            yield IngestError(f"{path}@{end}", "truncated WARC record at the end of the file")
        return


class _DamagedRecord(ValueError):
    """A record warcio yields but cannot bound (its headers were cut)."""


def _archive_error() -> type[Exception]:
    from warcio.exceptions import ArchiveLoadFailed

    return ArchiveLoadFailed


def _record_item(
    path: Path, record: ArcWarcRecord, offset: int, max_bytes: int
) -> Report | IngestError | None:
    """The Report (or IngestError) of one record; None for a record that is not a page."""
    headers = record.rec_headers
    if record.rec_type not in ("response", "resource"):
        return None
    url = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    where = url or f"{path}@{offset}"
    http = record.http_headers
    if http is None and record.rec_type == "response":
        kind = (headers.get_header("Content-Type") or "").lower()
        if "application/http" in kind:
            return IngestError(where, "damaged WARC record (HTTP headers cut short)")
    if http is not None:
        status = (http.get_statuscode() or "").strip()
        if status != "200":
            return None
        content_type = http.get_header("Content-Type")
    else:
        content_type = headers.get_header("Content-Type")
    if not is_html_type(content_type):
        return None
    try:
        payload = record.content_stream().read(max_bytes + 1)
        if len(payload) > max_bytes:
            return IngestError(where, f"record is over {max_bytes} bytes, the limit (--max-bytes)")
        missing = record.raw_stream.limit
        if missing > 0:
            return IngestError(where, f"truncated WARC record ({missing} bytes missing)")
    except _READ_ERRORS as error:
        return IngestError(where, f"bad WARC record payload ({_describe(error)})")
    try:
        return report_from_page(
            payload, url or where, content_type=content_type, published=_capture_date(headers)
        )
    except InputProblem as problem:
        return IngestError(where, str(problem))


def _capture_date(headers: StatusAndHeaders) -> date | None:
    value = headers.get_header("WARC-Date")
    return parse_iso_date(value.replace("Z", "+00:00")) if value else None


def _next_record(stream: BinaryIO, start: int, size: int, gzipped: bool) -> int:
    """Offset of the next place a record may start at or after ``start`` (``size``: none)."""
    magic = GZIP_MAGIC if gzipped else b"\n" + WARC_MAGIC
    skip = 0 if gzipped else 1  # the record starts after the line break
    position = start
    while position < size:
        stream.seek(position)
        chunk = stream.read(_SCAN_CHUNK + len(magic))
        found = chunk.find(magic)
        if found >= 0:
            return position + found + skip
        position += _SCAN_CHUNK
    return size


def _has_data(stream: BinaryIO, offset: int) -> bool:
    stream.seek(offset)
    while chunk := stream.read(_SCAN_CHUNK):
        if chunk.strip():
            return True
    return False


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)[:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
