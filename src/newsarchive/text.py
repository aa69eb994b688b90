"""Text-capture normaliser: page text in, an :class:`Article` with every removal explained.

A text capture is what a person gets by copying a news page: one line per paragraph, and
around the article whatever else the page showed (menus, share bars, prompts, teasers,
footers). Normalising it is a per-line decision, made in three passes:

1. **Rules** (``rules.py``, data; applied by ``textrules.py`` behind the screens of
   ``textscreen.py``): a line that fully matches a profile or generic rule is dropped
   with that rule's id, or lifted into image metadata (image id, credit, caption).
2. **Classifier** (``textlines.py``): every other line gets hand-set, documented
   features (length, sentence punctuation, stop-word and link-word density,
   capitalisation, separators, repetition on the page) combined into a body score;
   neighbours then settle the uncertain lines and the densest run of body lines is taken
   as the article. Lines outside it are dropped with a ``classifier:<reason>`` id, so
   provenance says why even without a rule.
3. **Structure** (``textheader.py``): the lines just before the body are read by shape
   and position for section, headline, kicker, dek, bylines and dates (and, where the
   profile says its pages print one so, an unlabelled lead photo); the first paragraph
   for a dateline.

Every non-blank line of the capture ends with exactly one role (see :func:`segment`), so
removed and kept lines always account for the whole input. What depends on a line alone
(the rule it matches, its shape class, whether it reads as a byline or date) is worked
out once per distinct line text and remembered, since menus and footers recur.
"""

from __future__ import annotations

import logging
import operator
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, count
from typing import NamedTuple, cast

from newsarchive import datelines, dates, language, people
from newsarchive.encoding import clean_text, decode_bytes
from newsarchive.errors import NormaliseError
from newsarchive.models import Article, Block, Capture, Image, Removed
from newsarchive.names import alternation, shipped_names
from newsarchive.rules import Profile, RuleSet, default_rules
from newsarchive.textheader import (
    BREADCRUMB,
    BYLINE_START,
    assign_header,
    header_lead,
    header_top,
    lead_photo,
    lines_facts,
    meta_lines,
    pair_captions,
    previous_meta,
    settle_meta,
)
from newsarchive.textlines import (
    GOOD_LETTER,
    LINES,
    LINES_KEPT,
    TERMINAL,
    WORD,
    Classed,
    LineRecord,
    class_letters,
    comments_start,
    line_scores,
    line_shapes,
    list_heads,
    main_run,
    mark_teasers,
    page_classes,
    settle,
)
from newsarchive.textrules import detect_profile, line_matcher, prepare_rules

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
_READER_ROLES = frozenset(READER_ROLES)


class LineRole(NamedTuple):
    """The role one non-blank capture line was given, and the rule id that decided it.

    A named tuple rather than a dataclass: a page has a few hundred lines, and a tuple is
    made in a third of the time.
    """

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


# --------------------------------------------------------------------------- segmentation


def _nonblank_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines, stripped, with their 1-based line numbers in the capture."""
    return [(n, s) for n, line in enumerate(text.split("\n"), 1) if (s := line.strip())]


def _nonblank_texts(text: str) -> list[str]:
    """The texts of :func:`_nonblank_lines`, without numbering them (C-level calls only)."""
    return list(filter(None, map(str.strip, text.split("\n"))))


def segment(text: str, rules: RuleSet | None = None, url: str | None = None) -> Segmentation:
    """Give every non-blank line of decoded page text one role (see ``ROLES``).

    Args:
        text: decoded, cleaned capture text.
        rules: boilerplate rules and profiles; the shipped defaults when omitted.
        url: the page URL when known, for profile detection.
    """
    numbered = _nonblank_lines(text)
    found = _line_roles([line for _, line in numbered], rules, url)
    lines = tuple(
        LineRole(number, line, role, reason)
        for (number, line), role, reason in zip(numbered, found.roles, found.reasons, strict=True)
    )
    return Segmentation(lines=lines, profile=found.profile)


class _Roles(NamedTuple):
    """The roles of a capture's lines, before they are made into ``LineRole``s."""

    roles: list[str]
    reasons: list[str | None]
    profile: Profile | None


