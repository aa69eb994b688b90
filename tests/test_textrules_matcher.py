"""The fast line matcher claims exactly the lines a plain in-order match would claim.

The matcher scans a page's new lines together and skips most rules; the reference here
tries every rule in order on one line at a time, with guard words found per rule list
(the profile's own, then the generic ones) by ``guard_pattern(...).findall``, as the
rules' screens are defined: a guarded rule is tried when a word found starts with one of
its guards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import textrules
from newsarchive.rules import Profile, Rule, RuleSet, default_rules, guard_pattern
from newsarchive.textrules import line_matcher
from newsarchive.textscreen import PlainScreen, choices, first_chars, last_chars

ROOT = Path(__file__).resolve().parent.parent


def reference(line: str, rule_lists: Sequence[Sequence[Rule]]) -> Rule | None:
    """The first rule (own rules first) whose guard lets it be tried and that matches."""
    for rules in rule_lists:
        words = sorted({w for r in rules for w in r.guard}, key=len, reverse=True)
        found = guard_pattern(tuple(words)).findall(line.lower()) if words else []
        for rule in rules:
            if rule.pattern is None:
                continue
            if rule.guard and not any(g and f.startswith(g) for f in found for g in rule.guard):
                continue
            if rule.pattern.fullmatch(line):
                return rule
    return None


def fixture_pages() -> list[list[str]]:
    """The non-blank stripped lines of each fixture capture and seed page."""
    paths = sorted((ROOT / "tests" / "data" / "captures").glob("*.txt"))
    paths += sorted((ROOT / "raw").glob("*.txt"))
    pages = (p.read_text("utf-8", "replace").split("\n") for p in paths)
    return [[s for line in page if (s := line.strip())] for page in pages]


def fixture_lines() -> list[str]:
    return list(dict.fromkeys(line for page in fixture_pages() for line in page))


def test_fixture_lines_are_claimed_as_in_order_matching_claims_them() -> None:
    shipped = default_rules()
    # A rule set of its own, so that no line is in a matcher's cache before it is matched.
    rules = RuleSet(rules=shipped.rules, profiles=shipped.profiles)
    lines = fixture_lines()
    assert len(lines) > 500
    for profile in (None, *rules.profiles):
        own = profile.rules if profile is not None else ()
        expected = [reference(line, (own, rules.rules)) for line in lines]
        matcher = line_matcher(rules, profile)
        assert matcher.match_all(lines) == expected, profile
        assert matcher.match_all(lines[::-1]) == expected[::-1], profile


def test_last_chars_read_patterns_from_the_end() -> None:
    caption = re.compile(r".{10,400}?(?:\s?\((?:AFP|Reuters)\)|\sPhoto: [^.]{2,100})")
    ends = last_chars(caption)
    assert ends is not None
    assert ")" in ends
    assert "x" in ends
    assert "." not in ends
    assert last_chars(re.compile("(?i)share")) == frozenset("eE")
    assert last_chars(re.compile(r"read more.*")) is None
    assert last_chars(re.compile(r"\d+(?: comments)?")) == frozenset("0123456789s")
    # A set written as "not this character" is read too, from either end.
    assert first_chars(re.compile(r"[^(]x")) == frozenset(map(chr, range(128))) - {"("}


def test_a_set_of_one_character_left_out_is_read_as_the_regex_engine_reads_it() -> None:
    ascii_chars = [chr(code) for code in range(128)]
    for flags in ("", "(?i)"):
        for char in ["i", "\u0131", "\u0130", "k", "\u212a", "s", "\u017f", ".", "K"]:
            expected = {c for c in ascii_chars if re.fullmatch(f"{flags}[^{char}]", c)}
            assert last_chars(re.compile(f"{flags}x[^{char}]")) == expected, (flags, char)


def test_choices_spread_an_opening_group_over_the_rest() -> None:
    assert choices("(?i)(share|print)( this)?") == ["(?i:share( this)?)", "(?i:print( this)?)"]
    assert choices(r"(?:a|(b|c)d)e|f") == ["(?:ae)", "(?:bde)", "(?:cde)", "(?:f)"]
    # A repeated group, a lookahead or a named group is not spread.
    for pattern in (r"(a|b)+c", r"(a|b){2}", r"(?=a|b)\w+", r"(?P<x>a|b)c"):
        assert choices(pattern) == [f"(?:{pattern})"]
    screen = PlainScreen([f"(x|y{n})z" for n in range(50)] + ["(?i)(share|print)( this)?"])
    assert screen.by_char, "spread alternatives are screened per first character"
    assert [screen.may_match(line) for line in ("Print this", "y7z", "Print that", "y7")] == [
        True,
        True,
        False,
        False,
    ]


def rule(n: int, pattern: str, guard: Sequence[str] = ()) -> Rule:
    return Rule(f"r{n}", "test", "test", re.compile(pattern), guard=tuple(guard))


#: Guard words that start one another, hide one another (``this comment`` holds
#: ``comment``), open with punctuation or end in a space.
GUARDS = ["sub", "subscri", "comment", "this comment", "(", "(c)", "/", "con ", "a", "ab", "é"]
FRAGMENTS = [*GUARDS, " ", "  ", "x", "_", "-", "Sub", "SUBSCRIBE", "Ab", ".", "2024", "É"]
PATTERNS = [r".*", r".+\)", r"(?i)[^.]{2,30}", r".{0,40}", r"(?i)sub.*", r".*\(c\).*"]
PATTERNS += [r"[a-z ]+", r".*comment.{0,5}", r"\S+"]

lines_st = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join)
rules_st = st.lists(
    st.tuples(
        st.sampled_from(PATTERNS),
        st.lists(st.sampled_from([*GUARDS, ""]), max_size=3),
    ),
    min_size=1,
    max_size=8,
)


def test_a_guard_word_inside_one_found_before_is_not_found() -> None:
    hiding = rule(0, "x", ["this comment"])
    hidden = rule(1, ".*", ["comment"])
    matcher = line_matcher(RuleSet(rules=(hiding, hidden)), None)
    lines = ["this comment", "this comment, comment", "(c)omment", "comments"]
    assert matcher.match_all(lines) == [None, hidden, None, hidden]
    assert [reference(line, ((hiding, hidden),)) for line in lines] == [None, hidden, None, hidden]


@settings(max_examples=300, deadline=None)
@given(
    own=rules_st,
    generic=rules_st,
    lines=st.lists(lines_st.map(str.strip).filter(bool), min_size=1, max_size=20),
)
def test_generated_rules_and_lines_match_as_in_order_matching(
    own: list[tuple[str, list[str]]],
    generic: list[tuple[str, list[str]]],
    lines: list[str],
) -> None:
    assert_matches_in_order(own, generic, lines)


def assert_matches_in_order(
    own: list[tuple[str, list[str]]], generic: list[tuple[str, list[str]]], lines: list[str]
) -> None:
    """A profile's rules (``own``) and generic rules, each a (pattern, guards) pair, claim
    ``lines`` through the matcher as in-order ``fullmatch`` over the rules does."""
    own_rules = tuple(rule(n, p, g) for n, (p, g) in enumerate(own))
    generic_rules = tuple(rule(100 + n, p, g) for n, (p, g) in enumerate(generic))
    profile = Profile("test", "Test", rules=own_rules)
    matcher = line_matcher(RuleSet(rules=generic_rules, profiles=(profile,)), profile)
    expected = [reference(line, (own_rules, generic_rules)) for line in lines]
    assert matcher.match_all(lines) == expected
    assert [matcher.match(line) for line in lines] == expected


def assert_cue_keys_found(page: str) -> None:
    """Every cue found in ``page`` has its key among the keys the one scan finds."""
    from newsarchive.textrules import _detection

    detectors, cue_keys = _detection(default_rules())
    keys = cue_keys.found_in(page)
    for cues, _ in detectors:
        for cue in cues:
            if cue.found_in(page):
                assert cue.key in keys, (cue.pattern.pattern, cue.key)
            assert (cue.key in keys) == (cue.key in page), cue.key


def test_cue_keys_of_fixture_pages_are_all_found() -> None:
    for lines in fixture_pages():
        assert_cue_keys_found("\n".join(lines))


def _cue_texts() -> list[str]:
    from newsarchive.textrules import _detection

    detectors, _ = _detection(default_rules())
    return sorted({cue.needed for cues, _ in detectors for cue in cues if cue.needed})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_cue_texts()),
            st.sampled_from(_cue_texts()).map(lambda text: text[: len(text) // 2]),
            st.sampled_from(["\n", " ", "© 2024 ", "(", ")", "x", "Sera © "]),
        ),
        max_size=12,
    ).map("".join)
)
def test_overlapping_cue_keys_are_all_found(page: str) -> None:
    assert_cue_keys_found(page)


def test_a_full_cache_starts_afresh_without_losing_the_page_being_matched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When a page's new lines overflow the cache, the lines of that page that were already
    known must still be answered (they once raised KeyError past 50,000 distinct lines)."""
    monkeypatch.setattr(textrules, "_CACHE_SIZE", 4)
    ad = rule(0, "ADVERTISEMENT", [])
    matcher = line_matcher(RuleSet(rules=(ad,)), None)
    assert matcher.match_all(["ADVERTISEMENT", "one", "two"]) == [ad, None, None]
    page = ["ADVERTISEMENT", "one", "three", "four"]  # two known lines, two new: overflows
    assert matcher.match_all(page) == [ad, None, None, None]
    assert set(matcher.cache) == set(page)
