"""Find the publication and update dates that publishers print, as ISO 8601.

News pages print dates in dozens of shapes (``Published Jan. 14 2026 4:12PM EST``,
``Tue 12 Sep 2023 07.00 BST``, ``15. März 2024, 14:30 Uhr``, ``15 de marzo de 2024 - 10:12
CET``). An archive needs them as ISO 8601 with the zone offset *when the page printed one*
and date-only when it printed no time: nothing is invented, so a missing year, an ambiguous
``03/04/2024`` in English or a bare relative ``2 hours ago`` gives ``None``.

Why hand-written patterns and not ``dateparser``: the extractor calls :func:`find_date` on
many lines of every capture and must normalise over 1,000 captures a second, so the date
parser sits on the hot path. ``benchmarks/dates.py`` runs three parsers over 36 date lines
in five languages and 16 body sentences with numbers but no date (best of three runs on the
project machine): this module reads 36/36 exactly (date, time and printed zone), invents no
date, and handles ~35,000-50,000 lines/s; ``dateparser.search.search_dates`` reads 21/36,
invents dates in 8 of the 16 sentences ("in 3 days", "12th floor") and handles ~200 lines/s;
``dateutil.parser.parse(fuzzy=True)`` reads 12/36 (English month names only, no zone
abbreviations), invents 12/16 and handles ~7,500 lines/s. Lines without a four-digit year,
most lines of a page, are rejected by one cheap search (250,000-500,000 lines/s over the whole-page
text renderings of the extraction-dev corpus). So no date library is used at run time.

Output zones: abbreviations with a fixed offset (``EST`` -05:00, ``BST`` +01:00, ``CET``
+01:00, ``CEST`` +02:00, ``GMT``/``UTC``/``Z`` +00:00, ...) map directly; ``ET``, ``PT``,
``CT``, ``MT`` and ``UK time`` are resolved with :mod:`zoneinfo` for the printed date, so
daylight saving is right. UTC is always written ``+00:00``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

__all__ = ["DateMention", "find_date", "is_date_line", "resolve_relative"]


@dataclass(frozen=True)
class DateMention:
    """A date found in a line.

    ``iso`` is ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS`` with an offset when the zone was
    printed. ``role`` is ``"published"``, ``"updated"`` or ``None`` when no role word precedes
    the date. ``span`` is the ``(start, end)`` of the date, time and zone in the line.
    """

    iso: str
    role: str | None
    span: tuple[int, int]


# --- vocabulary -------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A word set written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(text.split())


#: Month names and abbreviations in English, French, German, Italian and Spanish (lower case,
#: with accent-less spellings that pages without the right fonts print).
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier janv gennaio gen enero ene januar jänner jän",
        "february feb febr février fevrier févr fevr fév fev februar febbraio febrero",
        "march mar mars märz maerz mär mrz marzo",
        "april apr avril avr aprile abril abr",
        "may mai maggio mag mayo",
        "june jun juin juni giugno giu junio",
        "july jul juillet juil juli luglio lug julio",
        "august aug août aout agosto ago",
        "september sep sept septembre settembre set septiembre setiembre",
        "october oct octobre oktober okt ottobre ott octubre",
        "november nov novembre noviembre",
        "december dec décembre decembre déc dezember dez dicembre diciembre dic",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_WEEKDAYS = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
    sat sun lundi mardi mercredi jeudi vendredi samedi dimanche lun mer jeu ven sam dim montag
    dienstag mittwoch donnerstag freitag samstag sonnabend sonntag mo di mi do fr sa so lunedì
    martedì mercoledì giovedì venerdì sabato domenica lunedi martedi mercoledi giovedi venerdi
    gio sab dom lunes martes miércoles miercoles jueves viernes sábado sabado domingo mié mie jue
    vie sáb
    """
)

