"""The C measure of a line's shape against the Python reference it must equal.

``newsarchive._linefeatures.features`` measures what ``textlines.line_features`` measures,
and must give the same tuple for every line, except that it hands back (``None``) the lines
holding a newline, U+0130 or U+03A3, which Python then measures. ``line_shape`` must decide
the same with and without the extension.

The extension is optional, so where it is not built these tests skip; not in CI, though,
which has a C compiler: there a missing extension is a broken build.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from compiled import skip_unless_built
from hypothesis import given
from hypothesis import strategies as st

from newsarchive import dates, textheader, textlines
from newsarchive.encoding import clean_text, decode_bytes
from newsarchive.textlines import (
    _LINK_WORDS,
    _PUNCTUATION,
    ALL_HINTS,
    BAR_HINT,
    BYLINE_JOB_HINT,
    COMMA_HINT,
    JOB_HINT,
    MENU_SEPARATOR,
    OPENING_HINT,
    TERMINAL,
    YEAR_HINT,
    all_stopwords,
    decide,
    line_features,
    line_shape,
)

skip_unless_built("newsarchive._linefeatures", "textlines measures every line in Python")
from newsarchive import _linefeatures  # noqa: E402 - only once it is known to be built

REPO = Path(__file__).resolve().parents[1]
#: The code points a line is handed back to Python for (see _linefeatures.c).
HANDED_BACK = frozenset("\nİΣ")
#: Characters whose handling the two measures could differ on: the token separators, the
#: characters of the two patterns the C code mirrors, the code points it hands back, the
#: one word character that separates tokens, digits, a non-ASCII space and lower case.
TRICKY = sorted(
    set(_PUNCTUATION + MENU_SEPARATOR.pattern + TERMINAL.pattern)
    | set(" \t\u00a0\u2003_09²٣aIiıİΣσςéÉ")
    | HANDED_BACK
)
#: Words to build lines of: stop and link words, in all cases, and a few that are neither.
WORDS = st.sampled_from(
    sorted(all_stopwords() | _LINK_WORDS | {"ΟΔΟΣ", "İstanbul", "Straße", "x_y", "naïve"})
).flatmap(lambda word: st.sampled_from([word, word.upper(), word.title()]))


def assert_same_features(text: str) -> None:
    """The C measure of ``text`` is the Python one, or it is handed back as documented;
    and its hints are those of the header reader's patterns (see :func:`assert_hints`)."""
    found = _linefeatures.features(text)
    assert (found is None) == bool(HANDED_BACK.intersection(text)), repr(text)
    shaped = _linefeatures.shapes([text])
    if found is None:
        assert shaped == ([None], [0]), repr(text)
    else:
        assert tuple(found) == line_features(text), repr(text)
        assert_hints(text, found.hints, found.runs)
        # The C decision is Python's, over Python's measures.
        assert shaped == ([decide(textlines._Measures(text))], [found.hints]), repr(text)


#: Lines of more ``\w`` runs than this get every hint unread (HINTED_RUNS in the C code).
HINTED_RUNS = 16


def assert_hints(text: str, hints: int, runs: int) -> None:
    """Each hint a line lacks is a pattern of the header reader that finds nothing in it
    (what lets ``textheader.line_facts`` skip the pattern). The year, the comma and the bar
    are read exactly, and the lines with more runs than are read get every hint."""
    if runs > HINTED_RUNS:
        assert hints == ALL_HINTS, repr(text)
        return
    assert bool(hints & YEAR_HINT) == dates.has_year(text), repr(text)
    assert bool(hints & COMMA_HINT) == bool(textheader._AFTER_COMMA.search(text)), repr(text)
    assert bool(hints & BAR_HINT) == ("|" in text), repr(text)
    if not hints & OPENING_HINT:
        assert not textheader._BYLINE_WORD.match(text), repr(text)
        assert not textheader.BYLINE_START.match(text), repr(text)
    if not hints & JOB_HINT:
        assert not textheader._JOB_TITLE.search(text), repr(text)
    if not hints & BYLINE_JOB_HINT:
        assert not textheader._BYLINE_JOB.search(text), repr(text)


def fixture_lines() -> list[str]:
    """Every line of the repository's text captures, as read and as the segmenter sees it."""
    paths = sorted((REPO / "tests" / "data" / "captures").glob("*.txt"))
    paths += sorted((REPO / "raw").glob("*.txt"))
    assert paths
    lines: set[str] = set()
    for path in paths:
        page = decode_bytes(path.read_bytes())
        lines.update(page.split("\n"))
        lines.update(line.strip() for line in clean_text(page).split("\n"))
    return sorted(lines)


