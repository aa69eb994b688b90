"""Text-capture normaliser: page text in, an :class:`Article` with every removal explained.

A text capture is what a person gets by copying a news page: one line per paragraph, and
around the article whatever else the page showed (menus, share bars, prompts, teasers,
footers). Normalising it is a per-line decision, made in three passes:

1. **Rules** (``rules.py``, data): a line that fully matches a profile or generic rule is
   dropped with that rule's id, or lifted into image metadata (image id, credit, caption).
2. **Classifier**: every other line gets hand-set, documented features (length, sentence
   punctuation, stop-word and link-word density, capitalisation, separators, repetition
   on the page) combined into a body score; neighbours then settle the uncertain lines and
   the densest run of body lines is taken as the article. Lines outside it are dropped
   with a ``classifier:<reason>`` id, so provenance says why even without a rule.
3. **Structure**: the lines just before the body are read by shape and position for
   section, headline, kicker, dek, bylines and dates; the first paragraph for a dateline.

Every non-blank line of the capture ends with exactly one role (see :func:`segment`), so
removed and kept lines always account for the whole input.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newsarchive import datelines, dates, language, people
from newsarchive.encoding import clean_text, decode_bytes
from newsarchive.errors import NormaliseError
from newsarchive.models import Article, Block, Capture, Image, Removed
from newsarchive.rules import Profile, Rule, RuleSet, default_rules, guard_pattern

LOGGER = logging.getLogger(__name__)

#: Line roles, in the order they appear in an article's header.
ROLES = (
    "section",
    "kicker",
    "headline",
    "dek",
    "byline",
    "date",
    "image-id",
    "credit",
    "caption",
    "body",
    "removed",
)
#: The separator line :func:`render_text` writes before each photo, and the rule dropping it.
SEPARATOR = "* * *"
SEPARATOR_RULE = "separator-line"
#: Roles whose line text is part of the article a reader sees (used by :func:`text_body`).
READER_ROLES = ("headline", "dek", "byline", "date", "body")

_WORD = re.compile(r"\w+")
#: Punctuation to blank out before splitting a line into words: ``str.split`` is many
#: times faster than a regex, and the words come out the same as ``\w+`` would give.
_PUNCTUATION = str.maketrans(
    dict.fromkeys("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»„‚‹›—–…·•¿¡§©®°", " ")
)
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SEPARATOR = re.compile(r"\s[|•·›»>/]\s|\s[|•·›»]$|^[|•·›»]\s")
_SEPARATOR_CHAR = re.compile(r"[|•·›»>/]")
#: Sentence punctuation sits in the last few characters (a stop and closing quotes).
_TAIL = 6
_INLINE_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")
#: Short words in menus, share bars and account prompts; their density marks navigation.
_LINK_WORDS = frozenset(
    """home news sport sports business tech technology science health politics opinion
    world us uk europe entertainment culture lifestyle travel video videos photos photo
    gallery galleries menu search login log sign subscribe register account share tweet
    email print comments comment facebook twitter linkedin pinterest reddit whatsapp
    instagram youtube rss more next previous prev back top contact about privacy terms
    help newsletter newsletters follow like reply reblog permalink tags topics archive
    archives blog blogs signup faq advertise careers jobs weather markets horoscope
    games podcasts podcast live watch listen""".split()  # noqa: SIM905 - a word list reads better as text
)
#: Lines of a page repeated this many times are navigation or widgets, not prose.
_REPEAT_LIMIT = 2


@dataclass(frozen=True)
class LineRole:
    """The role one non-blank capture line was given, and the rule id that decided it."""

    number: int
    text: str
    role: str
    rule: str | None = None


@dataclass(frozen=True)
class Segmentation:
    """Every non-blank line of a capture with its role, plus the profile that applied."""

    lines: tuple[LineRole, ...]
    profile: Profile | None

    def with_role(self, role: str) -> tuple[LineRole, ...]:
        """The lines that were given ``role``, in capture order."""
        return tuple(line for line in self.lines if line.role == role)


# --------------------------------------------------------------------------- rule matching


class _Matcher:
    """The line rules of one profile, applied in order, with two screens and a cache.

    Most lines match no rule, so the matcher first asks cheap questions: one regex made
    of all unguarded patterns says whether any of them could match, and one search for
    all guard words says which guarded rules could. Only those rules are then tried in
    order. Menus, share bars and footers repeat within a page and across a publisher's
    pages, so a line seen before costs one dictionary lookup.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(r for r in rules if r.pattern is not None)
        self.cache: dict[str, Rule | None] = {}
        plain = [r.pattern.pattern for r in self.rules if not r.guard and r.pattern is not None]
        try:
            self.plain: re.Pattern[str] | None = re.compile(
                "|".join(f"(?:{_scoped(p)})" for p in plain)
            )
        except re.error:  # a pattern that cannot be embedded: no screen for plain rules
            self.plain = None
        words = sorted({w for r in self.rules for w in r.guard}, key=len, reverse=True)
        self.guard_words = guard_pattern(tuple(words)) if words else None
        # A guard word found also means every guard word it starts with was found.
        rules_of: dict[str, set[int]] = {}
        for n, rule in enumerate(self.rules):
            for guard in rule.guard:
                rules_of.setdefault(guard, set()).add(n)
        self.guarded_by: dict[str, frozenset[int]] = {
            word: frozenset().union(
                *(rules_of.get(word[:end], ()) for end in range(1, len(word) + 1))
            )
            for word in words
        }

    def match(self, line: str) -> Rule | None:
        if line in self.cache:
            return self.cache[line]
        found = self._first_match(line)
        if len(self.cache) >= _CACHE_SIZE:
            self.cache.clear()
        self.cache[line] = found
        return found

    def _first_match(self, line: str) -> Rule | None:
        plain_may = self.plain is None or self.plain.fullmatch(line) is not None
        guarded: set[int] = set()
        if self.guard_words is not None:
            for word in self.guard_words.findall(line.lower()):
                guarded |= self.guarded_by[word]
        if not plain_may and not guarded:
            return None
        for n, rule in enumerate(self.rules):
            screened = n in guarded if rule.guard else plain_may
            if screened and rule.pattern is not None and rule.pattern.fullmatch(line):
                return rule
        return None


