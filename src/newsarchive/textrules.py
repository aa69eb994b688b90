"""Text-capture rule matching: which rule (if any) claims a line, and which publisher.

The rules themselves are data (``rules.py``); this module applies them to page text fast:
screens read off the patterns (``textscreen.py``), guard words found over all of a page's
new lines at once, a cache of lines already seen, and profile detection by cues searched
once over the page, after one scan for the text they need. The scans for guard words and
cue keys are regexes, or, where the C extension ``_wordtrie`` was built, a compiled trie
finding the same in one pass; there, a matcher's new lines are also matched in one pass
of C (``_wordtrie.LineRules``), doing what the Python loops here do.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, compress, count, filterfalse
from typing import TYPE_CHECKING, NamedTuple

from newsarchive.rules import Profile, Rule, RuleSet, trie_pattern
from newsarchive.textscreen import (
    INLINE_FLAGS,
    PlainScreen,
    last_chars,
    lengths,
    opening_pairs,
    required_text,
)

if TYPE_CHECKING:
    from newsarchive._wordtrie import LineRules, WordTrie


class _Compiled(NamedTuple):
    """The types of the C extension ``_wordtrie``."""

    WordTrie: type[WordTrie]
    LineRules: type[LineRules]


def _compiled_trie() -> _Compiled | None:
    """The C extension ``_wordtrie`` (its trie of words and its line matcher), or ``None``
    where it was not built (it is optional, for a machine without a C compiler): the
    regex scans and Python loops it stands in for then run, and find the same."""
    try:
        from newsarchive._wordtrie import LineRules, WordTrie
    except ImportError:
        return None
    return _Compiled(WordTrie, LineRules)


#: What guard and cue-key scans and line matching are built with: the C extension where
#: built, else ``None`` for the regexes and Python loops (which tests set, to compare).
_TRIE = _compiled_trie()

# --------------------------------------------------------------------------- rule matching

#: Characters the screens read from patterns answer for (``textscreen.py``).
_ASCII = frozenset(map(chr, range(128)))


class _Matcher:
    """The line rules of one rule list (a profile's own, or the generic ones), with what
    screens them: a regex made of the unguarded patterns' alternatives that can start with
    the line's first character says whether any of them could match (``textscreen.py``),
    and the guard words say which guarded rules could (bit ``n`` for rule ``n``)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(r for r in rules if r.pattern is not None)
        self.patterns = tuple(r.pattern for r in rules if r.pattern is not None)
        self.plain = PlainScreen(
            [r.pattern.pattern for r in self.rules if not r.guard and r.pattern is not None]
        )
        self.plain_bits = sum(1 << n for n, r in enumerate(self.rules) if not r.guard)
        self.lengths = [lengths(r.pattern) for r in self.rules if r.pattern is not None]
        # The ASCII characters a match cannot end with: a sentence ending in a full stop
        # is not tried against a caption pattern that must end in a credit.
        self.bad_ends = [
            _ASCII - (last_chars(r.pattern) or _ASCII) for r in self.rules if r.pattern
        ]
        # A guard word found also means every guard word it starts with was found.
        bits_of: dict[str, int] = {}
        for n, rule in enumerate(self.rules):
            for guard in rule.guard:
                bits_of[guard] = bits_of.get(guard, 0) | 1 << n
        self.guarded_by = dict.fromkeys(bits_of, 0)
        for word in bits_of:
            for end in range(1, len(word) + 1):
                self.guarded_by[word] |= bits_of.get(word[:end], 0)


class _GuardScan:
    """The guard words of several matchers, found for a whole batch of lines at once.

    Per line, a matcher's guard words are found the way ``guard_pattern(words).findall``
    finds them: left to right, the longest word at each place, never inside a word found
    before (``this comment`` hides ``comment``), a word-like one only at a word start.
    Scanning the lines joined by line breaks, one search finds every place any matcher's
    word-like guard starts (after a non-word character, see :data:`_AFTER_NON_WORD`),
    others every place a guard opening with punctuation starts (:func:`_opening_scans`);
    each place is then given to the line it falls in, and to each matcher as its longest
    word there that ends within the line, unless that matcher's previous word covers it.
    Where the C trie is built, two trie scans find the same places (:attr:`tries`).
    """

    def __init__(self, matchers: Sequence[tuple[dict[str, int], int]]) -> None:
        """``matchers``: each matcher's bits per guard word, and the shift of its bits."""
        # The empty word is found everywhere but guards nothing (no rule is its prefix).
        words = sorted({w for guarded_by, _ in matchers for w in guarded_by if w})
        wordy = [w for w in words if w[:1].isalnum()]
        other = [w for w in words if not w[:1].isalnum()]
        #: The word-like guards' trie (scanned after non-word characters only) and the
        #: others' trie; else (``None``) the regex scans.
        self.tries = (_TRIE.WordTrie(wordy), _TRIE.WordTrie(other)) if _TRIE is not None else None
        self.scans: list[re.Pattern[str]] = []
        if self.tries is None:
            if wordy:
                self.scans.append(re.compile(_AFTER_NON_WORD.format(trie_pattern(wordy))))
            self.scans.extend(_opening_scans(other))
        #: Per word found: per matcher (its slot), the bits of each of its words the found
        #: word starts with, longest first.
        self.options: dict[str, list[tuple[int, list[tuple[int, int]]]]] = {}
        for found in words:
            self.options[found] = []
            for slot, (guarded_by, shift) in enumerate(matchers):
                prefixes = (found[:end] for end in range(len(found), 0, -1))
                options = [(len(w), guarded_by[w] << shift) for w in prefixes if w in guarded_by]
                if options:
                    self.options[found].append((slot, options))
        self.slots = len(matchers)

    def longest_options(self) -> dict[str, list[tuple[int, int, int]]]:
        """Per word found, per matcher slot, the length and bits of that slot's longest
        guard word it starts with (``slot, size, bits``): all :meth:`candidates` needs for
        a line scanned alone, where a word found never runs past the line's end, so that
        no shorter choice is ever taken (what ``_wordtrie.LineRules`` is given)."""
        return {
            word: [(slot, *choices[0]) for slot, choices in options]
            for word, options in self.options.items()
        }

    def candidates(self, lines: Sequence[str]) -> list[int]:
        """The bits of the guarded rules each of ``lines`` holds a guard word for."""
        lowered = [line.lower() for line in lines]
        text = "\n" + "\n".join(lowered)
        # Line i spans text[starts[i] : starts[i + 1] - 1].
        starts = list(accumulate(map((1).__add__, map(len, lowered)), initial=1))
        found = [0] * len(lines)
        covered = [0] * self.slots
        options = self.options
        for place, word in self._places(text):
            line = bisect_right(starts, place) - 1
            end = starts[line + 1] - 1  # a place at a line break fits no word
            for slot, choices in options[word]:
                if place >= covered[slot]:
                    for size, bits in choices:
                        if place + size <= end:
                            covered[slot] = place + size
                            found[line] |= bits
                            break
        return found

    def _places(self, text: str) -> list[tuple[int, str]]:
        """Where in ``text`` some guard word starts, with the longest one there, in order.

        Scans never find the same place, since their words open with different
        characters (alphanumeric or not, one opening per :func:`_opening_scans` scan):
        sorting their places orders them by place alone.
        """
        if self.tries is None:
            places = [(m.start(1), m.group(1)) for scan in self.scans for m in scan.finditer(text)]
            if len(self.scans) > 1:
                places.sort()
            return places
        wordy, other = self.tries
        places = wordy.places(text, after_non_word=True)
        opening = other.places(text)
        if opening:
            places += opening
            places.sort()
        return places


#: A regex finding every place after a non-word character where its group 1 (a
#: placeholder) matches. The engine skips quickly to a character of a leading set of
#: plain ranges, not to a leading ``\W`` (tested through the Unicode database at every
#: character: a quarter of the scan's time), nor to a leading ``\b`` (tried everywhere):
#: so it skips to any character but an ASCII word character, and only a place found
#: after a character outside ASCII (rare) has that character checked to be ``\W``.
_AFTER_NON_WORD = r"[^0-9A-Za-z_](?=({}))(?<=\W)"


def _opening_scans(words: Sequence[str]) -> list[re.Pattern[str]]:
    """Scans finding every place one of ``words`` starts (:func:`_every_place`): one per
    opening character when they are few (the shipped guards open with ``(``, ``/`` or
    ``©``), as the regex engine skips to one character (a search as fast as
    ``str.find``) several times faster than to any of a set (a set test at each
    character)."""
    openings = sorted({word[0] for word in words})
    if len(openings) > _LITERAL_SCANS:
        return [_every_place(words)]
    return [_every_place([word for word in words if word[0] == char]) for char in openings]


#: Opening characters up to which one scan each beats one scan for all of them (a scan
#: for one character costs about a tenth of a scan for a set, per character).
_LITERAL_SCANS = 6


def _every_place(words: Sequence[str]) -> re.Pattern[str]:
    """A regex finding every place one of ``words`` starts, overlapping ones too, with the
    longest word there as group 1.

    Each match is the one character a word opens with (so the search skips quickly to
    those characters and goes on from the next one); inside a lookbehind, the regex steps
    back over that character and reads the word ahead.
    """
    opening = "".join(sorted({word[0] for word in words}))
    return re.compile(rf"[{re.escape(opening)}](?<=(?=({trie_pattern(words)}))(?s:.))")


class LineMatcher:
    """The line rules for pages of one profile: its own rules first, then the generic ones.

    A page's new lines are matched together: one guard-word scan over all of them, then,
    per line, the plain screens and the candidate rules in order (bit ``n`` for rule
    ``n``, own rules first), each tried only when the line's length is one its pattern
    can span. Menus, share bars and footers repeat within a page and across a publisher's
    pages, so a line seen before costs one dictionary lookup.
    """

    def __init__(self, own: _Matcher, generic: _Matcher) -> None:
        shift = len(own.rules)
        self.rules = own.rules + generic.rules
        self.patterns = own.patterns + generic.patterns
        self.lengths = own.lengths + generic.lengths
        self.bad_ends = own.bad_ends + generic.bad_ends
        screens = ((own.plain, own.plain_bits), (generic.plain, generic.plain_bits << shift))
        self.screens = [(screen, bits) for screen, bits in screens if bits]
        self.guards = _GuardScan(((own.guarded_by, 0), (generic.guarded_by, shift)))
        #: The C line matcher doing what :meth:`match_all` does, where the extension is
        #: built and the rules' bits fit in its machine word; else ``None``.
        self.compiled = self._compiled()
        self.cache: dict[str, Rule | None] = {}

    def _compiled(self) -> LineRules | None:
        """The C line matcher of these rules, screens and guards (see ``_wordtrie.c``)."""
        tries = self.guards.tries
        if _TRIE is None or tries is None or len(self.rules) > _COMPILED_RULES:
            return None
        # The most a pattern spans may pass any C size; no line is longer than the largest.
        rules = [
            (rule, low, min(high, sys.maxsize), "".join(sorted(bad)), pattern)
            for rule, pattern, (low, high), bad in zip(
                self.rules, self.patterns, self.lengths, self.bad_ends, strict=True
            )
        ]
        screens = [
            (screen.unspaced, screen.spaced, _TRIE.WordTrie(screen.openings), screen.openings, bits)
            for screen, bits in self.screens
        ]
        options = self.guards.longest_options()
        return _TRIE.LineRules(tries[0], tries[1], options, self.guards.slots, screens, rules)

    def match(self, line: str) -> Rule | None:
        """The rule that claims ``line`` (whole, stripped), or ``None``."""
        return self.match_all((line,))[0]

    def match_all(self, lines: Sequence[str]) -> list[Rule | None]:
        """The rule claiming each of ``lines`` (see :meth:`match`): a page's lines in one
        call, most of them a cache lookup (the C line matcher, where built, does the
        same in one call)."""
        if self.compiled is not None:
            return self.compiled.match_all(lines, self.cache, _CACHE_SIZE)
        cache = self.cache
        distinct = dict.fromkeys(lines)
        new = list(filterfalse(cache.__contains__, distinct))
        if new:
            if len(cache) + len(new) > _CACHE_SIZE:
                # Starting afresh forgets this page's known lines too: match them again.
                cache.clear()
                new = list(distinct)
            cache.update(zip(new, self._match_new(new), strict=True))
        return list(map(cache.__getitem__, lines))

    def _match_new(self, lines: Sequence[str]) -> list[Rule | None]:
        """The rule claiming each of ``lines``: the guard scan and the plain screens take
        them all at once (regex scans, C-level maps); only a line with candidate rules (a
        third of a page's new lines) is looked at in Python, one rule at a time."""
        candidates = self.guards.candidates(lines)
        for screen, bits in self.screens:
            for index in screen.passing(lines):
                candidates[index] |= bits
        found: list[Rule | None] = [None] * len(lines)
        for index in compress(count(), candidates):
            found[index] = self._first_match(lines[index], candidates[index])
        return found

    def _first_match(self, line: str, candidates: int) -> Rule | None:
        """The first rule (in order) of ``candidates`` matching the whole line."""
        size = len(line)
        last = line[-1:]
        while candidates:
            lowest = candidates & -candidates
            n = lowest.bit_length() - 1
            low, high = self.lengths[n]
            rule = self.rules[n]
            if (
                low <= size <= high
                and last not in self.bad_ends[n]
                and rule.pattern is not None
                and rule.pattern.fullmatch(line)
            ):
                return rule
            candidates ^= lowest
        return None


#: Rules a C line matcher takes: their bits fit in its machine word (the shipped profiles
#: have some 30 rules with the generic ones); a matcher of more matches in Python.
_COMPILED_RULES = 64

#: Lines remembered per matcher before the cache starts afresh.
_CACHE_SIZE = 50_000

_MATCHERS: dict[tuple[int, str], tuple[RuleSet, LineMatcher]] = {}
_GENERIC: dict[int, tuple[RuleSet, _Matcher]] = {}


def line_matcher(rules: RuleSet, profile: Profile | None) -> LineMatcher:
    """The matcher for ``profile``'s pages, built once per rule set and profile.

    Profile rules come first (``RuleSet.line_rules``); keeping them apart means the
    generic matcher, by far the larger, is built once per rule set, not per profile.
    Each rule set is kept alive with its matchers so that its id cannot be reused.
    """
    slot = (id(rules), profile.id if profile is not None else "")
    cached = _MATCHERS.get(slot)
    if cached is None or cached[0] is not rules:
        generic = _GENERIC.get(id(rules))
        if generic is None or generic[0] is not rules:
            generic = _GENERIC[id(rules)] = (rules, _Matcher(rules.rules))
        own = _Matcher(profile.rules if profile is not None else ())
        cached = _MATCHERS[slot] = (rules, LineMatcher(own, generic[1]))
    return cached[1]


class _Cue:
    """A profile cue searched over a whole page, with ``^`` meaning "at a line start".

    A leading ``^`` is checked by hand after an unanchored search, because the regex
    engine only skips ahead quickly to a literal prefix, not to line starts. Before any
    search, whether the page holds the text the cue must contain (`` (modifica il `` of a
    Corriere date line) is asked with ``in``, then a cue anchored at line starts and
    opening with literal text asks whether it matches at the start of a line opening with
    its first two characters: both much faster than a search that cannot skip ahead.
    Before all that, the end of that text from its first capital or punctuation mark
    (``CNN `` of the `` CNN [—–-] `` cue) is the cue's :attr:`key`, found or not with
    every other cue's key in one scan of the page (:class:`_CueKeys`): most pages hold
    no key at all.
    """

    def __init__(self, cue: re.Pattern[str]) -> None:
        found = INLINE_FLAGS.match(cue.pattern)
        flags = found.group(0) if found else ""
        body = cue.pattern[len(flags) :]
        self.anchored = body.startswith("^")
        self.pattern = re.compile(flags + body.removeprefix("^"), re.MULTILINE)
        self.needed = required_text(self.pattern)
        self.pairs = opening_pairs(self.pattern) if self.anchored else None
        self.openers = tuple(sorted(self.pairs or ()))
        alternatives = "|".join(map(re.escape, self.openers)) or "(?!)"
        self.opening = re.compile(f"\n(?:{alternatives})")
        rare = next(
            (n for n, char in enumerate(self.needed) if not char.islower() and char != " "), 0
        )
        self.key = self.needed[rare:]

    def found_in(self, page: str) -> bool:
        """Whether the cue is found in ``page``."""
        if self.needed and self.needed not in page:
            return False
        if self.pairs is not None and not self._matches_at_a_line_start(page):
            return False
        for match in self.pattern.finditer(page):
            start = match.start()
            if not self.anchored or start == 0 or page[start - 1] == "\n":
                return True
        return False

    def _matches_at_a_line_start(self, page: str) -> bool:
        """Whether the cue matches from the start of a line opening with one of
        :attr:`pairs`: the lines are found by a regex with a literal prefix (a line end
        then a pair), which skips ahead quickly. Without such a match the search of
        :meth:`found_in` cannot find one at a line start; with one it still decides, as a
        match it finds earlier may run over that line start (a cue spanning lines)."""
        if page.startswith(self.openers) and self.pattern.match(page):
            return True
        return any(
            self.pattern.match(page, line.start() + 1) for line in self.opening.finditer(page)
        )


class _CueKeys:
    """The cue keys a page holds, found in one scan instead of one ``in`` per cue.

    The scan stops only at characters keys open with (capitals and punctuation, mostly),
    and finds keys overlapping one another too (:func:`_every_place`); the C trie, where
    built, finds the same.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        words = sorted({key for key in keys if key})
        self.trie = _TRIE.WordTrie(words) if _TRIE is not None else None
        self.scan = _every_place(words) if words and self.trie is None else None
        self.within = {found: {word for word in words if found.startswith(word)} for found in words}

    def found_in(self, page: str) -> set[str]:
        """The keys found in ``page``, and "" (the key of a cue without one)."""
        found = {""}
        for longest in self._longest(page):
            found |= self.within[longest]
        return found

    def _longest(self, page: str) -> set[str]:
        """The longest key at each place of ``page`` where one starts (a key found there
        means each key it starts with is found too)."""
        if self.trie is not None:
            return {word for _, word in self.trie.places(page)}
        if self.scan is not None:
            return set(self.scan.findall(page))
        return set()


#: Lines read for profile cues at each end of a long page.
_CUE_LINES = 100

_Detectors = list[tuple[list[_Cue], Profile]]
#: Each cue key's cues, as (index of the profile in the detectors, cue), in profile order.
_ByKey = dict[str, list[tuple[int, _Cue]]]
_DETECTORS: dict[int, tuple[RuleSet, _Detectors, _CueKeys, _ByKey]] = {}


def detect_profile(rules: RuleSet, lines: Sequence[str], url: str | None) -> Profile | None:
    """The publisher profile of a capture: by URL, else the profile with most cues found.

    Counting cues (ties go to the first profile loaded) keeps a page that quotes another
    outlet (an ``AFP via Getty Images`` credit on a CNN page) with its own publisher.
    Each cue is searched once over the whole page, line anchors working per line, and
    only when the page holds its key (all keys found in one scan): only the cues of the
    keys found are visited (most pages hold one key or none, of some 70 cues).
    """
    for profile in rules.profiles:
        if profile.matches_url(url):
            return profile
    # Cues sit in the header, the first paragraphs and the footer.
    ends = lines if len(lines) <= 2 * _CUE_LINES else (*lines[:_CUE_LINES], *lines[-_CUE_LINES:])
    page = "\n".join(ends)
    detectors, cue_keys, by_key = _detection_by_key(rules)
    hits = [0] * len(detectors)
    for key in cue_keys.found_in(page):
        for n, cue in by_key.get(key, ()):
            hits[n] += cue.found_in(page)
    most = max(hits, default=0)
    return detectors[hits.index(most)][1] if most else None


def _detection(rules: RuleSet) -> tuple[_Detectors, _CueKeys]:
    """The cues of every profile that has some, and their keys, built once per rule set."""
    detectors, cue_keys, _ = _detection_by_key(rules)
    return detectors, cue_keys


def _detection_by_key(rules: RuleSet) -> tuple[_Detectors, _CueKeys, _ByKey]:
    """:func:`_detection`, and the cues of each key (see :data:`_ByKey`)."""
    cached = _DETECTORS.get(id(rules))
    if cached is None or cached[0] is not rules:
        detectors = [([_Cue(c) for c in p.detect], p) for p in rules.profiles if p.detect]
        keys = _CueKeys({cue.key for cues, _ in detectors for cue in cues})
        by_key: _ByKey = {}
        for n, (cues, _) in enumerate(detectors):
            for cue in cues:
                by_key.setdefault(cue.key, []).append((n, cue))
        cached = _DETECTORS[id(rules)] = (rules, detectors, keys, by_key)
    return cached[1], cached[2], cached[3]


def _detectors(rules: RuleSet) -> _Detectors:
    """The cues of every profile that has some (see :func:`_detection`)."""
    return _detection(rules)[0]


def prepare_rules(rules: RuleSet) -> None:
    """Build every screen, matcher and profile detector of ``rules`` now.

    They are otherwise built on first use (the generic matcher with the first page, a
    profile's with its first page), which is cheapest for a single capture; a
    long-running ingest pays the same cost once either way, and a timed run can then
    report it apart from the per-page cost.
    """
    for profile in (None, *rules.profiles):
        line_matcher(rules, profile)
    _detection(rules)