def test_every_fixture_line_measures_the_same() -> None:
    lines = fixture_lines()
    assert len(lines) > 1000
    for line in lines:
        assert_same_features(line)


def test_every_code_point_measures_the_same() -> None:
    """Each code point alone, after a capital, and between letters: its classes, its lower
    case and its case as a token's first character."""
    for start in range(0, 0x110000, 0x100):
        points = [chr(c) for c in range(start, start + 0x100)]
        assert_same_features(" ".join(points))
        assert_same_features("A" + "A".join(points))
        assert_same_features("".join(points))


def test_every_capital_of_a_word_letter_measures_the_same() -> None:
    """Each code point that lower-cases to a letter of a stop or link word (É, the Kelvin
    sign for k), in that letter's place: the C lower case must be ``str.lower``'s."""
    capitals: dict[str, list[str]] = {}
    for point in map(chr, range(0x110000)):
        lower = point.lower()
        if lower != point:
            capitals.setdefault(lower, []).append(point)
    for word in all_stopwords() | _LINK_WORDS:
        for i, letter in enumerate(word):
            for capital in capitals.get(letter, ()):
                assert_same_features(f"{word[:i]}{capital}{word[i + 1 :]} and {word}")


@given(st.text())
def test_any_text_measures_the_same(text: str) -> None:
    assert_same_features(text)


@given(st.text(alphabet=st.sampled_from(TRICKY)))
def test_text_of_separators_and_edge_cases_measures_the_same(text: str) -> None:
    assert_same_features(text)


@given(st.lists(st.sampled_from([" ", "\t", " | ", "|", "•", "·", "›", "»", ">", "/", "x"])))
def test_menu_separators_are_counted_the_same(parts: list[str]) -> None:
    """Dense in MENU_SEPARATOR's characters: overlapping and edge matches."""
    assert_same_features("".join(parts))


def test_every_short_line_of_separators_is_counted_the_same() -> None:
    """All lines of up to six of a space, a bar that splits anywhere, one that splits only
    between spaces, and a letter: every overlap and edge case of MENU_SEPARATOR."""
    for size in range(7):
        for chars in itertools.product(" |>x", repeat=size):
            assert_same_features("".join(chars))


@given(
    st.text(),
    st.sampled_from(".!?…:;x "),
    st.text(alphabet="\"'”’»)]", max_size=7),
    st.sampled_from(["", " ", "x", "(", "\n"]),
)
def test_line_endings_are_read_the_same(line: str, stop: str, closers: str, last: str) -> None:
    """A sentence stop, then closing quotes and brackets, at or near the end, where
    TERMINAL reads (the last ``_TAIL`` characters)."""
    assert_same_features(line + stop + closers + last)


def test_every_short_line_ending_is_read_the_same() -> None:
    """Each stop, then 0 to 8 of one closer, then nothing or one more character: around
    the tail's edge exhaustively."""
    for stop, closer, last in itertools.product(".!?…:;x ", "\"'”’»)]", ["", " ", "x", "\n"]):
        for count in range(9):
            for head in ("", "Word", "a b"):
                assert_same_features(head + stop + closer * count + last)


@given(st.lists(st.one_of(WORDS, st.sampled_from(TRICKY), st.text(max_size=3)), max_size=40))
def test_lines_of_words_and_separators_measure_the_same(parts: list[str]) -> None:
    assert_same_features(" ".join(parts))
    assert_same_features("".join(parts))


@given(st.lists(st.one_of(WORDS, st.sampled_from(TRICKY)), max_size=40))
def test_line_shape_is_the_same_without_the_extension(parts: list[str]) -> None:
    text = " ".join(parts)
    with_c = line_shape(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textlines, "_measure_in_c", textlines._not_measured)
        assert line_shape(text) == with_c


