"""Shared fixtures: the extractor is loaded once per session; ../shared is optional."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Indexes sitrep caches on disk go to this test run's folder, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("sitrep-cache")
        patch.setenv("SITREP_CACHE_DIR", str(folder))
        yield folder


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
