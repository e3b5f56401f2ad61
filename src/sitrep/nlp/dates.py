"""Date expressions in news text, resolved against the publication date.

Pure functions, no spaCy. ``find_dates`` locates expressions ("late Saturday", "last week",
"between January and 15 September", "Oct. 12, 2025") and ``resolve`` turns one into a
``DateSpan``. Relative narrative offsets ("two days later") have no anchor of their own, so
``resolve`` gives None for them and ``relative_offset`` tells the shift in days instead.

Conventions: a bare weekday is the publication day when the weekdays match, else the most
recent one before it; "last <weekday>" is strictly before; a bare month is the most recent
one not after publication; a day without a year is taken in the year that puts it within
half a year of publication; "this week/month/year" ends at publication (the window so far).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sitrep.models import DateSpan

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "couple": 2,
}  # fmt: skip
DURATION_UNITS: dict[str, str] = {
    "minute": "minute", "minutes": "minute", "hour": "hour", "hours": "hour", "day": "day",
    "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
    "year": "year", "years": "year", "decade": "decade", "decades": "decade",
}  # fmt: skip
"""Duration unit words (singular and plural) mapped to their singular form."""

MONTH_PATTERN = (
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)(?![a-z])|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?![a-z])\.?)"
)
"""Regex (no groups) for an English month name or abbreviation; compile with IGNORECASE."""

_MON = r"\b" + MONTH_PATTERN
_WD = r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
_DAY = r"(?<![\d,])(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_Y4 = r"(?<!\d)(?:1[6-9]|20)\d{2}(?!\d)"
# a two-digit year only after an all-caps month abbreviation (wire style: "10 JAN 90")
_Y2 = r"(?<=(?-i:[A-Z]{3}) )\d{2}(?![\d:])"
_NUM_WORD = "|".join(sorted((w for w in NUMBER_WORDS if w not in {"a", "an"}), key=len)[::-1])
_NUM = rf"(?:\d{{1,3}}|(?:{_NUM_WORD})(?:-(?:{_NUM_WORD}))?|an?)"
_UNITS = "|".join(sorted(DURATION_UNITS, key=len, reverse=True))

# building blocks without capturing groups, for spans whose ends are parsed again
_P_ISO = r"\d{4}-\d{2}-\d{2}"
_P_DMY = rf"(?:{_WD},?\s+)?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON}(?:,?\s+{_Y4}|\s+{_Y2})?"
_P_MDY = rf"(?:{_WD},?\s+)?{_MON}\s+{_DAY}(?:,?\s+{_Y4})?"
_P_MY = rf"{_MON},?\s+{_Y4}"
_ENDPOINT = (
    rf"(?:{_P_ISO}|{_P_DMY}|{_P_MDY}|{_P_MY}|{_MON}|{_Y4}|{_WD}|yesterday|today"
    rf"|(?:early|mid|late)[\s-]+(?:{_MON}|{_Y4}))"
)
_TOD = r"(?:morning|afternoon|evening|night)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


Handler = Callable[[re.Match[str], date | None, int | None], DateSpan | None]


@dataclass(frozen=True)
class _Rule:
    """One construction: its regex and the function resolving a match of it.

    ``bare`` rules (a lone month or year) count as dates in running text only after a word
    such as "in" or "since"; handlers take a year ``hint`` for the first end of a span.
    ``month`` rules always name a month, so a text that names none is not scanned for them.
    ``starts``: every word a match can begin with (lowercase), ``DIGITS`` (a match may begin
    a run of digits), ``MONTH`` (a month name); the rule is tried at those places only. A
    rule without ``starts`` scans the whole text, and only when ``needs`` (a part of every
    match) is found in it.
    """

    regex: re.Pattern[str]
    handler: Handler
    bare: bool = False
    month: bool = False
    starts: frozenset[str] = frozenset()
    needs: re.Pattern[str] | None = None


def _span(start: date, end: date, granularity: str) -> DateSpan:
    return DateSpan(start=start, end=end, granularity=granularity)


def _month_span(year: int, month: int) -> DateSpan:
    last = calendar.monthrange(year, month)[1]
    return _span(date(year, month, 1), date(year, month, last), "month")


def _year_span(year: int) -> DateSpan:
    return _span(date(year, 1, 1), date(year, 12, 31), "year")


def _week_span(day: date) -> DateSpan:
    monday = day - timedelta(days=day.weekday())
    return _span(monday, monday + timedelta(days=6), "week")


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _month_number(word: str) -> int:
    return MONTHS[word.rstrip(".").lower()]


def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def number_value(word: str) -> int | None:
    """Value of a count word or numeral: "3" → 3, "three" → 3, "twenty-five" → 25, "an" → 1."""
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    if "-" in word:
        parts = [NUMBER_WORDS.get(p) for p in word.split("-")]
        if None in parts or len(parts) != 2:
            return None
        return parts[0] + parts[1]  # type: ignore[operator]
    return NUMBER_WORDS.get(word)


def _year_of(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text.lstrip("'"))
    if len(text.lstrip("'")) == 2:
        return 2000 + value if value < 50 else 1900 + value
    return value


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_without_year(
    month: int, day: int, published: date | None, hint: int | None
) -> date | None:
    """The date in the year that puts it within half a year of publication."""
    if hint is not None:
        return _safe_date(hint, month, day)
    if published is None:
        return None
    candidate = _safe_date(published.year, month, day)
    if candidate is None:
        # 29 February in a non-leap publication year: look at the neighbouring years
        for year in (published.year - 1, published.year + 1):
            if (candidate := _safe_date(year, month, day)) is not None:
                return candidate
        return None
    if (candidate - published).days > 183:
        return _safe_date(published.year - 1, month, day)
    if (published - candidate).days > 183:
        return _safe_date(published.year + 1, month, day)
    return candidate


def _recent_month(month: int, published: date | None, hint: int | None) -> DateSpan | None:
    """The most recent such month not after publication (or in the hinted year)."""
    if hint is not None:
        return _month_span(hint, month)
    if published is None:
        return None
    year = published.year if month <= published.month else published.year - 1
    return _month_span(year, month)


def _weekday_near(weekday: int, published: date, mode: str) -> date:
    """``mode``: "recent" (today or before), "last" (strictly before), "this" (today or
    after), "next" (strictly after)."""
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if mode == "recent":
        return published - timedelta(days=back)
    if mode == "last":
        return published - timedelta(days=back or 7)
    if mode == "this":
        return published + timedelta(days=ahead)
    return published + timedelta(days=ahead or 7)


def _part(span: DateSpan, qualifier: str) -> DateSpan:
    """The early, middle or late part of a month, year or week."""
    q = qualifier.lower()
    q = {"start": "early", "beginning": "early", "end": "late", "middle": "mid"}.get(q, q)
    start, end = span.start, span.end
    if span.granularity == "month":
        first, last = {"early": (1, 10), "mid": (11, 20), "late": (21, end.day)}[q]
        return _span(start.replace(day=first), start.replace(day=min(last, end.day)), "month")
    if span.granularity == "year":
        first, last = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[q]
        return _span(
            date(start.year, first, 1),
            _month_span(start.year, last).end,
            "year",
        )
    if span.granularity == "week":
        first, last = {"early": (0, 1), "mid": (2, 3), "late": (4, 6)}[q]
        return _span(start + timedelta(days=first), start + timedelta(days=last), "week")
    return span


# ---- handlers: (match, published, year hint) -> DateSpan | None ---------------------------

Hint = int | None


def _h_iso(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    day = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _span(day, day, "day") if day else None


def _h_day_month(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    month, day = _month_number(m["mon"]), _day_number(m["d"])
    year = _year_of(m["y"] or m.groupdict().get("y2"))
    found = _safe_date(year, month, day) if year else _day_without_year(month, day, published, hint)
    return _span(found, found, "day") if found else None


def _h_day_range(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    month = _month_number(m["mon"])
    first, last = _day_number(m["d1"]), _day_number(m["d2"])
    if first >= last:
        return None
    year = _year_of(m["y"])
    if year is None:
        end = _day_without_year(month, last, published, hint)
        year = end.year if end else None
    if year is None:
        return None
    start, end = _safe_date(year, month, first), _safe_date(year, month, last)
    return _span(start, end, "day") if start and end else None


def _h_month_year(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    return _month_span(int(m["y"]), _month_number(m["mon"]))


def _h_month(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    month = _month_number(m["mon"])
    rel = " ".join((m.groupdict().get("rel") or "").lower().split())
    if not rel or hint is not None:
        return _recent_month(month, published, hint)
    if published is None:
        return None
    if rel in {"last", "past", "this past"}:
        year = published.year if month < published.month else published.year - 1
    elif rel == "next":
        year = published.year if month > published.month else published.year + 1
    else:  # "this August": the one in the publication year
        year = published.year
    return _month_span(year, month)


def _h_year(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    return _year_span(int(m["y"]))


def _h_decade(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    first = int(m["dec"])
    return _span(date(first, 1, 1), date(first + 9, 12, 31), "year")


def _h_qualified(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    base = _resolve(m["base"], published, hint)
    if base is None:
        return None
    if base.granularity == "year":
        whole = _year_span(base.start.year)
    elif base.granularity == "month":
        whole = _month_span(base.start.year, base.start.month)
    elif base.granularity == "week":
        whole = _week_span(base.start)
    else:
        return None
    return _part(whole, m["q"] or m["q2"])


def _h_weekday(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    if published is None:
        return None
    pre = " ".join((m["pre"] or "").lower().split())
    mode = {"last": "last", "this past": "last", "past": "last", "next": "next"}.get(pre)
    mode = mode or ("this" if pre in {"this", "coming", "this coming"} else "recent")
    day = _weekday_near(WEEKDAYS[m["wd"].lower()], published, mode)
    return _span(day, day, "day")


def _h_word(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    if published is None:
        return None
    word = " ".join(m["w"].lower().split())
    one = timedelta(days=1)
    if word == "overnight":
        return _span(published - one, published, "day")
    if word in {"yesterday", "last night"}:
        return _span(published - one, published - one, "day")
    if word == "the day before yesterday":
        return _span(published - 2 * one, published - 2 * one, "day")
    if word == "tomorrow":
        return _span(published + one, published + one, "day")
    return _span(published, published, "day")  # today, tonight, this morning, ...


def _h_period(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    if published is None:
        return None
    rel, unit = m["rel"].lower(), m["unit"].lower()
    step = {"last": -1, "this": 0, "next": 1}[rel]
    if unit == "week":
        span = _week_span(published + timedelta(weeks=step))
    elif unit == "month":
        span = _month_span(*_shift_months(published, step))
    else:
        span = _year_span(published.year + step)
    if step == 0 and (m["pre"] or "").lower() == "later":
        return _span(published, span.end, span.granularity)
    if step == 0 and span.end > published:
        return _span(span.start, published, span.granularity)
    return span


def _h_weekend(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    if published is None:
        return None
    saturday = published - timedelta(days=(published.weekday() - 5) % 7)
    if m["rel"].lower() == "last" and published.weekday() >= 5:
        saturday -= timedelta(days=7)
    return _span(saturday, saturday + timedelta(days=1), "day")


def _h_ago(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    amount = number_value(m["n"])
    if published is None or amount is None:
        return None
    unit = DURATION_UNITS[m["unit"].lower()]
    if unit in {"minute", "hour"}:
        return _span(published, published, "day")
    if unit == "day":
        day = published - timedelta(days=amount)
        return _span(day, day, "day")
    if unit == "week":
        return _week_span(published - timedelta(weeks=amount))
    if unit == "month":
        return _month_span(*_shift_months(published, -amount))
    return _year_span(published.year - amount * (10 if unit == "decade" else 1))


def _h_past(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    amount = number_value(m["n"]) if m["n"] else 1
    if published is None or amount is None:
        return None
    unit = DURATION_UNITS[m["unit"].lower()]
    if unit in {"minute", "hour"}:
        days = max(1, -(-amount // 24)) if unit == "hour" else 1
        return _span(published - timedelta(days=days), published, "day")
    if unit == "day":
        return _span(published - timedelta(days=amount), published, "day")
    if unit == "week":
        return _span(published - timedelta(weeks=amount), published, "week")
    if unit == "month":
        year, month = _shift_months(published, -amount)
        day = min(published.day, calendar.monthrange(year, month)[1])
        return _span(date(year, month, day), published, "month")
    years = amount * (10 if unit == "decade" else 1)
    start = date(published.year - years, published.month, min(published.day, 28))
    return _span(start, published, "year")


def _h_since(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    origin = _resolve(m["x"], published)
    if origin is None or published is None or origin.start > published:
        return None
    return _span(origin.start, published, origin.granularity)


_COARSENESS = {"day": 0, "week": 1, "month": 2, "year": 3}
_HAS_YEAR = re.compile(r"\d{4}|'\d{2}|[A-Z]{3} \d{2}\b")
_WD_RX = _rx(_WD)


def _h_between(m: re.Match[str], published: date | None, hint: Hint) -> DateSpan | None:
    end = _resolve(m["b"], published)
    if end is None:
        return None
    first = m["a"]
    start = None
    if not _HAS_YEAR.search(first) and not _WD_RX.search(first):
        # "between January and 15 September 2024": the first end takes the second's year
        start = _resolve(first, published, end.end.year)
        if start is not None and start.start > end.end:
            start = _resolve(first, published, end.end.year - 1)
    if start is None:
        start = _resolve(first, published)
    if start is None or start.start > end.end:
        return None
    coarse = max(start.granularity, end.granularity, key=lambda g: _COARSENESS.get(g, 4))
    return _span(start.start, end.end, coarse)


_ON = r"(?:\b(?:on|in|during)\s+)?"
_RANGE_SEP = r"\s*(?:-|–|\bto\b|\band\b|\buntil\b|\bthrough\b)\s*"
DIGITS = "<digits>"  # a start: the first digit of a run of digits
MONTH = "<month>"  # a start: a month name or abbreviation
_ON_WORDS = ("on", "in", "during")
_RULES: tuple[_Rule, ...] = (
    _Rule(
        _rx(rf"{_ON}(?<!\d)(?P<y>\d{{4}})-(?P<mo>\d{{2}})-(?P<d>\d{{2}})(?!\d)"),
        _h_iso,
        starts=frozenset({*_ON_WORDS, DIGITS}),
    ),
    _Rule(
        _rx(
            rf"{_ON}(?:{_WD},?\s+)?(?:\bthe\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<mon>{_MON})"
            rf"(?:,?\s+(?P<y>{_Y4})|\s+(?P<y2>{_Y2}))?"
        ),
        _h_day_month,
        month=True,
        starts=frozenset({*_ON_WORDS, *WEEKDAYS, "the", DIGITS}),
    ),
    _Rule(
        _rx(rf"{_ON}(?:{_WD},?\s+)?(?P<mon>{_MON})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_Y4}))?"),
        _h_day_month,
        month=True,
        starts=frozenset({*_ON_WORDS, *WEEKDAYS, MONTH}),
    ),
    _Rule(
        _rx(
            rf"(?:\b(?:between|from|on|in)\s+)?(?P<d1>{_DAY}){_RANGE_SEP}(?P<d2>{_DAY})"
            rf"(?:\s+of)?\s+(?P<mon>{_MON})(?:,?\s+(?P<y>{_Y4}))?"
        ),
        _h_day_range,
        month=True,
        starts=frozenset({"between", "from", "on", "in", DIGITS}),
    ),
    _Rule(
        _rx(
            rf"(?:\b(?:between|from|on|in)\s+)?(?P<mon>{_MON})\s+(?P<d1>{_DAY}){_RANGE_SEP}"
            rf"(?P<d2>{_DAY})(?:,?\s+(?P<y>{_Y4}))?"
        ),
        _h_day_range,
        month=True,
        starts=frozenset({"between", "from", "on", "in", MONTH}),
    ),
    _Rule(
        _rx(rf"{_ON}(?P<mon>{_MON}),?\s+(?P<y>{_Y4})"),
        _h_month_year,
        month=True,
        starts=frozenset({*_ON_WORDS, MONTH}),
    ),
    _Rule(
        _rx(rf"{_ON}(?P<mon>{_MON})"),
        _h_month,
        bare=True,
        month=True,
        starts=frozenset({*_ON_WORDS, MONTH}),
    ),
    _Rule(
        _rx(rf"\b(?P<rel>last|this\s+past|this|next|past)\s+(?P<mon>{_MON})"),
        _h_month,
        month=True,
        starts=frozenset({"last", "this", "next", "past"}),
    ),
    _Rule(
        _rx(rf"{_ON}(?:\bthe\s+year\s+)?(?P<y>{_Y4})"),
        _h_year,
        bare=True,
        starts=frozenset({*_ON_WORDS, "the", DIGITS}),
    ),
    # the decade may start inside a run of digits: scanned whole, when the text has one
    _Rule(
        _rx(rf"{_ON}(?:\bthe\s+)?(?P<dec>(?:1[6-9]|20)\d0)'?s\b"),
        _h_decade,
        needs=_rx(r"(?:1[6-9]|20)\d0'?s\b"),
    ),
    _Rule(
        _rx(
            rf"(?:\b(?:in|during|at|by)\s+)?(?:\b(?P<q>early|mid|late)[\s-]+(?:in\s+)?"
            rf"|(?:\bthe\s+)?\b(?P<q2>start|beginning|end|middle)\s+of\s+)"
            rf"(?P<base>{_MON}(?:,?\s+{_Y4})?|{_Y4}|(?:last|this|next)\s+(?:week|month|year)"
            rf"|(?:last|this|next)\s+{_MON})"
        ),
        _h_qualified,
        starts=frozenset(
            {"in", "during", "at", "by", "early", "mid", "late", "the"}
            | {"start", "beginning", "end", "middle"}
        ),
    ),
    _Rule(
        _rx(
            rf"(?:\b(?P<pre>last|this\s+past|past|next|this\s+coming|this|coming|on)\s+)?"
            rf"(?:\b(?:late|early)\s+(?:on\s+)?)?(?:\bon\s+)?(?P<wd>{_WD})(?:\s+{_TOD}\b)?"
        ),
        _h_weekday,
        starts=frozenset({"last", "this", "past", "next", "coming", "on", "late", "early"})
        | frozenset(WEEKDAYS),
    ),
    _Rule(
        _rx(
            r"\b(?P<w>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow"
            r"|overnight|last\s+night|(?:earlier|later)\s+today"
            r"|this\s+(?:morning|afternoon|evening))\b"
        ),
        _h_word,
        starts=frozenset({"the", "yesterday", "today", "tonight", "tomorrow", "overnight"})
        | {"last", "earlier", "later", "this"},
    ),
    _Rule(
        _rx(
            r"(?:\b(?P<pre>earlier|later)\s+)?\b(?P<rel>last|this|next)\s+"
            r"(?P<unit>week|month|year)\b"
        ),
        _h_period,
        starts=frozenset({"earlier", "later", "last", "this", "next"}),
    ),
    _Rule(
        _rx(r"(?:\b(?:over|at|during|on)\s+)?\b(?P<rel>the|this|last)\s+weekend\b"),
        _h_weekend,
        starts=frozenset({"over", "at", "during", "on", "the", "this", "last"}),
    ),
    _Rule(
        _rx(rf"\b(?P<n>{_NUM})\s+(?P<unit>{_UNITS})\s+ago\b"),
        _h_ago,
        starts=frozenset({*NUMBER_WORDS, DIGITS}),
    ),
    _Rule(
        _rx(
            rf"(?:\b(?:in|over|during|for|within)\s+)?\bthe\s+(?:past|last|previous)\s+"
            rf"(?:(?P<n>{_NUM})\s+)?(?P<unit>{_UNITS})\b"
        ),
        _h_past,
        starts=frozenset({"in", "over", "during", "for", "within", "the"}),
    ),
    _Rule(_rx(rf"\bsince\s+(?P<x>{_ENDPOINT})"), _h_since, starts=frozenset({"since"})),
    _Rule(
        _rx(
            rf"\b(?:between|from)\s+(?P<a>{_ENDPOINT})\s*(?:\band\b|\bto\b|\buntil\b|\btill\b"
            rf"|\bthrough\b|-|–)\s*(?P<b>{_ENDPOINT})"
        ),
        _h_between,
        starts=frozenset({"between", "from"}),
    ),
)


_MONTH_WORD = _rx(_MON)


def _capitalised_months(text: str) -> bool:
    """Month names must be capitalised: "may" and "march" are usually verbs."""
    return all(word.group()[0].isupper() for word in _MONTH_WORD.finditer(text))


def _clean(expression: str) -> str:
    return " ".join(expression.strip().strip(",.;:").split())


def _resolve(expression: str, published: date | None, hint: Hint = None) -> DateSpan | None:
    text = _clean(expression)
    if not _capitalised_months(text):
        return None
    for rule in _RULES:
        m = rule.regex.fullmatch(text)
        if m is None:
            continue
        span = rule.handler(m, published, hint)
        if span is not None:
            return DateSpan(span.start, span.end, span.granularity, expression.strip())
    return None


def resolve(expression: str, published: date | None) -> DateSpan | None:
    """The span an expression denotes, relative to ``published`` where it needs an anchor.

    None when the expression is not a date, or is relative and ``published`` is None, or is
    a narrative offset such as "two days later" (see ``relative_offset``).
    """
    return _resolve(expression, published)


# a lone month or year is a date only after one of these ("in May", "of 2021", "by June")
_BARE_OK = {"in", "during", "of", "since", "until", "till", "by", "before", "after"}


def _acceptable(text: str, match: re.Match[str], rule: _Rule) -> bool:
    """Whether a match in running text is a date, judged with the words before it."""
    if rule.bare and not re.match(r"(?i)(?:in|during)\s", match.group()):
        before = text[max(0, match.start() - 24) : match.start()].split()
        if not before or before[-1].lower() not in _BARE_OK:
            return False
    return True


# One scan over the words and runs of digits finds every place where some rule may match;
# each rule is then tried at its own places only.
_TOKENS = re.compile(r"\b(?P<w>[^\W\d_]+)|\d+")
_SCANNED = tuple(i for i, rule in enumerate(_RULES) if rule.starts)
_MONTH_HEADS = {name[:3] for name in MONTHS}


def _rules_starting(key: str) -> tuple[int, ...]:
    """Rules a match of which may begin with the word (lowercase) ``key``."""
    kinds = {key, MONTH} if key[:3] in _MONTH_HEADS else {key}
    return tuple(i for i, rule in enumerate(_RULES) if kinds & rule.starts)


_RULES_BY_START: dict[str, tuple[int, ...]] = {
    word: _rules_starting(word)
    for word in {word for rule in _RULES for word in rule.starts} | set(MONTHS)
}
_DIGIT_RULES = _RULES_BY_START[DIGITS]


def _start_positions(text: str) -> dict[int, list[int]]:
    """For each rule with ``starts``, the offsets (ascending) where a match of it may begin."""
    positions: dict[int, list[int]] = {i: [] for i in _SCANNED}
    for m in _TOKENS.finditer(text):
        word = m.group("w")
        if word is None:
            rules = _DIGIT_RULES
        else:
            key = word.lower()
            found = _RULES_BY_START.get(key)
            if found is not None:
                rules = found
            elif key[:3] in _MONTH_HEADS:
                rules = _RULES_BY_START[MONTH]  # "Januaryé": the month may end mid-word
            elif not key.isascii():
                rules = _SCANNED  # case folding may make it one ("ſince")
            else:
                continue
        for index in rules:
            positions[index].append(m.start())
    return positions


def _matches_at(regex: re.Pattern[str], text: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """What ``regex.finditer(text)`` yields when no match can begin outside ``positions``:
    the leftmost match at or after the end of the previous one, each time."""
    resume = 0
    for pos in positions:
        if pos < resume:
            continue
        m = regex.match(text, pos)  # lookbehinds and \b still see the text before pos
        if m is not None and m.end() > m.start():
            yield m
            resume = m.end()


def _rule_matches(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    """(rule index, match) of every rule over ``text``, as ``finditer`` would find them."""
    names_month = _MONTH_WORD.search(text) is not None
    positions = _start_positions(text)
    for index, rule in enumerate(_RULES):
        if rule.month and not names_month:
            continue
        if rule.starts:
            matches: Iterable[re.Match[str]] = _matches_at(rule.regex, text, positions[index])
        elif rule.needs is None or rule.needs.search(text) is not None:
            matches = rule.regex.finditer(text)
        else:
            continue
        for m in matches:
            yield index, m


@lru_cache(maxsize=128)
def _candidates(text: str) -> tuple[tuple[int, int, re.Match[str]], ...]:
    """Every acceptable rule match in ``text``, longest first, then in text and rule order.
    Scanning is most of the cost and does not depend on the publication date, so a text
    resolved again (an undated report is, against today and against the stand-in dates of
    its frames, after the rest of its batch has gone through the pipeline) is scanned once."""
    found: list[tuple[int, int, int, re.Match[str]]] = []
    for index, m in _rule_matches(text):
        if m.end() > m.start() and _acceptable(text, m, _RULES[index]):
            found.append((m.start(), m.end(), index, m))
    found.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    return tuple((start, end, m) for start, end, _, m in found)


def find_dates(text: str, published: date | None) -> list[tuple[int, int, DateSpan]]:
    """Date expressions in ``text`` with their resolved spans: (start, end, span).

    Longest matches win; results do not overlap and are in text order.
    """
    taken: list[tuple[int, int, DateSpan]] = []
    for start, end, m in _candidates(text):
        if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            continue
        span = _resolve(m.group(), published)
        if span is not None:
            taken.append((start, end, span))
    return sorted(taken, key=lambda t: t[0])


def is_period(span: DateSpan) -> bool:
    """True for windows rather than moments: over a week long, or a month/year expression."""
    return span.granularity in {"month", "year"} or (span.end - span.start).days + 1 > 7


_RELATIVE = _rx(
    rf"\b(?:(?P<n>{_NUM})\s+(?P<unit>{_UNITS})\s+(?P<dir>later|earlier|afterwards|after"
    r"|before|beforehand|prior)"
    r"|the\s+(?P<fixed>next\s+day|following\s+day|day\s+after|previous\s+day|day\s+before"
    r"|same\s+day|next\s+morning|following\s+morning|previous\s+night|night\s+before))\b"
)
_FIXED_OFFSETS = {
    "next day": 1, "following day": 1, "day after": 1, "next morning": 1,
    "following morning": 1, "previous day": -1, "day before": -1, "previous night": -1,
    "night before": -1, "same day": 0,
}  # fmt: skip
_UNIT_DAYS = {"minute": 0, "hour": 0, "day": 1, "week": 7}


def _offset(m: re.Match[str]) -> int | None:
    if m["fixed"]:
        return _FIXED_OFFSETS[" ".join(m["fixed"].lower().split())]
    amount = number_value(m["n"])
    unit = DURATION_UNITS[m["unit"].lower()]
    if amount is None or unit not in _UNIT_DAYS:
        return None
    days = amount // 24 if unit == "hour" else amount * _UNIT_DAYS[unit]
    backwards = m["dir"].lower() in {"earlier", "before", "beforehand", "prior"}
    return -days if backwards else days


def relative_offset(expression: str) -> int | None:
    """Day offset of a narrative expression: "two days later" → 2, "a day earlier" → -1."""
    m = _RELATIVE.fullmatch(_clean(expression))
    return _offset(m) if m else None


def find_relative(text: str) -> list[tuple[int, int, int]]:
    """Narrative offsets in ``text``: (start, end, days)."""
    found = []
    for m in _RELATIVE.finditer(text):
        days = _offset(m)
        if days is not None:
            found.append((m.start(), m.end(), days))
    return found


_DURATION = _rx(rf"\b(?P<n>{_NUM})(?:\s+|-)(?P<unit>{_UNITS})\b")


def find_durations(text: str) -> list[tuple[int, int, int, str]]:
    """Durations such as "ten years", "24 hours", "two-week": (start, end, amount, unit)."""
    found = []
    for m in _DURATION.finditer(text):
        amount = number_value(m["n"])
        if amount is not None:
            found.append((m.start(), m.end(), amount, DURATION_UNITS[m["unit"].lower()]))
    return found
