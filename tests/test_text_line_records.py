"""Line records worked out once for the classifier and the header reader: same classes,
exact word counts, the header facts of the plain reading."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsarchive import textheader
from newsarchive.text import _line_records
from newsarchive.textlines import WORD, classify, line_shape

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
