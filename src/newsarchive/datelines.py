"""Find the dateline that opens a news story, and where it places the story.

A dateline is the place (and, for agencies, the credit and date) printed before the first
sentence: ``WASHINGTON (AP) — ``, ``LONDON (Reuters) - ``, British ``LONDON — ``, the Daily
Beast's unspaced ``ROME—``, ANSA's ``(ANSA) - ROMA, 15 MAR - ``, EFE's ``MADRID, 15 Mar.
(EFE).- `` and Reuters' ``NEW YORK, March 3 (Reuters) - ``. The archive keeps it as a field
and strips it from the first paragraph, so :class:`Dateline` carries ``lead``, the exact
prefix to strip: ``paragraph == dateline.lead + rest`` always holds.

The place must be printed in capitals unless an agency credit in parentheses follows it
(CNN prints ``Washington (CNN) —``), because an ordinary sentence may start with a
capitalised word and a dash (``Yesterday — the day after the vote — ...``).

:func:`lookup_place` maps the printed place to a GeoNames id and ISO 3166 country code from
``data/places.toml``, a small gazetteer of major dateline cities whose ids were verified.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from newsarchive.dates import is_date_line
from newsarchive.names import alternation, shipped_names

__all__ = ["Dateline", "Place", "find_dateline", "lookup_place"]


@dataclass(frozen=True)
class Dateline:
    """A story's dateline: ``place`` as printed, the ``lead`` prefix, the agency credit."""

    place: str
    lead: str
    agency: str | None


@dataclass(frozen=True)
class Place:
    """A gazetteer entry for a dateline place."""

    name: str
    geonames: str | None
    country: str | None
    country_name: str | None


