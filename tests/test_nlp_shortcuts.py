"""The shortcuts that keep the components fast must find exactly what the long way finds."""

from __future__ import annotations

import pytest

from sitrep.nlp import dates as date_rules
from sitrep.nlp.frames import TERM_POS, _content_lemmas

TEXTS = [
    "Gunmen attacked the convoy on Monday, 3 March 2024, and again on March 5.",
    "Between 1 and 15 September the toll rose; since 2021 more than 300 died.",
    "In the 1990s the fighting was worse. The FY2024 budget and x2024 were not dates.",
    "Two weeks ago, late on Friday night, the army said it had struck twice last week.",
    "The market may reopen in May; officials met earlier today and will meet tomorrow.",
    "Over the past three months, from January to 15 March, 42 people were wounded.",
    "On5 May and Januaryé 2020 and ſince 2019 and the weeKend: folding cases.",
    "ISO dates such as 2024-03-05 and on 2023-11-30 are days; 12020s has a decade inside.",
    "Early this year, at the end of last month and in mid-2022 the talks stalled.",
]


def plain_matches(text: str) -> list[tuple[int, tuple[int, int], tuple[str | None, ...]]]:
    """Every rule's ``finditer`` over the whole text, as the scan did before shortcuts."""
    names_month = date_rules._MONTH_WORD.search(text) is not None
    found = []
    for index, rule in enumerate(date_rules._RULES):
        if rule.month and not names_month:
            continue
        found += [(index, m.span(), m.groups()) for m in rule.regex.finditer(text)]
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_rules_tried_at_their_starts_find_what_a_full_scan_finds(text: str) -> None:
    shortcut = [(i, m.span(), m.groups()) for i, m in date_rules._rule_matches(text)]
    assert shortcut == plain_matches(text)
    assert shortcut  # every text here names at least one date


def test_a_text_without_start_words_is_not_tried_by_word_rules() -> None:
    positions = date_rules._start_positions("Gunmen fired at police")
    # only "at" starts a rule (the qualified-period and weekend rules): one place each
    assert {i: p for i, p in positions.items() if p} == {
        i: [13] for i, rule in enumerate(date_rules._RULES) if "at" in rule.starts
    }


def test_a_word_changed_by_case_folding_is_tried_by_every_rule() -> None:
    positions = date_rules._start_positions("ſince")
    assert all(positions[i] == [0] for i in positions)


def test_a_decade_rule_runs_only_when_the_text_has_a_decade() -> None:
    decade = next(i for i, rule in enumerate(date_rules._RULES) if rule.needs is not None)

    def decades(text: str) -> list[str]:
        return [m.group() for i, m in date_rules._rule_matches(text) if i == decade]

    assert decades("In 1990 and 2000 they met.") == []
    assert decades("In the 1990s they met.") == ["In the 1990s"]


def test_content_lemmas_of_a_span_are_those_of_its_own_tokens(extractor) -> None:
    doc = extractor.nlp("Rebels attacked two villages. Soldiers repelled the attack near Goma.")
    second = list(doc.sents)[1]
    expected = [
        (t.lemma_.lower(), t.i)
        for t in second
        if t.pos_ in TERM_POS and not t.is_stop and (t.is_alpha or t.like_num) and len(t.lemma_) > 1
    ]
    assert list(_content_lemmas(second)) == expected
    assert expected and all(i >= second.start for _, i in expected)
    whole = list(_content_lemmas(doc[:]))
    assert whole[-len(expected) :] == expected and len(whole) > len(expected)


def test_according_to_is_found_only_where_the_words_are(extractor) -> None:
    from sitrep.nlp.pipeline import knowledge_for

    finder = knowledge_for("").finder
    doc = extractor.nlp("Five people died, according to the police. Nobody else was hurt.")
    first, second = list(doc.sents)
    source = finder.according_to(first)
    assert source is not None and source.text == "police"
    assert finder.according_to(second) is None


def test_international_bodies_are_remembered_per_phrase(extractor) -> None:
    from sitrep.nlp.pipeline import knowledge_for

    resolver = knowledge_for("").resolver
    words = ("a", "United", "Nations", "spokesperson")
    expected = resolver.lexicon.is_international(list(words))
    assert expected is not None
    assert resolver._international(words) == expected
    assert resolver._bodies is not None and resolver._bodies[1][words] == expected
    assert resolver._international(("the", "village", "elder")) is None


def test_names_read_from_the_arrays_are_those_of_every_token(extractor) -> None:
    from sitrep.nlp.memory import name_spans
    from sitrep.nlp.pipeline import knowledge_for

    resolver = knowledge_for("").resolver
    doc = extractor.nlp(
        "Defence Minister Rustem Umerov said the drones were shot down. "
        "Anna Kovalenko, a spokesperson for the governor, said two people died. "
        "The governor of Sumy, Oleh Hryhorov, said a school was hit."
    )
    every = [(s.start, s.end) for s in name_spans(doc, resolver.title_of)]
    fast = [(s.start, s.end) for s in name_spans(doc, resolver.title_of, resolver.title_words())]
    assert fast == every
    assert len(every) >= 2


