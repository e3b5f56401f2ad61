"""Helpers for tests that run the real extractor on sentences written for them."""

from __future__ import annotations

from datetime import date

from sitrep.models import Claim, Extraction, Report

DAY = date(2024, 3, 10)


def run(extractor, text: str, published: date | None = DAY) -> Extraction:
    """The extraction of ``text`` as a report published on ``published``."""
    return extractor.extract_one(Report(source="t.txt", text=text, published=published))


def only(extraction: Extraction, measure: str, value: int) -> Claim:
    """The one claim of ``measure`` with ``value`` (the test fails unless there is exactly one)."""
    found = [c for c in extraction.claims if c.measure == measure and c.quantity.value == value]
    assert len(found) == 1, [(c.measure, c.quantity.value) for c in extraction.claims]
    return found[0]