#: Lines remembered per matcher before the cache starts afresh.
_CACHE_SIZE = 50_000


def _scoped(pattern: str) -> str:
    """Turn leading global flags ``(?i)x`` into a scoped group ``(?i:x)`` for embedding."""
    found = _INLINE_FLAGS.match(pattern)
    if found is None:
        return pattern
    return f"(?{found.group(1)}:{pattern[found.end() :]})"


_MATCHERS: dict[tuple[int, str], tuple[RuleSet, _Matcher]] = {}


def _matchers(rules: RuleSet, profile: Profile | None) -> tuple[_Matcher, _Matcher]:
    """The profile's own matcher and the generic one, in application order.

    Profile rules come first (``RuleSet.line_rules``); keeping them apart means the
    generic matcher, by far the larger, is built once per rule set, not per profile.
    """
    own = _cached_matcher(rules, f"profile:{profile.id}" if profile else "profile:", profile)
    return own, _cached_matcher(rules, "generic", None)


def _cached_matcher(rules: RuleSet, key: str, profile: Profile | None) -> _Matcher:
    """The matcher for a profile's rules (or, for "generic", the rule set's own), cached;
    the rule set is kept alive with it so its id cannot be reused."""
    slot = (id(rules), key)
    cached = _MATCHERS.get(slot)
    if cached is None or cached[0] is not rules:
        members = rules.rules if key == "generic" else (profile.rules if profile else ())
        cached = (rules, _Matcher(members))
        _MATCHERS[slot] = cached
    return cached[1]


class _Cue:
    """A profile cue searched over a whole page, with ``^`` meaning "at a line start".

    A leading ``^`` is checked by hand after an unanchored search, because the regex
    engine only skips ahead quickly to a literal prefix, not to line starts.
    """

    def __init__(self, cue: re.Pattern[str]) -> None:
        found = _INLINE_FLAGS.match(cue.pattern)
        flags = found.group(0) if found else ""
        body = cue.pattern[len(flags) :]
        self.anchored = body.startswith("^")
        self.pattern = re.compile(flags + body.removeprefix("^"), re.MULTILINE)

    def found_in(self, page: str) -> bool:
        for match in self.pattern.finditer(page):
            start = match.start()
            if not self.anchored or start == 0 or page[start - 1] == "\n":
                return True
        return False


#: Lines read for profile cues at each end of a long page.
_CUE_LINES = 100

_DETECTORS: dict[int, tuple[RuleSet, list[tuple[list[_Cue], Profile]]]] = {}


def detect_profile(rules: RuleSet, lines: Sequence[str], url: str | None) -> Profile | None:
    """The publisher profile of a capture: by URL, else the profile with most cues found.

    Counting cues (ties go to the first profile loaded) keeps a page that quotes another
    outlet (an ``AFP via Getty Images`` credit on a CNN page) with its own publisher.
    Each cue is searched once over the whole page, line anchors working per line.
    """
    for profile in rules.profiles:
        if profile.matches_url(url):
            return profile
    cached = _DETECTORS.get(id(rules))
    if cached is None or cached[0] is not rules:
        detectors = [([_Cue(c) for c in p.detect], p) for p in rules.profiles if p.detect]
        cached = (rules, detectors)
        _DETECTORS[id(rules)] = cached
    # Cues sit in the header, the first paragraphs and the footer.
    ends = lines if len(lines) <= 2 * _CUE_LINES else (*lines[:_CUE_LINES], *lines[-_CUE_LINES:])
    page = "\n".join(ends)
    best: Profile | None = None
    best_hits = 0
    for cues, profile in cached[1]:
        hits = sum(1 for cue in cues if cue.found_in(page))
        if hits > best_hits:
            best, best_hits = profile, hits
    return best


# --------------------------------------------------------------------------- classifier
#
# The classifier has no learned weights. Its thresholds were set by hand, in the manner
# of jusText's (Pomikálek 2011) and the BTE body-text maximum (Finn et al. 2001), and
# checked against the fixture corpus (tests/data/captures) and the aggregate score on
# ../shared/corpora/extraction-dev; that set is AGPL and used for measuring only, so no
# weights derived from it ship with the package. In order:
#
# 1. context-free class per line (_classify): BAD when repeated on the page, split by
#    menu separators or mostly link words; GOOD when long (25+ words) with stop words or a
#    12+ word sentence; NEAR for shorter prose; SHORT otherwise;
# 2. neighbours (_settle): NEAR joins a GOOD neighbour, SHORT needs GOOD on both sides;
# 3. the article is the run of lines with the highest score (_main_run), GOOD lines
#    scoring their word count and BAD lines a penalty of _BAD_PENALTY, so that a few menu
#    lines do not split an article while a teaser list far below does not join it;
# 4. list heads ("Related", "Most read") turn the short lines after them into teasers and
#    the first comment control after enough prose ends the article (_comments_start).


@dataclass(frozen=True)
class _Features:
    """Shape of one line, as used by the body/boilerplate classifier."""

    words: int
    chars: int
    stop_share: float
    link_share: float
    cap_share: float
    terminal: bool
    separators: int
    repeated: bool


def _features(text: str, stop: frozenset[str], counts: Counter[str]) -> _Features:
    tokens = text.translate(_PUNCTUATION).split()
    lowered = [token.lower() for token in tokens]
    n = len(tokens) or 1
    return _Features(
        words=len(tokens),
        chars=len(text),
        stop_share=sum(map(stop.__contains__, lowered)) / n,
        link_share=sum(map(_LINK_WORDS.__contains__, lowered)) / n,
        cap_share=sum(1 for token in tokens if token[0].isupper()) / n,
        terminal=_TERMINAL.search(text[-_TAIL:]) is not None,
        separators=len(_SEPARATOR.findall(text)) if _SEPARATOR_CHAR.search(text) else 0,
        repeated=counts[text] > _REPEAT_LIMIT - 1,
    )


