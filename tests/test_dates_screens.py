"""``dates._first_date`` tries a year only with the forms that can start or end there
(what stands right after and before it): it must find what trying every form finds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from newsarchive import dates


def _plain_first_date(line: str, language: str | None) -> tuple[date, int, int] | None:
    """The reference: every form tried at every year, as before the screens."""
    for year in dates._ANY_YEAR.finditer(line):
        year_start, year_end = year.span()
        for pattern in dates._STARTS_WITH_YEAR:
            match = pattern.match(line, year_start)
            if match is not None and (day := dates._to_date(match, language)) is not None:
                return day, match.start(), match.end()
        window = max(0, year_start - dates._REACH)
        for pattern in dates._ENDS_WITH_YEAR:
            for match in pattern.finditer(line, window, year_end + dates._GLUED_TIME):
                if match.end("year") == year_end and (day := dates._to_date(match, language)):
                    return day, match.start(), match.end()
    return None


#: Pieces of printed dates and of what stands around them, joined in any order.
PIECE = st.sampled_from(
    [
        "2024", "1999", "2012", "20", "03", "3", "12", "31", "-", "/", ".", ",", " ", "\u00a0",
        "\t", "March", "Mar.", "mars", "de", "del", "Sept", "12th", "1er", "T10:12", "Z",
        "am", "EDT", "on", "x", "é", "٣", "Published", "\u2028", "(", ")",
    ]
)  # fmt: skip
LINE = st.lists(PIECE, max_size=12).map("".join)
LANGUAGE = st.sampled_from([None, "en", "fr", "de"])


@given(st.one_of(LINE, st.text(max_size=80)), LANGUAGE)
def test_the_first_date_is_what_every_form_finds(line: str, language: str | None) -> None:
    assert dates._first_date(line, language) == _plain_first_date(line, language)


def test_the_first_date_of_fixture_lines_is_what_every_form_finds() -> None:
    captures = Path(__file__).parent / "data" / "captures"
    lines = {
        line
        for path in captures.glob("*.txt")
        for line in path.read_text("utf-8").splitlines()
        if dates._ANY_YEAR.search(line)
    }
    assert len(lines) > 50
    found = 0
    for line in lines:
        for language in (None, "fr"):
            expected = _plain_first_date(line, language)
            assert dates._first_date(line, language) == expected, line
            found += expected is not None
    assert found > 40


#: Lines whose year ends a date (of some form) when the character between is right.
TEMPLATES = (
    "12 Mar 3{}2024", "March 3{}2024", "12 March{}2024", "3.12{}2024", "3-12{}2024",
    "3/12{}2024", "12 Mar.{}2024", "12 de marzo de{}2024", "3rd{}2024",
)  # fmt: skip


def test_the_forms_tried_after_each_character_are_all_that_can_end_there() -> None:
    """What the screen rests on, over every code point of the first planes: a form that
    ends with a year after a character is among those tried after it."""
    for code in range(0x3100):
        before = chr(code)
        tried = dates._ending_with_year(before)
        for template in TEMPLATES:
            line = template.format(before)
            for pattern in dates._ENDS_WITH_YEAR:
                if any(match.end("year") == len(line) for match in pattern.finditer(line)):
                    assert pattern in tried, (line, pattern.pattern)


def test_a_form_starting_with_a_year_has_one_of_the_screened_characters_after_it() -> None:
    """What the other screen rests on: ``2024-03-15`` and ``2024/3/15``, over every code
    point of the first planes as the separator."""
    for code in range(0x3100):
        after = chr(code)
        line = f"2024{after}03{after}15"
        for pattern in dates._STARTS_WITH_YEAR:
            if pattern.match(line) is not None:
                assert after in dates._AFTER_STARTING_YEAR, (line, pattern.pattern)
