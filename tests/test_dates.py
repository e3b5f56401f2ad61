from datetime import date

import pytest

from sitrep.models import DateSpan
from sitrep.nlp.dates import (
    DURATION_UNITS,
    find_dates,
    find_durations,
    find_relative,
    is_period,
    number_value,
    relative_offset,
    resolve,
)

SUNDAY = date(2025, 10, 12)  # a Sunday
WEDNESDAY = date(2024, 3, 6)


def span(expression: str, published: date | None = SUNDAY) -> tuple[str, str, str]:
    found = resolve(expression, published)
    assert found is not None, expression
    return found.start.isoformat(), found.end.isoformat(), found.granularity


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("on Sunday", ("2025-10-12", "2025-10-12", "day")),
        ("Sunday", ("2025-10-12", "2025-10-12", "day")),
        ("late Saturday", ("2025-10-11", "2025-10-11", "day")),
        ("late on Saturday", ("2025-10-11", "2025-10-11", "day")),
        ("last Thursday", ("2025-10-09", "2025-10-09", "day")),
        ("this past Thursday", ("2025-10-09", "2025-10-09", "day")),
        ("on Friday night", ("2025-10-10", "2025-10-10", "day")),
        ("early Monday morning", ("2025-10-06", "2025-10-06", "day")),
        ("last Sunday", ("2025-10-05", "2025-10-05", "day")),
        ("next Monday", ("2025-10-13", "2025-10-13", "day")),
    ],
)
def test_weekdays_follow_the_publication_day(expression, expected):
    assert span(expression) == expected


def test_weekday_on_a_midweek_publication():
    assert span("on Wednesday", WEDNESDAY) == ("2024-03-06", "2024-03-06", "day")
    assert span("on Thursday", WEDNESDAY) == ("2024-02-29", "2024-02-29", "day")
    assert span("last Wednesday", WEDNESDAY) == ("2024-02-28", "2024-02-28", "day")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("overnight", ("2025-10-11", "2025-10-12", "day")),
        ("yesterday", ("2025-10-11", "2025-10-11", "day")),
        ("today", ("2025-10-12", "2025-10-12", "day")),
        ("last night", ("2025-10-11", "2025-10-11", "day")),
        ("last week", ("2025-09-29", "2025-10-05", "week")),
        ("this week", ("2025-10-06", "2025-10-12", "week")),
        ("earlier this week", ("2025-10-06", "2025-10-12", "week")),
        ("this month", ("2025-10-01", "2025-10-12", "month")),
        ("last month", ("2025-09-01", "2025-09-30", "month")),
        ("this year", ("2025-01-01", "2025-10-12", "year")),
        ("last year", ("2024-01-01", "2024-12-31", "year")),
        ("the weekend", ("2025-10-11", "2025-10-12", "day")),
        ("the past 24 hours", ("2025-10-11", "2025-10-12", "day")),
        ("over the past three months", ("2025-07-12", "2025-10-12", "month")),
    ],
)
def test_relative_words_and_periods(expression, expected):
    assert span(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("in August", ("2025-08-01", "2025-08-31", "month")),
        ("in October", ("2025-10-01", "2025-10-31", "month")),
        ("in November", ("2024-11-01", "2024-11-30", "month")),
        ("between January and 15 September", ("2025-01-01", "2025-09-15", "month")),
        ("between 3 and 5 October", ("2025-10-03", "2025-10-05", "day")),
        ("from March to May 2023", ("2023-03-01", "2023-05-31", "month")),
        ("on 15 September", ("2025-09-15", "2025-09-15", "day")),
        ("September 15", ("2025-09-15", "2025-09-15", "day")),
        ("Sept. 15", ("2025-09-15", "2025-09-15", "day")),
        ("Oct. 12, 2025", ("2025-10-12", "2025-10-12", "day")),
        ("12 October 2025", ("2025-10-12", "2025-10-12", "day")),
        ("the 4th of July 2019", ("2019-07-04", "2019-07-04", "day")),
        ("2023-02-28", ("2023-02-28", "2023-02-28", "day")),
        ("in 2021", ("2021-01-01", "2021-12-31", "year")),
        ("since 2021", ("2021-01-01", "2025-10-12", "year")),
        ("in the 1980s", ("1980-01-01", "1989-12-31", "year")),
        ("three years ago", ("2022-01-01", "2022-12-31", "year")),
        ("two weeks ago", ("2025-09-22", "2025-09-28", "week")),
        ("five days ago", ("2025-10-07", "2025-10-07", "day")),
        ("mid-October", ("2025-10-11", "2025-10-20", "month")),
        ("early 2024", ("2024-01-01", "2024-04-30", "year")),
        ("late March", ("2025-03-21", "2025-03-31", "month")),
        ("the end of February 2024", ("2024-02-21", "2024-02-29", "month")),
        ("late last year", ("2024-09-01", "2024-12-31", "year")),
        ("last August", ("2025-08-01", "2025-08-31", "month")),
    ],
)
def test_calendar_expressions(expression, expected):
    assert span(expression) == expected


