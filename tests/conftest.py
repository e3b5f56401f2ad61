"""Shared fixtures: the extractor is loaded once per session; ../shared is optional."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"quality gate skipped: {SHARED} is absent (it sits beside the project in CI)")
    return SHARED


@pytest.fixture(scope="session")
def extractor():
    from sitrep.nlp.pipeline import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return ROOT / "examples"
