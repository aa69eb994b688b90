"""Screens read off rule patterns: exact where they say no, on the shipped rules too."""

from __future__ import annotations

import re

import pytest

from newsarchive.rules import Rule, default_rules
from newsarchive.textscreen import (
    PlainScreen,
    alternatives,
    first_chars,
    lengths,
    opening_pairs,
    required_text,
)


def test_alternatives_split_at_top_level_bars_only() -> None:
    assert alternatives("(?i)(read more|share)") == ["(?i:read more)", "(?i:share)"]
    assert alternatives(r"(?:a|b)") == ["(?:a)", "(?:b)"]
    # Bars in a set, escaped or inside a nested group stay where they are.
    assert alternatives(r"x[|]y|a\|b|(c|d)e") == ["(?:x[|]y)", r"(?:a\|b)", "(?:(c|d)e)"]
    # A group followed by more pattern is not unwrapped.
    assert alternatives(r"(a|b)c") == ["(?:(a|b)c)"]


def test_alternatives_keep_patterns_with_back_references_whole() -> None:
    assert alternatives(r"(?i)(a)\1|b") == [r"(?i:(a)\1|b)"]


def test_first_chars_follow_case_and_optional_parts() -> None:
    assert first_chars(re.compile("Share")) == frozenset("S")
    assert first_chars(re.compile("(?i)share")) == frozenset("sS")
    optional_marks = first_chars(re.compile(r"[\W_]{0,3}x"))
    assert optional_marks is not None
    assert optional_marks >= frozenset("x_(*")
    assert "a" not in optional_marks
    assert first_chars(re.compile(r"\d+ comments")) == frozenset("0123456789")
    # Anything may come first: no screen.
    assert first_chars(re.compile(r".{0,60}\|")) is None
    assert first_chars(re.compile(r"x?")) is None


def test_required_text_is_top_level_literal_text() -> None:
    assert required_text(re.compile(r"\d{1,2} \w+ \d{4} \(modifica il ")) == " (modifica il "
    assert required_text(re.compile(r"(?:Guardian|Observer)")) == ""
    assert required_text(re.compile(r"(?i)Daily Beast")) == ""


def _plain_rules(rules: tuple[Rule, ...]) -> list[Rule]:
    return [r for r in rules if r.pattern is not None and not r.guard]


@pytest.mark.parametrize("source", ["generic", *[p.id for p in default_rules().profiles]])
def test_screen_lets_every_rule_example_through(source: str) -> None:
    ruleset = default_rules()
    profile = ruleset.profile(source)
    rules = _plain_rules(profile.rules if profile is not None else ruleset.rules)
    screen = PlainScreen([r.pattern.pattern for r in rules if r.pattern is not None])
    for rule in rules:
        for example in rule.examples:
            assert screen.may_match(example.strip()), (rule.id, example)


def test_screen_turns_away_prose_and_falls_back_outside_ascii() -> None:
    rules = _plain_rules(default_rules().rules)
    screen = PlainScreen([r.pattern.pattern for r in rules if r.pattern is not None])
    assert screen.by_char, "the shipped generic rules are screened per first character"
    assert not screen.may_match("The council voted on Tuesday to close the harbour road.")
    assert screen.may_match("Share")
    assert screen.may_match("Advertisement")
    # A first character outside ASCII is screened against every pattern.
    assert screen.by_char.get("É") is None
    assert not screen.may_match("Élections: the council voted on Tuesday.")


def test_opening_pairs_read_two_literal_characters_in_every_case() -> None:
    assert opening_pairs(re.compile(r"© \d{4} AFP$")) == frozenset({"© "})
    assert opening_pairs(re.compile("(?i)go on")) == frozenset({"go", "gO", "Go", "GO"})
    # Case-insensitive "s" also matches the long s, as the regex engine folds it.
    assert "\u017fa" in (opening_pairs(re.compile("(?i)sa")) or ())
    # Fewer than two literal characters first, or a non-ASCII one to fold: no answer.
    for pattern in (r"\d{1,2} \w+", r"A\w", "(?i)éa", "a"):
        assert opening_pairs(re.compile(pattern)) is None


def test_profile_cues_agree_with_a_plain_search() -> None:
    from newsarchive.textrules import _detectors

    lines = ["Intro", "© 2024 AFP", "Go on", "GOT A TIP? SEND IT TO THE DAILY BEAST", "Le Monde"]
    page = "\n".join(lines)
    for cues, _ in _detectors(default_rules()):
        for cue in cues:
            plain = any(
                m.start() == 0 or page[m.start() - 1] == "\n" or not cue.anchored
                for m in cue.pattern.finditer(page)
            )
            assert cue.found_in(page) == plain, cue.pattern.pattern


def test_lengths_bound_what_a_pattern_can_match_whole() -> None:
    assert lengths(re.compile("(?i)share( this)?")) == (5, 10)
    assert lengths(re.compile(r"(?=\d)\d{2,4}")) == (2, 4)
    low, high = lengths(re.compile(r"read more.*"))
    assert low == 9
    assert high > 10**6