#: Words that may stand between a date and its time, or around a date in a date line.
_CONNECTORS = _words(
    """
    at on le am el il del de a à á las la alle ore um às kl h uhr the den der
    """
)
#: Reading-time notes that share a line with the date (``Mar 3, 2024 | 4 min read``).
_READING_TIME = re.compile(
    r"\b\d{1,3}\s?(?:min(?:ute)?s?|Min\.?|minutos?|minuti)\.?\s+"
    r"(?:read|de\s+lecture|Lesezeit|de\s+lectura|di\s+lettura|lettura|lectura)\b",
    re.IGNORECASE,
)

_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    (
        "updated",
        r"(?:last\s+)?updated|(?:last\s+)?modified|revised|mis\s+[àa]\s+jour|modifi[ée]"
        r"|actualis[ée]|aktualisiert|zuletzt\s+aktualisiert|ge[äa]ndert|stand|aggiornat[oa]"
        r"|aggiornamento|modifica|modificat[oa]|actualizad[oa]|actualizaci[óo]n|modificad[oa]",
    ),
    (
        "published",
        r"(?:first\s+)?published|posted|publi[ée]e?|ver[öo]ffentlicht"
        r"|erschienen|pubblicat[oa]|pubblicazione|publicad[oa]|publicaci[óo]n|created",
    ),
)
_ROLE = re.compile(
    "|".join(rf"(?P<{role}>\b(?:{words})\b)" for role, words in _ROLE_WORDS), re.IGNORECASE
)

#: Fixed-offset zone abbreviations, in minutes east of UTC.
_FIXED_ZONES: dict[str, int] = {
    "Z": 0, "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "BST": 60,
    "CET": 60, "CEST": 120, "MEZ": 60, "MESZ": 120, "EET": 120, "EEST": 180,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
    "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660,
}  # fmt: skip
#: Zone names whose offset depends on the date (daylight saving), resolved with zoneinfo.
_REGION_ZONES: dict[str, str] = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles", "UK TIME": "Europe/London", "BRUSSELS TIME": "Europe/Brussels",
}  # fmt: skip

# --- patterns ---------------------------------------------------------------------------------

# Month names are matched as any word and looked up in ``_MONTHS``: a 90-way alternation
# tried at every position was five times slower.
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DAY = r"(?P<day>(?:0?[1-9]|[12]\d|3[01]))"
# The year may be glued to the time in text renderings (Reuters: ``January 18, 20242:08 PM``).
_YEAR = r"(?P<year>(?:19|20)\d\d)(?:(?!\d)|(?=\d{1,2}:\d\d))"
_ORDINAL = r"(?:st|nd|rd|th|er|º|°|\.)?"

