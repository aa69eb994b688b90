"""Read the person names out of a byline.

Publishers print bylines as ``By NAME``, ``BY NAME AND NAME``, ``By A, B and C``, ``NAME,
CNN``, ``NAME | Reuters``, ``NAME Environment correspondent``, ``Von NAME``, ``Par NAME``,
``Di NAME``, ``Por NAME``, often with a job title, an agency or a date after the names. The
archive keeps the names only (the title and agency are not people).

The hard part is saying no: ``By Tuesday the talks had collapsed.`` and ``Von Berlin aus
fuhr er weiter.`` start like bylines. A line is a byline only when *every* piece after the
prefix is a name, a job title, an agency, a place (``in Paris``) or a date. A line with no
``By``-style prefix must also be vouched for by an agency or job title (``NAME, CNN``,
``NAME Environment correspondent``), a known place (``NAME in Edinburgh``), a credit in
parentheses or a date after the names (``NAME Sunday 7 July 2024 06:00 BST``). Comment
headers (``Tim Ferriss — June 25th, 2012``) have that last shape too, so callers should look
for bylines near the headline, not anywhere on the page. A name is two to five words with two
to four capitals (particles such as ``de``, ``van``, ``al`` allowed), none of them a weekday,
month, job word or function word, and not a known place. Names printed in capitals are
title-cased; other names are kept as printed.
"""

from __future__ import annotations

import functools
import re

from newsarchive.datelines import lookup_place
from newsarchive.dates import find_date, has_year
from newsarchive.names import shipped_names

__all__ = ["parse_byline", "person_name"]