#: Line classes before context: good (prose), near (probably prose), short, bad.
GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"
#: A line a rule already dropped: skipped when neighbours are consulted.
RULE = "rule"


def _classify(f: _Features) -> tuple[str, str]:
    """Context-free class of a line and the reason (hand-set thresholds, see above).

    Prose is long, ends like a sentence and is dense in stop words; navigation is short,
    capitalised, link-worded, separated by bars or arrows, and often repeated.
    """
    if f.repeated and f.words < 30:
        return BAD, "repeated"
    if f.separators >= 2 or (f.separators and f.words < 12):
        return BAD, "separators"
    if f.link_share >= 0.5 and f.words < 15:
        return BAD, "link-words"
    if f.words >= 25 and f.stop_share >= 0.2:
        return GOOD, "prose"
    if f.words >= 12 and f.terminal and f.stop_share >= 0.15:
        return GOOD, "sentence"
    if f.words >= 7 and f.stop_share >= 0.25 and f.cap_share < 0.6:
        return NEAR, "short-prose"
    if f.words >= 4 and f.terminal and f.cap_share < 0.6:
        return NEAR, "short-sentence"
    return SHORT, "short"


def _settle(classes: list[str]) -> list[str]:
    """Give uncertain lines (near, short) the class their good/bad neighbours suggest.

    Short lines between prose are part of the article (subheadings, one-line quotes);
    near-prose next to prose is prose; anything stranded among boilerplate is boilerplate.
    """
    settled = list(classes)
    n = len(classes)
    prev_good = [False] * n
    next_good = [False] * n
    last: str | None = None
    for i, cls in enumerate(classes):
        prev_good[i] = last == GOOD
        if cls in (GOOD, BAD):
            last = cls
    last = None
    for i in range(n - 1, -1, -1):
        next_good[i] = last == GOOD
        if classes[i] in (GOOD, BAD):
            last = classes[i]
    for i, cls in enumerate(classes):
        if cls == NEAR:
            settled[i] = GOOD if prev_good[i] or next_good[i] else BAD
        elif cls in (SHORT, RULE):
            settled[i] = GOOD if prev_good[i] and next_good[i] and cls == SHORT else BAD
    return settled


def _score(text: str, cls: str, reason: str, is_free: bool) -> int:
    """A line's weight in the article run: words for prose, a penalty for boilerplate.

    Lines a rule dropped weigh nothing, and so, nearly, do teasers under a "Related"
    head: such boxes sit inside articles, so they should not split one.
    """
    if cls == GOOD:
        return _words(text)
    if not is_free:
        return 0
    return -_TEASER_PENALTY if reason == "teaser" else -_BAD_PENALTY


def _main_run(scores: Sequence[int]) -> tuple[int, int]:
    """The [start, end) run of lines with the highest total score (maximum subarray).

    Good lines score their word count, bad lines a fixed penalty: a long article
    survives a few stray menu lines, while a teaser list far away does not join it.
    """
    best = (0, 0)
    best_sum = 0
    start = 0
    running = 0
    for i, score in enumerate(scores):
        running += score
        if running < 0:
            running = 0
            start = i + 1
        elif running > best_sum:
            best_sum = running
            best = (start, i + 1)
    # A run that breaks even (prose, then as much boilerplate) goes on; it does not
    # start with lines that weigh nothing, though.
    first, end = best
    while first < end and scores[first] <= 0:
        first += 1
    return first, end


_BAD_PENALTY = 24
_TEASER_PENALTY = 14


# --------------------------------------------------------------------------- structure

_ALL_CAPS = re.compile(r"[^a-z]*[A-Z][^a-z]*")
_BREADCRUMB = re.compile(r"\s*[›>»/]\s*")
#: How far above the body the header (headline, dek, byline, dates) may start.
_HEADER_WINDOW = 12
#: How many leading lines of the body run may turn out to be header lines (headline, dek).
_LEAD_LINES = 4
#: Header lines longer than this are paragraphs, never a headline or dek.
_HEADER_MAX_WORDS = 70
#: Lines up to this many words are checked for bylines.
_META_WORDS = 14
#: A line with a date and at most this many words (``Published …Updated …``) is a date line.
_DATE_LINE_WORDS = 13
#: What every printed date has: a month name or a numeric day-month, next to a number.
#: A cheap screen before dates.py reads the line.
_DATE_HINT = re.compile(
    r"(?i)\d{1,4}[./-]\d{1,2}|\d{4}-\d{2}|\b(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t"
    r"|nov|de[cz]|janv|f[ée]v|avr|juin|juil|ao[uû]|d[ée]c|gen|mag|giu|lug|ago|set|ott|dic|ene"
    r"|abr|märz|heute|today|yesterday|hier|ieri|ayer)"
)
#: A word of at least two letters (a headline or section has some; "9:49am, EDT" does not).
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
#: Longest bare-name byline ("Imogen Falconer in Edinburgh and Rhys Tandy").
_BARE_NAME_WORDS = 8
_META_CHARS = 160
#: Job titles that follow a name in a byline (cheap screen before people.py parses).
_JOB_TITLE = re.compile(
    r"(?i)\b(?:correspondent|reporter|editor|writer|journalist|columnist|critic|producer"
    r"|analyst|contributor|staff|chief|correspondente?|redakteur\w*|korrespondent\w*"
    r"|journaliste|envoyée?|giornalista|inviat[oa]|periodista|corresponsal|redactora?)\b"
)
#: What a byline people.py can read looks like: a byline word, "NAME, AGENCY", a job.
_BYLINE_HINT = re.compile(
    r"(?i)^(?:by|von|par|di|por|de|door|av|text|texte|testo|texto)\s|,\s*\S|\|"
    r"|\b(?:correspondent|reporter|editor|writer|journalist|columnist|critic|producer"
    r"|analyst|contributor|correspondente?|redakteur\w*|korrespondent\w*|journaliste"
    r"|giornalista|periodista|corresponsal)\b"
)
#: A byline without "By" ("NAME, CNN", "NAME Environment correspondent") is this short.
_HINTED_BYLINE_WORDS = 9
#: A line opening like a byline is never a headline, even when people.py cannot parse it.
_BYLINE_START = re.compile(r"(?:By|BY|Von|Par|Di|Por|Door|Av) [A-ZÀ-Ý]")
_MARKER_ROLES = frozenset({"image-id", "credit", "caption", "byline", "date"})


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _title_like(text: str) -> bool:
    """A headline: a few words, no sentence full stop, not a menu."""
    if not 3 <= _words(text) <= 30 or len(text) > 220 or len(_LETTER_WORD.findall(text)) < 2:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    return not _SEPARATOR.search(text)