_ISO = re.compile(
    r"(?<![\d/.-])(?P<year>(?:19|20)\d\d)-(?P<mon>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])"
    r"(?:[T ](?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:[.,]\d+)?)?"
    r"\s?(?P<zone>Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?(?![\d-])"
)
_MONTH_FIRST = re.compile(
    rf"(?<![\w.]){_MONTH}\s*{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}", re.IGNORECASE
)
_DAY_FIRST = re.compile(
    rf"(?<![\d.]){_DAY}{_ORDINAL}\s*(?:de\s+)?{_MONTH}(?!\w),?\s*(?:de\s+|del\s+)?{_YEAR}",
    re.IGNORECASE,
)
_NUMERIC_DMY = re.compile(
    r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d\d)(?!\d)"
)
_NUMERIC_YMD = re.compile(
    r"(?<![\d./-])(?P<year>(?:19|20)\d\d)/(?P<mon>0?[1-9]|1[0-2])/(?P<day>0?[1-9]|[12]\d|3[01])"
    r"(?![\d/])"
)
#: Forms that end with the year, and how far before the year they can start.
_ENDS_WITH_YEAR = (_MONTH_FIRST, _DAY_FIRST, _NUMERIC_DMY)
_STARTS_WITH_YEAR = (_ISO, _NUMERIC_YMD)
_REACH = 32
#: How far past the year a pattern's look-ahead must see (a glued ``2:08``).
_GLUED_TIME = 6
_ZONE = (
    r"(?:\s*\(?(?P<zone>(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?::?\d\d)?|[+-](?:[01]\d|2[0-3]):?[0-5]\d"
    r"|UK time|Brussels time|[A-Z]{1,2}[SD]T|[A-Z]ES?T|MESZ|MEZ|UTC|GMT|AKST|AKDT|AEST|AEDT|[ECMP]T"
    r"|Z)\)?(?![a-z\d]|[A-Z](?![a-z])))?"
)
_TIME = re.compile(
    r"(?<![\d.:])(?P<hour>[01]?\d|2[0-3])\s?(?:[:.]|\s?h\s?)(?P<minute>[0-5]\d)"
    r"(?::(?P<second>[0-5]\d))?(?![\d])\s*(?P<ampm>[aApP]\.?\s?[mM]\.?(?![a-zA-Z]))?"
    r"(?:\s*(?:Uhr|h|hrs|horas|ore)\b)?" + _ZONE + r"|(?<![\d.:])(?P<hour12>1[0-2]|0?[1-9])\s?"
    r"(?P<ampm12>[aApP]\.?\s?[mM]\.?(?![a-zA-Z]))" + _ZONE.replace("zone", "zone12")
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")
#: Every absolute date form prints a four-digit year: lines without one are rejected at once.
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")

#: Languages whose convention writes numeric dates day first; English is ambiguous (US vs UK).
_DAY_FIRST_LANGUAGES = frozenset({"fr", "de", "it", "es", "pt", "nl"})
#: A date line may carry a few words besides the date ("Published", weekday, "at").
_MAX_EXTRA_WORDS = 1


# --- public API -------------------------------------------------------------------------------


def find_date(
    line: str, *, language: str | None = None, anchor: datetime | None = None
) -> DateMention | None:
    """Return the first absolute date printed in ``line``, or ``None``.

    Args:
        line: one line of text.
        language: ISO 639-1 code of the page, used only to read numeric dates like
            ``03/04/2024`` (day first in fr/de/it/es; never guessed in English).
        anchor: an absolute time (e.g. the capture time) against which relative forms such as
            ``2 hours ago`` are resolved; without it they give ``None``.

    Returns:
        The date with its role and span, or ``None`` when no date is printed.
    """
    found = _first_date(line, language) if _ANY_YEAR.search(line) else None
    if found is None:
        return resolve_relative(line, anchor) if anchor is not None else None
    day, start, end = found
    stamp, start, end = _attach_time(line, day, start, end)
    return DateMention(stamp, _role_before(line, start), (start, end))


def has_date(line: str) -> bool:
    """Whether :func:`find_date` (without an ``anchor``) finds a date in ``line``; cheaper,
    as it does not read the time printed next to the date or build the mention."""
    return _ANY_YEAR.search(line) is not None and _first_date(line, None) is not None


def has_date_of_year_line(line: str) -> bool:
    """:func:`has_date` for a line already screened with :func:`has_year`: the year is
    not searched for a second time (a line without one gives ``False`` all the same, as
    the date search starts at each year in the line)."""
    return _first_date(line, None) is not None


def has_year(line: str) -> bool:
    """Whether ``line`` prints a year: without an ``anchor``, :func:`find_date` finds no
    date in a line that does not, so callers screen many lines with this cheap test."""
    return _ANY_YEAR.search(line) is not None


def is_date_line(line: str, *, language: str | None = None) -> bool:
    """Whether ``line`` is a date line: a date with at most a role word and connectors.

    ``Published Jan. 14 2026 4:12PM EST`` and ``Tue 12 Sep 2023 07.00 BST`` are date lines;
    ``On March 15, 2024, the council voted`` is body text that mentions a date.
    """
    mention = find_date(line, language=language)
    return mention is not None and is_date_line_of(line, mention)


def is_date_line_of(line: str, mention: DateMention) -> bool:
    """:func:`is_date_line` for a ``mention`` already found in ``line`` (read once)."""
    return _extra_words(line, *mention.span) <= _MAX_EXTRA_WORDS


# --- relative dates ---------------------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "un": 1, "une": 1, "una": 1, "uno": 1, "ein": 1, "eine": 1,
    "einer": 1, "einem": 1, "two": 2, "deux": 2, "zwei": 2, "due": 2, "dos": 2,
}  # fmt: skip
_UNITS = {
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
    "minuten": "minutes", "minuto": "minutes", "minuti": "minutes", "minutos": "minutes",
    "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours", "h": "hours",
    "heure": "hours", "heures": "hours", "stunde": "hours", "stunden": "hours", "std": "hours",
    "ora": "hours", "ore": "hours", "hora": "hours", "horas": "hours",
    "day": "days", "days": "days", "jour": "days", "jours": "days", "tag": "days",
    "tagen": "days", "giorno": "days", "giorni": "days", "día": "days", "días": "days",
    "dia": "days", "dias": "days", "week": "weeks", "weeks": "weeks", "semaine": "weeks",
    "semaines": "weeks", "woche": "weeks", "wochen": "weeks", "settimana": "weeks",
    "settimane": "weeks", "semana": "weeks", "semanas": "weeks",
}  # fmt: skip
_QTY = r"(?P<n>\d{1,3}|an?|one|two|une?|deux|eine[rm]?|ein|zwei|una?|uno|due|dos)"
_UNIT = r"(?P<unit>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?!\w)\.?"
#: ``2 hours ago`` (en), ``il y a 2 heures`` (fr), ``vor 2 Stunden`` (de), ``2 ore fa`` (it),
#: ``hace 2 horas`` (es); a quantity and unit count only with one of the marker words.
_RELATIVE = re.compile(
    rf"(?:\b(?P<pre>il\s+y\s+a|vor|hace)\s+)?\b{_QTY}\s+{_UNIT}(?:\s+(?P<post>ago|fa)\b)?"
    r"|(?P<day_word>\b(?:yesterday|today|hier|aujourd['’]hui|gestern|heute|ieri|oggi|ayer"
    r"|hoy)\b)",
    re.IGNORECASE,
)
_DAY_WORDS = {
    "yesterday": -1, "hier": -1, "gestern": -1, "ieri": -1, "ayer": -1,
    "today": 0, "aujourd'hui": 0, "aujourd’hui": 0, "heute": 0, "oggi": 0, "hoy": 0,
}  # fmt: skip


