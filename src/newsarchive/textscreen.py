"""Cheap screens derived from rule patterns, so that most lines skip most rules.

Rules stay data: nothing here changes what a rule matches. From each pattern this module
reads what every match must have, by parsing it with the regex engine's own parser:

- :func:`required_text`: literal text every match contains (tested with ``in``);
- :func:`first_chars`: the ASCII characters a match can start with;
- :class:`PlainScreen`: one regex per first character of the line, made of only the rule
  alternatives that can start with it (``read more|share|menu|...`` split at the top
  level, an opening ``(facebook|twitter|...)`` spread over the rest), instead of one
  regex trying several hundred alternatives on every line.

A screen may let through lines no rule matches (the rules themselves decide), never the
reverse: where a pattern cannot be read with certainty, it is always tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import compress, count, repeat
from operator import itemgetter
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

#: Global inline flags at the start of a pattern, such as ``(?i)``.
INLINE_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")
#: Category codes of the parser, as the regexes that test them.
_CATEGORIES = {
    _constants.CATEGORY_DIGIT: re.compile(r"\d"),
    _constants.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    _constants.CATEGORY_SPACE: re.compile(r"\s"),
    _constants.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    _constants.CATEGORY_WORD: re.compile(r"\w"),
    _constants.CATEGORY_NOT_WORD: re.compile(r"\W"),
}
_ASCII = tuple(chr(code) for code in range(128))
#: Characters outside ASCII that case-insensitive matching equates with an ASCII letter.
_FOLDS = {"k": "\u212a", "s": "\u017f", "i": "\u0130\u0131"}
_IGNORECASE = int(re.IGNORECASE)
#: Patterns referring back to a group cannot be split into alternatives.
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")

Item = tuple[Any, Any]


def scoped(pattern: str) -> str:
    """Turn leading global flags ``(?i)x`` into a scoped group ``(?i:x)`` for embedding."""
    found = INLINE_FLAGS.match(pattern)
    if found is None:
        return pattern
    return f"(?{found.group(1)}:{pattern[found.end() :]})"


def required_text(pattern: re.Pattern[str]) -> str:
    """The longest run of literal characters every match of ``pattern`` contains, or "".

    Only the top-level sequence (and plain groups in it) counts, as anything under a
    repeat or an alternative may be absent. Case-insensitive patterns give "" (a plain
    ``in`` test could not stand in for them).
    """
    if pattern.flags & re.IGNORECASE:
        return ""
    runs = [""]
    for op, value in _flat_sequence(list(_parser.parse(pattern.pattern, pattern.flags))):
        if op is _constants.LITERAL:
            runs[-1] += chr(value)
        elif runs[-1]:
            runs.append("")
    return max(runs, key=len)


def lengths(pattern: re.Pattern[str]) -> tuple[int, int]:
    """The fewest and most characters a match of ``pattern`` can span (the most is huge
    when a repeat is unbounded): a line of another length cannot match it whole."""
    low, high = _parser.parse(pattern.pattern, pattern.flags).getwidth()
    return int(low), int(high)


def opening_pairs(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every two-character string a match of ``pattern`` can open with, when the pattern
    opens with two literal characters (in any case, under ``re.IGNORECASE``); else ``None``.

    Only ASCII letters are read case-insensitively (as :func:`first_chars` does); another
    character under ``re.IGNORECASE`` gives ``None``.
    """
    folded = bool(pattern.flags & re.IGNORECASE)
    options: list[str] = []
    for op, value in list(_parser.parse(pattern.pattern, pattern.flags))[:2]:
        char = chr(value) if op is _constants.LITERAL else ""
        if not char or (folded and not char.isascii()):
            return None
        options.append(_variants(char, folded))
    if len(options) < 2:
        return None
    return frozenset(a + b for a in options[0] for b in options[1])


