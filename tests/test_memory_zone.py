"""Extraction inside spaCy memory zones: same results, a vocabulary that does not grow, and no
cache that keeps the hash of a string a zone has freed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sitrep.models import Extraction, Report
from sitrep.nlp import pipeline
from sitrep.nlp.attributes import CachedLemmatizer
from sitrep.nlp.pipeline import Extractor

BATCH = 4
SYLLABLES = ("vor", "qua", "zel", "drim", "tho", "kesh", "lun", "brax", "yol", "mip")


def invented(n: int, prefix: str) -> str:
    """A word no model or data file knows: ``prefix`` and syllables spelling ``n``."""
    return prefix + "".join(SYLLABLES[int(d)] for d in str(n))


def report(n: int, prefix: str) -> Report:
    """A short conflict report naming an invented town, group and commander."""
    town = invented(n, prefix + "ta").capitalize()
    group = invented(n, prefix + "gro").capitalize()
    chief = invented(n, prefix + "chi").capitalize()
    huts = invented(n, prefix + "hut") + "lings"  # plural: its lemma is a string of its own
    text = (
        f"{town} attack\n\n"
        f"Fighters of the {group} Front attacked {town} on Monday, officials said.\n\n"
        f"Dozens of {huts} were shelled.\n\n"
        f'The {group} Front said 14 soldiers were killed. "We hold {town}," said {chief} Orr.\n'
    )
    return Report(source=f"test://{prefix}/{n}", text=text, published=date(2024, 5, 6))


def reports(count: int, prefix: str) -> list[Report]:
    return [report(n, prefix) for n in range(count)]


@pytest.fixture(scope="module")
def zoned() -> Extractor:
    """An extractor of its own (tests here change its vocabulary), warmed up so that every
    later batch runs in a memory zone."""
    ex = Extractor(batch_size=BATCH)
    list(ex.extract(reports(pipeline.WARM_REPORTS, "warm")))
    assert ex._warmed >= pipeline.WARM_REPORTS
    return ex


def spacy_objects(value: object) -> Iterator[object]:
    """Every Doc, Span or Token reachable from ``value`` through dataclasses and containers."""
    if isinstance(value, (Doc, Span, Token)):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from spacy_objects(getattr(value, field.name))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from spacy_objects(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from spacy_objects(key)
            yield from spacy_objects(item)


def test_extracting_twice_across_zones_gives_equal_extractions(zoned: Extractor) -> None:
    batch = reports(2 * BATCH, "twice")
    first = list(zoned.extract(batch))
    second = list(zoned.extract(batch))
    assert len(first) == len(batch)
    assert first == second
    # the invented names went through the pipeline: the group claims the toll
    claimants = {c.claimant.text for e in first for c in e.claims if c.claimant is not None}
    assert any(invented(0, "twicegro").capitalize() in text for text in claimants)


def test_zoned_extractions_equal_those_made_outside_a_zone(zoned: Extractor) -> None:
    batch = reports(BATCH, "outside")
    town = invented(0, "outsideta").capitalize()
    in_zone = list(zoned.extract(batch))
    assert town not in zoned.nlp.vocab.strings
    zoned._warmed = pipeline.WARM_REPORTS - len(batch)  # the same texts, outside any zone
    out_of_zone = list(zoned.extract(batch))
    assert town in zoned.nlp.vocab.strings  # kept: that batch ran outside a zone
    assert zoned._warmed == pipeline.WARM_REPORTS
    assert in_zone == out_of_zone


def test_worker_batches_run_in_a_zone(zoned: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_WORKER", zoned)
    batch = reports(BATCH, "worker")
    strings = len(zoned.nlp.vocab.strings)
    found = pipeline._extract_batch(batch)
    assert [e.report for e in found] == batch
    assert found == list(zoned.extract(batch))
    assert len(zoned.nlp.vocab.strings) == strings


def test_no_spacy_object_leaves_the_zone(zoned: Extractor) -> None:
    found = list(zoned.extract(reports(BATCH, "leak")))
    assert all(isinstance(e, Extraction) for e in found)
    assert sum(len(e.claims) for e in found) >= BATCH  # there was something to look into
    assert [obj for e in found for obj in spacy_objects(e)] == []


def test_vocabulary_does_not_grow_with_new_words(zoned: Extractor) -> None:
    nlp = zoned.nlp
    list(zoned.extract(reports(BATCH, "grow")))  # one zone first: every batch is alike
    strings = len(nlp.vocab.strings)
    lexemes = sum(1 for _ in nlp.vocab)
    batch = reports(10 * BATCH, "grow")[BATCH:]  # 36 reports, each with three new names
    found = list(zoned.extract(batch))
    assert len(found) == len(batch)
    assert len(nlp.vocab.strings) == strings
    assert sum(1 for _ in nlp.vocab) == lexemes
    for n in range(BATCH, 10 * BATCH):
        assert invented(n, "growta").capitalize() not in nlp.vocab.strings


def token_attributes(nlp: Language, text: str) -> list[tuple[str, str, str, str]]:
    with nlp.memory_zone():
        return [(t.text, t.lemma_, t.tag_, t.pos_) for t in nlp(text)]


def test_lemmas_of_freed_strings_are_worked_out_again(zoned: Extractor) -> None:
    nlp = zoned.nlp
    # "vrontlings" → "vrontling": a lemma string only this text brings, freed with its zone
    text = "Dozens of vrontlings were shelled near Quendrith; the blorfed villagers fled."
    first = token_attributes(nlp, text)
    assert ("vrontlings", "vrontling", "NNS", "NOUN") in first
    assert "vrontling" not in nlp.vocab.strings
    lemmatizer = nlp.get_pipe("lemmatizer")
    assert isinstance(lemmatizer, CachedLemmatizer)
    assert token_attributes(nlp, text) == first
    assert "vrontling" in lemmatizer._lemmas.values()  # kept, as a string
    assert all(isinstance(lemma, str) for lemma in lemmatizer._lemmas.values())