def _words(text: str) -> frozenset[str]:
    """A word set written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(text.split())


_PUNCTUATION = " .,;|·•—–-()"
#: Bylines are short; anything longer is body text.
_MAX_LENGTH = 160
_MAX_NAMES = 8
#: A personal name has at most four capitalised words (particles aside).
_MAX_NAME_CAPITALS = 4

#: Cheap first test: a byline opens with a ``By``-style word, two capitalised words
#: (a name) or a digit.
_MAYBE = re.compile(
    r"(?i:by|von|par|di|por|words|text|story|reporting|written|photos?|texto|texte|testo)\b"
    r"|[A-ZÀ-Þ][^\s,|]*[\s,]+(?:[a-zß-ÿ]{1,3}\s+){0,2}[A-ZÀ-Þ]|\d"
)
_PREFIX = re.compile(
    r"^(?:(?:words|text|story|reporting|written|photos?\s+and\s+text)\s+)?"
    r"(?:by|von|par|di|por|texto\s+de|texte\s+de|testo\s+di|text\s+von)\s*:?\s+",
    re.IGNORECASE,
)
#: Separators between the names part and an agency or title part.
_SECTION = re.compile(r"\s+[|·•/]\s+|\s+[—–-]\s+|\s*\(|\)\s*|\s*\|\s*")
#: Separators between names (and between a name and its title).
_LIST = re.compile(
    r"\s*[,;]\s*(?:(?:and|&|und|et|e|y|with|mit|avec|con)\s+)?"
    r"|\s+(?:and|&|und|et|e|y|with|mit|avec|con)\s+",
    re.IGNORECASE,
)
#: The word boundary every word alternative needs is tested once, before them: the
#: pattern is tried at each position of a line, and most positions are inside a word.
_TRAILING_ROLE_WORDS = re.compile(
    r"(?:[\s,:|·•—–-]+|\b(?:(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b\.?"
    r"|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch"
    r"|donnerstag|freitag|samstag|sonntag|luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]"
    r"|venerd[iì]|sabato|domenica|lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo)\b"
    r"|(?:last\s+)?updated|published|posted|modified|on|le|am"
    r"|el|il|mis\s+[àa]\s+jour|publi[ée]|aktualisiert|ver[öo]ffentlicht"
    r"|aggiornato|pubblicato|actualizado|publicado))*$",
    re.IGNORECASE,
)

_JOB_WORDS = _words(
    """
    writer writers reporter reporters correspondent correspondents editor editors columnist
    contributor contributors staff analyst producer journalist photographer critic chief bureau
    desk newsroom team writer-at-large reporting editing intern fellow presenter host anchor
    commentator blogger author researcher
    korrespondent korrespondentin redakteur redakteurin redaktion autor autorin reporterin
    correspondant correspondante journaliste rédaction rédacteur rédactrice envoyé envoyée
    corrispondente inviato inviata redazione giornalista corresponsal redacción redactor
    redactora enviado enviada periodista
    """
)
#: Words that open a job title before the job word (``Senior Political Correspondent``).
_TITLE_MODIFIERS = _words(
    """
    senior chief deputy associate assistant executive managing political foreign economics
    economic environment environmental science health technology tech business sports sport
    culture arts legal diplomatic defence defense security education investigative national
    international global europe european us uk washington white house world city metro
    education social media climate energy markets finance financial crime courts digital
    special north south east west america americas asia africa middle editorial page front
    opinion contributing features news night photo video data graphics copy web online local
    weekend magazine books travel food style fashion music film tv television radio medical
    religion property motoring theatre art consumer affairs home transport housing industry
    royal parliamentary policy investigations dal nostro nostra notre nuestro nuestra unser
    unsere our speciale spécial especial
    """
)
#: Agencies, outlets and collective credits (``data/names/agencies.toml``), case-folded.
_AGENCIES = shipped_names().byline_agencies()
#: A byline without ``By`` has few lower-case words (``in``, ``and``, ``correspondent``, ``pm``).
_MAX_LOWER_WORDS = 5
#: Punctuation, digits or words that set a credit off from the names.
_CREDIT_MARK = re.compile(r"[|(,@—–·•\d]| - | in | for |reporting from", re.IGNORECASE)
_SIGNAL_WORDS = (
    _JOB_WORDS
    | frozenset(a for a in _AGENCIES if " " not in a)
    | frozenset(word.casefold() for word in shipped_names().byline_outlet_words)
)
_NAME_PARTICLES = _words(
    """
    de del della der den di da dos das du des la le van von ter ten bin ibn al el y e zu af av
    st. st
    """
)
_NOT_NAME_WORDS = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march june july
    august september october november december montag dienstag mittwoch donnerstag freitag
    samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche lunedì martedì mercoledì
    giovedì venerdì sabato domenica lunes martes miércoles jueves viernes sábado domingo the a an
    this that these those his her their our my your its les un une die ein eine il
    lo gli los las uno una mr mrs ms dr prof not no nor and or but of for with to from into
    is are was were be been has have had how why what when where who which than then there
    all more most view read see meet contact follow share subscribe sign log top latest
    popular related home new in on at by about
    """
)
#: ``for The Guardian``, ``pour Le Monde``: an affiliation, not a person.
_AFFILIATION = re.compile(r"(?:for|pour|für|per|para)\s+[A-ZÀ-Þ].*")
#: ``Jon Henley in Paris``, ``Jane Doe for The Guardian``: a location or outlet after the name.
_ATTACHED = re.compile(
    r"(?P<who>.+?)\s+(?:(?P<at>in|à|en|aus|from)|for|pour|für|per|para)"
    r"\s+(?P<where>[A-ZÀ-Þ][\w .'’-]*)"
)
#: The New York Times' ``Reporting from PLACE`` after the name runs to the end of the line.
_REPORTING_FROM = re.compile(r"\s+reporting\s+from\s+[A-ZÀ-Þ].*$", re.IGNORECASE)
#: ``(Lisbonne, correspondante)``, ``(Reuters)``: a trailing parenthesis after the names.
_TRAILING_PAREN = re.compile(r"\s*\(([^()]{1,60})\)\s*$")
#: El País: ``NAME PLACE - DATE`` once the date is gone leaves ``NAME PLACE -``.
_PLACE_DASH = re.compile(r"\s+[-–—|]\s*$")
#: Social handles and e-mail addresses printed with the names.
_HANDLE = re.compile(r"\s*(?:\S+@\S+|@\w+)")
_MAX_TITLE_WORDS = 8
#: Small words inside titles and outlet names (``Editor of Books``, ``Corriere della Sera``).
_CONNECTIVES = _words("of for at and the in on de du des la le für der die di del della y")
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-])*")


