"""The C trie scan (``_wordtrie.c``) finds what the regex scans it stands in for find.

``textrules.py`` finds guard words and cue keys with regexes built from ``trie_pattern``
(:data:`~newsarchive.textrules._AFTER_NON_WORD`, :func:`~newsarchive.textrules._every_place`):
they define the answer, and serve where the extension is not built. Here the two are
compared on the shipped rules over the fixture captures, on generated words and texts,
and through the line matcher and profile detection built either way.
"""

from __future__ import annotations

import re
import sys
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import pytest
from compiled import skip_unless_built
from hypothesis import given, settings
from hypothesis import strategies as st
from test_textrules_matcher import rule
from test_textrules_screens import lines_st, rules_st

from newsarchive import textrules
from newsarchive.rules import Profile, RuleSet, default_rules, trie_pattern
from newsarchive.textrules import (
    _AFTER_NON_WORD,
    _CueKeys,
    _detection,
    _every_place,
    _GuardScan,
    detect_profile,
    line_matcher,
)

skip_unless_built("newsarchive._wordtrie", "the regex scans run alone")
from newsarchive import _wordtrie as wordtrie  # noqa: E402 - only once it is known to be built

WordTrie = wordtrie.WordTrie

ROOT = Path(__file__).resolve().parent.parent


def regex_places(words: Sequence[str], text: str, after_non_word: bool) -> list[tuple[int, str]]:
    """The reference: what the regex scans of ``textrules.py`` find."""
    if not words:
        return []
    if after_non_word:
        scan = re.compile(_AFTER_NON_WORD.format(trie_pattern(sorted(set(words)))))
    else:
        scan = _every_place(sorted(set(words)))
    return [(m.start(1), m.group(1)) for m in scan.finditer(text)]


def assert_same_places(words: Sequence[str], text: str) -> None:
    trie = WordTrie(words)
    for after_non_word in (False, True):
        expected = regex_places(words, text, after_non_word)
        assert trie.places(text, after_non_word=after_non_word) == expected, after_non_word


def fixture_texts() -> list[str]:
    """The fixture captures and the seed pages, as read."""
    paths = sorted((ROOT / "tests" / "data" / "captures").glob("*.txt"))
    paths += sorted((ROOT / "raw").glob("*.txt"))
    assert paths
    return [path.read_text("utf-8", "replace") for path in paths]


def guard_text(page: str) -> str:
    """A page as the guard scan reads it (see ``_GuardScan.candidates``)."""
    lines = [s for line in page.split("\n") if (s := line.strip())]
    return "\n" + "\n".join(line.lower() for line in lines)


def shipped_guard_words() -> list[str]:
    rules = default_rules()
    words = {word for generic in rules.rules for word in generic.guard}
    words |= {word for profile in rules.profiles for own in profile.rules for word in own.guard}
    return sorted(word for word in words if word)


def shipped_cue_keys() -> list[str]:
    return sorted(word for word in _detection(default_rules())[1].within if word)


# ----------------------------------------------------------------- the shipped rules' words


def test_shipped_guard_words_and_cue_keys_are_found_as_the_regexes_find_them() -> None:
    guards, keys = shipped_guard_words(), shipped_cue_keys()
    assert len(guards) > 50
    assert len(keys) > 20
    for page in fixture_texts():
        for text in (page, guard_text(page)):
            assert_same_places(guards, text)
            assert_same_places(keys, text)
            assert_same_places([w for w in guards if w[:1].isalnum()], text)
            assert_same_places([w for w in guards if not w[:1].isalnum()], text)


