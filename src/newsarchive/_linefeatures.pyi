"""A text line's shape features for :mod:`newsarchive.textlines`, measured in C.

Optional: built where a C compiler is at install time; ``textlines`` measures in Python
otherwise (``textlines.line_features`` is the reference these must equal).
"""

from collections.abc import Iterable
from typing import final

@final
class LineFeatures(tuple[int, int, int, int, int, bool, int]):
    """What the line classifier measures of a line, in ``textlines.line_features``' order."""

    @property
    def words(self) -> int: ...
    @property
    def runs(self) -> int: ...
    @property
    def separators(self) -> int: ...
    @property
    def link_words(self) -> int: ...
    @property
    def stop_words(self) -> int: ...
    @property
    def terminal(self) -> bool: ...
    @property
    def capitals(self) -> int: ...
    @property
    def hints(self) -> int:
        """``textlines.*_HINT`` bits; an attribute only, not an item of the tuple."""

YEAR_HINT: int
COMMA_HINT: int
OPENING_HINT: int
JOB_HINT: int
BYLINE_JOB_HINT: int
BAR_HINT: int

def configure(stop_words: Iterable[str], link_words: Iterable[str], punctuation: str, /) -> None:
    """Set the words :func:`features` counts and the punctuation that separates tokens."""

def features(text: str, /) -> LineFeatures | None:
    """The features of a line, or ``None`` when Python must measure it."""

def shapes(texts: list[str], /) -> tuple[list[tuple[str, str, int, int] | None], list[int]]:
    """The shapes ``textlines.decide`` gives ``texts`` (``None`` for a line Python must
    measure) and the hints of each line (``0`` for those)."""
