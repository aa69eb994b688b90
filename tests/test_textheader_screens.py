"""Screens in front of dates.py and people.py in the header reader: they never change
what the full checks say (fixture capture lines plus generated date- and byline-like lines)."""

from __future__ import annotations

import re
from pathlib import Path
from unittest.mock import patch

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsarchive import dates, people, textheader
from newsarchive.people import parse_byline
from newsarchive.text import _line_records
from newsarchive.textlines import SENTENCE_END, line_measures, word_count

CAPTURES = Path(__file__).parent / "data" / "captures"
#: Every non-blank line of the fixture captures, stripped, once.
FIXTURE_LINES = sorted(
    {
        line.strip()
        for path in CAPTURES.glob("*.txt")
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip()
    }
)
#: Pieces that date and byline lines are made of, some of them near misses.
PIECES = [
    "By", "BY", "Von", "Par", "di", "de", "Text", "and", "in", "|", ",", "-", "—", "(", ")",
    "Anna", "Rossi", "JANE", "DOE", "Jürgen", "van", "der", "Berg", "Reuters", "CNN", "AP",
    "Staff", "Writer", "Environment", "correspondent", "Reporter", "Redakteurin", "editor",
    "Published", "Updated", "Tue", "12", "3.", "15.", "March", "Mar.", "März", "Maerz",
    "Mrz", "Jän", "janv.", "ago", "2024", "1999", "20242:08", "2024-03-15", "15/03/2024",
    "03/04/2024", "2024/3/15", "07.00", "4:12PM", "10h12", "BST", "EST", "ET", "Uhr",
    "today", "min", "read", "The", "council", "voted.", "?", "@anna", "Edinburgh",
]  # fmt: skip
PIECE_LINE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map(" ".join)
#: Lines shaped like bylines: an opening word, names, a job title, an agency or a date.
BYLINE_LINE = st.tuples(
    st.sampled_from(["", "By", "BY", "Von", "Words by", "de", "Jane"]),
    st.lists(st.sampled_from(["Anna", "Maria", "Rossi", "JANE", "DOE", "van", "Berg"]), max_size=4),
    st.sampled_from(["", ",", "|", "and Rhys Tandy", "in Edinburgh", "(Reuters)"]),
    st.lists(
        st.sampled_from(
            ["Senior", "Environment", "Political", "correspondent", "Reporter", "staff"]
        ),
        max_size=3,
    ),
    st.sampled_from(["", ", CNN", "| Reuters", "12 March 2024", "Published 3.4.2024 10:12"]),
).map(lambda parts: " ".join(" ".join(p) if isinstance(p, list) else p for p in parts).strip())
ANY_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=120).map(
    lambda text: text.strip()
)


def test_has_date_agrees_with_find_date_on_the_fixture_lines() -> None:
    assert [line for line in FIXTURE_LINES if dates.has_date(line) != _found(line)] == []


@given(st.one_of(PIECE_LINE, BYLINE_LINE, ANY_LINE))
def test_has_date_agrees_with_find_date(line: str) -> None:
    assert dates.has_date(line) == _found(line)


def _found(line: str) -> bool:
    return dates.find_date(line) is not None


#: The screens as first written (one branch per word), which the grouped ones must equal.
DATE_HINT = re.compile(
    r"(?i)\d{1,4}[./-]\d{1,2}|\d{4}-\d{2}|\b(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t"
    r"|nov|de[cz]|janv|f[ée]v|avr|juin|juil|ao[uû]|d[ée]c|gen|mag|giu|lug|ago|set|ott|dic|ene"
    r"|abr|märz|maerz|mrz|jän|heute|today|yesterday|hier|ieri|ayer)"
)
BYLINE_JOB = re.compile(
    r"(?i)\b(?:correspondent|reporter|editor|writer|journalist|columnist|critic|producer"
    r"|analyst|contributor|correspondente?|redakteur\w*|korrespondent\w*|journaliste"
    r"|giornalista|periodista|corresponsal)\b"
)
JOB_TITLE = re.compile(
    r"(?i)\b(?:correspondent|reporter|editor|writer|journalist|columnist|critic|producer"
    r"|analyst|contributor|staff|chief|correspondente?|redakteur\w*|korrespondent\w*"
    r"|journaliste|envoyée?|giornalista|inviat[oa]|periodista|corresponsal|redactora?)\b"
)


