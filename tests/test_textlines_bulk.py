"""Page-level classifier passes done in bulk: the same answers as line by line."""

from __future__ import annotations

import string
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from newsarchive.text import _line_records
from newsarchive.textlines import _PUNCTUATION, WORD, classify, line_shape, page_classes

#: A few lines a page may repeat: menu entries, prose, a teaser.
LINES = st.sampled_from(
    [
        "Home",
        "Share this article",
        "The minister said on Tuesday that the plan would be put to a vote next week.",
        "Most read",
        "It was, as one of them put it, the longest night of the year for all of them.",
    ]
)


@given(st.lists(st.tuples(LINES, st.booleans()), max_size=12))
def test_page_classes_classify_each_line_with_its_repetition(page: list[tuple[str, bool]]) -> None:
    texts = [text for text, _ in page]
    free = [is_free for _, is_free in page]
    free_texts = [text for text, is_free in page if is_free]
    expected = [
        classify(text, free_texts.count(text) >= 2) if is_free else ("rule", "rule")
        for text, is_free in page
    ]
    counts = Counter(free_texts)
    assert page_classes(texts, free, _line_records(texts), counts) == expected


def test_ascii_punctuation_separates_classifier_tokens() -> None:
    """The printable-ASCII shortcut of the word count read off the tokens relies on this."""
    assert set(string.punctuation) <= set(_PUNCTUATION)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_an_ascii_line_has_its_exact_word_count_in_its_shape(text: str) -> None:
    line = text.strip()
    assert line_shape(line)[3] == len(WORD.findall(line))