def resolve_relative(line: str, anchor: datetime | None) -> DateMention | None:
    """Resolve a relative date (``2 hours ago``, ``hier à 10h12``) against ``anchor``.

    Minutes and hours give a time in the anchor's zone; days and weeks give a date only
    (the page did not say the time), unless a clock time is printed next to ``yesterday``
    or ``today``, which then gives that time with the zone only if one is printed.

    Args:
        line: one line of text.
        anchor: the absolute time the page was seen; ``None`` always gives ``None``.
    """
    if anchor is None:
        return None
    match = next(
        (m for m in _RELATIVE.finditer(line) if m["day_word"] or bool(m["pre"]) != bool(m["post"])),
        None,
    )
    if match is None:
        return None
    start, end = match.span()
    day_word = match.group("day_word")
    if day_word is not None:
        day = anchor.date() + timedelta(days=_DAY_WORDS[day_word.lower()])
        stamp, start, end = _attach_time(line, day, start, end)
        if _extra_words(line, start, end) > _MAX_EXTRA_WORDS:
            # "Today's news", German "hier" (here): a day word in a sentence is no date.
            return None
        return DateMention(stamp, _role_before(line, start), (start, end))
    raw = match.group("n").lower()
    count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit = _UNITS[match.group("unit").lower()]
    moment = anchor - timedelta(**{unit: count})
    if unit in ("days", "weeks"):
        iso = moment.date().isoformat()
    else:
        iso = moment.replace(second=0, microsecond=0).isoformat()
    return DateMention(iso, _role_before(line, start), (start, end))


