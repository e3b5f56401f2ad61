"""JSON Lines: one report per line, read line by line so a corpus file is never held whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from sitrep.ingest.decode import SNIFF_BYTES, binary_reason, decode_utf8
from sitrep.ingest.errors import IngestError, InputProblem
from sitrep.ingest.header import parse_iso_date, read_text_report
from sitrep.models import Report

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_OPTIONAL_STRINGS = ("url", "title", "outlet")


def read_jsonl(path: Path, stream: BinaryIO, max_bytes: int) -> Iterator[Report | IngestError]:
    """Reports of an open JSON Lines file; a bad line yields an IngestError and reading goes on.

    ``max_bytes`` limits each line, not the file. Blank lines are skipped.
    """
    peek = getattr(stream, "peek", None)
    head = peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek else b""
    if reason := binary_reason(head):
        yield IngestError(str(path), reason)
        return
    records = 0
    for line_no, line in enumerate(_lines(stream, max_bytes), start=1):
        source = f"{path}:{line_no}"
        if isinstance(line, int):
            records += 1
            reason = f"line is {line} bytes, over the limit of {max_bytes} (--max-bytes)"
            yield IngestError(source, reason)
            continue
        if not line.strip():
            continue
        records += 1
        try:
            text = decode_utf8(line) if line_no == 1 else _decode_line(line)
            yield parse_record(json.loads(text), default_source=source)
        except json.JSONDecodeError as error:
            yield IngestError(source, f"not valid JSON ({error.msg} at column {error.colno})")
        except InputProblem as problem:
            yield IngestError(source, str(problem))
    if records == 0:
        yield IngestError(str(path), "empty file")


def _decode_line(line: bytes) -> str:
    if line.startswith(b"\xef\xbb\xbf"):  # a BOM is only allowed at the start of the file
        raise InputProblem("byte-order mark in the middle of the file")
    return decode_utf8(line)


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[bytes | int]:
    """Lines without their end-of-line; the byte count instead of a line over ``max_bytes``."""
    while line := stream.readline(max_bytes + 2):
        if len(line.rstrip(b"\r\n")) <= max_bytes:
            yield line.rstrip(b"\r\n")
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := stream.readline(1 << 16)):
            size += len(line)
        yield size - (len(line) - len(line.rstrip(b"\r\n")))


def parse_record(record: Any, *, default_source: str) -> Report:
    """A Report from one decoded JSON Lines record; InputProblem says what is wrong with it.

    Required ``text``; optional ``url``, ``title``, ``outlet``, ``published`` (ISO date or
    datetime) and ``source`` (or ``id``). Header lines in ``text`` are read as in plain text;
    fields given in the record take precedence over what the header says.
    """
    if not isinstance(record, dict):
        raise InputProblem(f"expected a JSON object, got {_json_type(record)}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputProblem('missing or empty "text"')
    fields: dict[str, Any] = {}
    for key in _OPTIONAL_STRINGS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputProblem(f'"{key}" must be a string, got {_json_type(value)}')
        if value and value.strip():
            fields[key] = value.strip()
    published = record.get("published")
    if published is not None:
        day = parse_iso_date(published) if isinstance(published, str) else None
        if day is None:
            raise InputProblem(f'bad "published" {json.dumps(published)[:60]}: not an ISO date')
        fields["published"] = day
    source = record.get("source", record.get("id"))
    if isinstance(source, str | int) and not isinstance(source, bool) and str(source).strip():
        source = str(source).strip()
    else:
        source = default_source
    report = read_text_report(text, source)
    return replace(report, **fields)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
