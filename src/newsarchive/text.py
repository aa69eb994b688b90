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

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newsarchive import datelines, dates, language, people
from newsarchive.encoding import clean_text, decode_bytes
from newsarchive.errors import NormaliseError
from newsarchive.models import Article, Block, Capture, Image, Removed
from newsarchive.rules import Profile, Rule, RuleSet, default_rules

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
#: Roles whose line text is part of the article a reader sees (used by :func:`text_body`).
READER_ROLES = ("headline", "dek", "byline", "date", "body")

_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SEPARATOR = re.compile(r"\s[|•·›»>/]\s|\s[|•·›»]$|^[|•·›»]\s|»$|›$")
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
    """All line rules of one profile folded into one regex, so most lines cost one call.

    The combined pattern only says *whether* some rule matches; the first matching rule
    in application order is then found among the few that could.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        parts = [_scoped(r.pattern.pattern) for r in self.rules if r.pattern is not None]
        try:
            self.any = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None
        except re.error:  # a pattern that cannot be embedded: fall back to one by one
            self.any = None

    def match(self, line: str) -> Rule | None:
        if self.any is not None and self.any.fullmatch(line) is None:
            return None
        return next((r for r in self.rules if r.matches_line(line)), None)


def _scoped(pattern: str) -> str:
    """Turn leading global flags ``(?i)x`` into a scoped group ``(?i:x)`` for embedding."""
    found = _INLINE_FLAGS.match(pattern)
    if found is None:
        return pattern
    return f"(?{found.group(1)}:{pattern[found.end() :]})"


_MATCHERS: dict[tuple[int, str | None], tuple[RuleSet, _Matcher]] = {}


def _matcher(rules: RuleSet, profile: Profile | None) -> _Matcher:
    """The cached matcher for ``rules`` and ``profile`` (the rule set is kept alive with it)."""
    key = (id(rules), profile.id if profile is not None else None)
    cached = _MATCHERS.get(key)
    if cached is None or cached[0] is not rules:
        cached = (rules, _Matcher(rules.line_rules(profile)))
        _MATCHERS[key] = cached
    return cached[1]


_DETECTORS: dict[int, tuple[RuleSet, list[tuple[re.Pattern[str], Profile]]]] = {}


def detect_profile(rules: RuleSet, lines: Sequence[str], url: str | None) -> Profile | None:
    """Same answer as :meth:`RuleSet.detect_profile`, with each profile's cues in one regex."""
    for profile in rules.profiles:
        if profile.matches_url(url):
            return profile
    cached = _DETECTORS.get(id(rules))
    if cached is None or cached[0] is not rules:
        detectors = [
            (re.compile("|".join(f"(?:{_scoped(c.pattern)})" for c in p.detect)), p)
            for p in rules.profiles
            if p.detect
        ]
        cached = (rules, detectors)
        _DETECTORS[id(rules)] = cached
    for detector, profile in cached[1]:
        if any(detector.search(line) for line in lines):
            return profile
    return None


# --------------------------------------------------------------------------- classifier


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
    words = _WORD.findall(text)
    n = len(words) or 1
    lowered = [w.lower() for w in words]
    return _Features(
        words=len(words),
        chars=len(text),
        stop_share=sum(1 for w in lowered if w in stop) / n,
        link_share=sum(1 for w in lowered if w in _LINK_WORDS) / n,
        cap_share=sum(1 for w in words if w[0].isupper()) / n,
        terminal=_TERMINAL.search(text) is not None,
        separators=len(_SEPARATOR.findall(text)),
        repeated=counts[text] > _REPEAT_LIMIT - 1,
    )


#: Line classes before context: good (prose), near (probably prose), short, bad.
GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"


