"""Rule-matching screens (the guard scan, the batch plain screens) answer as the plain readings do.

- The guard scan skips to any character but an ASCII word character and checks a
  character outside ASCII to be ``\\W`` afterwards: it finds the places a scan after
  ``\\W`` finds.
- Plain screens run over a batch of lines at C level: the lines they let through are the
  ones :meth:`PlainScreen.may_match` lets through.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from test_textrules_matcher import assert_matches_in_order, reference, rule

from newsarchive.rules import RuleSet, trie_pattern
from newsarchive.textrules import _AFTER_NON_WORD, line_matcher
from newsarchive.textscreen import PlainScreen

WORDS = ["ab", "abc", "é", "été", "über", "x y", "_a"]
#: Word characters in and outside ASCII, non-word ones in and outside ASCII.
PIECES = [*WORDS, "a", "b", "_", "0", "é", "ß", " ", "\n", "-", "(", "—", "«", "’", "\u00a0"]
texts_st = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts_st)
def test_places_after_a_non_word_character_are_found_as_after_a_plain_non_word_search(
    text: str,
) -> None:
    trie = trie_pattern(sorted(WORDS))
    plain = re.compile(rf"\W(?=({trie}))")
    fast = re.compile(_AFTER_NON_WORD.format(trie))
    expected = [(m.start(1), m.group(1)) for m in plain.finditer(text)]
    assert [(m.start(1), m.group(1)) for m in fast.finditer(text)] == expected


LINES = ["Share", "share on x", "Print this", "y7z", "", "É", "Menu", "x" * 300, "(a)"]


def test_plain_screens_pass_the_lines_they_may_match() -> None:
    screens = [
        PlainScreen([f"(x|y{n})z" for n in range(50)] + ["(?i)(share|print)( this)?"]),
        PlainScreen(["(?i)share.*", "menu"]),  # few alternatives: one regex
        PlainScreen([]),  # nothing to screen for
        PlainScreen(["(?P<x>a)", "(?P<x>b)"]),  # cannot be joined: every line passes
    ]
    for screen in screens:
        expected = [n for n, line in enumerate(LINES) if screen.may_match(line)]
        assert list(screen.passing(LINES)) == expected
    assert list(screens[-1].passing(LINES)) == list(range(len(LINES)))


GUARDS = ["über", "été", "ab", "(", "x y"]
FRAGMENTS = [*GUARDS, " ", "é", "É", "—", "«", "’", "x", "_", "Ab", "ÜBER", ".", "y"]
PATTERNS = [r".*", r".+\)", r"(?i)[^.]{2,30}", r"\S+", r"(?i)ab.*", r"(?i)\w+", r"x"]
lines_st = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=10).map("".join)
rules_st = st.lists(
    st.tuples(st.sampled_from(PATTERNS), st.lists(st.sampled_from(GUARDS), max_size=2)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(
    own=rules_st,
    generic=rules_st,
    lines=st.lists(lines_st.map(str.strip).filter(bool), min_size=1, max_size=20),
)
def test_guards_after_characters_outside_ascii_match_as_in_order_matching(
    own: list[tuple[str, list[str]]],
    generic: list[tuple[str, list[str]]],
    lines: list[str],
) -> None:
    assert_matches_in_order(own, generic, lines)


def test_guards_opening_with_many_kinds_of_punctuation_match_as_in_order_matching() -> None:
    """More punctuation openings than one scan each is kept for: one scan for all."""
    marks = "([/©#@&*+=!?"
    rules = tuple(rule(n, r".*\S", [mark + "x"]) for n, mark in enumerate(marks))
    few = tuple(rule(n, r".*\S", [mark + "x"]) for n, mark in enumerate(marks[:3]))
    lines = [f"a {mark}x b" for mark in marks] + ["(x[x", "#y", "x", "©x©x"]
    for rule_list in (rules, few):
        matcher = line_matcher(RuleSet(rules=rule_list), None)
        expected = [reference(line, (rule_list,)) for line in lines]
        assert matcher.match_all(lines) == expected
        assert any(expected)