@functools.lru_cache(maxsize=16384)
def parse_byline(line: str) -> tuple[str, ...]:
    """Return the person names in ``line`` when the whole line is a byline, else ``()``.

    Args:
        line: one line of text, e.g. ``By Jane Doe and John Roe, Staff Writers``.

    Returns:
        The names in printed order (title-cased if printed in capitals); ``()`` when the
        line is not a byline or names no person.

    Results are cached: a page's header lines are asked about several times, and bylines
    recur across a publisher's pages.
    """
    text = line.strip()
    if len(text) > _MAX_LENGTH or text.endswith(("?", "!")):
        return ()
    # Without a year no date is stripped off, so the opening is judged first (cheapest).
    yearless = not has_year(text)
    if yearless and not _MAYBE.match(text):
        return ()
    if _PREFIX.match(text) is None and not _has_credit_signal(text):
        return ()
    text, dated = (text, False) if yearless else _strip_date(text)
    if not yearless and not _MAYBE.match(text):
        return ()
    if "@" in text:  # what every handle and address has
        text = _HANDLE.sub("", text)
    text, reporting = _REPORTING_FROM.subn("", text)
    text, credited = _strip_parenthesis(text)
    prefix = _PREFIX.match(text)
    body = text[prefix.end() :] if prefix else text
    body = body.rstrip(" .") if prefix else body
    names: list[str] = []
    # A date, a ``Reporting from`` or a credit in parentheses beside the names, or an
    # agency or title among them, is what a line without ``By`` needs to be a byline.
    vouched = dated or bool(reporting) or credited
    saw_affiliation = False
    for section in _SECTION.split(body):
        for piece in _LIST.split(section.strip()):
            piece = piece.strip(" .:")
            if not piece:
                continue
            kind, name = _classify(piece, strict=prefix is None)
            if saw_affiliation and kind in ("name", "other") and _is_organisation(piece):
                # After a title or agency, capitalised pieces name the employer
                # (``Jim Daly | Editor, TED Books``), not another author.
                continue
            if kind == "other":
                return ()
            saw_affiliation = saw_affiliation or kind not in ("name", "located")
            vouched = vouched or kind == "located"
            if name is not None:
                names.append(name)
    if not names or len(names) > _MAX_NAMES:
        return ()
    if prefix is None and not (saw_affiliation or vouched):
        return ()
    return tuple(names)


def person_name(line: str) -> str | None:
    """The name when ``line`` is nothing but a plausible personal name, else ``None``.

    Pages often print the author's name alone on a line, with the title or date on the next
    (El País, The Independent, the BBC). Whether such a line is a byline depends on where it
    stands, which only the caller knows; this says whether it *could* be one.
    ``Lucía Gómez Arrieta`` -> the name; ``Controlled explosion``, ``Simon Calder Hotels``,
    ``NFL Playbook`` -> ``None``.
    """
    words = line.split()
    if len(line) > _MAX_LENGTH or not _is_name(words, strict=True):
        return None
    return _name(words)


def _has_credit_signal(text: str) -> bool:
    """Cheap test for what a byline without ``By`` must show: punctuation or a digit that
    sets off a credit or date, or a job or agency word (``Environment correspondent``); and
    few lower-case words, which sentences are full of."""
    words = text.split()
    if sum(1 for w in words if w[:1].islower()) > _MAX_LOWER_WORDS:
        return False
    if _CREDIT_MARK.search(text):
        return True
    return not _SIGNAL_WORDS.isdisjoint(text.casefold().split())


def _strip_date(text: str) -> tuple[str, bool]:
    """Remove a date (with its role word and weekday, and El País' place before it) printed
    at the end or start of the byline; say whether one was removed."""
    mention = find_date(text)
    if mention is None:
        return text, False
    start, end = mention.span
    if not text[end:].strip(_PUNCTUATION):
        head = text[:start]
        if _PLACE_DASH.search(head):
            head = _strip_place(head)
        return _TRAILING_ROLE_WORDS.sub("", head).strip(), True
    if not _TRAILING_ROLE_WORDS.sub("", text[:start]).strip():
        return text[end:].strip(_PUNCTUATION), True
    return text, False


def _strip_place(head: str) -> str:
    """Drop a known place printed between the names and the date (``... Valencia - ``)."""
    words = _PLACE_DASH.sub("", head.rstrip()).split()
    for size in (2, 1):
        if len(words) > size and lookup_place(" ".join(words[-size:])) is not None:
            return " ".join(words[:-size])
    return head


def _strip_parenthesis(text: str) -> tuple[str, bool]:
    """Remove a trailing parenthesis that holds a credit, title or place, not a name."""
    match = _TRAILING_PAREN.search(text)
    if match is None:
        return text, False
    pieces = [p.strip() for p in match.group(1).split(",")]
    if all(p and (_is_organisation(p) or _has_job_word(p)) for p in pieces):
        return text[: match.start()], True
    return text, False


def _has_job_word(piece: str) -> bool:
    """Whether a job word (reporter, correspondante, ...) appears in the piece."""
    return any(w.casefold().strip(".,") in _JOB_WORDS for w in piece.split())


