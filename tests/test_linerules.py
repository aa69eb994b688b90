"""The C line matcher (``_wordtrie.LineRules``) claims the lines the Python matcher claims.

``textrules.LineMatcher.match_all`` reads a page's lines in Python (a cache, then for
the new lines the guard scan over them joined, the plain screens, the candidate rules in
bit order); where the extension is built, ``LineRules.match_all`` does the same in C,
line by line, with the guard scan lowering a line as it reads it and the screens split
(``PlainScreen.split_may_match``). Here the two are compared on the shipped rules over
the fixture lines, on generated rules and lines of every str width (and lines whose
lowering is not character by character), page after page through a small cache, and
against the plain in-order reference; and the C object is checked for references,
memory and bad input.
"""

from __future__ import annotations

import re
import sys
import tracemalloc
from collections.abc import Sequence

import pytest
from compiled import skip_unless_built
from hypothesis import given, settings
from hypothesis import strategies as st
from test_textrules_matcher import fixture_lines, reference, rule
from test_textrules_matcher import rules_st as matcher_rules_st
from test_textrules_screens import rules_st as screen_rules_st

from newsarchive import textrules
from newsarchive.rules import Profile, Rule, RuleSet, default_rules
from newsarchive.textrules import LineMatcher, _Matcher, line_matcher

skip_unless_built("newsarchive._wordtrie", "the Python matcher runs alone")
from newsarchive._wordtrie import LineRules, WordTrie  # noqa: E402 - only once it is built


def c_claims(compiled: LineRules, lines: Sequence[str]) -> list[Rule | None]:
    """What the C matcher claims, every line new to it."""
    return compiled.match_all(lines, {}, 1 << 30)


def assert_claims_alike(matcher: LineMatcher, lines: Sequence[str]) -> list[Rule | None]:
    """The C matcher claims ``lines`` (distinct) as the Python reading does."""
    assert matcher.compiled is not None
    claimed = c_claims(matcher.compiled, lines)
    assert claimed == matcher._match_new(lines)
    return claimed


def test_shipped_rules_claim_fixture_lines_alike_in_c_and_in_python() -> None:
    shipped = default_rules()
    rules = RuleSet(rules=shipped.rules, profiles=shipped.profiles)
    # With lines opening with the characters outside ASCII that case-insensitive ASCII
    # letters match (a screen's openings are compared with them read as those letters).
    lines = [*fixture_lines(), "ſhare", "Sign İn", "ſee all", "\u212aommentare", "ıMPRESSUM"]
    claimed = 0
    for profile in (None, *rules.profiles):
        found = assert_claims_alike(line_matcher(rules, profile), lines)
        claimed += sum(rule is not None for rule in found)
    assert claimed > 100


#: Fragments of every str width: one-byte (é, É), two-byte (’, —, İ, whose lowering is
#: two characters long, Σ, lowered as σ or ς), four-byte (a mathematical a, an emoji, a
#: Deseret capital), and a lone surrogate.
WIDE = ["é", "É", "’", "—", "İ", "\U0001d51e", "😀", "\ud800", "ẞ", "Σ", "ΑΣ", "Ё", "\U00010400"]


def wide_lines(fragments: Sequence[str]) -> st.SearchStrategy[list[str]]:
    line = st.lists(st.sampled_from([*fragments, *WIDE]), min_size=1, max_size=12)
    return st.lists(line.map("".join).map(str.strip).filter(bool), min_size=1, max_size=20)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_generated_rules_claim_lines_alike_in_c_in_python_and_in_order(
    data: st.DataObject,
) -> None:
    from test_textrules_matcher import FRAGMENTS as matcher_fragments
    from test_textrules_screens import FRAGMENTS as screen_fragments

    rules_st, fragments = data.draw(
        st.sampled_from(
            [(matcher_rules_st, matcher_fragments), (screen_rules_st, screen_fragments)]
        )
    )
    own_rules = tuple(rule(n, p, g) for n, (p, g) in enumerate(data.draw(rules_st)))
    generic_rules = tuple(rule(100 + n, p, g) for n, (p, g) in enumerate(data.draw(rules_st)))
    lines = list(dict.fromkeys(data.draw(wide_lines(fragments))))
    profile = Profile("test", "Test", rules=own_rules)
    matcher = line_matcher(RuleSet(rules=generic_rules, profiles=(profile,)), profile)
    claimed = assert_claims_alike(matcher, lines)
    assert claimed == [reference(line, (own_rules, generic_rules)) for line in lines]


