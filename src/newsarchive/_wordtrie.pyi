"""Types of the optional C extension ``_wordtrie.c`` (see that file)."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

class WordTrie:
    """A trie of words (non-empty), built once and scanned over many texts."""

    def __init__(self, words: Iterable[str]) -> None: ...
    def places(self, text: str, /, *, after_non_word: bool = False) -> list[tuple[int, str]]:
        """Every (place, word) where one of the words starts in ``text``, the longest word
        there, in order of place; with ``after_non_word``, only places after a character
        that is not a word character (re's ``\\W``)."""

class LineRules:
    """A line matcher's rules (at most 64), screens and guard tries, matching lines in one
    pass of C as ``textrules.LineMatcher`` does in Python."""

    def __init__(
        self,
        wordy: WordTrie,
        other: WordTrie,
        options: dict[str, list[tuple[int, int, int]]],
        slots: int,
        screens: Sequence[
            tuple[
                dict[str, re.Pattern[str]],
                dict[str, re.Pattern[str]],
                WordTrie,
                dict[str, re.Pattern[str]],
                int,
            ]
        ],
        rules: Sequence[tuple[object, int, int, str, re.Pattern[str]]],
    ) -> None: ...
    def match_all(self, lines: Sequence[str], cache: dict[str, Any], limit: int, /) -> list[Any]:
        """The rule claiming each of ``lines``, or ``None``: lines not in ``cache`` are
        matched and added to it, which is cleared first when it would pass ``limit``."""
