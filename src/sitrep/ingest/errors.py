"""The one error type ingestion yields instead of raising."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


@dataclass(frozen=True)
class IngestError:
    """An input that could not become a Report: where (``source``) and why (``reason``)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return _LINE_BREAKS.sub(" ", f"{self.source}: {self.reason}")


class InputProblem(ValueError):
    """Raised inside the readers with a one-line reason; turned into an IngestError."""