def _section_like(text: str) -> bool:
    """A section label: a short phrase, or a breadcrumb ending in one."""
    steps = _BREADCRUMB.split(text)
    if len(steps) > 4 or "|" in text or len(text) > 60 or _SENTENCE_END.search(text):
        return False
    return 1 <= _words(steps[-1]) <= 4 and _LETTER_WORD.search(steps[-1]) is not None


def _kicker_like(text: str) -> bool:
    return 1 <= _words(text) <= 6 and _ALL_CAPS.fullmatch(text) is not None


def _dek_like(text: str) -> bool:
    return 6 <= _words(text) <= _HEADER_MAX_WORDS and not _kicker_like(text)


def _meta_lines(texts: Sequence[str], roles: Sequence[str]) -> dict[int, str]:
    """Byline and date lines among the lines no rule claimed (people.py and dates.py decide).

    A name on one line followed by a job title on the next (``Holly Brennan`` /
    ``Science Reporter``) is a two-line byline.
    """
    meta: dict[int, str] = {}
    for i, text in enumerate(texts):
        if roles[i] or i in meta or len(text) > _META_CHARS or _words(text) > _META_WORDS:
            continue
        if _DATE_HINT.search(text) and _date_line(text):
            meta[i] = "date"
        elif _BYLINE_START.match(text) or (
            _words(text) <= _HINTED_BYLINE_WORDS
            and _BYLINE_HINT.search(text)
            and people.parse_byline(text)
        ):
            meta[i] = "byline"
        elif (
            i + 1 < len(texts)
            and not roles[i + 1]
            and _words(text) <= 4
            and _JOB_TITLE.search(texts[i + 1])
            and _words(texts[i + 1]) <= 4
            and people.parse_byline(f"{text} {texts[i + 1]}")
        ):
            meta[i] = meta[i + 1] = "byline"
    return meta


def _date_line(text: str) -> bool:
    """A line that prints a date, possibly two (``Published …Updated …``), and little else."""
    if dates.is_date_line(text):
        return True
    return (
        _words(text) <= _DATE_LINE_WORDS
        and not _SENTENCE_END.search(text)
        and dates.find_date(text) is not None
    )


def _pair_captions(texts: Sequence[str], roles: list[str], reasons: list[str | None]) -> None:
    """A short unclaimed line right above a photo credit is that photo's caption."""
    for i, role in enumerate(roles):
        if role != "credit" or i == 0 or roles[i - 1]:
            continue
        if 3 <= _words(texts[i - 1]) <= 60:
            roles[i - 1] = "caption"
            reasons[i - 1] = "structure:caption-above-credit"


def _classify_body(
    texts: Sequence[str],
    roles: list[str],
    reasons: list[str | None],
    kinds: Sequence[str | None],
    profile: Profile | None,
) -> None:
    """Decide body vs boilerplate for every line no rule claimed, then read the header.

    Byline and date lines are set aside first: they are short like menus but belong to
    the article when they sit in its header or right after it. Lines a rule dropped
    stay in the sequence as known boilerplate, so their neighbours see them.
    """
    meta = _meta_lines(texts, roles)
    seq = [i for i, role in enumerate(roles) if (role == "" and i not in meta) or role == "removed"]
    free = [roles[i] == "" for i in seq]
    counts = Counter(texts[i] for i, is_free in zip(seq, free, strict=True) if is_free)
    stop = _stopwords()
    first = [
        _classify(_features(texts[i], stop, counts)) if is_free else (BAD, "rule")
        for i, is_free in zip(seq, free, strict=True)
    ]
    _mark_teasers(seq, free, first, kinds, texts)
    # Rule-dropped lines are invisible to the neighbours: the article reads the same
    # with or without them (which keeps normalising idempotent).
    settled = _settle(
        [cls if is_free else RULE for (cls, _), is_free in zip(first, free, strict=True)]
    )
    scores = [
        _score(texts[i], cls, reason, is_free)
        for i, cls, (_, reason), is_free in zip(seq, settled, first, free, strict=True)
    ]
    cut = _comments_start(seq, [cls for cls, _ in first], settled, kinds, texts)
    start, end = _main_run(scores[:cut])
    if start == end:
        for k, i in enumerate(seq):
            if free[k]:
                roles[i] = "removed"
                reasons[i] = "classifier:no-article-" + first[k][1]
        _settle_meta(meta, roles, reasons, lo=0, hi=-1)
        return
    header_from = _header_top(seq, free, first, texts, start)
    body_from = start + _header_lead(seq, free, start, end, texts, roles, kinds, meta)
    for k, i in enumerate(seq):
        if not free[k]:
            continue
        if body_from <= k < end and settled[k] == GOOD:
            roles[i] = "body"
        elif not header_from <= k < body_from:
            roles[i] = "removed"
            reasons[i] = "classifier:" + _removal_reason(first[k], k, start, end)
    header = [seq[k] for k in range(header_from, body_from) if free[k]]
    top = header[0] if header else seq[body_from]
    _settle_meta(meta, roles, reasons, lo=_previous_meta(meta, top), hi=seq[end - 1] + 2)
    lead = {seq[k] for k in range(start, body_from)}
    _assign_header(header, lead, texts, roles, reasons, profile)


#: Body words needed before a comments marker for it to end the article.
_COMMENTS_AFTER_WORDS = 50