# --- helpers ----------------------------------------------------------------------------------


def _first_date(line: str, language: str | None) -> tuple[date, int, int] | None:
    """The first valid calendar date in ``line`` with its span.

    Every form starts or ends with its four-digit year, so only short windows around the
    years in the line are searched, which keeps long body lines cheap.
    """
    for year in _ANY_YEAR.finditer(line):
        year_start, year_end = year.span()
        if line[year_end : year_end + 1] in _AFTER_STARTING_YEAR:
            for pattern in _STARTS_WITH_YEAR:
                match = pattern.match(line, year_start)
                if match is not None and (day := _to_date(match, language)) is not None:
                    return day, match.start(), match.end()
        window = max(0, year_start - _REACH)
        for pattern in _ending_with_year(line[year_start - 1 : year_start]):
            for match in pattern.finditer(line, window, year_end + _GLUED_TIME):
                if match.end("year") == year_end and (day := _to_date(match, language)):
                    return day, match.start(), match.end()
    return None


#: What follows the year of a form that starts with it: ``-`` (:data:`_ISO`) or ``/``
#: (:data:`_NUMERIC_YMD`); a year followed by anything else starts no date.
_AFTER_STARTING_YEAR = ("-", "/")
#: The forms that end with a year, by what stands right before it (other than whitespace):
#: a comma or full stop after the month (:data:`_DAY_FIRST`: ``12 Mar.2024``), or the
#: separator of :data:`_NUMERIC_DMY`; in :data:`_ENDS_WITH_YEAR`'s order.
_ENDING_AFTER = {
    ",": (_DAY_FIRST,),
    ".": (_DAY_FIRST, _NUMERIC_DMY),
    "/": (_NUMERIC_DMY,),
    "-": (_NUMERIC_DMY,),
}
#: The forms whose year may stand after whitespace (``\s`` before it, as ``str.isspace``).
_ENDING_AFTER_SPACE = (_MONTH_FIRST, _DAY_FIRST)


def _ending_with_year(before: str) -> tuple[re.Pattern[str], ...]:
    """The forms of :data:`_ENDS_WITH_YEAR` that can end with a year that has ``before``
    (one character, or none at the line's start) right before it: each pattern spells
    out what precedes its year, so a line's years are tried only by the forms that can
    end there, not by all of them over a window (a necessary condition; the patterns
    still decide)."""
    found = _ENDING_AFTER.get(before)
    if found is not None:
        return found
    return _ENDING_AFTER_SPACE if before.isspace() else ()


def _to_date(match: re.Match[str], language: str | None) -> date | None:
    """Turn a pattern match into a valid ``date``; ``None`` for impossible or ambiguous ones."""
    groups = match.groupdict()
    try:
        if "a" in groups:
            return _numeric_date(groups, language)
        if "mon" in groups:
            return date(int(groups["year"]), int(groups["mon"]), int(groups["day"]))
        month = _MONTHS.get(groups["month"].lower())
        return date(int(groups["year"]), month, int(groups["day"])) if month else None
    except ValueError:
        return None


def _numeric_date(groups: dict[str, str | None], language: str | None) -> date | None:
    """Read ``15/03/2024``; refuse day/month orders that the language leaves open."""
    first, second, year = int(groups["a"] or 0), int(groups["b"] or 0), int(groups["year"] or 0)
    if first > 12 >= second:
        return date(year, second, first)
    if second > 12 >= first:
        return date(year, first, second)
    if first == second or language in _DAY_FIRST_LANGUAGES or groups["sep"] == ".":
        # A dotted date (15.03.2024) is day first in every language that prints it.
        return date(year, second, first)
    return None


