"""Line records worked out once for the classifier and the header reader: same classes,
exact word counts, the header facts of the plain reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive import textheader, textlines
from newsarchive.text import _line_records
from newsarchive.textlines import LINES, WORD, classify, line_shape

LINE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
    max_size=200,
).map(lambda text: text.strip())
#: Short lines with the characters that make a token more or less than one ``\w+`` run.
SHORT_LINE = st.lists(
    st.sampled_from(
        ["By", "Anna", "Rossi", "İstanbul", "snake_case", "€5", "½", "—", "'s", "2024"]
    ),
    min_size=1,
    max_size=6,
).map(" ".join)


@given(st.one_of(LINE, SHORT_LINE))
def test_a_line_shape_has_its_exact_word_count(line: str) -> None:
    assert line_shape(line)[3] == len(WORD.findall(line))


@given(st.one_of(LINE, SHORT_LINE), st.booleans())
def test_a_line_record_remembers_what_classify_and_the_header_reader_read(
    line: str, repeated: bool
) -> None:
    record = _line_records([line])[line]
    assert _line_records([line])[line] is record  # remembered
    shape = line_shape(line)
    assert record == shape + textheader.line_facts(line, len(WORD.findall(line)))
    expected = ("bad", "repeated") if repeated and shape[2] < 30 else shape[:2]
    assert classify(line, repeated) == expected


CAPTURES = Path(__file__).parent / "data" / "captures"


def _records_without_the_extension(lines: list[str]) -> list[object]:
    """The records of ``lines`` worked out afresh with Python measuring every line (and
    so every header pattern searching it)."""
    for line in lines:
        LINES.pop(line, None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textlines, "_measure_in_c", textlines._not_measured)
        patch.setattr(textlines, "_shape_in_c", textlines._not_shaped)
        found = _line_records(lines)
    for line in lines:
        LINES.pop(line, None)
    return [found[line] for line in lines]


def test_fixture_line_records_are_the_same_without_the_extension() -> None:
    """Where the C extension is built, its measures and hints give the records Python's
    give (the patterns then search every line)."""
    lines = sorted(
        {
            line.strip()
            for path in CAPTURES.glob("*.txt")
            for line in path.read_text(encoding="utf-8").split("\n")
            if line.strip()
        }
    )
    for line in lines:
        LINES.pop(line, None)
    with_c = _line_records(lines)
    assert _records_without_the_extension(lines) == [with_c[line] for line in lines]


@given(st.one_of(LINE, SHORT_LINE))
def test_a_line_record_is_the_same_without_the_extension(line: str) -> None:
    LINES.pop(line, None)
    with_c = _line_records([line])[line]
    assert _records_without_the_extension([line]) == [with_c]


@given(st.lists(st.one_of(LINE, SHORT_LINE), max_size=20))
def test_a_pages_line_facts_are_each_lines(lines: list[str]) -> None:
    """``lines_facts`` reads the lines without hints itself: each line's facts must be
    what ``line_facts`` reads of it, with its hints and with every hint."""
    shapes, hints = textlines.line_shapes(lines)
    found = textheader.lines_facts(lines, shapes, hints)
    for line, shape, hinted, facts in zip(lines, shapes, hints, found, strict=True):
        assert facts == textheader.line_facts(line, shape[3], hinted)
        assert facts == textheader.line_facts(line, shape[3])


def test_fixture_lines_facts_are_each_lines() -> None:
    lines = sorted(
        {
            line.strip()
            for path in CAPTURES.glob("*.txt")
            for line in path.read_text(encoding="utf-8").split("\n")
        }
    )
    shapes, hints = textlines.line_shapes(lines)
    expected = [
        textheader.line_facts(line, shape[3]) for line, shape in zip(lines, shapes, strict=True)
    ]
    assert textheader.lines_facts(lines, shapes, hints) == expected
    if textlines._shape_in_c is not textlines._not_shaped:  # C hints: many lines have none
        assert sum(1 for hinted in hints if not hinted & textheader._PATTERN_HINTS) > 100