def test_shipped_guard_scan_and_cue_keys_answer_as_with_regexes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = default_rules()
    built = {}
    for mode in ("trie", "regex"):
        if mode == "regex":
            monkeypatch.setattr(textrules, "_TRIE", None)
        rules = RuleSet(rules=shipped.rules, profiles=shipped.profiles)
        scans = [line_matcher(rules, profile).guards for profile in (None, *rules.profiles)]
        built[mode] = (scans, _detection(rules)[1])
    trie_scans, trie_keys = built["trie"]
    regex_scans, regex_keys = built["regex"]
    assert all(scan.tries is not None for scan in trie_scans)
    assert all(scan.tries is None for scan in regex_scans)
    assert trie_keys.trie is not None
    assert regex_keys.trie is None
    found = 0
    for page in fixture_texts():
        text = guard_text(page)
        for trie_scan, regex_scan in zip(trie_scans, regex_scans, strict=True):
            places = trie_scan._places(text)
            assert places == regex_scan._places(text)
            found += len(places)
        assert trie_keys.found_in(page) == regex_keys.found_in(page)
    assert found > 100


# ------------------------------------------------------------- generated words and texts

#: Few characters, so that words match: ASCII letters, digits and "_" (word characters),
#: one- two- and four-byte letters (é, ß, a mathematical a) and a non-ASCII digit that is
#: no letter (²), ASCII punctuation, a line break, non-ASCII non-word characters (’ — an
#: emoji, a lone surrogate).
ALPHABET = ["a", "b", "0", "_", "é", "ß", "\U0001d51e", "²", " ", "-", "(", "\n", "’", "—"]
ALPHABET += ["😀", "\ud800"]
words_st = st.lists(
    st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=4).map("".join), max_size=8
)


def texts_st(words: Sequence[str]) -> st.SearchStrategy[str]:
    """Texts of the alphabet and of ``words`` (whole, or cut short)."""
    pieces = [*ALPHABET, *words, *(word[:-1] for word in words if len(word) > 1)]
    return st.lists(st.sampled_from(pieces), max_size=24).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_generated_words_are_found_as_the_regexes_find_them(data: st.DataObject) -> None:
    words = data.draw(words_st)
    assert_same_places(words, data.draw(texts_st(words)))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_generated_guard_scans_and_cue_keys_answer_as_with_regexes(data: st.DataObject) -> None:
    words = data.draw(words_st)
    text = data.draw(texts_st(words))
    matchers = [({word: 1 << n for n, word in enumerate(words)}, 0)]
    trie_scan, trie_keys = _GuardScan(matchers), _CueKeys(words)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textrules, "_TRIE", None)
        regex_scan, regex_keys = _GuardScan(matchers), _CueKeys(words)
    assert trie_scan._places(text) == regex_scan._places(text)
    assert trie_keys.found_in(text) == regex_keys.found_in(text)


def test_longest_word_overlapping_words_and_prefixes() -> None:
    words = ["ab", "abc", "abcde", "b", "bc d", "(", "(c)"]
    text = "xabcd abcde (c) bc d(c"
    assert WordTrie(words).places(text) == [
        (1, "abc"),
        (2, "b"),
        (6, "abcde"),
        (7, "b"),
        (12, "(c)"),
        (16, "bc d"),
        (20, "("),
    ]
    # After a non-word character: not "b" after "a", nor "(" after "d".
    assert WordTrie(words).places(text, after_non_word=True) == [
        (6, "abcde"),
        (12, "(c)"),
        (16, "bc d"),
    ]
    assert_same_places(words, text)


@pytest.mark.parametrize("wide", ["", "ÿ", "Ā", "\U0001d51e", "\udfff"])
def test_every_width_of_text_and_of_words(wide: str) -> None:
    """Texts and words of one, two and four bytes a character, in every combination."""
    for words in (["é", "ab", "a" + wide], ["ab", wide + "a"] if wide else ["ab"]):
        for text in ("ab éa", f"{wide}ab a{wide}", f"x{wide}a é{wide}ab"):
            assert_same_places(words, text)


def test_no_words_no_text_and_a_long_text() -> None:
    assert WordTrie([]).places("any text") == []
    assert WordTrie([]).places("", after_non_word=True) == []
    assert WordTrie(["a"]).places("") == []
    assert WordTrie(["a"]).places("a", after_non_word=True) == []  # nothing before place 0
    text = "ab " * 400_000 + "a"
    found = WordTrie(iter(["ab", "b "])).places(text, after_non_word=True)
    assert len(found) == 399_999  # not at place 0
    assert found[-1] == (len(text) - 4, "ab")


