"""Text-capture header reading: section, kicker, headline, dek, bylines and dates by shape.

The lines just above the article body (and the first lines of the body run, which may be
a prose-like headline or dek) are read by shape and position; byline and date lines are
recognised anywhere first (people.py and dates.py decide), then kept only in the header.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import chain, compress, count, islice, pairwise

from newsarchive import dates, people
from newsarchive.rules import Profile
from newsarchive.textlines import (
    ALL_HINTS,
    BAR_HINT,
    BYLINE_JOB_HINT,
    COMMA_HINT,
    GOOD,
    JOB_HINT,
    MENU_SEPARATOR,
    OPENING_HINT,
    SENTENCE_END,
    TERMINAL,
    YEAR_HINT,
    Classed,
    LineRecord,
    Shape,
    word_count,
)

# --------------------------------------------------------------------------- structure

_ALL_CAPS = re.compile(r"[^a-z]*[A-Z][^a-z]*")
BREADCRUMB = re.compile(r"\s*[›>»/]\s*")
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
    # Month prefixes grouped by first letter (jan/jän feb mär/mar/maerz/mrz apr mai/may jun
    # jul aug sep oct/okt nov dec/dez, their French, Italian and Spanish forms, and day
    # words; every month name dates.py reads opens with one of them): a regex tries an
    # alternation one branch after the other at every word start.
    r"(?i)\d{1,4}[./-]\d{1,2}|\b(?:a(?:pr|ug|vr|o[uû]|go|br|yer)|d(?:e[cz]|[ée]c|ic)"
    r"|f(?:eb|[ée]v)|g(?:en|iu)|h(?:eute|ier)|ieri|j(?:[aä]n|u[nl]|ui[nl])|lug"
    r"|m(?:[aä]r|a(?:[iyg]|erz)|rz)|nov|o(?:[ck]t|tt)|se[pt]|today|yesterday|ene)"
)
#: A word of at least two letters (a headline or section has some; "9:49am, EDT" does not).
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
#: Two such words: each starts where no letter stands before it (the first run of letters
#: ends at a non-letter, after which the second begins), so a search stops at the second.
_TWO_LETTER_WORDS = re.compile(r"(?<![^\W\d_])[^\W\d_]{2}.*?(?<![^\W\d_])[^\W\d_]{2}", re.DOTALL)
#: Longest bare-name byline ("Imogen Falconer in Edinburgh and Rhys Tandy").
_BARE_NAME_WORDS = 8
_META_CHARS = 160
#: Job titles in a byline without "By" ("NAME Environment correspondent"): correspondent(e),
#: corresponsal, columnist, contributor, critic, reporter, redakteur…, editor, writer,
#: journalist(e), producer, analyst, korrespondent…, giornalista, periodista; grouped by
#: their first letters, as a regex tries an alternation one branch after the other.
_BYLINE_JOB_WORDS = (
    r"c(?:o(?:rrespon(?:dente?|sal)|lumnist|ntributor)|ritic)|re(?:porter|dakteur\w*)|editor"
    r"|writer|journaliste?|producer|analyst|korrespondent\w*|giornalista|periodista"
)
#: Job titles that follow a name in a byline (cheap screen before people.py parses); a
#: superset of the byline's, so a line without one has neither.
_JOB_TITLE = re.compile(
    rf"(?i)\b(?:{_BYLINE_JOB_WORDS}|staff|chief|envoyée?|inviat[oa]|redactora?)\b"
)
#: What a byline people.py can read looks like: a byline word, "NAME, AGENCY", a job.
_BYLINE_WORD = re.compile(r"(?i)(?:by|von|par|di|por|de|door|av|text|texte|testo|texto)\s")
_AFTER_COMMA = re.compile(r",\s*\S")
_BYLINE_JOB = re.compile(rf"(?i)\b(?:{_BYLINE_JOB_WORDS})\b")
#: A byline without "By" ("NAME, CNN", "NAME Environment correspondent") is this short.
_HINTED_BYLINE_WORDS = 9
#: A line opening like a byline is never a headline, even when people.py cannot parse it.
BYLINE_START = re.compile(r"(?:By|BY|Von|Par|Di|Por|Door|Av) [A-ZÀ-Ý]")
_MARKER_ROLES = frozenset({"image-id", "credit", "caption", "byline", "date"})


def _title_like(text: str) -> bool:
    """A headline: a few words, no sentence full stop, not a menu. Cheapest tests first;
    the two words of letters are found by one search, not by listing every word."""
    if not 3 <= word_count(text) <= 30 or len(text) > 220:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    return _TWO_LETTER_WORDS.search(text) is not None and not MENU_SEPARATOR.search(text)


def _section_like(text: str) -> bool:
    """A section label: a short phrase, or a breadcrumb ending in one."""
    steps = BREADCRUMB.split(text)
    if len(steps) > 4 or "|" in text or len(text) > 60 or SENTENCE_END.search(text):
        return False
    return 1 <= word_count(steps[-1]) <= 4 and _LETTER_WORD.search(steps[-1]) is not None


def _kicker_like(text: str) -> bool:
    return 1 <= word_count(text) <= 6 and _ALL_CAPS.fullmatch(text) is not None


def _dek_like(text: str) -> bool:
    return 6 <= word_count(text) <= _HEADER_MAX_WORDS and not _kicker_like(text)


def meta_lines(
    texts: Sequence[str], roles: Sequence[str], records: Mapping[str, LineRecord]
) -> dict[int, str]:
    """Byline and date lines among the lines no rule claimed (people.py and dates.py decide).

    Each such line's facts (see :func:`line_facts`) are read off its record in
    ``records``. A name on one line followed by a job title on the next (``Holly
    Brennan`` / ``Science Reporter``) is a two-line byline.
    """
    meta: dict[int, str] = {}
    name: int | None = None  # the last line that may be a name over a job title
    for i, text in enumerate(texts):
        if roles[i]:
            continue
        _, _, _, _, kind, job = records[text]
        if name == i - 1 and job and people.parse_byline(f"{texts[name]} {text}"):
            meta[name] = meta[i] = "byline"
        elif kind is _NAME:
            name = i
        elif kind is not None:
            meta[i] = kind
    return meta


#: The kind :func:`line_facts` gives a line that may be a name over a job title.
_NAME = "name"
#: The hints of :func:`_byline_hinted`'s tests: a line with none of them passes none.
_BYLINE_HINTS = BAR_HINT | COMMA_HINT | OPENING_HINT | BYLINE_JOB_HINT
#: The hints of all of :func:`line_facts`' patterns, and what it says of a line with none:
#: a name when short, else nothing, and no job title either way.
_PATTERN_HINTS = _BYLINE_HINTS | YEAR_HINT | JOB_HINT
_NAME_LINE = (_NAME, False)
_NO_FACTS = (None, False)


def lines_facts(
    texts: Sequence[str], shapes: Sequence[Shape], hints: Sequence[int]
) -> list[tuple[str | None, bool]]:
    """:func:`line_facts` of each of ``texts`` (of those ``shapes`` and ``hints``), in one
    call for a page's new lines: the lines with none of the patterns' hints (about half
    of them) and those too long for a header line (a fifth; :func:`line_facts` finds no
    fact in a line of more than ``_META_WORDS`` runs, and no job title of four words) are
    read here, without a call each, and :func:`line_facts` reads the others.
    """
    return [
        _NO_FACTS
        if shape[3] > _META_WORDS
        else line_facts(text, shape[3], hinted)
        if hinted & _PATTERN_HINTS
        else (_NAME_LINE if shape[3] <= 4 and len(text) <= _META_CHARS else _NO_FACTS)
        for text, shape, hinted in zip(texts, shapes, hints, strict=True)
    ]


def line_facts(text: str, words: int, hints: int = ALL_HINTS) -> tuple[str | None, bool]:
    """What a line of ``words`` ``\\w+`` runs is on its own for the header reader: its kind
    ("date", "byline", ``"name"`` or ``None``), and whether it is a job title of at most
    four words (``Science Reporter``), which a name above it makes a two-line byline.

    Both are read together: a short line's job-title search also answers the byline
    hint's (its job words are among the job titles), so the line is scanned once. The
    caller remembers the answer per line text (the checks call dates.py and people.py,
    and the lines of menus and footers recur). A pattern searches the line only when its
    hint is among ``hints`` (``textlines.*_HINT``, read by the C measure of the line;
    all of them by default), since a line without the hint has no match.
    """
    if not hints & _PATTERN_HINTS:  # most lines: no pattern can find anything
        return _NAME_LINE if words <= 4 and len(text) <= _META_CHARS else _NO_FACTS
    job = words <= 4 and (hints & JOB_HINT) != 0 and _JOB_TITLE.search(text) is not None
    if len(text) > _META_CHARS or words > _META_WORDS:
        return None, job
    # dates.py reads no date without a year here (no anchor), so that screen goes first;
    # two in three lines with a year are date lines, so the month-word screen, which
    # rejects few of them, is searched last, in the lines dates.py read as date lines.
    if (
        hints & YEAR_HINT
        and dates.has_year(text)
        and _date_line(text, words)
        and _DATE_HINT.search(text)
    ):
        return "date", job
    if (hints & OPENING_HINT and BYLINE_START.match(text)) or (
        words <= _HINTED_BYLINE_WORDS
        and hints & _BYLINE_HINTS
        and _byline_hinted(text, job or words > 4, hints)
        and people.parse_byline(text)
    ):
        return "byline", job
    return (_NAME if words <= 4 else None), job


def _byline_hinted(text: str, job_word: bool, hints: int) -> bool:
    """Whether a line looks like a byline people.py can read: a bar, a comma before more
    text ("NAME, AGENCY"), a byline word first, or a job title (only looked for when
    ``job_word`` says the line may have one). Cheapest tests first; a pattern is searched
    for only when its hint is among ``hints`` (see :func:`line_facts`)."""
    return bool(
        "|" in text
        or (hints & COMMA_HINT and "," in text and _AFTER_COMMA.search(text))
        or (hints & OPENING_HINT and _BYLINE_WORD.match(text))
        or (job_word and hints & BYLINE_JOB_HINT and _BYLINE_JOB.search(text))
    )


def _date_line(text: str, words: int) -> bool:
    """A line (of ``words`` words) that prints a date, possibly two (``Published …Updated
    …``), and little else. A short line without a sentence end needs only to have a date,
    so the time next to it is not read. Called on lines with a year only, so the date
    is looked for without :func:`dates.has_date`'s year screen."""
    if words <= _DATE_LINE_WORDS and not SENTENCE_END.search(text):
        return dates.has_date_of_year_line(text)
    mention = dates.find_date(text)
    return mention is not None and dates.is_date_line_of(text, mention)