def _flat_sequence(items: list[Item]) -> list[Item]:
    """A parsed sequence with plain groups opened up (flag groups stay as they are)."""
    flat: list[Item] = []
    for op, value in items:
        if op is _constants.SUBPATTERN and not value[1] and not value[2]:
            flat.extend(_flat_sequence(list(value[3])))
        else:
            flat.append((op, value))
    return flat


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The ASCII characters a match of ``pattern`` can start with; ``None``: any at all.

    A line starting with a character outside ASCII is tried against every pattern, so
    only ASCII needs answering. Lookarounds are ignored (they only narrow a match).
    """
    return _edge_chars(pattern, last=False)


def last_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The ASCII characters a match of ``pattern`` can end with; ``None``: any at all.

    Read like :func:`first_chars`, from the end: a pattern ending ``[^.]{2,100}`` or
    ``\\)`` cannot take a sentence ending in a full stop.
    """
    return _edge_chars(pattern, last=True)


def _edge_chars(pattern: re.Pattern[str], last: bool) -> frozenset[str] | None:
    if pattern.flags & (re.ASCII | re.LOCALE | re.VERBOSE):
        return None
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    found, empty = _sequence_edge(list(parsed), bool(pattern.flags & re.IGNORECASE), last)
    return None if found is None or empty else frozenset(found)


def _sequence_edge(items: list[Item], folded: bool, last: bool) -> tuple[set[str] | None, bool]:
    """(first characters, or last ones, whether the sequence can match the empty string)."""
    found: set[str] = set()
    for op, value in reversed(items) if last else items:
        chars, empty = _item_edge(op, value, folded, last)
        if chars is None:
            return None, False
        found |= chars
        if not empty:
            return found, False
    return found, True


def _item_edge(op: Any, value: Any, folded: bool, last: bool) -> tuple[set[str] | None, bool]:
    if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
        return set(), True
    if op is _constants.LITERAL:
        return {c for c in _ASCII if chr(value) in _variants(c, folded)}, False
    if op is _constants.NOT_LITERAL:  # [^.]
        return {c for c in _ASCII if chr(value) not in _variants(c, folded)}, False
    if op is _constants.IN:
        test = _set_test(value)
        if test is None:
            return None, False
        return {c for c in _ASCII if any(test(v) for v in _variants(c, folded))}, False
    if op is _constants.BRANCH:
        found: set[str] = set()
        any_empty = False
        for alternative in value[1]:
            chars, empty = _sequence_edge(list(alternative), folded, last)
            if chars is None:
                return None, False
            found |= chars
            any_empty = any_empty or empty
        return found, any_empty
    if op is _constants.SUBPATTERN:
        _, add, remove, body = value
        if (add | remove) & ~_IGNORECASE:
            return None, False
        return _sequence_edge(list(body), (folded or bool(add)) and not remove, last)
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT):
        low, _, body = value
        chars, empty = _sequence_edge(list(body), folded, last)
        return chars, empty or low == 0
    return None, False


def _variants(char: str, folded: bool) -> str:
    """The characters a case-insensitive match equates with ``char`` (and itself)."""
    if not folded:
        return char
    return char + char.lower() + char.upper() + _FOLDS.get(char.lower(), "")


