"""Paths to reports: walk folders lazily, read each file, turn every failure into an IngestError."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from sitrep.ingest.decode import (
    SNIFF_BYTES,
    binary_reason,
    declared_charset,
    decode_utf8,
    looks_like_html,
)
from sitrep.ingest.errors import IngestError, InputProblem
from sitrep.ingest.header import read_text_report
from sitrep.ingest.html_page import read_html_report
from sitrep.ingest.jsonl import JSONL_SUFFIXES, read_jsonl
from sitrep.ingest.warc import is_warc_name, read_warc
from sitrep.models import Report

HTML_SUFFIXES = frozenset({".html", ".htm"})
REPORT_SUFFIXES = frozenset({".txt"}) | HTML_SUFFIXES | JSONL_SUFFIXES
DEFAULT_MAX_BYTES = 5_000_000


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path | IngestError]:
    """Each file to read, in order: named files as given, folders walked lazily in sorted order.

    In a folder only report files (``REPORT_SUFFIXES``, and web archives ``.warc``/``.warc.gz``)
    are taken; hidden entries (``.name``) and other files are skipped. A missing or
    unlistable path yields an IngestError.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    for given in paths:
        path = Path(given)
        try:
            is_dir = path.is_dir()
            if not is_dir:
                path.stat()
        except FileNotFoundError:
            yield IngestError(str(given), "no such file or directory")
            continue
        except PermissionError:
            yield IngestError(str(given), "permission denied")
            continue
        except OSError as error:
            yield IngestError(str(given), f"cannot access ({error.strerror or error})")
            continue
        if is_dir:
            yield from _walk(path, set())
        else:
            yield path


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | IngestError]:
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:  # a symlink loop
            return
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except PermissionError:
        yield IngestError(str(folder), "permission denied (cannot list folder)")
        return
    except OSError as error:
        yield IngestError(str(folder), f"cannot list folder ({error.strerror or error})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            if entry.is_dir():
                yield from _walk(path, seen)
            elif entry.is_file() and is_report_file(path):
                yield path
        except OSError:  # vanished or unreadable entry: its reader will say so
            if is_report_file(path):
                yield path


def is_report_file(path: Path) -> bool:
    """True for the files a folder contributes: report suffixes and web archives."""
    return path.suffix.lower() in REPORT_SUFFIXES or is_warc_name(path.name)


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many files (and bad paths) ``read_reports`` will go through: a progress bar total.

    Lists folders but opens no file; a JSON Lines file or a web archive counts once however
    many reports it holds.
    """
    return sum(1 for _ in iter_input_files(paths))


def read_reports(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Report | IngestError]:
    """Reports from files and folders, one at a time; bad input yields IngestError, never raises.

    Text files: UTF-8 (a leading BOM is dropped, so offsets index the text after it), line
    ends kept as they are. HTML: see ``read_html_report``. JSON Lines: one report per line.
    A file is JSON Lines when it ends in .jsonl/.ndjson, HTML when it ends in .html/.htm or
    starts with a tag or ``<!doctype``, else plain text; a file named explicitly is read
    whatever its suffix, while folders contribute only ``REPORT_SUFFIXES`` files. Web archives
    (``.warc``, ``.warc.gz``): one report per HTML response record, see ``read_warc``.
    """
    for item in iter_input_files(paths):
        if isinstance(item, IngestError):
            yield item
        elif is_warc_name(item.name):
            yield from read_warc(item, max_bytes=max_bytes)
        elif item.suffix.lower() in JSONL_SUFFIXES:
            yield from _read_jsonl_file(item, max_bytes)
        else:
            yield _read_document(item, max_bytes)


def _read_jsonl_file(path: Path, max_bytes: int) -> Iterator[Report | IngestError]:
    try:
        stream = path.open("rb", buffering=4 * SNIFF_BYTES)
    except OSError as error:
        yield IngestError(str(path), _open_reason(error))
        return
    with stream:
        try:
            yield from read_jsonl(path, stream, max_bytes)
        except OSError as error:
            yield IngestError(str(path), f"read failed ({error.strerror or error})")


def _read_document(path: Path, max_bytes: int) -> Report | IngestError:
    """One text or HTML file as a Report."""
    try:
        data = _read_bytes(path, max_bytes)
        if not data.strip():
            raise InputProblem("empty file")
        if reason := binary_reason(data[:SNIFF_BYTES]):
            raise InputProblem(reason)
        if path.suffix.lower() in HTML_SUFFIXES or looks_like_html(data[:SNIFF_BYTES]):
            return read_html_report(_decode_html(data), str(path))
        text = decode_utf8(data)
        if not text.strip():
            raise InputProblem("empty file")
        return read_text_report(text, str(path))
    except InputProblem as problem:
        return IngestError(str(path), str(problem))
    except OSError as error:
        return IngestError(str(path), _open_reason(error))


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    with path.open("rb") as stream:
        info = os.fstat(stream.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise InputProblem(_oversize(info.st_size, max_bytes))
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:  # a stream, or a file that grew while read
        raise InputProblem(f"file is over {max_bytes} bytes, the limit (--max-bytes)")
    return data


def _oversize(size: int, max_bytes: int) -> str:
    return f"file is {size} bytes, over the limit of {max_bytes} (--max-bytes)"


def _decode_html(data: bytes) -> str:
    """HTML is UTF-8 unless the page declares another charset, which is then honoured."""
    charset = declared_charset(data)
    if charset is None or charset.replace("-", "").replace("_", "") in {"utf8", "utf8mb4"}:
        return decode_utf8(data)
    try:
        return data.decode(charset)
    except LookupError:
        raise InputProblem(f"unknown charset {charset!r} declared in the HTML page") from None
    except UnicodeDecodeError as error:
        raise InputProblem(
            f"not valid {charset} at byte {error.start}, the charset the page declares"
        ) from None


def _open_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot read ({error.strerror or error})"