def _comments_start(
    seq: Sequence[int],
    classes: Sequence[str],
    settled: Sequence[str],
    kinds: Sequence[str | None],
    texts: Sequence[str],
) -> int:
    """Index (into ``seq``) where the reader comments begin, or ``len(seq)``.

    Comments read like prose, so the classifier alone would keep them; the first
    comments control (a "Comments" head, "Reply", "X says:") after some prose ends the
    article instead. Only prose lines count here (not teaser links), so a "56 comments"
    link above the article and its sidebar heads nothing. A short post under a long
    thread needs less text before the first control, as long as more controls follow
    it closely.
    """
    markers = [k for k, i in enumerate(seq) if kinds[i] == "comments"]
    prose = kept = done = 0
    for k, i in enumerate(seq):
        if done < len(markers) and markers[done] == k:
            done += 1
            thread = len(markers) - done >= _THREAD_MARKERS and markers[done] - k <= _THREAD_GAP
            if prose >= _COMMENTS_AFTER_WORDS or (thread and kept >= _SHORT_POST_WORDS):
                return k
        if classes[k] == GOOD:
            prose += _words(texts[i])
        if settled[k] == GOOD:
            kept += _words(texts[i])
    return len(seq)


#: Comment controls after the first one that make a comment thread certain, and the most
#: lines between the first two (a thread is dense with them; a "717 Comments" link is not).
_THREAD_MARKERS = 3
_THREAD_GAP = 4
#: Body words a post under a certain comment thread needs.
_SHORT_POST_WORDS = 8


#: Rule kinds that head a list of links to other stories.
_LIST_HEADS = frozenset({"related", "comments"})
#: "Related: <title>", "Lire aussi | <title>": a head and its one link on the same line.
_INLINE_LINK = re.compile(r"[:|]\s*\S")


def _mark_teasers(
    seq: Sequence[int],
    free: Sequence[bool],
    first: list[tuple[str, str]],
    kinds: Sequence[str | None],
    texts: Sequence[str],
) -> None:
    """Lines after a "Read more" / "Related" head are teasers until prose resumes.

    Only once the article has begun: a "Read more" among the menus above it heads nothing.
    """
    in_list = False
    prose = False
    for k, i in enumerate(seq):
        if not free[k]:
            # A head is a label ("Related", "Read more about X"); "Related: <title>" is a link.
            head = kinds[i] in _LIST_HEADS and not _INLINE_LINK.search(texts[i].rstrip(": "))
            in_list = in_list or (head and prose)
        elif first[k][0] == GOOD:
            in_list = False
            prose = True
        elif in_list:
            first[k] = (BAD, "teaser")


def _header_top(
    seq: Sequence[int],
    free: Sequence[bool],
    first: Sequence[tuple[str, str]],
    texts: Sequence[str],
    start: int,
) -> int:
    """Index (into ``seq``) of the first header line above the body run.

    Takes up to ``_HEADER_WINDOW`` unclaimed lines above the body (menus included: the
    header reader drops what it cannot place), stopping at a paragraph of prose, which
    belongs to something else.
    """
    top = start
    seen = 0
    while top > 0 and seen < _HEADER_WINDOW:
        k = top - 1
        if free[k]:
            if first[k][0] == GOOD and _words(texts[seq[k]]) >= _HEADER_MAX_WORDS // 2:
                break
            seen += 1
        top -= 1
    return top


def _header_lead(
    seq: Sequence[int],
    free: Sequence[bool],
    start: int,
    end: int,
    texts: Sequence[str],
    roles: Sequence[str],
    kinds: Sequence[str | None],
    meta: dict[int, str],
) -> int:
    """How many leading entries of the body run are header lines (headline, dek).

    A byline, date, photo or separator line after them marks where the header ends:
    prose-like headlines and deks are classified as body until such a marker is seen.
    """
    run = [k for k in range(start, end) if free[k]][: _LEAD_LINES + 1]
    lead = 0
    for n in range(1, min(_LEAD_LINES + 1, len(run))):
        before, after = seq[run[n - 1]], seq[run[n]]
        if _words(texts[before]) > _HEADER_MAX_WORDS or (
            n > 1 and not _title_like(texts[seq[run[n - 2]]])
        ):
            break
        if any(
            roles[j] in _MARKER_ROLES or j in meta or kinds[j] == "separator"
            for j in range(before + 1, after)
        ):
            lead = run[n] - start
    return lead


def _previous_meta(meta: dict[int, str], top: int) -> int:
    """Extend the header upwards over byline/date lines directly above it."""
    while top - 1 in meta:
        top -= 1
    return top


def _settle_meta(
    meta: dict[int, str], roles: list[str], reasons: list[str | None], *, lo: int, hi: int
) -> None:
    """Keep byline/date lines within ``[lo, hi)`` (the article); drop the others."""
    for i, role in meta.items():
        if lo <= i < hi:
            roles[i] = role
        else:
            roles[i] = "removed"
            reasons[i] = f"classifier:stray-{role}"


def _assign_header(
    header: list[int],
    from_body: set[int],
    texts: Sequence[str],
    roles: list[str],
    reasons: list[str | None],
    profile: Profile | None,
) -> None:
    """Read section, kicker, headline and dek off the header lines, by shape and position.

    The headline is the first title-like line that is followed by what follows headlines
    (see :func:`_pick_headline`). Above it, the nearest short label is the section, or
    the kicker when the profile says its kickers stand above the headline
    (``kicker_above_headline`` = the fewest words such a kicker has); an all-caps label
    is a kicker. Below it, an all-caps line is the kicker and the first longer line the
    dek. Header lines left over are dropped, except lines taken from the body run,
    which return to it.
    """
    settings = profile.settings if profile is not None else {}
    open_lines = [i for i in header if roles[i] == ""]
    kicker_words = int(settings.get("kicker_above_headline", 0))
    headline = _pick_headline(open_lines, from_body, texts, roles)
    if headline is not None:
        roles[headline] = "headline"
        labels = ["kicker", "section"] if kicker_words else ["section"]
        if not settings.get("section_label", True):
            labels.remove("section")
        for i in reversed([i for i in open_lines if i < headline]):
            text = texts[i]
            if "kicker" in labels and (
                _kicker_like(text) or (_section_like(text) and _words(text) >= kicker_words)
            ):
                labels.remove("kicker")
                roles[i] = "kicker"
            elif "section" in labels and _section_like(text):
                labels.remove("section")
                roles[i] = "section"
            else:
                break
        for i in (i for i in open_lines if i > headline and roles[i] == ""):
            if _kicker_like(texts[i]) and "kicker" not in roles:
                roles[i] = "kicker"
            elif _dek_like(texts[i]) and "dek" not in roles:
                roles[i] = "dek"
    for i in header:
        if roles[i] == "" and _name_above_date(i, texts, roles):
            roles[i] = "byline"
        elif roles[i] == "":
            roles[i] = "body" if i in from_body else "removed"
            reasons[i] = None if i in from_body else "classifier:header-noise"