@settings(max_examples=100, deadline=None)
@given(
    pages=st.lists(
        st.lists(st.sampled_from(["a (c)", "Menu", "ab", "x", "y (c)", "share"])), max_size=8
    ),
    limit=st.integers(1, 6),
)
def test_the_cache_is_kept_and_started_afresh_as_in_python(
    pages: list[list[str]], limit: int
) -> None:
    """Pages matched in turn, with a cache of a few lines: the same rules, the same
    cache after each page."""
    matcher = small_matcher()
    compiled = matcher.compiled
    assert compiled is not None
    c_cache: dict[str, Rule | None] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textrules, "_CACHE_SIZE", limit)
        patch.setattr(matcher, "compiled", None)
        for page in pages:
            assert compiled.match_all(page, c_cache, limit) == matcher.match_all(page)
            assert c_cache == matcher.cache
            assert list(c_cache) == list(matcher.cache)


def test_str_lower_lowers_each_character_to_its_own_lowercase_but_two() -> None:
    """What the C guard scan relies on to lower a line as it reads it (``lowers_each``):
    every other code point lowers to its simple lowercase, which ``Py_UNICODE_TOLOWER``
    gives in C and ``_sre.unicode_tolower`` in Python."""
    import _sre

    apart = [
        code
        for code in range(sys.maxunicode + 1)
        if (lowered := chr(code).lower()) != chr(_sre.unicode_tolower(code)) or len(lowered) != 1
    ]
    assert apart == [0x130]  # and U+03A3, lowered to ς at a word's end
    assert "ΑΣ".lower() == "ας"


def test_lines_lowered_otherwise_than_character_by_character() -> None:
    """A final Σ lowers to ς, İ to two characters: such a line is lowered by lower()."""
    rules = (rule(0, ".*", ["ας"]), rule(1, ".*", ["i\u0307x"]), rule(2, ".*", ["σ"]))
    matcher = LineMatcher(_Matcher(()), _Matcher(rules))
    lines = ["ΑΣ", "ΑΣΑ", "İx", "É İX", "Σ b", "ασ"]
    claimed = assert_claims_alike(matcher, lines)
    assert claimed == [reference(line, (rules,)) for line in lines]
    assert claimed[:5] == [rules[0], None, rules[1], rules[1], rules[2]]


def test_plain_screens_of_many_alternatives_and_a_line_of_each_width() -> None:
    """Generic plain rules enough for a screen per first character (``PlainScreen``)."""
    plain = [rule(n, f"(?i)(share|print|x{n})( this)?") for n in range(45)]
    guarded = [rule(50, r".*\(c\)", ["(c)"]), rule(51, r"(?i)sub.*", ["sub"])]
    matcher = line_matcher(RuleSet(rules=(*guarded, *plain)), None)
    lines = ["Share", "print this", "x7", "x44 this", "a (c)", "Subscribe", "İx", "é", "—(c)"]
    lines += ["\U0001d51e (c)", "sub\ud800", "x" * 500, "SHARE THIS", "ſhare this", "PRİNT"]
    lines += ["prınt this", "ſubscribe", "\u212a"]
    claimed = assert_claims_alike(matcher, lines)
    assert claimed == [reference(line, ((*guarded, *plain),)) for line in lines]
    assert sum(rule is not None for rule in claimed) > 5


def test_more_rules_than_bits_in_a_machine_word_match_in_python() -> None:
    rules = tuple(rule(n, f"w{n}", ["w"] if n % 2 else []) for n in range(70))
    matcher = line_matcher(RuleSet(rules=rules), None)
    assert matcher.compiled is None
    lines = ["w3", "w69", "w68", "nothing"]
    assert matcher.match_all(lines) == [reference(line, (rules,)) for line in lines]
    assert matcher.match_all(lines) == [rules[3], rules[69], rules[68], None]