def _reference_kind(text: str) -> str | None:
    """What a line is, read the plain way: every check in full, in the original order."""
    words = word_count(text)
    if len(text) > 160 or words > 14:
        return None
    mention = dates.find_date(text) if DATE_HINT.search(text) else None
    if mention is not None and (
        (words <= 13 and not SENTENCE_END.search(text)) or dates.is_date_line_of(text, mention)
    ):
        return "date"
    hinted = (
        textheader._BYLINE_WORD.match(text)
        or "|" in text
        or textheader._AFTER_COMMA.search(text)
        or BYLINE_JOB.search(text)
    )
    if textheader.BYLINE_START.match(text) or (words <= 9 and hinted and parse_byline(text)):
        return "byline"
    return "name" if words <= 4 else None


def _facts_agree(line: str) -> bool:
    """The facts of the plain reading, read with every pattern and with the patterns the
    line's hints leave (the C measure's, where it is built)."""
    job = word_count(line) <= 4 and JOB_TITLE.search(line) is not None
    expected = (_reference_kind(line), job)
    measured = line_measures(line)
    hinted = textheader.line_facts(line, measured.runs, measured.hints)
    return textheader.line_facts(line, word_count(line)) == hinted == expected


def test_line_facts_agree_with_the_plain_reading_on_the_fixture_lines() -> None:
    assert [line for line in FIXTURE_LINES if not _facts_agree(line)] == []


@settings(max_examples=500)
@given(st.one_of(PIECE_LINE, BYLINE_LINE, ANY_LINE))
@example("Anna Maria Rossi Environment correspondent")
@example("Holly Brennan Science Reporter")
@example("By Staff Reporter")
def test_line_facts_agree_with_the_plain_reading(line: str) -> None:
    assert _facts_agree(line)


#: The words the screens look for, cut short, in any case, amid letters that fold alike.
SCREEN_WORD = st.sampled_from(
    sorted(
        set(re.findall(r"[^\W\d_]+", DATE_HINT.pattern + JOB_TITLE.pattern)) - {"i", "d", "w", "b"}
    )
)
SCREEN_TEXT = st.lists(
    st.one_of(
        st.tuples(SCREEN_WORD, st.integers(0, 12), st.booleans()).map(
            lambda cut: cut[0][: cut[1]].upper() if cut[2] else cut[0][: cut[1]]
        ),
        st.text(alphabet="0123456789./- _aeéiouäûcknrstzſıİKÄ", max_size=6),
    ),
    max_size=5,
).map("".join)


#: Every word of the lists as printed in bylines and date lines (the regex \w* tails too).
LIST_WORDS = [
    f"{before}{case(word)}{after}"
    for word in [*re.findall(r"[^\W\d_]+", DATE_HINT.pattern + JOB_TITLE.pattern), "envoye"]
    for case in (str.lower, str.upper, str.title)
    for before, after in (("", ""), ("3 ", "."), ("x", ""), ("", "in"), ("", "_"))
]


def test_grouped_screens_find_what_the_word_lists_find_for_each_word() -> None:
    for line in LIST_WORDS:
        _screens_agree(line)


@settings(max_examples=1000)
@given(st.one_of(SCREEN_TEXT, PIECE_LINE, ANY_LINE))
def test_grouped_screens_find_what_the_word_lists_find(line: str) -> None:
    _screens_agree(line)


def _screens_agree(line: str) -> None:
    assert bool(textheader._DATE_HINT.search(line)) == bool(DATE_HINT.search(line)), line
    assert bool(textheader._BYLINE_JOB.search(line)) == bool(BYLINE_JOB.search(line)), line
    assert bool(textheader._JOB_TITLE.search(line)) == bool(JOB_TITLE.search(line)), line
    if BYLINE_JOB.search(line):
        assert JOB_TITLE.search(line), line