def _set_test(items: list[Item]) -> Any:
    """A test for one character against a parsed ``[...]`` set, or ``None`` if unknown."""
    negate = False
    tests: list[Any] = []
    for op, value in items:
        if op is _constants.NEGATE:
            negate = True
        elif op is _constants.LITERAL:
            tests.append(lambda c, v=value: ord(c) == v)
        elif op is _constants.RANGE:
            tests.append(lambda c, low=value[0], high=value[1]: low <= ord(c) <= high)
        elif op is _constants.CATEGORY and value in _CATEGORIES:
            tests.append(lambda c, r=_CATEGORIES[value]: r.fullmatch(c) is not None)
        else:
            return None
    return lambda c: any(test(c) for test in tests) != negate


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern, each scoped with its global flags.

    ``(?i)(read more|share)`` gives ``["(?i:read more)", "(?i:share)"]``; a pattern that
    cannot be split safely (back-references, verbose mode) comes back whole, scoped.
    """
    return _alternatives(pattern, spread=False)


def choices(pattern: str) -> list[str]:
    """The alternatives of a pattern (see :func:`alternatives`), each opening group of
    alternatives spread over what follows it.

    ``(?i)(share|print)( this)?`` gives ``["(?i:share( this)?)", "(?i:print( this)?)"]``:
    a screen per first character then holds only the choices that can start with it,
    instead of a long ``(facebook|twitter|...)`` branch tried on every line.
    """
    return _alternatives(pattern, spread=True)


def _alternatives(pattern: str, spread: bool) -> list[str]:
    found = INLINE_FLAGS.match(pattern)
    flags = found.group(1) if found else ""
    body = pattern[found.end() :] if found else pattern
    if "x" in flags or _BACKREFERENCE.search(body):
        return [scoped(pattern)]
    while (inner := _unwrap(body)) is not None:
        body = inner
    parts = _split_bars(body)
    if spread:
        parts = [piece for part in parts for piece in _spread(part)]
    return [f"(?{flags}:{part})" if flags else f"(?:{part})" for part in parts]


def _spread(part: str) -> list[str]:
    """``(a|b)c`` as ``["ac", "bc"]``, again for each while it opens with a plain group of
    alternatives that is not repeated; more than :data:`_SPREAD_LIMIT` pieces stay whole."""
    if part.startswith("(?:"):
        start = 3
    elif part.startswith("(") and not part.startswith("(?"):
        start = 1
    else:
        return [part]
    close = _closing(part, 0)
    rest = part[close + 1 :]
    if close < 0 or rest[:1] in ("?", "*", "+", "{"):
        return [part]
    pieces = [
        piece for choice in _split_bars(part[start:close]) for piece in _spread(choice + rest)
    ]
    return pieces if len(pieces) <= _SPREAD_LIMIT else [part]


#: Pieces one alternative may be spread into (each becomes part of a screen regex).
_SPREAD_LIMIT = 64


def _unwrap(body: str) -> str | None:
    """The inside of a group spanning the whole body (``(...)`` or ``(?:...)``), if any."""
    if body.startswith("(?:"):
        start = 3
    elif body.startswith("(") and not body.startswith("(?"):
        start = 1
    else:
        return None
    return body[start:-1] if _closing(body, 0) == len(body) - 1 else None


def _closing(body: str, opening: int) -> int:
    """Index of the parenthesis closing the one at ``opening`` (-1 when unbalanced)."""
    depth = 0
    for index, char in _structure(body):
        if index < opening:
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _split_bars(body: str) -> list[str]:
    """``body`` split at the bars outside any group or set."""
    parts: list[str] = []
    depth = 0
    last = 0
    for index, char in _structure(body):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[last:index])
            last = index + 1
    parts.append(body[last:])
    return parts


def _structure(body: str) -> list[tuple[int, str]]:
    """Positions of the parentheses and bars that give a pattern its structure, skipping
    escaped characters and the insides of ``[...]`` sets."""
    marks: list[tuple[int, str]] = []
    index = 0
    size = len(body)
    while index < size:
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _set_end(body, index)
            continue
        if char in "()|":
            marks.append((index, char))
        index += 1
    return marks


def _set_end(body: str, start: int) -> int:
    """Index just past the ``]`` closing the set opened at ``start``."""
    index = start + 1
    if body[index : index + 1] == "^":
        index += 1
    if body[index : index + 1] == "]":  # a leading "]" is a member, not the end
        index += 1
    while index < len(body):
        if body[index] == "\\":
            index += 2
            continue
        if body[index] == "]":
            return index + 1
        index += 1
    return index


class PlainScreen:
    """Whether any of a list of patterns may fully match a line: one regex per first
    character, holding only the pattern alternatives that can start with it.

    For the C line matcher (``_wordtrie.LineRules``) it also holds a sharper split of the
    same alternatives (:meth:`split_may_match`, the Python reading of it): an alternative
    opening with literal text (:func:`folded_opening`) is tried only on a line opening
    with that text, and one whose matches cannot hold a space only on a line without one.
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        self.full = (_union([scoped(p) for p in patterns]) if patterns else _NOTHING) or _ANY
        #: The alternatives and the ASCII characters each can start with (none when they
        #: are few: :attr:`full` serves every line).
        self.parts: list[tuple[str, frozenset[str] | None]] = []
        #: The regexes of the alternatives opening with no literal text, by the line's
        #: first character ("" for one outside ASCII, or none), for lines without a space
        #: and (``spaced``) with one; no key: none can match.
        self.unspaced = dict.fromkeys(("", *_ASCII), self.full)
        self.spaced = dict(self.unspaced)
        #: The regex of the alternatives opening with each literal text (ASCII lowered).
        self.openings: dict[str, re.Pattern[str]] = {}
        pieces = [piece for pattern in patterns for piece in alternatives(pattern)]
        if len(pieces) < _DISPATCH_FROM:  # few alternatives: one regex is cheap enough
            return
        for pattern in patterns:
            try:
                self.parts.extend((p, first_chars(re.compile(p))) for p in choices(pattern))
            except re.error:  # an alternative that does not stand alone: keep the pattern whole
                self.parts.append((scoped(pattern), None))
        self._split(self.parts)

    @cached_property
    def by_char(self) -> dict[str, re.Pattern[str]]:
        """The union of the alternatives that can start with each ASCII character, built
        on first use: where the C line matcher reads the split instead, never."""
        return self._by_char(self.parts) if self.parts else {}

    def _by_char(
        self, parts: Sequence[tuple[str, frozenset[str] | None]]
    ) -> dict[str, re.Pattern[str]]:
        """The union of the ``parts`` that can start with each ASCII character
        (:data:`_NOTHING` where none can)."""
        unions: dict[tuple[int, ...], re.Pattern[str]] = {}
        by_char: dict[str, re.Pattern[str]] = {}
        for char in _ASCII:
            chosen = tuple(
                n for n, (_, start) in enumerate(parts) if start is None or char in start
            )
            if chosen not in unions:
                union = _union([parts[n][0] for n in chosen]) if chosen else _NOTHING
                unions[chosen] = union or self.full
            by_char[char] = unions[chosen]
        return by_char

    def _split(self, parts: Sequence[tuple[str, frozenset[str] | None]]) -> None:
        """Fill :attr:`unspaced`, :attr:`spaced` and :attr:`openings` from ``parts``."""
        wild: list[tuple[str, frozenset[str] | None]] = []
        spaced: list[tuple[str, frozenset[str] | None]] = []
        by_opening: dict[str, list[str]] = {}
        for part, start in parts:
            compiled = _compiled(part)
            opening = folded_opening(compiled) if compiled is not None else ""
            if opening:
                by_opening.setdefault(opening, []).append(part)
                continue
            wild.append((part, start))
            if compiled is None or may_hold_space(compiled):
                spaced.append((part, start))
        self.openings = {text: _union(found) or self.full for text, found in by_opening.items()}
        for table, chosen in ((self.unspaced, wild), (self.spaced, spaced)):
            table.clear()
            table.update(
                (char, regex)
                for char, regex in self._by_char(chosen).items()
                if regex is not _NOTHING
            )
            if chosen:  # a line outside ASCII: every one of them may match
                table[""] = _union([part for part, _ in chosen]) or self.full

    def split_may_match(self, line: str) -> bool:
        """:meth:`may_match`, read through the split alternatives: the answer is the same,
        as each alternative is tried on every line it can match."""
        first = line[:1] if line[:1].isascii() else ""
        wild = (self.spaced if " " in line else self.unspaced).get(first)
        if wild is not None and wild.fullmatch(line):
            return True
        opening = folded_head(line)
        return any(
            regex.fullmatch(line)
            for text, regex in self.openings.items()
            if opening.startswith(text)
        )

    def may_match(self, line: str) -> bool:
        """False only when no pattern can match the whole (non-empty) ``line``."""
        return self.by_char.get(line[:1], self.full).fullmatch(line) is not None

    def passing(self, lines: Sequence[str]) -> Iterator[int]:
        """The indices of ``lines`` that :meth:`may_match`, screened in one C-level pass
        (most lines pass no screen, and need no Python work at all)."""
        screens = map(self.by_char.get, map(_OPENING, lines), repeat(self.full))
        return compress(count(), map(re.Pattern.fullmatch, screens, lines))


