"""Gate: sitrep's table attribute ruler and cached lemmatizer give every token of real text the
same TAG, POS, MORPH, LEMMA and DEP as the model's own ``attribute_ruler`` and ``lemmatizer``.

Both run on the same parses (sitrep's pipeline up to the parser, on the text as the extractor
reflows it) of a sample of ../shared: seeds, devset, GVDB dev and test, MUC-4 TST4 and
WikiEvents. Skipped when ../shared is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

import bench_scripts
from sitrep.ingest import read_reports
from sitrep.nlp.attributes import AttributeTable, CachedLemmatizer
from sitrep.nlp.pipeline import build_nlp, reflow

corpus_eval = bench_scripts.load("corpus_eval")

pytestmark = pytest.mark.gate

GVDB_SAMPLE = 120  # articles of each GVDB split
MUC_SAMPLE = 60
WIKI_SAMPLE = 20
PARSE = ["tok2vec", "tagger", "sitrep_paragraphs", "parser"]


def _texts(shared: Path) -> Iterator[tuple[str, str]]:
    """(corpus, report body) of the sample, in a fixed order."""
    files = sorted((shared / "seeds").glob("*.txt"))
    files += sorted((shared / "devset" / "corpus").glob("*/*.txt"))
    for report in read_reports(files):
        assert not hasattr(report, "reason"), f"unreadable: {report}"
        yield "seeds/devset", report.body
    for split in ("dev", "test"):
        path = shared / corpus_eval.GVDB_DIR / f"{split}.tsv"
        for article in corpus_eval.read_gvdb(path, limit=GVDB_SAMPLE):
            yield f"gvdb {split}", article.report.body
    for document in corpus_eval.read_muc4(shared / corpus_eval.MUC_TST4, limit=MUC_SAMPLE):
        yield "muc4", document.report.body
    wiki = shared / corpus_eval.WIKIEVENTS_DIR / "test.jsonl"
    for document in corpus_eval.read_wikievents(wiki, limit=WIKI_SAMPLE):
        yield "wikievents", document.report.body


def _attributes(doc: Doc) -> list[tuple[str, str, str, str, str]]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


def test_table_rules_equal_the_models_on_real_text(shared_dir: Path, nlp: Language) -> None:
    table = nlp.get_pipe("attribute_ruler")
    lemmatizer = nlp.get_pipe("lemmatizer")
    assert isinstance(table, AttributeTable) and isinstance(lemmatizer, CachedLemmatizer)
    assert lemmatizer.stock is not None
    stock_ruler = AttributeRuler(nlp.vocab)
    stock_ruler.add_patterns(table.patterns)
    stock_lemmatizer = lemmatizer.stock

    sample = list(_texts(shared_dir))
    corpora = {corpus for corpus, _ in sample}
    assert corpora == {"seeds/devset", "gvdb dev", "gvdb test", "muc4", "wikievents"}
    tokens = 0
    with nlp.select_pipes(enable=PARSE):
        parsed = nlp.pipe((reflow(body) for _, body in sample), batch_size=32)
        for (corpus, _), doc in zip(sample, parsed, strict=True):
            twin = Doc(nlp.vocab).from_bytes(doc.to_bytes())
            stock = _attributes(stock_lemmatizer(stock_ruler(doc)))
            ours = _attributes(lemmatizer(table(twin)))
            for i, (want, got) in enumerate(zip(stock, ours, strict=True)):
                assert got == want, f"{corpus}: token {i} {doc[i].text!r}: {got} != {want}"
            tokens += len(doc)
    assert tokens > 50_000, f"the sample is too small to say anything ({tokens} tokens)"