def _line_roles(texts: list[str], rules: RuleSet | None, url: str | None) -> _Roles:
    """What :func:`segment` decides for the non-blank ``texts`` of a capture, as plain
    lists (all :func:`text_body` needs)."""
    ruleset = rules if rules is not None else default_rules()
    profile = detect_profile(ruleset, texts, url)
    matcher = line_matcher(ruleset, profile)
    roles = [""] * len(texts)
    reasons: list[str | None] = [None] * len(texts)
    kinds: list[str | None] = [None] * len(texts)
    matched = matcher.match_all(texts)
    # Most lines have no rule: a C-level scan picks those that have one (a rule is true).
    for i in compress(count(), matched):
        rule = matched[i]
        if rule is not None:
            roles[i] = "removed" if rule.action == "drop" else rule.action
            reasons[i] = rule.id
            kinds[i] = rule.kind
    pair_captions(texts, roles, reasons)
    _classify_body(texts, roles, reasons, kinds, profile)
    lead_photo(texts, roles, reasons, profile)
    return _Roles(roles, reasons, profile)


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
    counts = Counter(compress(texts, map(operator.not_, roles)))
    records = _line_records(counts)
    meta = meta_lines(texts, roles, records)
    # Repetition is counted among the lines left to classify (not the byline/date lines).
    counts.subtract(map(texts.__getitem__, meta))
    seq, free, seq_texts = _sequence(texts, roles, meta)
    first = page_classes(seq_texts, records, counts)
    heads = list_heads(seq, kinds)
    letters = mark_teasers(free, first, heads, seq_texts, class_letters(first))
    # Rule-dropped lines (class RULE) are invisible to the neighbours: the article reads
    # the same with or without them (which keeps normalising idempotent).
    settled = settle(letters)
    cut = comments_start(heads, letters, settled, seq_texts, records)
    start, end = main_run(line_scores(seq_texts, settled[:cut], first, records))
    if start == end:
        _drop(compress(range(len(seq)), free), seq, first, "no-article", roles, reasons)
        settle_meta(meta, roles, reasons, lo=0, hi=-1)
        return
    header_from = header_top(seq, free, first, texts, start)
    body_from = start + header_lead(seq, free, start, end, texts, roles, kinds, meta)
    # Free lines above the header and below the run are dropped; in the run below the
    # header, the good ones are the body (the header lines are read below).
    _drop(compress(range(header_from), free), seq, first, "before-article", roles, reasons)
    _drop(compress(range(end, len(seq)), free[end:]), seq, first, "after-article", roles, reasons)
    for k in compress(range(body_from, end), free[body_from:end]):
        if settled[k] == GOOD_LETTER:
            roles[seq[k]] = "body"
        else:
            _drop((k,), seq, first, "in-article", roles, reasons)
    header = [seq[k] for k in range(header_from, body_from) if free[k]]
    top = header[0] if header else seq[body_from]
    settle_meta(meta, roles, reasons, lo=previous_meta(meta, top), hi=seq[end - 1] + 2)
    lead = {seq[k] for k in range(start, body_from)}
    assign_header(header, lead, texts, roles, reasons, profile)


#: The roles of the lines the classifier reads in sequence: those no rule claimed, and
#: those a rule dropped (known boilerplate, which their neighbours see).
_SEQUENCE_ROLES = frozenset({"", "removed"})


def _sequence(
    texts: Sequence[str], roles: Sequence[str], meta: dict[int, str]
) -> tuple[list[int], list[bool], list[str]]:
    """The classifier's sequence: the lines no rule claimed but the byline and date lines
    (``meta``), and those a rule dropped (which their neighbours see). As the line numbers,
    whether each is free (no rule claimed it), and the texts.

    Nearly every line is in it: the lists are made for the whole page in C-level steps,
    then the few lines outside it (the byline and date lines, and the photo lines a rule
    lifted, which most pages have none of: two C-level counts tell) are deleted.
    """
    outside = list(meta)
    if roles.count("") + roles.count("removed") < len(roles):
        outside += (i for i, role in enumerate(roles) if role not in _SEQUENCE_ROLES)
    seq = list(range(len(texts)))
    free = list(map(operator.not_, roles))
    seq_texts = list(texts)
    for i in sorted(outside, reverse=True):
        del seq[i], free[i], seq_texts[i]
    return seq, free, seq_texts