def small_matcher(first: Rule | None = None) -> LineMatcher:
    """A matcher of its own (``line_matcher`` keeps the ones it builds), of ``first`` (a
    rule claiming lines ending in "(c)") and two more."""
    first = first or rule(0, r".*\(c\)", ["(c)"])
    rules = (first, rule(1, "(?i)menu|share"), rule(2, r"\w+", ["ab"]))
    return LineMatcher(_Matcher(()), _Matcher(rules))


def test_the_matcher_holds_one_reference_to_each_rule_until_it_goes() -> None:
    rule_0 = rule(0, r".*\(c\)", ["(c)"])
    alone = sys.getrefcount(rule_0)
    matcher = small_matcher(rule_0)
    compiled = matcher.compiled
    assert compiled is not None
    before = sys.getrefcount(rule_0)
    found = c_claims(compiled, ["a (c)"] * 10)
    assert found == [rule_0] * 10
    assert sys.getrefcount(rule_0) == before + 10
    del found
    assert sys.getrefcount(rule_0) == before
    del matcher
    assert sys.getrefcount(rule_0) == alone + 1  # the C matcher's own
    del compiled
    assert sys.getrefcount(rule_0) == alone


def test_matching_leaves_no_memory_behind() -> None:
    compiled = small_matcher().compiled
    assert compiled is not None
    lines = ["a (c)", "Menu", "ab", "abc def", "É (c)", "\U0001d51e", "x" * 400]
    c_claims(compiled, lines)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(20_000):
            c_claims(compiled, lines)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000  # a leak of a lowered line per call would be over 1 MB


class Lowering(str):
    """A line whose lower() gives something else than a str."""

    def lower(self) -> str:
        return 42  # type: ignore[return-value]


class FailingPattern:
    """A pattern whose fullmatch raises."""

    def fullmatch(self, line: str) -> None:
        raise RuntimeError(line)


def test_bad_lines_and_bad_rules_raise() -> None:
    compiled = small_matcher().compiled
    assert compiled is not None
    with pytest.raises(TypeError, match="not str"):
        c_claims(compiled, ["a", b"b"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="sequence"):
        c_claims(compiled, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lower"):
        c_claims(compiled, [Lowering("ab")])
    tries = (WordTrie(["ab"]), WordTrie(["("]))
    good = (rule(0, ".*"), 0, 10, ".", re.compile(".*"))
    with pytest.raises(OverflowError):
        LineRules(*tries, {"ab": [(0, 2, 1 << 64)]}, 1, [], [good])
    with pytest.raises(ValueError, match="slot"):
        LineRules(*tries, {"ab": [(1, 2, 1)]}, 1, [], [good])
    with pytest.raises(ValueError, match="ASCII"):
        LineRules(*tries, {}, 1, [], [(rule(0, ".*"), 0, 10, "é", re.compile(".*"))])
    with pytest.raises(ValueError, match="64"):
        LineRules(*tries, {}, 1, [], [good] * 65)
    with pytest.raises(TypeError):
        LineRules(*tries, {}, 1, [({}, re.compile("x"))], [good])
    bad_rule = (rule(0, ".*"), 0, 10, "", FailingPattern())
    failing = LineRules(*tries, {"ab": [(0, 2, 1)]}, 1, [], [bad_rule])
    with pytest.raises(RuntimeError, match="an ab line"):
        c_claims(failing, ["x", "an ab line"])
    # Bits of rules it does not have are never tried.
    lone = LineRules(*tries, {"ab": [(0, 2, 0b110)]}, 1, [], [good])
    assert c_claims(lone, ["ab", "x"]) == [None, None]


def test_the_matcher_is_used_where_the_extension_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert small_matcher().compiled is not None
    monkeypatch.setattr(textrules, "_TRIE", None)
    assert small_matcher().compiled is None