def pair_captions(texts: Sequence[str], roles: list[str], reasons: list[str | None]) -> None:
    """A short unclaimed line right above a photo credit is that photo's caption."""
    if "credit" not in roles:  # a C-level scan; most pages print no credit line
        return
    for i, role in enumerate(roles):
        if role != "credit" or i == 0 or roles[i - 1]:
            continue
        if _caption_sized(texts[i - 1]):
            roles[i - 1] = "caption"
            reasons[i - 1] = "structure:caption-above-credit"


def _caption_sized(text: str) -> bool:
    """As many words as a photo caption has: a phrase to a few sentences."""
    return 3 <= word_count(text) <= 60


#: Why a header line the header reader could not place was dropped.
_HEADER_NOISE = "classifier:header-noise"
#: An unlabelled photo credit: a short name (``Royal Navy``, ``Getty Images``), no punctuation.
_BARE_CREDIT = re.compile(r"[A-ZÀ-Ý][^\W\d_]*(?: [^\W\d_]+){0,4}")


def lead_photo(
    texts: Sequence[str], roles: list[str], reasons: list[str | None], profile: Profile | None
) -> None:
    """Read an unlabelled credit over an unpunctuated caption, between header and body,
    as the lead photo, on the pages of a profile that prints its photos so
    (``bare_credit_above_caption``; BBC article copies print ``Royal Navy`` above ``The
    mine was brought to the surface …`` with neither labelled).

    Without labels the two lines look like a stray header line and a first paragraph, so
    the pair is taken only where such a photo stands: a header line left unplaced right
    above the first body line, which ends without sentence punctuation and has more body
    below it. Everywhere else (in the body, on other publishers' pages) such lines stay
    as read.
    """
    settings = profile.settings if profile is not None else {}
    if not settings.get("bare_credit_above_caption", False) or "body" not in roles:
        return
    caption = roles.index("body")
    credit = caption - 1
    if (
        caption == 0
        or reasons[credit] != _HEADER_NOISE
        or roles[caption + 1 : caption + 2] != ["body"]
        or not _bare_photo(texts[credit], texts[caption])
    ):
        return
    roles[credit], reasons[credit] = "credit", "structure:credit-above-caption"
    roles[caption], reasons[caption] = "caption", "structure:caption-below-credit"