def _classify(piece: str, *, strict: bool) -> tuple[str, str | None]:
    """Say what a byline piece is: a name, an agency, a job title (maybe after a name), a
    handle or e-mail, or ``other`` (which makes the line not a byline)."""
    lowered = piece.casefold()
    if lowered in _AGENCIES:
        return "agency", None
    if "@" in piece or lowered.startswith(("http", "www.")):
        return "handle", None
    affiliation = _AFFILIATION.fullmatch(piece)
    if affiliation is not None:
        return "agency", None
    located = False
    attached = _ATTACHED.fullmatch(piece)
    if attached is not None:
        piece = attached.group("who")
        where = attached.group("where")
        located = (
            lookup_place(where) is not None
            if attached.group("at")
            else where.casefold() in _AGENCIES or where.startswith("The ")
        )
    words = piece.split()
    if _is_name(words, strict=strict):
        return ("located" if located else "name"), _name(words)
    for size in (3, 2, 1):
        # ``Harriet Quayle BBC News``: an agency printed after the name without a comma.
        tail = " ".join(words[-size:]).casefold()
        if len(words) - size >= 2 and tail in _AGENCIES and _is_name(words[:-size], strict=strict):
            return "agency", _name(words[:-size])
    job_at = next((i for i, w in enumerate(words) if w.casefold().strip(".,") in _JOB_WORDS), None)
    if job_at is None or len(words) > _MAX_TITLE_WORDS:
        return "other", None
    title_start = _title_start(words, job_at)
    if not _is_title(words[title_start:]):
        return "other", None
    if title_start == 0:
        return "title", None
    if _is_name(words[:title_start], strict=strict):
        return "title", _name(words[:title_start])
    return "other", None


def _title_start(words: list[str], job_at: int) -> int:
    """Where the job title begins in ``NAME TITLE`` (``Damian Carrington Environment editor``)."""
    start = job_at
    while start > 0 and words[start - 1].casefold() in _TITLE_MODIFIERS:
        start -= 1
    if start == job_at and job_at >= 3 and words[job_at][:1].islower():
        # An unlisted subject word before a lower-case job word: ``Biodiversity correspondent``.
        start -= 1
    return start


def _is_organisation(piece: str) -> bool:
    """Capitalised words (with small connectors): an outlet, desk or publication name."""
    words = piece.split()
    return len(words) <= _MAX_TITLE_WORDS and all(
        w[:1].isupper() or w.casefold() in _CONNECTIVES for w in words
    )


def _is_title(words: list[str]) -> bool:
    """Job-title words: capitalised, job or subject words, or small connectors."""
    return all(
        w[:1].isupper()
        or w.casefold().strip(".,") in _JOB_WORDS
        or w.casefold() in _TITLE_MODIFIERS
        or w.casefold() in _CONNECTIVES
        for w in words
    )


def _is_name(words: list[str], *, strict: bool) -> bool:
    """Two to five words, two to four capitalised (particles allowed), none a weekday,
    month, job or function word, and not a known place.

    ``strict`` (for lines without a ``By``-style prefix) also refuses acronym-and-word mixes.
    """
    if not 2 <= len(words) <= 5:
        return False
    capitals = 0
    for word in words:
        if _NAME_WORD.fullmatch(word) is None:
            return False
        lowered = word.casefold()
        if lowered in _NOT_NAME_WORDS or lowered.strip(".,") in _JOB_WORDS:
            return False
        if word[:1].isupper():
            capitals += 1
        elif lowered not in _NAME_PARTICLES:
            return False
    if capitals < 2 or not words[0][:1].isupper() or not words[-1][:1].isupper():
        return False
    if capitals > _MAX_NAME_CAPITALS or (strict and _mixes_acronyms(words)):
        return False
    return lookup_place(" ".join(words)) is None


def _mixes_acronyms(words: list[str]) -> bool:
    """``NFL Playbook``, ``SAP HANA Real Time``: an acronym beside ordinary words is a brand,
    not a person (names printed in capitals are capitals throughout)."""
    shouting = lowered = False
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 3 and all(c.isupper() for c in letters):
            shouting = True
        elif any(c.islower() for c in letters) and word.casefold() not in _NAME_PARTICLES:
            lowered = True
    return shouting and lowered


def _name(words: list[str]) -> str:
    """The name as printed, title-cased when it was printed in capitals."""
    text = " ".join(words)
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return " ".join(_title_word(w) for w in words)
    return text


def _title_word(word: str) -> str:
    """Title-case one capitalised word: ``O'NEIL`` -> ``O'Neil``, ``MCDONALD`` -> ``McDonald``."""
    parts = re.split(r"(['’\-])", word.lower())
    titled = "".join(p[:1].upper() + p[1:] for p in parts)
    if titled.startswith("Mc") and len(titled) > 3:
        titled = "Mc" + titled[2].upper() + titled[3:]
    return titled
