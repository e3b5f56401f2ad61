"""What the components read of a Doc many times, built once per Doc: its text (spaCy's
``Doc.text`` joins every token on each access) and where its verbs are."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

import numpy
from spacy.attrs import DEP, POS
from spacy.parts_of_speech import AUX, VERB
from spacy.tokens import Doc, Span, Token

_KEY = "sitrep.text"
_VERBS_KEY = "sitrep.verbs"


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept in ``doc.user_data`` after the first call (a Doc's text never
    changes once tokenized: retokenizing merges or splits tokens, not characters)."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_KEY] = text
    return text


def verb_indices(doc: Doc) -> list[int]:
    """Indices of the tokens tagged VERB or AUX, ascending, read from the Doc's arrays the
    first time (the components ask once the tagger is done; nothing retags after it)."""
    found = doc.user_data.get(_VERBS_KEY)
    if found is None:
        pos = doc.to_array(POS)
        found = numpy.flatnonzero((pos == VERB) | (pos == AUX)).tolist()
        doc.user_data[_VERBS_KEY] = found
    return found


def verbs_in(span: Span) -> Iterator[Token]:
    """The tokens of ``span`` tagged VERB or AUX, in order, without touching the others."""
    yield from _tokens_at(span, verb_indices(span.doc))


def dep_indices(doc: Doc, label: str) -> list[int]:
    """Indices of the tokens whose dependency label is ``label``, ascending, read from the
    Doc's arrays the first time it is asked for that label."""
    key = f"sitrep.dep.{label}"
    found = doc.user_data.get(key)
    if found is None:
        found = numpy.flatnonzero(doc.to_array(DEP) == doc.vocab.strings[label]).tolist()
        doc.user_data[key] = found
    return found


def with_dep_in(span: Span, label: str) -> Iterator[Token]:
    """The tokens of ``span`` whose dependency label is ``label``, in order."""
    yield from _tokens_at(span, dep_indices(span.doc, label))


def _tokens_at(span: Span, indices: list[int]) -> Iterator[Token]:
    doc = span.doc
    for i in indices[bisect_left(indices, span.start) : bisect_left(indices, span.end)]:
        yield doc[i]
