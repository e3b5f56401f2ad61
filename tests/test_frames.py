"""Event frames: days named without a year, and antecedent events (what led to the report's
main event), on sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from sitrep.link import EventSketch
from sitrep.link.index import ANTECEDENT_TERM, YEARLESS_PREFIX, is_antecedent, yearless_months
from sitrep.models import Event, Extraction, Report
from sitrep.nlp.frames import antecedent_of, antecedent_scopes, named_months


def run(extractor, text: str, published: date | None = None) -> Extraction:
    return extractor.extract_one(Report(source="t.txt", text=text, published=published))


def frame_of(extraction: Extraction, measure: str, value: int):
    claim = next(c for c in extraction.claims if c.measure == measure and c.quantity.value == value)
    return next(f for f in extraction.frames if f.key == claim.frame)


def test_calendar_days_and_months_named_with_or_without_a_year() -> None:
    text = (
        "Fighting resumed on March 3 after a lull. A truce signed in October held until "
        "yesterday. On Monday, and on June 9, 2021, shells fell."
    )
    found = named_months(text)
    assert [(m, g) for _, m, g in found] == [(3, "day"), (10, "month"), (6, "day")]
    assert "March 3" in text[found[0][0] : found[0][0] + 10]
    assert "October" in text[found[1][0] : found[1][0] + 10]


@pytest.mark.parametrize(
    ("sentence", "word", "inside"),
    [
        ("The fighting began after a roadside bomb wounded four soldiers.", "four", True),
        ("Talks stalled following a raid in which militants killed nine guards.", "nine", True),
        ("At least 12 people have been killed since the fighting began.", "12", False),
        ("Eight soldiers were killed after the rebels attacked the base.", "Eight", False),
        ("The trigger for the unrest was a raid on Monday that killed six farmers.", "six", True),
        ("A roadside bomb that wounded four soldiers sparked the fighting.", "four", True),
        ("The fighting was sparked by a raid in which gunmen killed nine guards.", "nine", True),
        ("The raid killed nine guards and sparked fighting in the town.", "nine", False),
    ],
)
def test_antecedent_phrases_hold_figures_of_earlier_events(extractor, sentence, word, inside):
    doc = extractor.nlp(sentence)
    sent = next(iter(doc.sents))
    token = next(t.i for t in doc if t.text == word)
    assert (antecedent_of([token], antecedent_scopes(sent)) is not None) is inside


def test_a_figure_of_an_antecedent_event_gets_a_frame_of_its_own(extractor) -> None:
    text = (
        "Border clashes erupt as troops trade fire\n"
        "Troops exchanged artillery fire along the border on Thursday, killing 14 soldiers, "
        "the army said. The clashes broke out following a raid on Tuesday in which militants "
        "wounded three soldiers on patrol."
    )
    ex = run(extractor, text)
    main = frame_of(ex, "killed", 14)
    earlier = frame_of(ex, "wounded", 3)
    assert main.primary and not is_antecedent(main)
    assert earlier.key != main.key and not earlier.primary and is_antecedent(earlier)
    sketch = EventSketch.of(Event("e1", earlier.type, None, None, (), (), (), (), ()), [earlier])
    assert sketch.antecedent
    with_main = EventSketch.of(
        Event("e2", main.type, None, None, (), (), (), (), ()), [earlier, main]
    )
    assert not with_main.antecedent  # some report's main event


def test_an_earlier_event_with_no_time_of_its_own_stays_in_its_reports_story(extractor) -> None:
    text = (
        "Siege ends at the depot\n"
        "The siege of the depot ended on Thursday after an operation in which 12 gunmen were "
        "killed, the police said."
    )
    ex = run(extractor, text, date(2024, 8, 2))
    frame = frame_of(ex, "killed", 12)
    assert not frame.primary and not is_antecedent(frame)


def test_an_undated_report_carries_the_months_of_its_days_and_of_its_antecedents(
    extractor,
) -> None:
    text = (
        "Militants storm a checkpoint\n"
        "Militants stormed a checkpoint on November 14, killing six policemen, officials "
        "said. The assault came in response to the April raid in which police killed "
        "seven militants."
    )
    ex = run(extractor, text)
    main = frame_of(ex, "killed", 6)
    earlier = frame_of(ex, "killed", 7)
    assert yearless_months(main) == frozenset({11})
    assert yearless_months(earlier) == frozenset({4})
    assert ANTECEDENT_TERM in earlier.terms
    dated = run(extractor, text, date(2024, 11, 15))
    assert not any(t.startswith(YEARLESS_PREFIX) for f in dated.frames for t in f.terms)


def test_days_inside_a_phrase_naming_an_earlier_event_do_not_date_the_report(extractor):
    text = (
        "Rockets hit the border town\n"
        "Rockets hit the border town on Tuesday, the army said, in the worst fighting since "
        "the 7 October attack. Residents have sheltered there since March 2."
    )
    main = run(extractor, text).frames[0]
    assert yearless_months(main) == frozenset({3})
