"""Term statistics: IDF over the reports seen, frame vectors and event term centroids."""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence

from sitrep.models import EventFrame

Vector = tuple[dict[str, float], float]  # term weights and their norm


_WEIGHTED_COPY = re.compile(r"[a-z]:")  # a term that repeats another under a prefix


class TermStats:
    """Document frequencies of terms over the reports seen (each report counted once)."""

    def __init__(self, *, cache_size: int = 20_000) -> None:
        self.documents = 0
        self.df: Counter[str] = Counter()
        self._reports: set[str] = set()
        self._vectors: OrderedDict[str, tuple[int, Vector]] = OrderedDict()
        self._cache_size = cache_size
        self._idf: dict[str, float] = {}  # idf of terms asked since the last report seen
        self._idf_documents = 0

    def observe(self, frame: EventFrame) -> None:
        if frame.report_id in self._reports:
            return
        self._reports.add(frame.report_id)
        self.documents += 1
        self.df.update(set(frame.terms))

    def idf(self, term: str) -> float:
        if self._idf_documents != self.documents:  # a report was seen: weights changed
            self._idf.clear()
            self._idf_documents = self.documents
        weight = self._idf.get(term)
        if weight is None:
            weight = math.log((self.documents + 1) / (self.df.get(term, 0) + 1)) + 1.0
            self._idf[term] = weight
        return weight

    @property
    def epoch(self) -> int:
        """Changes each time the number of reports grows by 5%: cached vectors are reweighted
        then, so scoring a candidate does not recompute its vector every time."""
        return int(math.log(self.documents + 1) / math.log(1.05))

    def vector(self, terms: Sequence[str]) -> Vector:
        """Sublinear tf x idf weights and their Euclidean norm."""
        weights = {t: (1.0 + math.log(n)) * self.idf(t) for t, n in Counter(terms).items() if t}
        return weights, math.sqrt(sum(w * w for w in weights.values()))

    def frame_vector(self, frame: EventFrame) -> Vector:
        """``vector(frame.terms)``, cached per frame for the current epoch."""
        epoch = self.epoch
        hit = self._vectors.get(frame.id)
        if hit is not None and hit[0] == epoch:
            self._vectors.move_to_end(frame.id)
            return hit[1]
        vector = self.vector(frame.terms)
        self._vectors[frame.id] = (epoch, vector)
        self._vectors.move_to_end(frame.id)
        if len(self._vectors) > self._cache_size:
            self._vectors.popitem(last=False)
        return vector

    def centroid_cosine(self, vector: Vector, centroid: EventTerms) -> float:
        """Cosine of a frame's vector and an event's IDF-weighted term centroid."""
        weights, norm = vector
        if not norm or not centroid.frames:
            return 0.0
        tf, idf = centroid.tf, self.idf
        dot = sum(w * tf[t] * idf(t) for t, w in weights.items() if t in tf)
        if not dot:
            return 0.0
        return dot / (norm * centroid.norm(idf, self.epoch))

    def signature(self, terms: Sequence[str], size: int, max_share: float = 0.05) -> list[str]:
        """The report's ``size`` most salient terms (``terms`` come most salient first),
        skipping terms found in more than ``max_share`` of the reports seen (once there are
        enough reports to tell) and weighted copies ("e:name", see ``report_terms``)."""
        limit = max(20.0, max_share * self.documents)
        picked = [
            t
            for t in dict.fromkeys(terms)
            if not _WEIGHTED_COPY.match(t) and self.df.get(t, 0) <= limit
        ]
        return picked[:size]


def cosine(a: Vector, b: Vector) -> float:
    (wa, na), (wb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(wa) > len(wb):
        wa, wb = wb, wa
    return sum(w * wb[t] for t, w in wa.items() if t in wb) / (na * nb)


class EventTerms:
    """An event's term centroid: per term, the sum over its frames of the frame's sublinear
    term frequency divided by that frame's norm, so each report weighs alike. IDF weights are
    applied when it is compared (:meth:`TermStats.centroid_cosine`), so they stay current.
    """

    __slots__ = ("_epoch", "_norm_sq", "_pending", "frames", "tf")

    def __init__(self) -> None:
        self.frames = 0
        self.tf: dict[str, float] = {}
        self._epoch: int | None = None  # TermStats.epoch of the IDF weights in _norm_sq
        self._norm_sq = 0.0
        self._pending: dict[str, float] = {}  # term -> its weight before the latest frames

    def add(self, terms: Sequence[str]) -> None:
        counts = Counter(t for t in terms if t)
        if not counts:
            return
        weights = {t: 1.0 + math.log(n) for t, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        for term, weight in weights.items():
            before = self.tf.get(term, 0.0)
            self._pending.setdefault(term, before)
            self.tf[term] = before + weight / norm
        self.frames += 1

    def absorb(self, other: EventTerms) -> None:
        """Add another centroid's frames to this one (two events or episodes merged)."""
        for term, weight in other.tf.items():
            before = self.tf.get(term, 0.0)
            self._pending.setdefault(term, before)
            self.tf[term] = before + weight
        self.frames += other.frames

    def norm(self, idf: Callable[[str], float], epoch: int) -> float:
        """Norm of the IDF-weighted centroid: recomputed when ``epoch`` changes, otherwise
        updated for the terms of the frames added since (so its cost does not grow with the
        event)."""
        if self._epoch != epoch:
            self._norm_sq = sum((w * idf(t)) ** 2 for t, w in self.tf.items())
            self._epoch = epoch
        else:
            for term, before in self._pending.items():
                self._norm_sq += (self.tf[term] ** 2 - before**2) * idf(term) ** 2
        self._pending.clear()
        return math.sqrt(max(self._norm_sq, 0.0))