def _classify(f: _Features) -> tuple[str, str]:
    """Context-free class of a line and the reason; thresholds are hand-set, see below.

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
        elif cls == SHORT:
            settled[i] = GOOD if prev_good[i] and next_good[i] else BAD
    return settled


def _main_run(settled: Sequence[str], weights: Sequence[int]) -> tuple[int, int]:
    """The [start, end) run of lines with the highest sum of good minus bad weight.

    Good lines weigh their word count, bad lines a fixed penalty per line: a long
    article survives a few stray menu lines, while a teaser list far away does not join.
    """
    best = (0, 0)
    best_sum = 0
    start = 0
    running = 0
    for i, (cls, weight) in enumerate(zip(settled, weights, strict=True)):
        running += weight if cls == GOOD else -_BAD_PENALTY
        if running <= 0:
            running = 0
            start = i + 1
        elif running > best_sum:
            best_sum = running
            best = (start, i + 1)
    return best


_BAD_PENALTY = 12


# --------------------------------------------------------------------------- structure

_ALL_CAPS = re.compile(r"[^a-z]*[A-Z][^a-z]*")
#: How far above the body the header (headline, dek, byline, dates) may start.
_HEADER_WINDOW = 12


def _title_like(text: str) -> bool:
    """A headline: a few words, no sentence full stop, not a menu."""
    words = _WORD.findall(text)
    if not 3 <= len(words) <= 30 or len(text) > 220:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    return not _SEPARATOR.search(text)


def _section_like(text: str) -> bool:
    words = _WORD.findall(text)
    return 1 <= len(words) <= 3 and len(text) <= 40 and not _TERMINAL.search(text)


def _kicker_like(text: str) -> bool:
    words = _WORD.findall(text)
    return 1 <= len(words) <= 6 and _ALL_CAPS.fullmatch(text) is not None


def _dek_like(text: str) -> bool:
    words = _WORD.findall(text)
    return 6 <= len(words) <= 70 and _SENTENCE_END.search(text) is not None


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
    matcher = _matcher(ruleset, profile)
    roles = [""] * len(texts)
    reasons: list[str | None] = [None] * len(texts)
    for i, line in enumerate(texts):
        rule = matcher.match(line)
        if rule is not None:
            roles[i] = "removed" if rule.action == "drop" else rule.action
            reasons[i] = rule.id
    _classify_body(texts, roles, reasons)
    lines = tuple(
        LineRole(number, line, role, reason)
        for (number, line), role, reason in zip(numbered, roles, reasons, strict=True)
    )
    return Segmentation(lines=lines, profile=profile)


#: Lines up to this many words are checked for bylines and printed dates.
_META_WORDS = 14


def _meta_role(text: str) -> str | None:
    """``byline`` or ``date`` when a short line is one (dates.py / people.py decide)."""
    if len(_WORD.findall(text)) > _META_WORDS:
        return None
    if people.parse_byline(text):
        return "byline"
    if dates.find_date(text) is not None:
        return "date"
    return None


def _classify_body(texts: Sequence[str], roles: list[str], reasons: list[str | None]) -> None:
    """Decide body vs boilerplate for every line no rule claimed, then read the header.

    Byline and date lines are set aside first: they are short like menus but belong to
    the article when they sit in its header or right after it.
    """
    meta: dict[int, str] = {}
    for i, role in enumerate(roles):
        if role == "" and (found := _meta_role(texts[i])) is not None:
            meta[i] = found
    free = [i for i, role in enumerate(roles) if role == "" and i not in meta]
    if not free:
        _settle_meta(meta, roles, reasons, lo=0, hi=len(texts))
        return
    stop = _stopwords()
    counts = Counter(texts[i] for i in free)
    feats = [_features(texts[i], stop, counts) for i in free]
    first = [_classify(f) for f in feats]
    settled = _settle([cls for cls, _ in first])
    start, end = _main_run(settled, [f.words for f in feats])
    header_from = start
    # Walk up from the body over lines that can be header lines (not strong boilerplate).
    while header_from > 0 and start - header_from < _HEADER_WINDOW:
        cls, _ = first[header_from - 1]
        if cls == BAD and not _title_like(texts[free[header_from - 1]]):
            break
        header_from -= 1
    if header_from > 0 and start - header_from < _HEADER_WINDOW:
        # A section label (a menu-like word) may sit right above the headline.
        header_from -= _section_like(texts[free[header_from - 1]])
    for k, i in enumerate(free):
        if start <= k < end and settled[k] == GOOD:
            roles[i] = "body"
        elif not header_from <= k < start:
            roles[i] = "removed"
            reasons[i] = "classifier:" + _removal_reason(first[k], k, start, end)
    if start == end:
        _settle_meta(meta, roles, reasons, lo=0, hi=-1)
        return
    top = free[header_from] if header_from < start else free[start]
    body_start = free[start]
    last = free[end - 1]
    _settle_meta(meta, roles, reasons, lo=min(top, _previous_meta(meta, top)), hi=last + 2)
    header = [free[k] for k in range(header_from, start)]
    _assign_header(header, body_start, texts, roles, reasons)


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
    body_start: int,
    texts: Sequence[str],
    roles: list[str],
    reasons: list[str | None],
) -> None:
    """Read section, kicker, headline and dek off the lines just above the body.

    ``header`` holds indexes of the unassigned lines above the body, in order. The
    headline is the first title-like line that is not all capitals; a short plain line
    before it is the section and an all-caps one the kicker; a sentence after it is the
    dek. When the dek is prose-like it was classified as body: it is taken back when it
    is the first body line, directly after the headline, and image, byline or date
    lines separate it from the next paragraph.
    """
    headline = next(
        (i for i in header if _title_like(texts[i]) and not _kicker_like(texts[i])), None
    )
    if headline is not None:
        roles[headline] = "headline"
        for i in reversed([i for i in header if i < headline]):
            if _kicker_like(texts[i]) and "kicker" not in roles:
                roles[i] = "kicker"
            elif _section_like(texts[i]) and "section" not in roles:
                roles[i] = "section"
        for i in (i for i in header if i > headline):
            if _kicker_like(texts[i]) and "kicker" not in roles:
                roles[i] = "kicker"
            elif _dek_like(texts[i]) and "dek" not in roles:
                roles[i] = "dek"
        if "dek" not in roles and _dek_follows(headline, body_start, texts, roles):
            roles[body_start] = "dek"
    for i in header:
        if roles[i] == "":
            roles[i] = "removed"
            reasons[i] = "classifier:header-noise"


_HEADER_ROLES = frozenset({"kicker", "section", "removed"})
_SEPARATING_ROLES = frozenset({"image-id", "credit", "caption", "byline", "date"})


def _dek_follows(headline: int, body_start: int, texts: Sequence[str], roles: list[str]) -> bool:
    """True when the first body line is really the dek (see :func:`_assign_header`)."""
    if not _dek_like(texts[body_start]):
        return False
    if any(roles[i] not in _HEADER_ROLES for i in range(headline + 1, body_start)):
        return False
    following = body_start + 1
    saw_separator = False
    while following < len(roles) and roles[following] != "body":
        saw_separator = saw_separator or roles[following] in _SEPARATING_ROLES
        following += 1
    return saw_separator and following < len(roles)


_STOPWORDS: list[frozenset[str]] = []


def _stopwords() -> frozenset[str]:
    """Stop words of every supported language: the classifier runs before detection."""
    if not _STOPWORDS:
        codes = ("en", "fr", "de", "it", "es")
        _STOPWORDS.append(frozenset().union(*(language.stopwords(c) for c in codes)))
    return _STOPWORDS[0]


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


def _images(lines: Sequence[LineRole]) -> tuple[Image, ...]:
    """Image metadata from image-id, credit and caption lines.

    An id opens a new image; a credit or caption joins the image just opened by the lines
    directly before it unless that image already has one, else it opens its own.
    """
    images: list[Image] = []
    open_image = False
    for line in lines:
        field = {"image-id": "id", "credit": "credit", "caption": "caption"}.get(line.role)
        if field is None:
            open_image = open_image and line.role == "removed"
            continue
        current = images[-1] if images and open_image else None
        if field == "id" or current is None or getattr(current, field) is not None:
            images.append(Image(**{field: line.text}))
        else:
            images[-1] = Image(**{**_image_fields(current), field: line.text})
        open_image = True
    return tuple(images)


def _image_fields(image: Image) -> dict[str, str | None]:
    return {"id": image.id, "caption": image.caption, "credit": image.credit, "src": image.src}


def _one(seg: Segmentation, role: str) -> str | None:
    found = seg.with_role(role)
    return found[0].text if found else None


def _dates(seg: Segmentation) -> tuple[str | None, str | None]:
    """Published and updated ISO dates from the date lines (never guessed)."""
    published: str | None = None
    updated: str | None = None
    for line in seg.with_role("date"):
        mention = dates.find_date(line.text)
        if mention is None:
            continue
        if mention.role == "updated":
            updated = updated or mention.iso
        else:
            published = published or mention.iso
    return published, updated


def _bylines(seg: Segmentation) -> tuple[str, ...]:
    names: list[str] = []
    for line in seg.with_role("byline"):
        names.extend(n for n in people.parse_byline(line.text) if n not in names)
    return tuple(names)


def _blocks(seg: Segmentation) -> tuple[Block, ...]:
    """Body blocks; a short title-like line inside the body is a subheading."""
    return tuple(
        Block(line.text, "h2" if _subheading(line.text) else "p") for line in seg.with_role("body")
    )


def _subheading(text: str) -> bool:
    words = _WORD.findall(text)
    return 1 <= len(words) <= 10 and not _TERMINAL.search(text) and text[:1].isupper()


def article_from_segmentation(seg: Segmentation) -> Article:
    """Build the article (without id, url, raw) from a segmented capture."""
    blocks = _blocks(seg)
    published, updated = _dates(seg)
    place = None
    if blocks:
        found = datelines.find_dateline(blocks[0].text)
        place = found.place if found is not None else None
    profile = seg.profile
    body_sample = " ".join(b.text for b in blocks)[:2000]
    return Article(
        source=profile.name if profile is not None else _source_from_cues(seg.lines),
        section=_one(seg, "section"),
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
    """The article as clean page text (header, image lines, body), one block per line.

    Normalising this text again gives back the same structure and body.
    """
    parts: list[str | None] = [article.section, article.headline, article.kicker, article.dek]
    if article.bylines:
        parts.append("By " + " and ".join(article.bylines))
    for image in article.images:
        parts.extend((image.id, image.caption, image.credit))
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