def test_year_boundary_uses_previous_year():
    early_january = date(2025, 1, 3)
    assert span("in December", early_january) == ("2024-12-01", "2024-12-31", "month")
    assert span("on 28 December", early_january) == ("2024-12-28", "2024-12-28", "day")
    assert span("last week", early_january) == ("2024-12-23", "2024-12-29", "week")
    assert span("last month", early_january) == ("2024-12-01", "2024-12-31", "month")
    assert span("between November and 2 January", early_january) == (
        "2024-11-01",
        "2025-01-02",
        "month",
    )


def test_without_publication_date_only_absolute_expressions_resolve():
    assert span("12 October 2025", None) == ("2025-10-12", "2025-10-12", "day")
    assert span("in 2019", None) == ("2019-01-01", "2019-12-31", "year")
    assert span("10 JAN 90", None) == ("1990-01-10", "1990-01-10", "day")
    for relative in ("on Sunday", "last week", "in August", "three years ago", "overnight"):
        assert resolve(relative, None) is None, relative


def test_non_dates_and_narrative_offsets_do_not_resolve():
    for text in ("two days later", "the next day", "Kabul", "30 soldiers", "", "may"):
        assert resolve(text, SUNDAY) is None, text


@pytest.mark.parametrize(
    ("expression", "days"),
    [
        ("two days later", 2),
        ("two days earlier", -2),
        ("a day later", 1),
        ("three weeks later", 21),
        ("48 hours later", 2),
        ("the following day", 1),
        ("the day before", -1),
        ("ten days before", -10),
    ],
)
def test_relative_offset(expression, days):
    assert relative_offset(expression) == days


def test_relative_offset_rejects_other_text():
    assert relative_offset("last week") is None
    assert relative_offset("two months later") is None


def test_find_dates_in_running_text():
    text = (
        "Gunmen stormed a checkpoint late Saturday, officials said on Sunday. The army had "
        "reported 41 attacks in August and more than 300 deaths between January and 15 "
        "September. The group was founded in 2007. It may respond, a commander said."
    )
    found = [
        (text[s:e], d.start.isoformat(), d.granularity) for s, e, d in find_dates(text, SUNDAY)
    ]
    assert found == [
        ("late Saturday", "2025-10-11", "day"),
        ("on Sunday", "2025-10-12", "day"),
        ("in August", "2025-08-01", "month"),
        ("between January and 15 September", "2025-01-01", "month"),
        ("in 2007", "2007-01-01", "year"),
    ]


def test_find_dates_offsets_point_into_the_text():
    text = "Talks resumed on Oct. 3, 2024, after a pause."
    [(start, end, found)] = find_dates(text, None)
    assert text[start:end] == "on Oct. 3, 2024"
    assert found.text == "on Oct. 3, 2024"
    assert (found.start, found.end) == (date(2024, 10, 3), date(2024, 10, 3))


def test_find_dates_needs_context_for_bare_months_and_years():
    text = "Officials in March said 2021 people had fled; Dr. Jan Novak and May Lin agreed."
    assert find_dates(text, SUNDAY)[0][2].start == date(2025, 3, 1)
    assert len(find_dates(text, SUNDAY)) == 1


def test_find_dates_results_do_not_overlap():
    text = "From 2 to 4 June 2023 and again last week, shelling hit the town overnight."
    found = find_dates(text, SUNDAY)
    ends = [e for _, e, _ in found]
    starts = [s for s, _, _ in found]
    assert all(a <= b for a, b in zip(ends, starts[1:], strict=False))
    assert [text[s:e] for s, e, _ in found] == ["From 2 to 4 June 2023", "last week", "overnight"]


def test_is_period():
    assert is_period(resolve("in August", SUNDAY))
    assert is_period(resolve("between January and 15 September", SUNDAY))
    assert is_period(resolve("this year", SUNDAY))
    assert not is_period(resolve("last week", SUNDAY))
    assert not is_period(resolve("overnight", SUNDAY))
    assert not is_period(DateSpan(date(2025, 1, 1), date(2025, 1, 7), "day"))
    assert is_period(DateSpan(date(2025, 1, 1), date(2025, 1, 8), "day"))


def test_durations_and_number_words():
    assert DURATION_UNITS["years"] == "year" and "decades" in DURATION_UNITS
    assert number_value("twenty-one") == 21 and number_value("ten") == 10
    assert number_value("several") is None
    text = "the most lethal in over ten years, a 24-hour curfew and a two-week truce"
    assert [(a, u) for _, _, a, u in find_durations(text)] == [
        (10, "year"),
        (24, "hour"),
        (2, "week"),
    ]


def test_find_relative():
    text = "The strikes came on Tuesday; retaliation followed two days later."
    [(start, end, days)] = find_relative(text)
    assert text[start:end] == "two days later" and days == 2