def _bare_photo(credit: str, caption: str) -> bool:
    """A short name over a caption-sized line that ends without sentence punctuation: how
    an unlabelled credit and caption look (a first paragraph ends its sentence, or opens
    a quote with a colon)."""
    return (
        _BARE_CREDIT.fullmatch(credit) is not None
        and _caption_sized(caption)
        and TERMINAL.search(caption) is None
    )


def header_top(
    seq: Sequence[int],
    free: Sequence[bool],
    first: Sequence[Classed],
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
            if first[k][0] == GOOD and word_count(texts[seq[k]]) >= _HEADER_MAX_WORDS // 2:
                break
            seen += 1
        top -= 1
    return top


def header_lead(
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
        if word_count(texts[before]) > _HEADER_MAX_WORDS or (
            n > 1 and not _title_like(texts[seq[run[n - 2]]])
        ):
            break
        if any(
            roles[j] in _MARKER_ROLES or j in meta or kinds[j] == "separator"
            for j in range(before + 1, after)
        ):
            lead = run[n] - start
    return lead


def previous_meta(meta: dict[int, str], top: int) -> int:
    """Extend the header upwards over byline/date lines directly above it."""
    while top - 1 in meta:
        top -= 1
    return top


def settle_meta(
    meta: dict[int, str], roles: list[str], reasons: list[str | None], *, lo: int, hi: int
) -> None:
    """Keep byline/date lines within ``[lo, hi)`` (the article); drop the others."""
    for i, role in meta.items():
        if lo <= i < hi:
            roles[i] = role
        else:
            roles[i] = "removed"
            reasons[i] = f"classifier:stray-{role}"


def assign_header(
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
    dek. A bare name over the publisher's desk line is a byline, read first (see
    :func:`_desk_bylines`), so neither line can pass for the headline. Header lines left
    over are dropped, except lines taken from the body run, which return to it.
    """
    settings = profile.settings if profile is not None else {}
    open_lines = [i for i in header if roles[i] == ""]
    desk_bylines = _desk_bylines(open_lines, texts, profile)
    for i in desk_bylines:
        roles[i] = "byline"
    open_lines = [i for i in open_lines if i not in desk_bylines]
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
                _kicker_like(text) or (_section_like(text) and word_count(text) >= kicker_words)
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
    names = _names_above_date([i for i in header if roles[i] == ""], texts, roles)
    for i in header:
        if i in names:
            roles[i] = "byline"
        elif roles[i] == "":
            roles[i] = "body" if i in from_body else "removed"
            reasons[i] = None if i in from_body else _HEADER_NOISE


def _desk_bylines(lines: Sequence[int], texts: Sequence[str], profile: Profile | None) -> set[int]:
    """Those of ``lines`` (unplaced header lines) that are a bare name directly over a
    desk line of the page's publisher, and that desk line: a byline block (BBC article
    copies print ``Harriet Quayle`` / ``BBC News, South West`` under the date, where
    :func:`_names_above_date` does not look).

    The publisher is the profile's ``name``, so pages without a profile have no desk
    line. The pair must read as a byline (people.py vouches for the name by the
    publisher after it, and keeps the name only), as ``text._bylines`` reads it; only
    header lines are looked at, so such a pair in the body stays body.
    """
    if profile is None:
        return set()
    found: set[int] = set()
    for name, desk in pairwise(lines):
        if (
            desk == name + 1
            and _opens_or_ends_with(texts[desk], profile.name)
            and word_count(texts[name]) <= _BARE_NAME_WORDS
            and people.parse_byline(f"{texts[name]} {texts[desk]}")
        ):
            found.update((name, desk))
    return found


def _opens_or_ends_with(text: str, words: str) -> bool:
    """Whether ``text`` opens or ends with ``words`` as whole words (``BBC News, Cornwall``,
    ``Political correspondent, BBC News``; not ``BBC Newsround``)."""
    n = len(words)
    opens = text.startswith(words) and not text[n : n + 1].isalnum()
    ends = text.endswith(words) and not text[-n - 1 : -n].isalnum()
    return opens or ends


def _names_above_date(lines: Sequence[int], texts: Sequence[str], roles: Sequence[str]) -> set[int]:
    """Those of ``lines`` that are a bare name right above the date line (``Sofia
    Hartigan``), or one of a stack of names above it (two authors on two lines): bylines.

    Each line below is judged once for all the lines above it, and where a line stands is
    looked at before people.py reads it: most header lines have no date line below them.
    """
    if "date" not in roles:  # a C-level scan; no line is above a date on such pages
        return set()
    stacked: dict[int, bool] = {}

    def above_date(i: int) -> bool:
        if i not in stacked:
            stacked[i] = (
                word_count(texts[i]) <= _BARE_NAME_WORDS
                and date_below(i)
                and bool(people.parse_byline(f"By {texts[i]}"))
            )
        return stacked[i]

    def date_below(i: int) -> bool:
        """Whether the next line kept below ``i`` is the date line or a name above it
        (looked for only under a line short enough to be a name)."""
        below = i + 1
        while below < len(roles) and roles[below] == "removed":
            below += 1
        if below == len(roles):
            return False
        return roles[below] == "date" or (roles[below] in ("", "byline") and above_date(below))

    return {i for i in lines if above_date(i)}


def _pick_headline(
    lines: Sequence[int],
    from_body: set[int],
    texts: Sequence[str],
    roles: Sequence[str],
) -> int | None:
    """The title-like header line nearest the body that is followed by what follows a
    headline: a kicker, dek, byline, date or photo line, or the body itself (a title-like
    menu entry is followed by another menu entry instead).

    Headlines come before the byline, date and photo lines (menus may follow them): the
    headline is the lowest such line above the first of those, else the lowest below it.
    So the lines are read upwards from there, and the search stops at the first one that
    qualifies (most of a header's lines are menus above the headline, never read).

    Of two title-like lines in a row the upper is the headline (the lower its dek) unless
    it is short: then it is a label such as a kicker or a menu entry.
    """
    if not lines:
        return None
    marker = next(
        compress(
            count(lines[0]), map(_MARKER_ROLES.__contains__, islice(roles, lines[0], lines[-1]))
        ),
        lines[-1] + 1,
    )
    split = bisect_left(lines, marker)
    chosen = next(
        (
            n
            for n in chain(range(split - 1, -1, -1), range(len(lines) - 1, split - 1, -1))
            if _headline_shaped(texts[lines[n]])
            and _followed_like_headline(n, lines, from_body, texts, roles)
            and not _names_above_date(lines[n : n + 1], texts, roles)
        ),
        None,
    )
    if chosen is None:
        return None
    line = lines[chosen]
    above = lines[chosen - 1] if chosen > 0 else None
    if above is None or not _headline_shaped(texts[above]):
        return line
    # Of two title-like lines in a row, a short upper one is a label (kicker, menu entry).
    return line if word_count(texts[above]) <= _KICKER_WORDS else above


#: Most words in a kicker standing above a headline.
_KICKER_WORDS = 6


def _headline_shaped(text: str) -> bool:
    return _title_like(text) and not _kicker_like(text) and not BYLINE_START.match(text)


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
