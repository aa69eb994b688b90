"""Screens in front of dates.py and people.py in the header reader: they never change
what the full checks say (fixture capture lines plus generated date- and byline-like lines)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from newsarchive import dates

CAPTURES = Path(__file__).parent / "data" / "captures"
#: Every non-blank line of the fixture captures, stripped, once.
FIXTURE_LINES = sorted(
    {
        line.strip()
        for path in CAPTURES.glob("*.txt")
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip()
    }
)
#: Pieces that date and byline lines are made of, some of them near misses.
PIECES = [
    "By", "BY", "Von", "Par", "di", "de", "Text", "and", "in", "|", ",", "-", "—", "(", ")",
    "Anna", "Rossi", "JANE", "DOE", "Jürgen", "van", "der", "Berg", "Reuters", "CNN", "AP",
    "Staff", "Writer", "Environment", "correspondent", "Reporter", "Redakteurin", "editor",
    "Published", "Updated", "Tue", "12", "3.", "15.", "March", "Mar.", "März", "Maerz",
    "Mrz", "Jän", "janv.", "ago", "2024", "1999", "20242:08", "2024-03-15", "15/03/2024",
    "03/04/2024", "2024/3/15", "07.00", "4:12PM", "10h12", "BST", "EST", "ET", "Uhr",
    "today", "min", "read", "The", "council", "voted.", "?", "@anna", "Edinburgh",
]  # fmt: skip
PIECE_LINE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map(" ".join)
ANY_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=120).map(
    lambda text: text.strip()
)


def test_has_date_agrees_with_find_date_on_the_fixture_lines() -> None:
    assert [line for line in FIXTURE_LINES if dates.has_date(line) != _found(line)] == []


@given(st.one_of(PIECE_LINE, ANY_LINE))
def test_has_date_agrees_with_find_date(line: str) -> None:
    assert dates.has_date(line) == _found(line)


def _found(line: str) -> bool:
    return dates.find_date(line) is not None