def _name_above_date(i: int, texts: Sequence[str], roles: Sequence[str]) -> bool:
    """A bare name right above the date line is a byline (``Sofia Hartigan``), as is each
    name in a stack of them above it (two authors on two lines)."""
    if _words(texts[i]) > _BARE_NAME_WORDS or not people.parse_byline(f"By {texts[i]}"):
        return False
    following = next((j for j in range(i + 1, len(roles)) if roles[j] != "removed"), None)
    if following is None:
        return False
    return roles[following] == "date" or (
        roles[following] in ("", "byline") and _name_above_date(following, texts, roles)
    )


def _pick_headline(
    lines: Sequence[int],
    from_body: set[int],
    texts: Sequence[str],
    roles: Sequence[str],
) -> int | None:
    """The title-like header line nearest the body that is followed by what follows a
    headline: a kicker, dek, byline, date or photo line, or the body itself (a title-like
    menu entry is followed by another menu entry instead).

    Of two title-like lines in a row the upper is the headline (the lower its dek) unless
    it is short: then it is a label such as a kicker or a menu entry.
    """
    shaped = [
        n
        for n, i in enumerate(lines)
        if _headline_shaped(texts[i])
        and _followed_like_headline(n, lines, from_body, texts, roles)
        and not _name_above_date(i, texts, roles)
    ]
    if not shaped:
        return None
    # Headlines come before the byline, date and photo lines; menus may follow them.
    start = lines[0]
    before_meta = [
        n for n in shaped if not any(roles[j] in _MARKER_ROLES for j in range(start, lines[n]))
    ]
    chosen = (before_meta or shaped)[-1]
    line = lines[chosen]
    above = lines[chosen - 1] if chosen > 0 else None
    if above is None or not _headline_shaped(texts[above]):
        return line
    # Of two title-like lines in a row, a short upper one is a label (kicker, menu entry).
    return line if _words(texts[above]) <= _KICKER_WORDS else above


#: Most words in a kicker standing above a headline.
_KICKER_WORDS = 6


def _headline_shaped(text: str) -> bool:
    return _title_like(text) and not _kicker_like(text) and not _BYLINE_START.match(text)


def _followed_like_headline(
    n: int, lines: Sequence[int], from_body: set[int], texts: Sequence[str], roles: Sequence[str]
) -> bool:
    i = lines[n]
    after = lines[n + 1] if n + 1 < len(lines) else None
    if after is None or after in from_body or _kicker_like(texts[after]) or _dek_like(texts[after]):
        return True
    # Structure (byline, date, photo) within the next two lines follows a headline.
    limit = lines[n + 2] if n + 2 < len(lines) else len(roles)
    return any(roles[j] and roles[j] != "removed" for j in range(i + 1, limit))


_STOPWORDS: list[frozenset[str]] = []


def _stopwords() -> frozenset[str]:
    """Stop words of every supported language: the classifier runs before detection."""
    if not _STOPWORDS:
        codes = ("en", "fr", "de", "it", "es")
        _STOPWORDS.append(frozenset().union(*(language.stopwords(c) for c in codes)))
    return _STOPWORDS[0]


# --------------------------------------------------------------------------- segmentation