def test_fixture_line_shapes_are_the_same_without_the_extension(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = fixture_lines()
    with_c = [line_shape(line) for line in lines]
    monkeypatch.setattr(textlines, "_measure_in_c", textlines._not_measured)
    assert [line_shape(line) for line in lines] == with_c


def test_a_menu_line_is_measured() -> None:
    """A sanity check of the tuple's order against hand-counted values."""
    found = _linefeatures.features("| Home | News » Sport / more about Paris.")
    assert found is not None
    assert tuple(found) == (6, 6, 4, 5, 2, True, 4)
    assert (found.words, found.separators, found.stop_words, found.capitals) == (6, 4, 2, 4)


def test_the_hint_bits_are_the_extensions() -> None:
    assert (YEAR_HINT, COMMA_HINT, OPENING_HINT, JOB_HINT, BYLINE_JOB_HINT, BAR_HINT) == (
        _linefeatures.YEAR_HINT,
        _linefeatures.COMMA_HINT,
        _linefeatures.OPENING_HINT,
        _linefeatures.JOB_HINT,
        _linefeatures.BYLINE_JOB_HINT,
        _linefeatures.BAR_HINT,
    )


#: Every word the hinted patterns look for, in each case and with each code point that
#: re's IGNORECASE matches to one of its letters (İ and ı to i, ſ to s, K to k).
PATTERN_WORDS = sorted(
    {
        spelled
        for pattern in (
            textheader._JOB_TITLE,
            textheader._BYLINE_JOB,
            textheader._BYLINE_WORD,
            textheader.BYLINE_START,
        )
        for word in re.findall(r"[^\W\d_]{2,}", pattern.pattern.replace("(?i)", ""))
        for spelled in (
            word,
            word.upper(),
            word.title(),
            word.replace("i", "ı"),
            word.replace("s", "ſ"),
            word.replace("k", "\u212a"),
        )
    }
)


def test_every_word_of_the_hinted_patterns_has_its_hint() -> None:
    """A pattern's word alone, as a line's first word, after a word and inside one: the
    line has the pattern's hint whenever the pattern finds the word."""
    for word in PATTERN_WORDS:
        for line in (word, f"{word} X", f"Anna {word}", f"x{word}", f"{word}_", f"3 {word}."):
            assert_same_features(line)


#: Pieces of the lines the hints are read in: years and near misses, commas, bars, the
#: words of the hinted patterns, non-ASCII digits and spaces.
HINT_PIECES = st.one_of(
    st.sampled_from(PATTERN_WORDS),
    st.sampled_from(["19", "20", "2024", "1999", "20٢4", "٢٠٢4", "1 9", "2-0", "x"]),
    st.text(alphabet=",|  \u00a0\t0129٣_-.ıſ\u212aİ", max_size=4),
)


@given(st.lists(HINT_PIECES, max_size=20))
def test_lines_of_hinted_pieces_have_the_patterns_hints(pieces: list[str]) -> None:
    assert_same_features(" ".join(pieces))
    assert_same_features("".join(pieces))


def test_features_refuse_what_is_not_a_str() -> None:
    with pytest.raises(TypeError):
        _linefeatures.features(b"Home")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _linefeatures.shapes(["Home", b"News"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        _linefeatures.shapes(("Home",))  # type: ignore[arg-type]


def test_every_share_at_the_thresholds_is_decided_the_same() -> None:
    """Lines of every mix of stop, link, capitalised and other words up to 30 words, with
    and without a sentence end and a separator: each share of decide's thresholds (0.15,
    0.2, 0.25, 0.5, 0.6) is met exactly by some."""
    lines = [
        " ".join(["the"] * stop + ["home"] * link + ["Paris"] * capital + ["x"] * other) + end
        for stop, link, capital, other in itertools.product(
            range(16), range(9), range(13), (0, 3, 11)
        )
        if 0 < stop + link + capital + other <= 30
        for end in ("", ".", " | a")
    ]
    shaped, hints = _linefeatures.shapes(lines)
    assert shaped == [decide(textlines._Measures(line)) for line in lines]
    assert len(hints) == len(lines)


def test_a_page_of_lines_is_shaped_as_each_line_alone() -> None:
    """``line_shapes`` over lines C hands back among the others: each is Python's."""
    lines = ["By Anna Rossi", "İstanbul\nnews", "", "Home | News", "ΣΟΦΙΑ said so."] * 3
    shaped, hints = textlines.line_shapes(lines)
    assert shaped == [decide(textlines._Measures(line)) for line in lines]
    measured = [_linefeatures.features(line) for line in lines]
    assert hints == [ALL_HINTS if m is None else m.hints for m in measured]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textlines, "_shape_in_c", textlines._not_shaped)
        assert textlines.line_shapes(lines) == (shaped, [ALL_HINTS] * len(lines))


def test_shaping_a_million_lines_keeps_memory_flat() -> None:
    """Refcounts: the shapes of many lines are freed with them (RSS does not grow)."""
    import resource

    lines = ["By Anna Rossi, CNN", "Home | News", "The council met on Tuesday."] * 1000
    for _ in range(30):
        _linefeatures.shapes(lines)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(300):
        _linefeatures.shapes(lines)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20_000
