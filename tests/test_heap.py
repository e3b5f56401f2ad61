"""Freed C heap memory goes back to the system after a batch."""

from __future__ import annotations

import sys

import psutil
import pytest

from sitrep import heap


def _resident_mb() -> float:
    return psutil.Process().memory_info().rss / (1024 * 1024)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux")
def test_trimming_returns_the_pages_a_fragmented_heap_keeps() -> None:
    # 1,000-byte objects come from malloc; keeping every 16th leaves no free space at the
    # top of the heap for free() to give back, only whole free pages between live blocks
    blocks = [bytes(1000) + bytes([n % 256]) for n in range(300_000)]
    kept = blocks[::16]
    del blocks
    before = _resident_mb()
    assert heap.trim_heap()
    after = _resident_mb()
    assert before - after > 100, (before, after)
    assert len(kept) == 18_750  # still alive and readable
    assert all(len(b) == 1001 for b in kept)


def test_elsewhere_trimming_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    heap._malloc_trim.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert heap.trim_heap() is False
    finally:
        heap._malloc_trim.cache_clear()