def _nonblank_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines, stripped, with their 1-based line numbers in the capture."""
    return [(n, s) for n, line in enumerate(text.split("\n"), 1) if (s := line.strip())]


def segment(text: str, rules: RuleSet | None = None, url: str | None = None) -> Segmentation:
    """Give every non-blank line of decoded page text one role (see ``ROLES``).

    Args:
        text: decoded, cleaned capture text.
        rules: boilerplate rules and profiles; the shipped defaults when omitted.
        url: the page URL when known, for profile detection.
    """
    ruleset = rules if rules is not None else default_rules()
    numbered = _nonblank_lines(text)
    texts = [t for _, t in numbered]
    profile = detect_profile(ruleset, texts, url)
    own, generic = _matchers(ruleset, profile)
    roles = [""] * len(texts)
    reasons: list[str | None] = [None] * len(texts)
    kinds: list[str | None] = [None] * len(texts)
    for i, line in enumerate(texts):
        rule = own.match(line) or generic.match(line)
        if rule is not None:
            roles[i] = "removed" if rule.action == "drop" else rule.action
            reasons[i] = rule.id
            kinds[i] = rule.kind
    _pair_captions(texts, roles, reasons)
    _classify_body(texts, roles, reasons, kinds, profile)
    lines = tuple(
        LineRole(number, line, role, reason)
        for (number, line), role, reason in zip(numbered, roles, reasons, strict=True)
    )
    return Segmentation(lines=lines, profile=profile)


# --------------------------------------------------------------------------- article

_SOURCE_CUES = (
    re.compile(r"(?i)got a tip\? (?:send it to|email) (?P<name>[A-Z][^.@]{1,60}?)(?: here)?\.?"),
    re.compile(
        r"(?:©|\(c\)|Copyright|Copyright ©)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?"
        r"(?P<name>[A-Z][\w&.'’ -]{1,60}?)[.,]?(?:\s+(?:All rights reserved|Tous droits"
        r" réservés|Alle Rechte vorbehalten|Todos los derechos reservados|Riproduzione"
        r" riservata).*)?",
        re.IGNORECASE,
    ),
)


def _source_from_cues(lines: Sequence[LineRole]) -> str | None:
    """The publisher named by a copyright footer or tip line, when no profile applied."""
    for line in lines:
        if line.role not in ("removed", "credit"):
            continue
        for cue in _SOURCE_CUES:
            found = cue.fullmatch(line.text)
            if found is not None:
                return found.group("name").strip(" .,")
    return None


#: Gallery counters and licensing links around a caption, not part of it.
_CAPTION_NOISE = re.compile(
    r"^(?:Item \d+ of \d+\s*|\[\d+/\d+\]\s*|Image caption,\s*|Caption:\s*)"
    r"|\s*Purchase Licensing Rights(?:, opens new tab)?$"
)
#: A credit label in front of the credit itself.
_CREDIT_LABEL = re.compile(
    r"^(?:Image source,|Photograph:|Photo:|Photos:|Foto:|Fotos:|Bild:|Credit:|Crédit photo ?:"
    r"|Crédit ?:|Fotografía:|Illustration:|Composite:|©|\(c\)|foto)\s*",
    re.IGNORECASE,
)
_CREDIT_WORDS = re.compile(
    r"/|\b(?:Photo|Getty|iStock|Shutterstock|Reuters|REUTERS|AFP|AP|EPA|dpa|ANSA|EFE|Alamy|PA"
    r"|Courtesy|Images|LaPresse|imago|Bloomberg|Xinhua)\b"
)
#: Ways a caption carries its credit inline, tried in order.
_INLINE_CREDITS = (
    re.compile(r"(?P<caption>.+?)\s*\((?P<credit>(?:foto |photo )?[^()]{2,80})\)"),
    re.compile(r"(?P<caption>.+?)\s*Credit\.\.\.(?P<credit>.+)"),
    re.compile(
        r"(?P<caption>.+?)\s+(?:Photograph|Photo|Foto|Bild|Fotografía|Crédit photo|Crédit)"
        r"\s*:\s*(?P<credit>.+)"
    ),
    re.compile(r"(?P<caption>.+?[.!?])\s*(?P<credit>(?:REUTERS|Reuters|EFE|ANSA|EPA|AFP|dpa)/.+)"),
    re.compile(r"(?P<caption>.+[.!?»])\s+(?P<credit>[A-ZÀ-Ý][A-ZÀ-Ý .’'-]+ / [^.]{2,80})"),
    # El País style: the photographer's name glued to the caption's full stop.
    re.compile(r"(?P<caption>.+[.!?])(?P<credit>[A-ZÀ-Ý][\w’'-]+(?: [A-ZÀ-Ý][\w’'-]+){1,3})"),
)


def split_caption(text: str) -> tuple[str, str | None]:
    """A caption line as (caption, credit), the credit lifted off its end when present."""
    text = _CAPTION_NOISE.sub("", text).strip()
    for pattern in _INLINE_CREDITS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        credit = found.group("credit").strip()
        if pattern is _INLINE_CREDITS[0] and not _CREDIT_WORDS.search(credit):
            continue
        return found.group("caption").strip(), clean_credit(credit)
    return text, None


def clean_credit(text: str) -> str:
    """A credit without its label (``Photograph:``, ``Image source,``, ``©``)."""
    return _CREDIT_LABEL.sub("", text.strip(" ()[]")).strip()


def _images(lines: Sequence[LineRole]) -> tuple[Image, ...]:
    """Image metadata from image-id, credit and caption lines.

    An id opens a new image; a credit or caption joins the image opened by the lines
    directly before it unless that image already has one, else it opens its own.
    """
    images: list[Image] = []
    open_image = False
    for line in lines:
        if line.role not in ("image-id", "credit", "caption"):
            open_image = open_image and line.role == "removed" and line.rule != SEPARATOR_RULE
            continue
        fields: dict[str, str | None] = {}
        if line.role == "image-id":
            fields["id"] = line.text
        elif line.role == "credit":
            fields["credit"] = clean_credit(line.text)
        else:
            fields["caption"], credit = split_caption(line.text)
            if credit is not None:
                fields["credit"] = credit
        current = images[-1] if images and open_image else None
        if (
            current is None
            or "id" in fields
            or any(getattr(current, name) is not None for name in fields)
        ):
            images.append(Image(**fields))
        else:
            images[-1] = Image(**{**_image_fields(current), **fields})
        open_image = True
    return tuple(images)


def _image_fields(image: Image) -> dict[str, str | None]:
    return {"id": image.id, "caption": image.caption, "credit": image.credit, "src": image.src}


def _section(seg: Segmentation) -> str | None:
    """The section label; of a breadcrumb (``Home › World``), its last step."""
    found = _one(seg, "section")
    return _BREADCRUMB.split(found)[-1] if found else None


def _one(seg: Segmentation, role: str) -> str | None:
    found = seg.with_role(role)
    return found[0].text if found else None


def _dates(seg: Segmentation) -> tuple[str | None, str | None]:
    """Published and updated ISO dates from the date lines (never guessed).

    A line may print both (``Published March 15, 2024Updated March 16, 2024``): each
    date is read with the words just before it, which say which one it is.
    """
    published: str | None = None
    updated: str | None = None
    for line in seg.with_role("date"):
        for mention in _date_mentions(line.text):
            if mention.role == "updated":
                updated = updated or mention.iso
            else:
                published = published or mention.iso
    return published, updated


def _date_mentions(text: str) -> list[dates.DateMention]:
    mentions: list[dates.DateMention] = []
    rest = text
    while rest and len(mentions) < 3:
        found = dates.find_date(rest)
        if found is None:
            break
        mentions.append(found)
        rest = rest[found.span[1] :]
    return mentions


def _bylines(seg: Segmentation) -> tuple[str, ...]:
    """Person names from the byline lines.

    A line that names nobody on its own is read with the next byline line (a name over
    a job title), and failing that as ``By <line>`` (a bare name in byline position).
    """
    names: list[str] = []
    lines = seg.with_role("byline")
    skip = False
    for k, line in enumerate(lines):
        if skip:
            skip = False
            continue
        found = people.parse_byline(line.text)
        if not found and k + 1 < len(lines) and lines[k + 1].number <= line.number + 2:
            found = people.parse_byline(f"{line.text} {lines[k + 1].text}")
            skip = bool(found)
        if not found and not _BYLINE_START.match(line.text):
            found = people.parse_byline(f"By {line.text}")
        names.extend(n for n in found if n not in names)
    return tuple(names)


def _blocks(seg: Segmentation) -> tuple[Block, ...]:
    """Body blocks; a short title-like line inside the body is a subheading."""
    return tuple(
        Block(line.text, "h2" if _subheading(line.text) else "p") for line in seg.with_role("body")
    )


def _subheading(text: str) -> bool:
    words = _WORD.findall(text)
    return 1 <= len(words) <= 10 and not _TERMINAL.search(text) and text[:1].isupper()


#: A place printed before the date (``Valencia - 15 mar 2024 - 14:30 CET``).
_PLACE_BEFORE_DATE = re.compile(r"(?P<place>[^\W\d_][\w .’'()-]{1,40}?)\s+[-–—|]\s+\d")
#: A header line naming where the reporting was done (``Reporting from Rome``).
_REPORTING_FROM = re.compile(
    r"(?:Reporting from|Reportage depuis|Informa desde|Desde|Da) (?P<place>[^\W\d_].{1,60})"
)


def _dateline(seg: Segmentation, blocks: Sequence[Block]) -> str | None:
    """The dateline place: from the first paragraph's lead (datelines.py), else from a
    place printed before the date or a "Reporting from" line above the body."""
    if blocks:
        found = datelines.find_dateline(blocks[0].text)
        if found is not None:
            return found.place
    for line in seg.lines:
        if line.role == "body":
            break
        if line.role == "date":
            match = _PLACE_BEFORE_DATE.match(line.text)
        elif line.role == "removed":
            match = _REPORTING_FROM.fullmatch(line.text)
        else:
            continue
        if match is not None and dates.find_date(match.group("place")) is None:
            return match.group("place").strip()
    return None


def article_from_segmentation(seg: Segmentation) -> Article:
    """Build the article (without id, url, raw) from a segmented capture."""
    blocks = _blocks(seg)
    published, updated = _dates(seg)
    place = _dateline(seg, blocks)
    profile = seg.profile
    body_sample = " ".join(b.text for b in blocks)[:2000]
    return Article(
        source=profile.name if profile is not None else _source_from_cues(seg.lines),
        section=_section(seg),
        headline=_one(seg, "headline"),
        kicker=_one(seg, "kicker"),
        dek=_one(seg, "dek"),
        bylines=_bylines(seg),
        dateline=place,
        published=published,
        updated=updated,
        language=(profile.language if profile and profile.language else None)
        or language.detect_language(body_sample),
        images=_images(seg.lines),
        blocks=blocks,
        removed=tuple(
            Removed(line.text, line.rule or "classifier", line.number)
            for line in seg.with_role("removed")
        ),
        profile=profile.id if profile is not None else None,
    )


def normalise_text_capture(capture: Capture, rules: RuleSet) -> Article:
    """Normalise a text/plain capture into an article.

    Args:
        capture: the capture; its bytes are decoded here, never modified.
        rules: boilerplate rules and publisher profiles.

    Raises:
        NormaliseError: the capture is empty or no article body can be found in it.
        CaptureError: the bytes are binary or cannot be decoded.
    """
    text = clean_text(decode_bytes(capture.data, capture.declared_charset, source=capture.source))
    if not text.strip():
        raise NormaliseError(f"{capture.source}: empty text capture")
    seg = segment(text, rules, capture.url)
    article = article_from_segmentation(seg)
    if not article.blocks:
        raise NormaliseError(f"{capture.source}: no article body found in the text capture")
    return article.evolve(id=capture.capture_id, url=capture.url, raw=None)


def text_body(data: bytes) -> str:
    """The article text of a page-text capture, for the extraction benchmark.

    Returns the lines a reader of the article sees as its text (headline, dek, byline and
    date lines, body paragraphs; see ``READER_ROLES``) joined by blank lines, or ``""``
    when no body is found. Boilerplate and image metadata are never included.
    """
    text = clean_text(decode_bytes(data))
    seg = segment(text)
    if not seg.with_role("body"):
        return ""
    return "\n\n".join(line.text for line in seg.lines if line.role in READER_ROLES)


def render_text(article: Article) -> str:
    """The article as clean page text, one block per line, in the order pages print it.

    Normalising this text again gives back the same structure, images and body (the
    publisher, known from page cues, is not part of it). A separator line ends the header
    (so a dek reads as a dek) and precedes each photo's lines (so a photo never runs into
    the one before it and a bare credit never takes the line above it for its caption).
    """
    parts: list[str | None] = [article.section, article.headline, article.kicker, article.dek]
    if article.bylines:
        parts.append("By " + " and ".join(article.bylines))
    parts.append(f"Published {article.published}" if article.published else None)
    parts.append(f"Updated {article.updated}" if article.updated else None)
    parts.append(SEPARATOR)  # where the header ends, as a page's layout shows it
    for image in article.images:
        parts.append(SEPARATOR)
        parts.append(image.id)
        parts.append(f"Caption: {image.caption}" if image.caption else None)
        parts.append(f"Credit: {image.credit}" if image.credit else None)
    parts.extend(article.paragraphs)
    return "\n\n".join(p for p in parts if p) + "\n"


def _removal_reason(first: tuple[str, str], k: int, start: int, end: int) -> str:
    """``before-article-short``, ``after-article-repeated``, ...: where and why."""
    reason = first[1]
    if k < start:
        where = "before-article"
    elif k >= end:
        where = "after-article"
    else:
        where = "in-article"
    return f"{where}-{reason}"