def test_title_words_hold_every_word_a_title_is_found_for(extractor) -> None:
    from sitrep.nlp.pipeline import knowledge_for

    resolver = knowledge_for("").resolver
    words = resolver.title_words()
    doc = extractor.nlp("Prime Minister Ana Lopes met the spokesperson and Gen. Ruiz in Lima.")
    titled = [t for t in doc if resolver.title_of(t) is not None]
    assert titled  # "Minister", "spokesperson", "Gen." at least
    assert all(t.lower_.rstrip(".") in words for t in titled)
    assert "lima" not in words


OUTLET_NAMES = ["Al Jazeera", "Al Jazeera English", "AP", "AFP", "Dawn", "The Hindu"]


@pytest.mark.parametrize(
    "text",
    [
        "Al Jazeera English reported it; Al Jazeera Englishman did not.",
        "AP and AFP said so, APX and @AP and .AP did not; Dawn at dawn.",
        "The Hindu, The Hindus, Al Jazeera_ and Al Jazeera.",
    ],
)
def test_outlet_names_as_a_tree_match_like_the_plain_alternation(text: str) -> None:
    import re

    from sitrep.nlp.outlets import _trie

    names = sorted(OUTLET_NAMES, key=len, reverse=True)
    plain = re.compile(r"(?<![\w@.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")
    tree = re.compile(r"(?<![\w@.])(" + _trie(names) + r")(?![\w])")
    expected = [m.group(1) for m in plain.finditer(text)]
    assert [m.group(1) for m in tree.finditer(text)] == expected
    assert expected  # each text names at least one outlet


def test_verbs_and_subjects_read_from_the_arrays_are_those_of_every_token(extractor) -> None:
    from sitrep.nlp.doctext import verbs_in, with_dep_in

    doc = extractor.nlp(
        "The ministry said troops had repelled an attack. Officials have confirmed it. "
        "Residents fled."
    )
    for sent in doc.sents:
        assert [t.i for t in verbs_in(sent)] == [t.i for t in sent if t.pos_ in {"VERB", "AUX"}]
        assert [t.i for t in with_dep_in(sent, "nsubj")] == [t.i for t in sent if t.dep_ == "nsubj"]
    assert [t.text for t in verbs_in(doc[:])][:1] == ["said"]
    assert {t.text for t in with_dep_in(doc[:], "nsubj")} >= {"ministry", "troops", "Residents"}


def test_a_dateline_is_found_once_per_text() -> None:
    from sitrep.nlp.pipeline import find_dateline

    text = "Border clash\n\nKABUL — Two soldiers were killed on Monday."
    first = find_dateline(text)
    assert first is not None and first[0][0].upper() == "KABUL"
    assert find_dateline(text) is first  # the same answer, not found again
    assert find_dateline("No dateline here, only a sentence.") is None


@pytest.mark.parametrize(
    "words",
    [
        ("a", "United", "Nations", "spokesperson"),
        ("the", "united", "nations", "refugee", "agency"),
        ("a", "Who", "official"),  # "WHO" is matched as written only
        ("WHO", "and", "UN", "officials"),
        ("the", "village", "council"),
        (),
    ],
)
def test_international_bodies_by_first_word_match_the_whole_list(extractor, words) -> None:
    from sitrep.nlp.pipeline import knowledge_for

    resolver = knowledge_for("").resolver
    assert resolver._international_in(words) == resolver.lexicon.is_international(list(words))


def test_the_first_listed_body_wins_when_a_phrase_names_two(extractor) -> None:
    from sitrep.nlp.pipeline import knowledge_for

    resolver = knowledge_for("").resolver
    names = resolver.lexicon.international
    first, second = names.index("United Nations"), names.index("WHO")
    assert first < second
    assert resolver._international_in(("WHO", "and", "United", "Nations")) == "United Nations"


def test_a_trailing_speaker_needs_a_reporting_verb_in_the_sentence(extractor) -> None:
    from sitrep.nlp.attribution import trailing_speaker

    doc = extractor.nlp(
        "Four soldiers were killed near the border, the ministry said. "
        "Four soldiers were killed near the border, the ministry's convoy, a truck."
    )
    said, unsaid = list(doc.sents)
    reporting = {"say", "report"}
    speaker = trailing_speaker(said, reporting)
    assert speaker is not None and speaker.text == "ministry"
    assert trailing_speaker(unsaid, reporting) is None
    assert trailing_speaker(said, {"announce"}) is None  # "said" is not in this list


def test_trigger_phrases_by_first_word_keep_the_lexicon_order(extractor) -> None:
    from sitrep.nlp.pipeline import knowledge_for

    finder = knowledge_for("").finder
    every = [(m.name, p) for m in finder.lexicon.measures for p in m.phrases]
    firsts = {p[0] for _, p in every}
    assert firsts  # the lexicon has trigger phrases
    for word in firsts:
        assert finder._phrases_from(word) == [(n, p) for n, p in every if p[0] == word]
    assert finder._phrases_from("xylophone") == []
