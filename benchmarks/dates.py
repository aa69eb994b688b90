"""Compare newsarchive's date finder with dateparser and dateutil on printed date lines.

Counts, over lines written for this project in five languages, how many dates each parser
gets exactly right (ISO date, time and zone offset as printed), how many dates it invents on
body sentences that print none, and how many lines it handles per second.
Run: ``.venv/bin/python benchmarks/dates.py``; the comparators come with
``pip install -e '.[bench]'``, and one that is not installed is skipped with a note.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from datetime import datetime

from newsarchive.dates import find_date

# (line, language, expected ISO 8601)
DATE_LINES: list[tuple[str, str, str]] = [
    ("Published Jan. 14 2026 4:12PM EST", "en", "2026-01-14T16:12:00-05:00"),
    ("Updated 9:47 AM EDT, August 3, 2025", "en", "2025-08-03T09:47:00-04:00"),
    ("Tue 12 Sep 2023 07.00 BST", "en", "2023-09-12T07:00:00+01:00"),
    ("Last modified on Tue 12 Sep 2023 09.15 BST", "en", "2023-09-12T09:15:00+01:00"),
    ("March 15, 2024", "en", "2024-03-15"),
    ("Posted: March 15, 2024 at 10:12 am", "en", "2024-03-15T10:12:00"),
    ("Updated 2:05 PM ET, Fri March 15, 2024", "en", "2024-03-15T14:05:00-04:00"),
    ("15 March 2024", "en", "2024-03-15"),
    ("Friday 15 March 2024 18.30 GMT", "en", "2024-03-15T18:30:00+00:00"),
    ("2024-03-15T10:12:00Z", "en", "2024-03-15T10:12:00+00:00"),
    ("Published 2024-03-15 08:00", "en", "2024-03-15T08:00:00"),
    ("Nov 2, 2023 | 5 min read", "en", "2023-11-02"),
    ("Sept. 3, 2025, 6:00 a.m. PT", "en", "2025-09-03T06:00:00-07:00"),
    ("December 1st, 2022", "en", "2022-12-01"),
    ("03/15/2024", "en", "2024-03-15"),
    ("15 mars 2024", "fr", "2024-03-15"),
    ("Publié le 15 mars 2024 à 10h12", "fr", "2024-03-15T10:12:00"),
    ("Mis à jour le 16 mars 2024 à 08h05", "fr", "2024-03-16T08:05:00"),
    ("Publié le 1er février 2024 à 18:30", "fr", "2024-02-01T18:30:00"),
    ("vendredi 15 mars 2024", "fr", "2024-03-15"),
    ("15/03/2024 à 10:12", "fr", "2024-03-15T10:12:00"),
    ("15. März 2024, 14:30 Uhr", "de", "2024-03-15T14:30:00"),
    ("Aktualisiert am 15.03.2024, 16:45 Uhr", "de", "2024-03-15T16:45:00"),
    ("Veröffentlicht am 3. Oktober 2023", "de", "2023-10-03"),
    ("Freitag, 15. März 2024, 09:00 Uhr MEZ", "de", "2024-03-15T09:00:00+01:00"),
    ("Stand: 15.03.2024 11:20 Uhr", "de", "2024-03-15T11:20:00"),
    ("15 marzo 2024", "it", "2024-03-15"),
    ("Pubblicato il 15 marzo 2024 alle 10:12", "it", "2024-03-15T10:12:00"),
    ("Aggiornato il 16 marzo 2024 alle 08:05", "it", "2024-03-16T08:05:00"),
    ("venerdì 15 marzo 2024", "it", "2024-03-15"),
    ("15/03/2024 - 10:12", "it", "2024-03-15T10:12:00"),
    ("15 de marzo de 2024 - 10:12 CET", "es", "2024-03-15T10:12:00+01:00"),
    ("Actualizado 16/03/2024 08:05", "es", "2024-03-16T08:05:00"),
    ("Madrid, 15 de marzo de 2024", "es", "2024-03-15"),
    ("Publicado el 3 de octubre de 2023 a las 18:30 CEST", "es", "2023-10-03T18:30:00+02:00"),
    ("viernes, 15 de marzo de 2024", "es", "2024-03-15"),
]
NON_DATE_LINES: list[tuple[str, str]] = [
    ("The council will vote again in 3 days, the mayor said.", "en"),
    ("Shares fell 12 percent to 4.50 dollars in early trading.", "en"),
    ("He scored 2 goals in the last 10 minutes of the match.", "en"),
    ("The bill passed by 52 votes to 48 in the Senate.", "en"),
    ("About 1,200 people were evacuated from 14 villages.", "en"),
    ("Read more: 5 things to know about the new tax rules", "en"),
    ("The company employs 3,000 people at 12 sites.", "en"),
    ("Temperatures reached 38 degrees on the 12th floor.", "en"),
    ("Le projet prévoit 4 milliards d'euros sur 5 ans.", "fr"),
    ("Le bilan fait état de 12 morts et 30 blessés.", "fr"),
    ("Die Partei kam auf 23 Prozent der Stimmen.", "de"),
    ("Der Zug hatte 15 Minuten Verspätung.", "de"),
    ("Il governo ha stanziato 2 miliardi per 10 regioni.", "it"),
    ("La squadra ha vinto 3 a 1 in trasferta.", "it"),
    ("El paro bajó en 20.000 personas en 3 meses.", "es"),
    ("El tren llegó con 15 minutos de retraso.", "es"),
]


def ours(line: str, language: str) -> str | None:
    mention = find_date(line, language=language)
    return mention.iso if mention else None


def with_dateparser(line: str, language: str) -> str | None:
    from dateparser.search import search_dates

    found = search_dates(line, languages=[language], settings={"RETURN_AS_TIMEZONE_AWARE": False})
    return _iso(found[0][1]) if found else None


def with_dateutil(line: str, language: str) -> str | None:
    from dateutil import parser

    try:
        return _iso(parser.parse(line, fuzzy=True, dayfirst=language != "en"))
    except (ValueError, OverflowError):
        return None


def _iso(value: datetime) -> str:
    """Date-only when the parser gave midnight and no zone, as the project writes it."""
    if value.tzinfo is None and (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date().isoformat()
    return value.isoformat()


METHODS: dict[str, Callable[[str, str], str | None]] = {
    "newsarchive": ours,
    "dateparser": with_dateparser,
    "dateutil": with_dateutil,
}


def best_rate(
    method: Callable[[str, str], str | None], lines: list[tuple[str, str]], rounds: int
) -> float:
    """Lines per second, best of three runs (the machine is shared, so take the quietest)."""
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            for line, lang in lines:
                method(line, lang)
        best = max(best, rounds * len(lines) / (time.perf_counter() - start))
    return best


def installed(
    methods: dict[str, Callable[[str, str], str | None]],
) -> dict[str, Callable[[str, str], str | None]]:
    """The methods whose library imports, each called once (imports and caches out of the
    timing); the others are named on stderr."""
    found = {}
    for name, method in methods.items():
        try:
            method("15 March 2024", "en")
        except ImportError as error:
            print(
                f"{name}: skipped, not installed ({error.name}; pip install -e '.[bench]')",
                file=sys.stderr,
            )
            continue
        found[name] = method
    return found


def main() -> None:
    warnings.simplefilter("ignore")
    methods = installed(METHODS)
    print(f"{'parser':<12}{'exact':>10}{'invented':>10}{'lines/s':>12}")
    every = [(line, lang) for line, lang, _ in DATE_LINES] + NON_DATE_LINES
    for name, method in methods.items():
        exact = sum(method(line, lang) == want for line, lang, want in DATE_LINES)
        invented = sum(method(line, lang) is not None for line, lang in NON_DATE_LINES)
        rate = best_rate(method, every, rounds=3 if name == "dateparser" else 100)
        print(
            f"{name:<12}{exact:>6}/{len(DATE_LINES)}{invented:>7}/{len(NON_DATE_LINES)}{rate:>12,.0f}"
        )
    for name, method in methods.items():
        print(f"\n{name} misses:")
        for line, lang, want in DATE_LINES:
            got = method(line, lang)
            if got != want:
                print(f"   {line!r}: {got} (want {want})")


if __name__ == "__main__":
    main()