def _reference_name_above_date(i: int, texts: list[str], roles: list[str]) -> bool:
    if word_count(texts[i]) > 8 or not parse_byline(f"By {texts[i]}"):
        return False
    following = next((j for j in range(i + 1, len(roles)) if roles[j] != "removed"), None)
    if following is None:
        return False
    return roles[following] == "date" or (
        roles[following] in ("", "byline") and _reference_name_above_date(following, texts, roles)
    )


@given(
    st.lists(
        st.tuples(
            st.one_of(BYLINE_LINE, st.sampled_from(["Anna Rossi", "JANE DOE", "Sofia Hartigan"])),
            st.sampled_from(["", "", "byline", "date", "removed", "body", "headline"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_names_above_a_date_are_read_as_before(lines: list[tuple[str, str]]) -> None:
    texts = [text for text, _ in lines]
    roles = [role for _, role in lines]
    expected = {i for i in range(len(lines)) if _reference_name_above_date(i, texts, roles)}
    assert textheader._names_above_date(range(len(lines)), texts, roles) == expected


def _parse_in_full(line: str) -> tuple[str, ...]:
    """parse_byline as if every line had a year: the date is looked for before the
    opening is judged, as before the yearless screen."""
    with patch.object(people, "has_year", lambda _: True):
        return people.parse_byline.__wrapped__(line)


def test_parse_byline_screen_agrees_on_the_fixture_lines() -> None:
    lines = [line for line in FIXTURE_LINES if len(line) <= 160]
    assert [line for line in lines if people.parse_byline(line) != _parse_in_full(line)] == []


@settings(max_examples=500)
@given(st.one_of(BYLINE_LINE, PIECE_LINE, ANY_LINE))
@example("By Anna Rossi 12 March 2024")
@example("12 March 2024 Anna Rossi, Reuters")
def test_parse_byline_screen_agrees(line: str) -> None:
    assert people.parse_byline(line) == _parse_in_full(line)
    assert people.parse_byline(f"By {line}") == _parse_in_full(f"By {line}")


def _reference_meta_lines(texts: list[str], roles: list[str]) -> dict[int, str]:
    """meta_lines read the plain way: each line, then a name's next line for a job title."""
    meta: dict[int, str] = {}
    for i, text in enumerate(texts):
        if roles[i] or i in meta:
            continue
        kind = _reference_kind(text)
        if kind == "name":
            following = texts[i + 1] if i + 1 < len(texts) and not roles[i + 1] else None
            if (
                following is not None
                and word_count(following) <= 4
                and JOB_TITLE.search(following)
                and parse_byline(f"{text} {following}")
            ):
                meta[i] = meta[i + 1] = "byline"
        elif kind is not None:
            meta[i] = kind
    return meta


PAGE_LINE = st.one_of(
    BYLINE_LINE,
    st.sampled_from(
        ["Holly Brennan", "Science Reporter", "Staff Writer", "Anna Rossi", "Home", "12 March 2024"]
    ),
)


@settings(max_examples=300)
@given(st.lists(st.tuples(PAGE_LINE, st.sampled_from(["", "", "", "removed", "credit"]))))
def test_meta_lines_read_as_the_plain_reading(lines: list[tuple[str, str]]) -> None:
    texts = [text for text, _ in lines]
    roles = [role for _, role in lines]
    records = _line_records(text for text, role in lines if not role)
    assert textheader.meta_lines(texts, roles, records) == _reference_meta_lines(texts, roles)


def test_has_date_of_year_line_is_has_date_on_the_fixture_lines() -> None:
    assert [
        line for line in FIXTURE_LINES if dates.has_date_of_year_line(line) != _found(line)
    ] == []


@given(st.one_of(PIECE_LINE, BYLINE_LINE, ANY_LINE))
def test_has_date_of_year_line_is_has_date(line: str) -> None:
    assert dates.has_date_of_year_line(line) == _found(line)
