"""Bytes to text: refuse binary files, decode UTF-8, and say what a wrong encoding looks like."""

from __future__ import annotations

import re

from sitrep.ingest.errors import InputProblem

SNIFF_BYTES = 8192
# File signatures worth naming when someone feeds sitrep a document that is not text.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "zip archive, e.g. .docx/.xlsx"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\xd0\xcf\x11\xe0", "MS Office document"),
)
_HTML_START = re.compile(rb"\s*<[!?a-zA-Z]")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_ASCII_LETTER = re.compile(rb"[A-Za-z]")
_PRINTABLE_ASCII = re.compile(rb"[\t\n\r\x20-\x7e]")


def binary_reason(head: bytes) -> str | None:
    """Why the first bytes of a file show it is not text, or None when they look like text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        return "not valid UTF-8 (looks like UTF-16); re-encode as UTF-8"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return f"binary file ({kind}), not text"
    if b"\x00" in head[:SNIFF_BYTES]:
        return "binary file, not text"
    return None


def _looks_utf16(head: bytes) -> bool:
    """Mostly-ASCII UTF-16 without a BOM: every other byte NUL, the others printable."""
    sample = head[:SNIFF_BYTES]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    nuls, chars = (even, odd) if even.count(0) > odd.count(0) else (odd, even)
    printable = len(_PRINTABLE_ASCII.findall(chars))
    return nuls.count(0) > 0.8 * len(nuls) and printable > 0.8 * len(chars)


def looks_like_html(head: bytes) -> bool:
    """True when a file starts (after a BOM and spaces) with a tag or ``<!doctype``."""
    return _HTML_START.match(head.removeprefix(_UTF8_BOM)) is not None


def declared_charset(head: bytes) -> str | None:
    """The ``<meta charset>`` an HTML page declares in its first bytes, if any."""
    match = _DECLARED_CHARSET.search(head[:SNIFF_BYTES])
    return match.group(1).decode("ascii").lower() if match else None


def decode_utf8(data: bytes) -> str:
    """``data`` as UTF-8 text without a leading BOM; InputProblem says why it is not."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise InputProblem(_not_utf8_reason(data, error.start)) from None


def _not_utf8_reason(data: bytes, position: int) -> str:
    decoded = data.decode("utf-8", errors="replace")
    invalid = decoded.count("\ufffd")
    valid_non_ascii = sum(1 for char in decoded if char > "\x7f") - invalid
    if valid_non_ascii >= invalid:
        return (
            f"not valid UTF-8 at byte {position}: mostly UTF-8 with {invalid} bad "
            "byte sequence(s), perhaps damaged or mixed encodings; fix or re-encode as UTF-8"
        )
    guess = guess_encoding(data)
    return f"not valid UTF-8 at byte {position} (looks like {guess}); re-encode as UTF-8"


def guess_encoding(data: bytes) -> str:
    """A human-readable guess at the legacy encoding of non-UTF-8 bytes."""
    sample = data[:65536]
    high = len(_HIGH_BYTE.findall(sample))
    letters = len(_ASCII_LETTER.findall(sample))
    # Western European text: accented letters scattered among mostly ASCII ones.
    if high <= 0.3 * (high + letters):
        return "Latin-1/cp1252"
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return "a legacy non-Latin encoding"
    best = from_bytes(sample).best()
    return best.encoding if best else "a legacy non-Latin encoding"
