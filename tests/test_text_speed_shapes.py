"""Line shapes worked out ahead of the header reader: same classes, exact word counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsarchive.textlines import WORD, _classify_shape, classify, shape, word_count

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
def test_a_short_line_shaped_first_has_its_exact_word_count(line: str) -> None:
    shape(line)  # notes the count when the line's tokens give it
    assert word_count(line) == len(WORD.findall(line))


@given(st.one_of(LINE, SHORT_LINE), st.booleans())
def test_shape_remembers_what_classify_reads(line: str, repeated: bool) -> None:
    remembered = shape(line)
    assert remembered == _classify_shape(line)
    expected = ("bad", "repeated") if repeated and remembered[2] < 30 else remembered[:2]
    assert classify(line, repeated) == expected
