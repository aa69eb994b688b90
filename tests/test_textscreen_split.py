"""A plain screen's split (what the C line matcher reads) answers as the screen does.

``PlainScreen.split_may_match`` tries an alternative opening with literal text only on a
line opening with it (:func:`folded_opening`), one whose matches hold no space only on a
line without one (:func:`may_hold_space`), the rest by the line's first character; it
must let through exactly the lines :meth:`PlainScreen.may_match` lets through, on the
shipped rules over the fixture lines, and on generated patterns and lines (characters a
case-insensitive match equates with ``s``, ``k`` or ``i`` among them).
"""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from test_textrules_matcher import fixture_lines

from newsarchive.rules import default_rules
from newsarchive.textscreen import PlainScreen, folded_head, folded_opening, may_hold_space


def test_folded_opening_is_literal_ascii_text_lowered() -> None:
    assert folded_opening(re.compile("(?i)(share|print) this")) == ""
    assert folded_opening(re.compile("(?i:Read more)( now)?")) == "read more"
    assert folded_opening(re.compile("REUTERS/.*")) == "reuters/"
    assert folded_opening(re.compile("(?i)more stories")) == "more stories"
    assert folded_opening(re.compile("Skip")) == "skip"  # not case-insensitive
    assert folded_opening(re.compile("é.*")) == ""
    assert folded_opening(re.compile(r"a(?i:b)c\d")) == "abc"
    assert folded_opening(re.compile(r"ab?")) == "a"


def test_folded_head_reads_what_case_insensitive_ascii_letters_match() -> None:
    assert folded_head("Sign In") == "sign in"
    assert folded_head("ſign İn ıN \u212aick é x") == "sign in in kick "
    assert folded_head("élan") == ""
    assert folded_head("") == ""


def test_only_four_characters_outside_ascii_match_a_case_insensitive_ascii_letter() -> None:
    """What :func:`folded_head` relies on, checked over every code point."""
    letter = re.compile("(?i)[a-z]")
    found = [code for code in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(code))]
    assert found == [0x130, 0x131, 0x17F, 0x212A]
    # Each as the letter folded_head reads it as.
    pairs = zip("iisk", found, strict=True)
    assert all(re.fullmatch(f"(?i){letter}", chr(code)) for letter, code in pairs)


def test_may_hold_space_is_false_only_when_certain() -> None:
    assert not may_hold_space(re.compile(r"(?i)[\w.-]+\.(jpe?g|png)"))
    assert not may_hold_space(re.compile(r"(?=\S*\d)[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+"))
    assert not may_hold_space(re.compile(r"menu|share(?= )|[^ ]{2}"))
    assert may_hold_space(re.compile(r"sign in"))
    assert may_hold_space(re.compile(r"a\s?b"))
    assert may_hold_space(re.compile(r"a.b"))
    assert may_hold_space(re.compile(r"(a)\1"))
    assert may_hold_space(re.compile(r"[^.]+"))


def test_the_shipped_screens_split_answer_as_they_do() -> None:
    rules = default_rules()
    plain = [rule.pattern.pattern for rule in rules.rules if rule.pattern and not rule.guard]
    screens = [PlainScreen(plain)]
    for profile in rules.profiles:
        own = [r.pattern.pattern for r in profile.rules if r.pattern and not r.guard]
        screens.append(PlainScreen(own))
    assert screens[0].openings
    lines = fixture_lines()
    lines += ["", "menu", "ſign in", "Sign In", "\u212aeep reading", "İ più letti", "x_1-a"]
    lines += ["ſhare", "SHARE THIS", "ſee all", "\u212aommentare", "ıMPRESSUM"]
    passed = 0
    for screen in screens:
        for line in lines:
            assert screen.split_may_match(line) == screen.may_match(line), line
            passed += screen.may_match(line)
    assert passed > 50


#: Alternatives opening with literal text (with s, k and i), with none, holding spaces
#: or not.
PATTERNS = [
    r"(?i)sign in|skip( to)? content",
    r"(?i)kick off.*|ink",
    r"(?i)[\w.-]+\.png",
    r"(?i)(share|print)( this)?",
    r"[a-z]{2} edition",
    r"(?i)\d+ comments?",
    r"Menu|MORE",
    r".{0,5}\|x",
]
FRAGMENTS = ["sign in", "ſign in", "Sign", "ſign", " ", "in", "İn", "ıN", "kick", "\u212aick"]
FRAGMENTS += ["off", "skip"]
FRAGMENTS += ["content", "a.png", "share", "PRINT", " this", "en edition", "2", " comments"]
FRAGMENTS += ["menu", "Menu", "MORE", "|x", "é", "x"]


@settings(max_examples=100, deadline=None)
@given(
    patterns=st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=8),
    lines=st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=5).map("".join), max_size=10),
)
def test_generated_screens_split_answer_as_they_do(patterns: list[str], lines: list[str]) -> None:
    # Repeated, so that there are alternatives enough for a screen per first character
    # (and for the split).
    screen = PlainScreen(patterns * 40)
    assert screen.by_char
    for line in lines:
        assert screen.split_may_match(line) == screen.may_match(line), line
