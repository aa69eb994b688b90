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


@given(st.lists(LINES, max_size=12), st.sets(LINES))
def test_page_classes_classify_each_line_with_its_repetition(
    texts: list[str], ruled: set[str]
) -> None:
    """Rules match by text: a text a rule dropped is dropped wherever the page has it."""
    free_texts = [text for text in texts if text not in ruled]
    expected = [
        ("rule", "rule") if text in ruled else classify(text, free_texts.count(text) >= 2)
        for text in texts
    ]
    counts = Counter(free_texts)
    found = page_classes(texts, _line_records(texts), counts)
    assert [(entry[0], entry[1]) for entry in found] == expected


def test_ascii_punctuation_separates_classifier_tokens() -> None:
    """The printable-ASCII shortcut of the word count read off the tokens relies on this."""
    assert set(string.punctuation) <= set(_PUNCTUATION)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_an_ascii_line_has_its_exact_word_count_in_its_shape(text: str) -> None:
    line = text.strip()
    assert line_shape(line)[3] == len(WORD.findall(line))
