"""Types of the optional C extension ``_wordtrie.c`` (see that file)."""

from collections.abc import Iterable

class WordTrie:
    """A trie of words (non-empty), built once and scanned over many texts."""

    def __init__(self, words: Iterable[str]) -> None: ...
    def places(self, text: str, /, *, after_non_word: bool = False) -> list[tuple[int, str]]:
        """Every (place, word) where one of the words starts in ``text``, the longest word
        there, in order of place; with ``after_non_word``, only places after a character
        that is not a word character (re's ``\\W``)."""
