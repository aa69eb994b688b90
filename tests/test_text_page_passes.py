"""Page passes done with fewer Python steps: the same lines and roles as the plain way.

Each rewritten pass is compared with its plain reading (kept here, line by line as it
was first written) on generated inputs, and on every fixture capture: there the real
passes are watched while the page is normalised, and each call is repeated with the
plain reading on copies of its arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsarchive import text, textheader
from newsarchive.encoding import clean_text, decode_bytes
from newsarchive.rules import default_rules
from newsarchive.text import _line_records, _nonblank_lines, _nonblank_texts, _sequence
from newsarchive.textheader import _MARKER_ROLES, _headline_shaped, _pick_headline
from newsarchive.textlines import (
    BAD,
    GOOD,
    LETTERS,
    WORD,
    Classed,
    class_letters,
    comments_start,
    list_heads,
    mark_teasers,
    settle,
    word_count,
)

CAPTURES = Path(__file__).parent / "data" / "captures"
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


# --------------------------------------------------------------------------- plain readings


def plain_sequence(
    texts: Sequence[str], roles: Sequence[str], meta: dict[int, str]
) -> tuple[list[int], list[bool], list[str]]:
    seq = [i for i, role in enumerate(roles) if (role == "" and i not in meta) or role == "removed"]
    return seq, [roles[i] == "" for i in seq], [texts[i] for i in seq]


def plain_settle(classes: Sequence[str]) -> list[str]:
    """The two walks of the classes: good/bad lines seen above, then below."""
    prev_good: list[bool] = []
    last: str | None = None
    for cls in classes:
        prev_good.append(last == GOOD)
        if cls in (GOOD, BAD):
            last = cls
    settled = list(classes)
    last = None
    for i in range(len(classes) - 1, -1, -1):
        cls = classes[i]
        if cls == "near":
            settled[i] = GOOD if prev_good[i] or last == GOOD else BAD
        elif cls == "short":
            settled[i] = GOOD if prev_good[i] and last == GOOD else BAD
        elif cls == "rule":
            settled[i] = BAD
        else:
            last = cls
    return settled


def plain_list_heads(seq: Sequence[int], kinds: Sequence[str | None]) -> list[tuple[int, str]]:
    return [(k, kind) for k, i in enumerate(seq) if (kind := kinds[i]) in ("related", "comments")]


def plain_mark_teasers(
    free: Sequence[bool],
    first: list[Classed],
    heads: Sequence[tuple[int, str]],
    texts: Sequence[str],
) -> None:
    """Line by line: a head once the article began opens a list, prose closes it."""
    at_head = dict(heads)
    in_list = prose = False
    for k, is_free in enumerate(free):
        if not is_free:
            label = k in at_head and not re.search(r"[:|]\s*\S", texts[k].rstrip(": "))
            in_list = in_list or (label and prose)
        elif first[k][0] == GOOD:
            in_list = False
            prose = True
        elif in_list:
            first[k] = (BAD, "teaser")


def plain_comments_start(
    heads: Sequence[tuple[int, str]], classes: str, settled: str, texts: Sequence[str]
) -> int:
    """Line by line: the words counted up to each comment control, read off the text."""
    markers = [k for k, kind in heads if kind == "comments"]
    prose = kept = done = 0
    for k, line in enumerate(texts[: markers[-1] + 1] if markers else ()):
        if done < len(markers) and markers[done] == k:
            done += 1
            thread = len(markers) - done >= 3 and markers[done] - k <= 4
            if prose >= 50 or (thread and kept >= 8):
                return k
        if classes[k] == "G":
            prose += len(WORD.findall(line))
        if settled[k] == "G":
            kept += len(WORD.findall(line))
    return len(texts)


def plain_pick_headline(
    lines: Sequence[int], from_body: set[int], texts: Sequence[str], roles: Sequence[str]
) -> int | None:
    """Every title-like line followed like a headline, then the last before the markers."""
    followed = [
        n
        for n, i in enumerate(lines)
        if _headline_shaped(texts[i])
        and textheader._followed_like_headline(n, lines, from_body, texts, roles)
    ]
    names = textheader._names_above_date([lines[n] for n in followed], texts, roles)
    shaped = [n for n in followed if lines[n] not in names]
    if not shaped:
        return None
    start = lines[0]
    before_meta = [
        n for n in shaped if not any(roles[j] in _MARKER_ROLES for j in range(start, lines[n]))
    ]
    chosen = (before_meta or shaped)[-1]
    line = lines[chosen]
    above = lines[chosen - 1] if chosen > 0 else None
    if above is None or not _headline_shaped(texts[above]):
        return line
    return line if word_count(texts[above]) <= 6 else above


# --------------------------------------------------------------------------- generated inputs

CLASSES = ["good", "near", "short", "bad", "rule"]


@given(st.lists(st.sampled_from(CLASSES), max_size=40))
def test_settle_reads_the_neighbours_as_the_two_walks_do(classes: list[str]) -> None:
    expected = "".join("G" if cls == GOOD else "B" for cls in plain_settle(classes))
    assert settle("".join(LETTERS[cls] for cls in classes)) == expected


@given(
    st.lists(st.sampled_from(["", "", "removed", "credit", "image-id"]), max_size=20),
    st.sets(st.integers(0, 19)),
)
def test_sequence_is_the_plain_selection_of_lines(roles: list[str], meta: set[int]) -> None:
    texts = [f"line {i}" for i in range(len(roles))]
    meta_lines = {i: "date" for i in meta if i < len(roles) and roles[i] == ""}
    assert _sequence(texts, roles, meta_lines) == plain_sequence(texts, roles, meta_lines)


#: One line of the classifier's sequence: free or rule-dropped, its class, its kind.
SEQ_LINE = st.one_of(
    st.tuples(
        st.just(True),
        st.sampled_from(["good", "near", "short", "bad"]),
        st.none(),
        st.sampled_from(
            [
                "The council met.",
                "Home",
                "It was a long night for all of them",
                "The minister said on Tuesday that the plan would be put to a vote next week, and"
                " that the council would meet again in the spring to decide on the old bridge.",
            ]
        ),
    ),
    st.tuples(
        st.just(False),
        st.just("rule"),
        st.sampled_from([None, None, "related", "comments", "share"]),
        st.sampled_from(["Related", "Related: A title", "Reply", "Comments |", "Share"]),
    ),
)


@given(st.lists(SEQ_LINE, max_size=40), st.lists(st.integers(0, 3), max_size=40))
def test_list_heads_and_teasers_read_as_the_plain_walk(
    lines: list[tuple[bool, str, str | None, str]], gaps: list[int]
) -> None:
    free = [is_free for is_free, _, _, _ in lines]
    first: list[Classed] = [(cls, "why") for _, cls, _, _ in lines]
    texts = [line for _, _, _, line in lines]
    # The sequence skips some page lines (byline, date, photo lines), which have no kind.
    seq = [n + sum(gaps[: n + 1]) for n in range(len(lines))]
    kinds: list[str | None] = [None] * (seq[-1] + 1 if seq else 0)
    for i, (_, _, kind, _) in zip(seq, lines, strict=True):
        kinds[i] = kind
    heads = list_heads(seq, kinds)
    assert heads == plain_list_heads(seq, kinds)
    expected = list(first)
    plain_mark_teasers(free, expected, heads, texts)
    letters = mark_teasers(free, first, heads, texts, class_letters(first))
    assert first == expected
    assert letters == class_letters(expected)


PROSE = "The minister said on Tuesday that the plan would be put to a vote next week, and that"


@settings(max_examples=300)
@given(st.lists(SEQ_LINE, max_size=60), st.lists(st.sampled_from("GB"), min_size=60))
@example(  # the first line's words count
    [(True, "good", None, f"{PROSE} the council would meet again in the spring to decide.")] * 2
    + [(False, "rule", "comments", "Reply")],
    ["G"] * 60,
)
@example(  # a short post under a thread: its kept words count, though it is not prose
    [(True, "near", None, "It was a long night for all of them")]
    + [(False, "rule", "comments", "Reply")] * 4,
    ["G"] * 60,
)
def test_comments_start_counts_the_words_as_the_plain_walk(
    lines: list[tuple[bool, str, str | None, str]], kept: list[str]
) -> None:
    texts = [line for _, _, _, line in lines]
    classes = "".join(LETTERS[cls] for _, cls, _, _ in lines)
    # Only free lines are kept (a rule-dropped line is always bad).
    frees = [is_free for is_free, _, _, _ in lines]
    settled = "".join(g if is_free else "B" for is_free, g in zip(frees, kept, strict=False))
    kinds = [kind for _, _, kind, _ in lines]
    heads = list_heads(range(len(lines)), kinds)
    records = _line_records(text for (is_free, _, _, text) in lines if is_free)
    expected = plain_comments_start(heads, classes, settled, texts)
    assert comments_start(heads, classes, settled, texts, records) == expected


#: Header-ish lines: headlines, a kicker, deks, names, menu entries, a byline.
HEADER_TEXT = st.sampled_from(
    [
        "Why Bridges Rust Faster Near The Sea",
        "Council Votes To Close The Old Harbour Bridge",
        "WEATHER",
        "Engineers say salt spray and warmer winters are speeding up the damage",
        "The plan was approved on Tuesday.",
        "Sofia Hartigan",
        "Home",
        "World | Europe",
        "By Anna Rossi",
        "Science Reporter",
    ]
)
HEADER_ROLE = st.sampled_from(["", "", "", "", "", "", "removed", "date", "byline", "image-id"])


@settings(max_examples=500)
@given(st.lists(st.tuples(HEADER_TEXT, HEADER_ROLE), max_size=16), st.sets(st.integers(0, 15)))
@example(  # no marker: the lowest title-like line is read first, and its upper neighbour
    [
        ("Why Bridges Rust Faster Near The Sea", ""),
        ("Engineers say salt spray and warmer winters are speeding up the damage", ""),
        ("Council Votes To Close The Old Harbour Bridge", ""),
    ],
    set(),
)
def test_pick_headline_stops_where_the_plain_reading_chooses(
    page: list[tuple[str, str]], body: set[int]
) -> None:
    texts = [line for line, _ in page]
    roles = [role for _, role in page]
    _line_records(texts)
    lines = [i for i, role in enumerate(roles) if role == ""]
    from_body = {i for i in lines if i in body}
    expected = plain_pick_headline(lines, from_body, texts, roles)
    assert _pick_headline(lines, from_body, texts, roles) == expected


# --------------------------------------------------------------------------- fixture pages


def _checked(
    real: Callable[..., Any], check: Callable[..., None], seen: list[str]
) -> Callable[..., Any]:
    """``real``, with ``check`` called first on copies of the arguments (noted in ``seen``)."""

    def call(*args: Any) -> Any:
        check(*[list(a) if isinstance(a, list) else a for a in args])
        seen.append(check.__name__)
        return real(*args)

    return call


def _check_settle(letters: str) -> None:
    classes = [{v: k for k, v in LETTERS.items()}[c] for c in letters]
    assert settle(letters) == "".join("G" if c == GOOD else "B" for c in plain_settle(classes))


def _check_teasers(
    free: list[bool], first: list[Classed], heads: list[tuple[int, str]], texts: list[str], _: str
) -> None:
    expected = list(first)
    plain_mark_teasers(free, expected, heads, texts)
    letters = mark_teasers(free, first, heads, texts, class_letters(first))
    assert (first, letters) == (expected, class_letters(expected))


def _check_comments(
    heads: list[tuple[int, str]], classes: str, settled: str, texts: list[str], records: Any
) -> None:
    expected = plain_comments_start(heads, classes, settled, texts)
    assert comments_start(heads, classes, settled, texts, records) == expected


def _check_headline(lines: list[int], from_body: set[int], texts: Any, roles: list[str]) -> None:
    assert _pick_headline(lines, from_body, texts, roles) == plain_pick_headline(
        lines, from_body, texts, roles
    )


def _check_sequence(texts: list[str], roles: list[str], meta: dict[int, str]) -> None:
    assert _sequence(texts, roles, meta) == plain_sequence(texts, roles, meta)


def _check_list_heads(seq: list[int], kinds: list[str | None]) -> None:
    assert list_heads(seq, kinds) == plain_list_heads(seq, kinds)


CHECKS = (
    (text, "settle", _check_settle),
    (text, "mark_teasers", _check_teasers),
    (text, "comments_start", _check_comments),
    (text, "_sequence", _check_sequence),
    (text, "list_heads", _check_list_heads),
    (textheader, "_pick_headline", _check_headline),
)


@contextmanager
def _watched(seen: list[str]) -> Iterator[None]:
    """The page passes of ``text`` and ``textheader``, each checked on every call."""
    with ExitStack() as stack:
        for module, name, check in CHECKS:
            real = getattr(module, name)
            stack.enter_context(patch.object(module, name, _checked(real, check, seen)))
        yield


def test_page_passes_read_fixture_pages_as_the_plain_readings() -> None:
    seen: list[str] = []
    with _watched(seen):
        for path in sorted(CAPTURES.glob("*.txt")):
            text.segment(clean_text(decode_bytes(path.read_bytes())), default_rules())
    # Each check ran, and the comment and teaser checks on pages that have such lines.
    assert set(seen) == {check.__name__ for _, _, check in CHECKS}


def plain_title_like(text: str) -> bool:
    if not 3 <= word_count(text) <= 30 or len(text) > 220:
        return False
    if len(textheader._LETTER_WORD.findall(text)) < 2:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    return not textheader.MENU_SEPARATOR.search(text)


#: Text of letters (some accented or not Latin), digits, underscores, spaces and stops.
LETTERS_AND_MORE = st.text(
    alphabet=st.sampled_from(["a", "B", "é", "ß", "Ж", "1", "_", " ", ".", "|", "\n", "-"]),
    max_size=30,
)


@given(LETTERS_AND_MORE)
def test_two_words_of_letters_are_found_as_by_listing_them(line: str) -> None:
    found = textheader._TWO_LETTER_WORDS.search(line) is not None
    assert found == (len(textheader._LETTER_WORD.findall(line)) >= 2)


@given(LETTERS_AND_MORE)
def test_title_like_reads_as_the_plain_tests(line: str) -> None:
    assert textheader._title_like(line) == plain_title_like(line)