# A place printed in capitals: one to four words, with St./D.C.-style dots, hyphens,
# apostrophes and accented capitals (QUÉBEC, SÃO PAULO, L'AQUILA).
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ](?:[A-ZÀ-ÖØ-Þ'’.\-]*[A-ZÀ-ÖØ-Þ.])?"
_CAPS_PLACE = rf"{_CAP_WORD}(?:[ \-]{_CAP_WORD}){{0,3}}"
# A place in title case (only trusted before a known agency credit).
_TITLE_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’.]+(?:-[A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ'’.]+)*"
_TITLE_PLACE = rf"{_TITLE_WORD}(?: {_TITLE_WORD}){{0,2}}"
# EFE's ``Monterrey (México)``: the country in parentheses after the city.
_PAREN_REGION = r"(?:\s\([A-ZÀ-ÖØ-Þ][\w .'’-]{1,30}\))"
# A state, province or country after the city, as AP prints it: ``KYIV, Ukraine``,
# ``SAN FRANCISCO, Calif.``, ``WASHINGTON, D.C.``.
_REGION = r"(?:,\s(?:[A-Z][A-Za-zÀ-ÿ.'’]*\.?)(?:\s[A-Z][A-Za-zÀ-ÿ.'’]*){0,2})"
# ``March 3``, ``15 Mar.``, ``15 MAR``: a date inside a dateline (day and month, no year).
_SHORT_DATE = (
    r"(?:[A-Z][a-zé]{2,8}\.?\s\d{1,2}|\d{1,2}\s(?:[A-Za-zé]{3,9})\.?)"
    r"(?:,?\s(?:19|20)\d\d)?"
)
_AGENCY = r"\((?P<agency>[A-Za-z][A-Za-z .&/-]{0,30}?)\)"
_DASH = r"(?:\s*(?:—|–|--|-|\.-|:)\s*)"

_WIRE = re.compile(
    rf"(?P<lead>\s*(?P<place>{_CAPS_PLACE}{_REGION}?)(?:,\s{_SHORT_DATE})?\s{_AGENCY}\.?{_DASH})"
)
_WIRE_TITLE = re.compile(
    rf"(?P<lead>\s*(?P<place>{_TITLE_PLACE}(?:{_REGION}|{_PAREN_REGION})?)(?:,\s{_SHORT_DATE})?"
    rf"\s{_AGENCY}\.?{_DASH})"
)
#: CNN's newer style prints the credit without parentheses: ``Nairobi, Kenya CNN — ``.
_BARE_AGENCY = re.compile(
    rf"(?P<lead>\s*(?P<place>(?:{_TITLE_PLACE}|{_CAPS_PLACE}){_REGION}?)\s"
    rf"(?P<agency>{alternation(shipped_names().bare_dateline_agencies)})\s*(?:—|–|-)\s*)"
)
#: The New York Times prints the place on its own line under the byline.
_REPORTING_FROM = re.compile(
    r"(?P<lead>\s*Reporting from\s+(?P<place>[A-ZÀ-ÖØ-Þ][^\n]{1,60}?)\s*)$"
)
#: El País prints place and date on one line: ``Valencia - 15 mar 2024 - 14:30 CET``.
#: A title-case place is taken only if the gazetteer knows it.
_PLACE_DATE = re.compile(rf"(?P<lead>\s*(?P<place>{_TITLE_PLACE}|{_CAPS_PLACE})\s(?:-|–|—|\|)\s)")
_AGENCY_FIRST = re.compile(
    rf"(?P<lead>\s*{_AGENCY}{_DASH}(?P<place>{_CAPS_PLACE}),\s{_SHORT_DATE}{_DASH})"
)
_PLAIN = re.compile(
    rf"(?P<lead>\s*(?P<place>{_CAPS_PLACE}{_REGION}?)(?:,\s{_SHORT_DATE})?(?:\s+[—–-]\s+|—|–))"
)
#: After the dateline comes a sentence: a capital, digit, quote or bracket.
_SENTENCE_START = re.compile(r"[\"“‘'«„(\[0-9A-ZÀ-ÖØ-Þ¿¡]")

#: Agency credits printed in lower case or title case that the title-case form trusts
#: (``data/names/agencies.toml``).
_KNOWN_AGENCIES = shipped_names().trusted_dateline_agencies()
#: Capitalised words that open sentences or labels, not places.
_NOT_PLACES = frozenset(
    {
        "BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "WATCH", "LIVE", "ANALYSIS", "OPINION",
        "NOTE", "EDITOR'S NOTE", "PHOTOS", "PHOTO", "VIDEO", "FILE", "CORRECTION", "URGENT",
        "FLASH", "ALERT", "READ", "MORE", "ADVERTISEMENT", "SPONSORED", "COMMENT", "REVIEW",
        "INTERVIEW", "EDITORIAL", "PODCAST", "LISTEN", "I", "A", "OK", "NEW", "THE", "NATO",
        "UN", "EU", "US", "USA", "UK", "FBI", "CIA", "NASA", "WHO", "IMF", "OPEC", "G7", "G20",
        "CEO", "TV", "AI", "GOP", "NFL", "NBA", "FIFA", "UEFA", "ICYMI", "FAQ", "PS", "RIP",
        "AUDIO", "GALLERY", "SPOILER", "WARNING",
    }
)  # fmt: skip
#: Every dateline has a dash, a parenthesis or ``Reporting from`` near the start.
_SEPARATOR = re.compile(r"[—–(\-|]|Reporting from")
_SEPARATOR_REACH = 80
#: Lines much longer than this are not worth scanning past their start.
_HEAD = 160


def find_dateline(paragraph: str) -> Dateline | None:
    """Return the dateline that opens ``paragraph``, or ``None``.

    Args:
        paragraph: the first paragraph of a story (any paragraph may be passed).

    Returns:
        The dateline, whose ``lead`` is the exact prefix of ``paragraph`` up to and including
        the separator and the spaces after it.
    """
    head = paragraph[:_HEAD]
    first = head.lstrip()[:1]
    if (
        not (first.isupper() or first == "(")
        or _SEPARATOR.search(head, 0, _SEPARATOR_REACH) is None
    ):
        return None
    for pattern in (
        _AGENCY_FIRST,
        _WIRE,
        _WIRE_TITLE,
        _BARE_AGENCY,
        _PLAIN,
        _PLACE_DATE,
        _REPORTING_FROM,
    ):
        match = pattern.match(head)
        if match is None:
            continue
        dateline = _accept(pattern, match, paragraph)
        if dateline is not None:
            return dateline
    return None


def _accept(pattern: re.Pattern[str], match: re.Match[str], paragraph: str) -> Dateline | None:
    """Check a candidate match against the rules that keep ordinary sentences out."""
    lead = match.group("lead")
    rest = paragraph[len(lead) :]
    if pattern is _PLACE_DATE:
        # ``Valencia - 15 mar 2024``; a comment header ``Danial Khan — June 25th, 2012`` has
        # the same shape, so a title-case place must be a known city.
        place_text = match.group("place")
        if not is_date_line(rest) or (
            not place_text.isupper() and lookup_place(place_text) is None
        ):
            return None
    elif pattern is not _REPORTING_FROM and (not rest or _SENTENCE_START.match(rest) is None):
        return None
    place = match.group("place").strip()
    agency = match.groupdict().get("agency")
    city = place.split(",")[0].strip()
    if city in _NOT_PLACES:
        return None
    if pattern is _WIRE_TITLE and not _is_known_agency(agency or ""):
        return None
    if pattern is _PLAIN and len(re.sub(r"[^A-Za-zÀ-ÿ]", "", city)) < 3:
        return None
    return Dateline(place=place, lead=lead, agency=agency.strip() if agency else None)


def _is_known_agency(credit: str) -> bool:
    """``dpa``, ``Reuters``, ``dpa/lno`` (a dpa regional service): a credit that is trusted."""
    lowered = credit.strip().lower()
    return (
        lowered in _KNOWN_AGENCIES or re.split(r"[/ ]", lowered, maxsplit=1)[0] in _KNOWN_AGENCIES
    )


# --- gazetteer ---------------------------------------------------------------------------------


def lookup_place(name: str) -> Place | None:
    """Find a dateline place in the gazetteer; ``None`` when it is not a known major city.

    ``ROME``, ``Roma`` and ``ROME, Italy`` all give Rome; a qualifier that names another
    country or a US state (``ROME, Ga.``) gives ``None`` rather than the wrong city.
    """
    key = _key(name)
    places = _gazetteer()
    if key in places:
        return places[key]
    city, _, qualifier = name.partition(",")
    place = places.get(_key(city))
    if place is None or not qualifier.strip():
        return place
    if place.country_name is not None and _key(qualifier) == _key(place.country_name):
        return place
    return None


def _key(text: str) -> str:
    """Compare names without case, accents, dots or extra spaces."""
    letters = text.casefold()
    if not letters.isascii():
        decomposed = unicodedata.normalize("NFKD", letters)
        letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.replace(".", " ").replace("’", "'").split())


@cache
def _gazetteer() -> dict[str, Place]:
    """The shipped gazetteer, keyed by every printed spelling (loaded once per process)."""
    text = resources.files("newsarchive").joinpath("data/places.toml").read_text("utf-8")
    index: dict[str, Place] = {}
    for entry in tomllib.loads(text).get("place", []):
        place = Place(
            name=entry["name"],
            geonames=entry.get("geonames"),
            country=entry.get("country"),
            country_name=entry.get("country_name"),
        )
        for spelling in (entry["name"], *entry.get("names", ())):
            index.setdefault(_key(spelling), place)
    return index
