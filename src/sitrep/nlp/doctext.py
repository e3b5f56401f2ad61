"""The text of a Doc, built once: spaCy's ``Doc.text`` joins every token on each access."""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "sitrep.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept in ``doc.user_data`` after the first call (a Doc's text never
    changes once tokenized: retokenizing merges or splits tokens, not characters)."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_KEY] = text
    return text
