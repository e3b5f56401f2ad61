"""The relevance filter: a cheap lexical test run before spaCy.

A news archive is mostly sport, business and celebrity stories. A report that uses none of
the words of violence, harm and conflict in ``data/relevance.toml`` cannot hold a conflict
figure, so it is skipped before it costs a parse. A file of the same name in ``$SITREP_DATA``
replaces the bundled vocabulary.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sitrep.models import Report

VOCABULARY_FILE = "relevance.toml"


class RelevanceError(ValueError):
    """The vocabulary file is unreadable or malformed (one-line message)."""


def _entry_pattern(entry: str) -> str:
    """One vocabulary entry as a regex: ``*`` is any word ending, a space any whitespace."""
    prefix = entry.endswith("*")
    words = entry.rstrip("*").split()
    body = r"\s+".join(re.escape(word) for word in words)
    return body + (r"\w*" if prefix else "")


def _compile(entries: Sequence[str]) -> re.Pattern[str]:
    # Longest first so "air strike*" wins over a shorter entry at the same place.
    alternatives = sorted((_entry_pattern(e) for e in entries if e.strip()), key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Vocabulary:
    """The filter's words: one ``strong`` word, or ``min_weak`` different weak ones."""

    strong: re.Pattern[str]
    weak: re.Pattern[str]
    min_weak: int

    def relevant(self, text: str) -> bool:
        """True when ``text`` could hold a figure of political violence."""
        if self.strong.search(text):
            return True
        if self.min_weak <= 0:
            return True
        seen: set[str] = set()
        for match in self.weak.finditer(text):
            seen.add(match.group(0).casefold())
            if len(seen) >= self.min_weak:
                return True
        return False


def parse_vocabulary(data: dict[str, Any], where: str) -> Vocabulary:
    """A Vocabulary from the decoded TOML of a relevance file."""
    lists = {}
    for key in ("strong", "weak"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RelevanceError(f"{where}: {key!r} must be a list of strings")
        lists[key] = value
    min_weak = data.get("min_weak", 2)
    if not isinstance(min_weak, int) or isinstance(min_weak, bool) or min_weak < 0:
        raise RelevanceError(f"{where}: 'min_weak' must be a whole number >= 0")
    try:
        return Vocabulary(_compile(lists["strong"]), _compile(lists["weak"]), min_weak)
    except re.error as error:
        raise RelevanceError(f"{where}: bad vocabulary entry ({error})") from None


def read_vocabulary(path: Path) -> Vocabulary:
    """The vocabulary of a relevance TOML file."""
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise RelevanceError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise RelevanceError(f"{path}: cannot read ({error.strerror or error})") from None
    return parse_vocabulary(data, str(path))


@lru_cache(maxsize=4)
def default_vocabulary(user_dir: str | None = None) -> Vocabulary:
    """``$SITREP_DATA/relevance.toml`` when present, else the bundled vocabulary."""
    if user_dir and (Path(user_dir) / VOCABULARY_FILE).is_file():
        return read_vocabulary(Path(user_dir) / VOCABULARY_FILE)
    bundled = resources.files("sitrep").joinpath(f"data/{VOCABULARY_FILE}")
    return parse_vocabulary(
        tomllib.loads(bundled.read_text("utf-8")), f"sitrep/data/{VOCABULARY_FILE}"
    )


class RelevanceFilter:
    """Passes relevant reports on and counts the ones it skips (``enabled=False``: passes all)."""

    def __init__(self, vocabulary: Vocabulary | None = None, *, enabled: bool = True) -> None:
        if vocabulary is None and enabled:
            import os

            vocabulary = default_vocabulary(os.environ.get("SITREP_DATA") or None)
        self.vocabulary = vocabulary
        self.enabled = enabled
        self.kept = 0
        self.skipped = 0

    def relevant(self, report: Report) -> bool:
        """True when the report goes on to extraction; counts it either way."""
        keep = not self.enabled or self.vocabulary is None or self.vocabulary.relevant(report.text)
        if keep:
            self.kept += 1
        else:
            self.skipped += 1
        return keep

    def keep(
        self, reports: Iterable[Report], on_skip: Callable[[Report], None] | None = None
    ) -> Iterator[Report]:
        """The relevant reports of a stream; ``on_skip`` is told of each one skipped."""
        for report in reports:
            if self.relevant(report):
                yield report
            elif on_skip is not None:
                on_skip(report)

    @property
    def share_skipped(self) -> float:
        seen = self.kept + self.skipped
        return self.skipped / seen if seen else 0.0