def _attach_time(line: str, day: date, start: int, end: int) -> tuple[str, int, int]:
    """Find a clock time printed next to the date; return the ISO stamp and the full span."""
    iso = _ISO.match(line, start)
    if iso is not None and iso.end() == end and iso.group("hour") is not None:
        return _stamp(day, iso), start, end
    if line[end : end + 1].isdigit():
        # A time glued to the year: match it on its own so the look-behind sees no digit.
        glued = _TIME.match(line[end : end + 40])
        if glued is not None:
            return _stamp(day, glued), start, end + glued.end()
    after = _TIME.search(line, end, min(len(line), end + 40))
    if after is not None and _is_gap(line[end : after.start()]):
        return _stamp(day, after), start, after.end()
    for before in _TIME.finditer(line, max(0, start - 40), start):
        if _is_gap(line[before.end() : start]):
            return _stamp(day, before), before.start(), end
    return day.isoformat(), start, end


def _stamp(day: date, match: re.Match[str]) -> str:
    """Compose ``YYYY-MM-DDTHH:MM:SS[+HH:MM]`` from a date and a time match."""
    groups = match.groupdict()
    hour = int(groups.get("hour") or groups.get("hour12") or 0)
    ampm = groups.get("ampm") or groups.get("ampm12")
    if ampm:
        if hour > 12:
            return day.isoformat()
        hour = hour % 12 + (12 if ampm[0] in "pP" else 0)
    stamp = datetime(
        day.year,
        day.month,
        day.day,
        hour,
        int(groups["minute"] or 0),
        int(groups.get("second") or 0),
    )
    zone_text = groups.get("zone") or groups.get("zone12")
    zone = _zone(zone_text, stamp) if zone_text else None
    return stamp.isoformat() + (zone or "")


def _zone(text: str, stamp: datetime) -> str | None:
    """The ``+HH:MM`` offset for a printed zone, or ``None`` when it is unknown."""
    key = " ".join(text.split()).upper()
    if key in _FIXED_ZONES:
        return _offset(_FIXED_ZONES[key])
    if key in _REGION_ZONES:
        offset = stamp.replace(tzinfo=_zoneinfo(_REGION_ZONES[key])).utcoffset()
        return _offset(int(offset.total_seconds() // 60)) if offset is not None else None
    match = re.fullmatch(r"(?:GMT|UTC)?\s?([+-])\s?(\d{1,2}):?(\d\d)?", key)
    if match is None:
        return None
    sign = -1 if match.group(1) == "-" else 1
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    return _offset(sign * minutes) if minutes <= 14 * 60 else None


@cache
def _zoneinfo(name: str) -> ZoneInfo:
    """Zone objects are cached: loading one reads the tz database from disk."""
    return ZoneInfo(name)


def _offset(minutes: int) -> str:
    """Minutes east of UTC as ``+HH:MM``."""
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def _extra_words(line: str, start: int, end: int) -> int:
    """Words outside ``line[start:end]`` that are not role words, weekdays, months (of a
    second date: ``Published 3 March 2024, updated 4 March 2024``) or connectors."""
    rest = _ROLE.sub(" ", _READING_TIME.sub(" ", line[:start] + " " + line[end:]))
    return sum(
        1
        for word in _WORD.findall(rest)
        if (lowered := word.lower()) not in _WEEKDAYS
        and lowered not in _CONNECTORS
        and lowered not in _MONTHS
    )


def _is_gap(text: str) -> bool:
    """Whether the text between a date and a time holds only punctuation and connectors."""
    if len(text) > 25:
        return False
    for word in _WORD.findall(text):
        lowered = word.lower()
        if lowered not in _CONNECTORS and lowered not in _WEEKDAYS:
            return False
    return not _DIGIT.search(text)


def _role_before(line: str, start: int) -> str | None:
    """The role named by the last role word before ``start`` (``published``/``updated``)."""
    role: str | None = None
    for match in _ROLE.finditer(line, 0, start):
        role = match.lastgroup
    return role