def folded_opening(pattern: re.Pattern[str]) -> str:
    """The literal ASCII text every match of ``pattern`` opens with, lowered: a line whose
    :func:`folded_head` does not start with it cannot match."""
    items = list(_parser.parse(pattern.pattern, pattern.flags))
    return _opening(items, bool(pattern.flags & re.IGNORECASE))[0]


def _opening(items: list[Item], folded: bool) -> tuple[str, bool]:
    """(the literal opening of a parsed sequence, whether it is the whole sequence)."""
    text = ""
    for op, value in items:
        if op is _constants.LITERAL:
            char = chr(value)
            if not char.isascii():
                return text, False
            text += char.lower()
        elif op is _constants.SUBPATTERN and not (value[1] | value[2]) & ~_IGNORECASE:
            inner, whole = _opening(list(value[3]), (folded or bool(value[1])) and not value[2])
            text += inner
            if not whole:
                return text, False
        else:
            return text, False
    return text, True


def may_hold_space(pattern: re.Pattern[str]) -> bool:
    """Whether a match of ``pattern`` may hold a space (False only when certain)."""
    return _holds_space(list(_parser.parse(pattern.pattern, pattern.flags)))


def _holds_space(items: list[Item]) -> bool:
    for op, value in items:
        if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            continue  # lookarounds read characters but hold none in the match
        if op is _constants.LITERAL:
            found = value == ord(" ")
        elif op is _constants.NOT_LITERAL:
            found = value != ord(" ")
        elif op is _constants.IN:
            test = _set_test(value)
            found = test is None or test(" ")
        elif op is _constants.BRANCH:
            found = any(_holds_space(list(alternative)) for alternative in value[1])
        elif op is _constants.SUBPATTERN:
            found = _holds_space(list(value[3]))
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT):
            found = value[1] > 0 and _holds_space(list(value[2]))
        else:  # any character, a back-reference, ...: it may
            found = True
        if found:
            return True
    return False


