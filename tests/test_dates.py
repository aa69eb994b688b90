"""Tests for newsarchive.dates: printed dates to ISO 8601, roles, relative forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.dates import DateMention, find_date, is_date_line, resolve_relative

ANCHOR = datetime(2024, 3, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "iso", "role"),
    [
        ("Published Jan. 14 2026 4:12PM EST", "2026-01-14T16:12:00-05:00", "published"),
        ("Updated 9:47 AM EDT, August 3, 2025", "2025-08-03T09:47:00-04:00", "updated"),
        ("Tue 12 Sep 2023 07.00 BST", "2023-09-12T07:00:00+01:00", None),
        ("Last modified on Tue 12 Sep 2023 07.00 BST", "2023-09-12T07:00:00+01:00", "updated"),
        ("Friday 15 March 2024 18.30 GMT", "2024-03-15T18:30:00+00:00", None),
        ("March 15, 2024", "2024-03-15", None),
        ("December 1st, 2022", "2022-12-01", None),
        ("Sept. 3, 2025, 6:00 a.m. PT", "2025-09-03T06:00:00-07:00", None),
        ("Jan 10, 2025 9:00 PT", "2025-01-10T09:00:00-08:00", None),
        ("Posted: March 15, 2024 at 10:12 pm", "2024-03-15T22:12:00", "published"),
        ("2024-03-15", "2024-03-15", None),
        ("2024-03-15T10:12:00Z", "2024-03-15T10:12:00+00:00", None),
        ("Published 2024-03-15T10:12:30+01:00", "2024-03-15T10:12:30+01:00", "published"),
        ("2024/03/15", "2024-03-15", None),
        ("15 marzo 2024", "2024-03-15", None),
        ("15 mars 2024", "2024-03-15", None),
        ("Publié le 1er février 2024 à 18:30", "2024-02-01T18:30:00", "published"),
        ("Mis à jour le 15 mars 2024 à 10h12", "2024-03-15T10:12:00", "updated"),
        ("15. März 2024, 14:30 Uhr", "2024-03-15T14:30:00", None),
        ("Aktualisiert am 15.03.2024, 16:45 Uhr", "2024-03-15T16:45:00", "updated"),
        ("Freitag, 15. März 2024, 09:00 Uhr MEZ", "2024-03-15T09:00:00+01:00", None),
        ("Pubblicato il 15 marzo 2024 alle 10:12", "2024-03-15T10:12:00", "published"),
        ("Aggiornato il 16 marzo 2024 alle 08:05", "2024-03-16T08:05:00", "updated"),
        ("15 de marzo de 2024 - 10:12 CET", "2024-03-15T10:12:00+01:00", None),
        (
            "Publicado el 3 de octubre de 2023 a las 18:30 CEST",
            "2023-10-03T18:30:00+02:00",
            "published",
        ),
        ("Actualizado 16/03/2024 08:05", "2024-03-16T08:05:00", "updated"),
        ("10:12 UTC+2, 15 March 2024", "2024-03-15T10:12:00+02:00", None),
        ("January 18, 20242:08 PM GMTUpdated 3 hours ago", "2024-01-18T14:08:00+00:00", None),
        ("(modifica il 23 novembre 2023 | 07:30)", "2023-11-23T07:30:00", "updated"),
        ("22 noviembre, 2023 - 18:40 CST", "2023-11-22T18:40:00-06:00", None),
        ("Valencia - 15 mar 2024 - 14:30 CET", "2024-03-15T14:30:00+01:00", None),
    ],
)
def test_find_date_reads_printed_forms(line: str, iso: str, role: str | None) -> None:
    mention = find_date(line)
    assert mention is not None
    assert (mention.iso, mention.role) == (iso, role)


def test_span_covers_date_time_and_zone() -> None:
    line = "Updated 9:47 AM EDT, August 3, 2025"
    mention = find_date(line)
    assert mention is not None
    assert line[slice(*mention.span)] == "9:47 AM EDT, August 3, 2025"


@pytest.mark.parametrize(
    ("line", "language", "iso"),
    [
        ("15/03/2024", None, "2024-03-15"),  # day > 12: only one reading
        ("03/15/2024", "en", "2024-03-15"),
        ("03/04/2024", "fr", "2024-04-03"),
        ("03/04/2024", "de", "2024-04-03"),
        ("03.04.2024", None, "2024-04-03"),  # dotted dates are day first
        ("03/04/2024", "en", None),  # US or UK? not guessed
        ("03/04/2024", None, None),
    ],
)
def test_numeric_dates_only_when_unambiguous(
    line: str, language: str | None, iso: str | None
) -> None:
    mention = find_date(line, language=language)
    assert (mention.iso if mention else None) == iso


@pytest.mark.parametrize(
    "line",
    [
        "",
        "The council will vote again in 3 days, the mayor said.",
        "Shares fell 12 percent to 4.50 dollars in early trading.",
        "15 March",  # no year: never invented
        "March 2024",
        "31 February 2024",  # impossible
        "Call 0800 2024 555 for tickets",
        "2 hours ago",  # relative, no anchor
        "Il y a 2024 raisons",
        "Room 2024",
    ],
)
def test_no_date_is_invented(line: str) -> None:
    assert find_date(line) is None


@pytest.mark.parametrize(
    "line", ["March 15, 2024 10:12 XST", "March 15, 2024 10:12 ETA", "March 15, 2024 10:12 ESTONIA"]
)
def test_unknown_zone_is_left_out(line: str) -> None:
    mention = find_date(line)
    assert mention is not None
    assert mention.iso == "2024-03-15T10:12:00"


def test_region_zone_follows_daylight_saving() -> None:
    winter = find_date("Jan 10, 2025 9:00 ET")
    summer = find_date("Jul 10, 2025 9:00 ET")
    assert winter is not None
    assert summer is not None
    assert winter.iso.endswith("-05:00")
    assert summer.iso.endswith("-04:00")


def test_body_sentence_mentions_a_date_but_is_not_a_date_line() -> None:
    line = "On March 15, 2024, the council voted to raise taxes."
    assert find_date(line) == DateMention("2024-03-15", None, (3, 17))
    assert not is_date_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Published Jan. 14 2026 4:12PM EST",
        "Last modified on Tue 12 Sep 2023 07.00 BST",
        "Mar 3, 2024 | 4 min read",
        "Aktualisiert am 15.03.2024, 16:45 Uhr",
        "Stand: 15.03.2024 11:20 Uhr",
        "viernes, 15 de marzo de 2024",
        "Published 3 March 2024, updated 4 March 2024",
        "22 novembre 2023 (modifica il 23 novembre 2023 | 07:30)",
    ],
)
def test_date_lines(line: str) -> None:
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    ["By Jane Doe, March 15, 2024", "Photo taken on 15 March 2024 by the author", "No date here"],
)
def test_not_date_lines(line: str) -> None:
    assert not is_date_line(line)


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("2 hours ago", "2024-03-15T10:00:00+00:00"),
        ("an hour ago", "2024-03-15T11:00:00+00:00"),
        ("45 mins ago", "2024-03-15T11:15:00+00:00"),
        ("3 days ago", "2024-03-12"),
        ("il y a 3 jours", "2024-03-12"),
        ("vor 2 Stunden", "2024-03-15T10:00:00+00:00"),
        ("5 ore fa", "2024-03-15T07:00:00+00:00"),
        ("hace una hora", "2024-03-15T11:00:00+00:00"),
        ("Yesterday", "2024-03-14"),
        ("Updated yesterday at 4:12 PM", "2024-03-14T16:12:00"),
        ("hier à 18h30 CET", "2024-03-14T18:30:00+01:00"),
    ],
)
def test_relative_dates_need_an_anchor(line: str, iso: str) -> None:
    assert find_date(line) is None
    mention = resolve_relative(line, ANCHOR)
    assert mention is not None
    assert mention.iso == iso
    assert find_date(line, anchor=ANCHOR) == mention


def test_relative_keeps_the_anchor_zone() -> None:
    anchor = datetime(2024, 3, 15, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    mention = resolve_relative("2 hours ago", anchor)
    assert mention is not None
    assert mention.iso == "2024-03-15T10:00:00+01:00"


@pytest.mark.parametrize(
    "line",
    [
        "2 hours of talks",
        "Today's news in brief from around the world",
        "the day before",
        "Hier ist die Lage anders als gestern angenommen.",
        "I was there yesterday with my brother and his wife.",
    ],
)
def test_relative_needs_a_marker_and_a_date_line(line: str) -> None:
    assert resolve_relative(line, ANCHOR) is None


def test_absolute_date_wins_over_anchor() -> None:
    mention = find_date("Updated 2 hours ago, March 3, 2024", anchor=ANCHOR)
    assert mention is not None
    assert mention.iso == "2024-03-03"


@given(st.text(max_size=200))
def test_find_date_never_crashes_and_span_is_inside(line: str) -> None:
    for mention in (find_date(line), find_date(line, anchor=ANCHOR)):
        if mention is not None:
            start, end = mention.span
            assert 0 <= start < end <= len(line)
            assert datetime.fromisoformat(mention.iso)
    is_date_line(line)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["%B %d, %Y", "%d %B %Y", "%Y-%m-%d", "%b. %d %Y", "%A %d %B %Y"]),
)
def test_any_english_calendar_date_round_trips(day: date, fmt: str) -> None:
    mention = find_date(day.strftime(fmt))
    assert mention is not None
    assert mention.iso == day.isoformat()