def _drop(
    free: Iterable[int],
    seq: Sequence[int],
    first: Sequence[Classed],
    where: str,
    roles: list[str],
    reasons: list[str | None],
) -> None:
    """Remove the ``free`` lines (indices into ``seq`` of lines no rule claimed), with the
    reason ``classifier:<where>-<reason>``: where the line stands, then why it is
    boilerplate."""
    prefix = f"classifier:{where}-"
    for k in free:
        i = seq[k]
        roles[i] = "removed"
        reasons[i] = prefix + first[k][1]


def _line_records(texts: Iterable[str]) -> dict[str, LineRecord]:
    """The record of each of ``texts`` (distinct line texts), by line text.

    Known lines cost a C-level lookup in the store, not a Python call; the new ones are
    worked out together (:func:`_new_line_records`), and the page's own small table then
    serves its later passes.
    """
    texts = list(texts)
    found = dict(zip(texts, map(LINES.get, texts), strict=True))
    new = list(compress(found, map(operator.not_, found.values())))
    if new:
        found.update(zip(new, _new_line_records(new), strict=True))
    # Every text missing from the store was given its record just above.
    return cast(dict[str, LineRecord], found)


def _new_line_records(texts: list[str]) -> list[LineRecord]:
    """Work out the records of new lines (their shapes, then their header facts) and keep
    them: what depends on a line alone is worked out once per line text (see the module
    notes). A page's new lines are shaped in one call and read in one loop, not by a
    chain of calls per line: most of a page's lines are new to the store, and most of
    them are settled in a few steps.

    The store is emptied when this page's lines would take it past its size.
    """
    if len(LINES) + len(texts) > LINES_KEPT:
        LINES.clear()
    shapes, hints = line_shapes(texts)
    records = list(map(operator.add, shapes, lines_facts(texts, shapes, hints)))
    LINES.update(zip(texts, records, strict=True))
    return records


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
#: Words that make a caption's parenthesis a photo credit (``data/names/agencies.toml``).
_CREDIT_WORDS = re.compile(
    rf"/|\b(?:{alternation(shipped_names().photo_agencies + shipped_names().photo_credit_words)})\b"
)
#: Ways a caption carries its credit inline, tried in order.
_INLINE_CREDITS = (
    re.compile(r"(?P<caption>.+?)\s*\((?P<credit>(?:foto |photo )?[^()]{2,80})\)"),
    re.compile(r"(?P<caption>.+?)\s*Credit\.\.\.(?P<credit>.+)"),
    re.compile(
        r"(?P<caption>.+?)\s+(?:Photograph|Photo|Foto|Bild|Fotografía|Crédit photo|Crédit)"
        r"\s*:\s*(?P<credit>.+)"
    ),
    re.compile(
        r"(?P<caption>.+?[.!?])\s*"
        rf"(?P<credit>(?:{alternation(shipped_names().slash_credit_agencies)})/.+)"
    ),
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
    return BREADCRUMB.split(found)[-1] if found else None


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
        if not found and not BYLINE_START.match(line.text):
            found = people.parse_byline(f"By {line.text}")
        names.extend(n for n in found if n not in names)
    return tuple(names)


def _blocks(seg: Segmentation) -> tuple[Block, ...]:
    """Body blocks; a short title-like line inside the body is a subheading."""
    return tuple(
        Block(line.text, "h2" if _subheading(line.text) else "p") for line in seg.with_role("body")
    )


def _subheading(text: str) -> bool:
    words = WORD.findall(text)
    return 1 <= len(words) <= 10 and not TERMINAL.search(text) and text[:1].isupper()


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


def prepare(rules: RuleSet | None = None) -> None:
    """Compile the rule screens and profile detectors of ``rules`` (the shipped defaults
    when omitted) now instead of on first use; see :func:`textrules.prepare_rules`."""
    prepare_rules(rules if rules is not None else default_rules())


def text_body(data: bytes) -> str:
    """The article text of a page-text capture, for the extraction benchmark.

    Returns the lines a reader of the article sees as its text (headline, dek, byline and
    date lines, body paragraphs; see ``READER_ROLES``) joined by blank lines, or ``""``
    when no body is found. Boilerplate and image metadata are never included.
    """
    texts = _nonblank_texts(clean_text(decode_bytes(data)))
    roles = _line_roles(texts, None, None).roles
    if "body" not in roles:
        return ""
    return "\n\n".join(compress(texts, map(_READER_ROLES.__contains__, roles)))


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