def _compiled(pattern: str) -> re.Pattern[str] | None:
    """``pattern`` compiled, or ``None`` when it does not compile alone."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def folded_head(line: str) -> str:
    """The characters ``line`` opens with, read as a case-insensitive match of ASCII text
    reads them: ASCII letters lowered, and the four characters outside ASCII such a match
    takes for an ASCII letter (``İ``, ``ı``, ``ſ``, the Kelvin sign) as that letter; up to
    the first other character outside ASCII."""
    head = _HEAD.match(line)
    return head.group().translate(_HEAD_FOLDS).lower() if head else ""


#: The characters outside ASCII that a case-insensitive ASCII letter matches, as it.
_HEAD_FOLDS = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
#: The characters :func:`folded_head` reads.
_HEAD = re.compile(r"[\x00-\x7f" + "".join(map(chr, _HEAD_FOLDS)) + "]+")
#: The first character of a line ("" for an empty one).
_OPENING = itemgetter(slice(0, 1))
#: Alternatives from which a screen per first character pays for building it (the shipped
#: generic rules have about 190; a publisher profile's plain rules a dozen or so).
_DISPATCH_FROM = 40
#: A regex that matches no line (no patterns to screen for).
_NOTHING = re.compile(r"(?!)")
#: A regex that matches every line (patterns that cannot be joined into one screen).
_ANY = re.compile(r"(?s:.*)")


def _union(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """One regex matching what any of ``patterns`` matches; ``None`` when they cannot be
    joined (such a screen lets every line through)."""
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:
        return None
