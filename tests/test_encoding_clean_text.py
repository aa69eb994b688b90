"""clean_text replaces characters one by one: the same text as the regex formulation."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from newsarchive.encoding import clean_text

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
#: Text dense in what clean_text changes, mixed with ordinary characters.
NOISY = st.text(
    alphabet=st.one_of(
        st.sampled_from("\r\n\t \u00a0\u2000\u2005\u200a\u200b\u200d\u00ad\ufeff\u3000"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=80,
)


@given(NOISY)
def test_clean_text_equals_the_regex_formulation(text: str) -> None:
    expected = _SPACES.sub(" ", _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    assert clean_text(text) == expected