def test_words_are_given_back_as_plain_strings() -> None:
    class Word(str):
        pass

    (place,) = WordTrie([Word("ab"), "ab"]).places("ab")
    assert place == (0, "ab")
    assert type(place[1]) is str


def test_the_trie_holds_one_reference_to_each_word_until_it_goes() -> None:
    word = "".join(["a word", " of its own"])  # a new string, not shared with other code
    before = sys.getrefcount(word)
    trie = WordTrie([word, word])
    assert sys.getrefcount(word) == before + 1
    found = trie.places(word)
    assert found == [(0, word)]
    assert sys.getrefcount(word) == before + 2
    del found, trie
    assert sys.getrefcount(word) == before


def test_scans_and_tries_leave_no_memory_behind() -> None:
    text = "x" * 300 + " ab" * 50  # places past the small integers Python keeps
    WordTrie(["ab", "b"]).places(text)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(200):
            trie = WordTrie(["ab", "b", "é", "\U0001d51e"])
            trie.places(text)
            trie.places(text, after_non_word=True)
        del trie
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000  # a leak of a pair per place would be over 1 MB


def test_bad_words_and_texts_raise() -> None:
    with pytest.raises(ValueError, match="empty"):
        WordTrie(["a", ""])
    with pytest.raises(TypeError):
        WordTrie(["a", b"b"])
    with pytest.raises(TypeError):
        WordTrie(5)
    with pytest.raises(TypeError):
        WordTrie(["a"]).places(b"a")
    with pytest.raises(TypeError):
        WordTrie(["a"]).places("a", True)  # the option is given by name


# -------------------------------------------------- the line matcher and profile detection


def fixture_lines() -> list[list[str]]:
    return [[s for line in page.split("\n") if (s := line.strip())] for page in fixture_texts()]


def matched_and_detected() -> tuple[list[list[str | None]], list[str | None]]:
    """Per profile, the rule claiming each fixture line; per fixture page, its profile.

    A rule set of its own, so that matchers and detectors are built anew (with the C trie
    or with regexes, as ``textrules._TRIE`` says now).
    """
    shipped = default_rules()
    rules = RuleSet(rules=shipped.rules, profiles=shipped.profiles)
    pages = fixture_lines()
    lines = list(dict.fromkeys(line for page in pages for line in page))
    claimed = []
    for profile in (None, *rules.profiles):
        found = line_matcher(rules, profile).match_all(lines)
        claimed.append([rule.id if rule is not None else None for rule in found])
    profiles = [detect_profile(rules, page, None) for page in pages]
    return claimed, [profile.id if profile is not None else None for profile in profiles]


def test_line_matcher_and_profile_detection_answer_alike_with_and_without_the_trie(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_trie = matched_and_detected()
    monkeypatch.setattr(textrules, "_TRIE", None)
    without = matched_and_detected()
    assert with_trie == without
    claimed, profiles = with_trie
    assert any(rule for found in claimed for rule in found)
    assert any(profiles)


@settings(max_examples=200, deadline=None)
@given(
    own=rules_st,
    generic=rules_st,
    lines=st.lists(lines_st.map(str.strip).filter(bool), min_size=1, max_size=20),
)
def test_generated_rules_claim_lines_alike_with_and_without_the_trie(
    own: list[tuple[str, list[str]]],
    generic: list[tuple[str, list[str]]],
    lines: list[str],
) -> None:
    own_rules = tuple(rule(n, p, g) for n, (p, g) in enumerate(own))
    generic_rules = tuple(rule(100 + n, p, g) for n, (p, g) in enumerate(generic))
    profile = Profile("test", "Test", rules=own_rules)
    with_trie = line_matcher(RuleSet(rules=generic_rules, profiles=(profile,)), profile)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textrules, "_TRIE", None)
        without = line_matcher(RuleSet(rules=generic_rules, profiles=(profile,)), profile)
    assert with_trie.guards.tries is not None
    assert without.guards.tries is None
    assert with_trie.match_all(lines) == without.match_all(lines)
