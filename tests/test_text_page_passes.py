"""Page passes done with fewer Python steps: the same lines and roles as the plain way."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsarchive.text import _line_records, _nonblank_lines, _nonblank_texts
from newsarchive.textlines import WORD, word_count

#: Page text with blank lines of every kind of whitespace ``str.strip`` removes.
PAGE = st.text(
    alphabet=st.sampled_from(["a", "B", " ", "\t", "\r", "\x0b", "\x1c", "\u2028", "\xa0", "\n"]),
    max_size=80,
)


@given(PAGE)
def test_nonblank_texts_are_the_texts_of_the_numbered_lines(text: str) -> None:
    assert _nonblank_texts(text) == [line for _, line in _nonblank_lines(text)]


@given(st.text(max_size=40))
def test_word_count_reads_the_record_or_counts(line: str) -> None:
    """A recorded line's word count is its record's; any other text is counted."""
    assert word_count(line) == len(WORD.findall(line))
    _line_records([line])
    assert word_count(line) == len(WORD.findall(line))
