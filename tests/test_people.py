"""Tests for newsarchive.people.parse_byline: names out, body text never taken for a byline."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.people import parse_byline, person_name


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe", ("Jane Doe",)),
        ("by Larry Dignan", ("Larry Dignan",)),
        ("By: Gregory S. Parks", ("Gregory S. Parks",)),
        ("BY JOHN SMITH AND JANE DOE", ("John Smith", "Jane Doe")),
        ("By Ann Lee, Bob Roe and Carl Poe", ("Ann Lee", "Bob Roe", "Carl Poe")),
        ("By Ann Lee, Bob Roe, and Carl Poe", ("Ann Lee", "Bob Roe", "Carl Poe")),
        ("By Ann Lee & Bob Roe", ("Ann Lee", "Bob Roe")),
        ("Jane Doe, CNN", ("Jane Doe",)),
        ("Jane Doe | Reuters", ("Jane Doe",)),
        ("Jane Doe - BBC News", ("Jane Doe",)),
        ("Jane Doe, Associated Press", ("Jane Doe",)),
        ("Jane Doe, The Associated Press", ("Jane Doe",)),
        ("By Jane Doe (Reuters)", ("Jane Doe",)),
        ("Damian Carrington Environment editor", ("Damian Carrington",)),
        ("Fiona Harvey Biodiversity correspondent", ("Fiona Harvey",)),
        ("Patrick Wintour Diplomatic editor", ("Patrick Wintour",)),
        ("By Jane Doe, Staff Writer", ("Jane Doe",)),
        ("By Jane Doe and John Roe, Staff Writers", ("Jane Doe", "John Roe")),
        ("By Jane Doe, Senior Political Correspondent", ("Jane Doe",)),
        ("By Jon Henley in Paris", ("Jon Henley",)),
        ("By Jane Doe for The Guardian", ("Jane Doe",)),
        ("Jim Daly | Editor, TED Books", ("Jim Daly",)),
        ("By Jane Doe @janedoe", ("Jane Doe",)),
        ("By Jane Doe, jane.doe@example.com", ("Jane Doe",)),
        ("Von Hans Müller", ("Hans Müller",)),
        ("Von Hans Müller und Eva Schmidt, dpa", ("Hans Müller", "Eva Schmidt")),
        ("Par Marie Dupont", ("Marie Dupont",)),
        ("Par Marie Dupont et Jean Martin", ("Marie Dupont", "Jean Martin")),
        ("Di Mario Rossi", ("Mario Rossi",)),
        ("Por Ana García y Luis Pérez", ("Ana García", "Luis Pérez")),
        ("Marine Le Pen, AFP", ("Marine Le Pen",)),
        ("Luigi Di Maio, ANSA", ("Luigi Di Maio",)),
        ("By Ursula von der Leyen", ("Ursula von der Leyen",)),
        ("By J.R. Smith", ("J.R. Smith",)),
        ("By MARY O'NEIL", ("Mary O'Neil",)),
        ("By JUNG-AH LEE", ("Jung-Ah Lee",)),
        ("By JoNel Aleccia, NBC News", ("JoNel Aleccia",)),
        ("By Jack White, Staff Writer", ("Jack White",)),
        ("By Ramon SANTOS, with Liza CABRERA in Manila", ("Ramon SANTOS", "Liza CABRERA")),
        ("Harriet Quayle BBC News, South West", ("Harriet Quayle",)),
        ("Imogen Falconer in Edinburgh and Rhys Tandy", ("Imogen Falconer", "Rhys Tandy")),
        ("Fergus Whitlow Consumer Affairs Correspondent", ("Fergus Whitlow",)),
        ("Par Jeanne Martin (Lisbonne, correspondante)", ("Jeanne Martin",)),
        ("By Aurélien Dufresne Reporting from Saint-Lary-Soulan, France", ("Aurélien Dufresne",)),
        ("di Elena Mauri", ("Elena Mauri",)),
    ],
)
def test_bylines(line: str, names: tuple[str, ...]) -> None:
    assert parse_byline(line) == names


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe | March 15, 2024", ("Jane Doe",)),
        ("By Jane Doe, CNN Updated 10:12 AM ET, Fri March 15, 2024", ("Jane Doe",)),
        ("By: Pete Leibman on November 11th, 2012 at 1:30 pm", ("Pete Leibman",)),
        ("Thomas Erdbrink, New York Times, August 7, 2012", ("Thomas Erdbrink",)),
        ("March 15, 2024 | By Jane Doe", ("Jane Doe",)),
        ("Publié le 15 mars 2024 à 10h12 Par Marie Dupont", ("Marie Dupont",)),
        ("Sofia Hartigan Sunday 7 July 2024 06:00 BST", ("Sofia Hartigan",)),
        ("Lucía Gómez Arrieta Valencia - 15 mar 2024 - 14:30 CET", ("Lucía Gómez Arrieta",)),
        ("di Marco Rinaldi 15 marzo 2024", ("Marco Rinaldi",)),
    ],
)
def test_dates_around_the_names_are_stripped(line: str, names: tuple[str, ...]) -> None:
    assert parse_byline(line) == names


def test_names_keep_their_printed_case_unless_all_caps() -> None:
    assert parse_byline("By Jane DOE") == ("Jane DOE",)
    assert parse_byline("By JANE DOE") == ("Jane Doe",)
    assert parse_byline("By MARY MCDONALD") == ("Mary McDonald",)


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday the talks had collapsed.",
        "By the time police arrived, the crowd had dispersed.",
        "By 2030, emissions must fall by half.",
        "By and large, the plan worked.",
        "By John's account, the deal was dead.",
        "By Monday Night",
        "By Air and Sea",
        "By Land Rover standards it is cheap",
        "By NEW YORK",
        "By Reuters",
        "By Staff",
        "Staff Writer",
        "Von Berlin aus fuhr er weiter.",
        "Von der Leyen Wins Second Term",
        "Par ailleurs, le gouvernement a annoncé une réforme.",
        "Di recente il governo ha deciso.",
        "Por qué el gobierno cambió de idea",
        "Barack Obama, Joe Biden and Hillary Clinton",
        "New York, CNN",
        "The Senate voted 52-48 on Tuesday.",
        "Jane Doe said the plan would fail.",
        "Smith, Reuters reported.",
        "Read more by Jane Doe",
        "Editorial Page Editor",
        "FRONT PAGE WRITERS",
        "View All Correspondents",
        "NFL Playbook Staff",
        "New AstraZeneca chief executive gets £10m package",
        "Who is Jane Doe?",
        "",
        "Sports",
        "Share this article",
        "DAL NOSTRO CORRISPONDENTE",
        "Consumer Affairs Correspondent",
        "Simon Calder Hotels",
        "Andrés Ferrer Lozano Pilar Ugarte",
        "Jack London - 15 mar 2024",
        "Barack Obama (pictured) spoke on Monday",
    ],
)
def test_body_text_and_labels_are_not_bylines(line: str) -> None:
    assert parse_byline(line) == ()


def test_long_lines_are_not_bylines() -> None:
    assert parse_byline("By Jane Doe " + "and more words " * 20) == ()


@given(st.text(max_size=200))
def test_never_crashes_and_names_come_from_the_line(line: str) -> None:
    for name in parse_byline(line):
        assert name
        assert name.casefold() in " ".join(line.split()).casefold()


@given(
    st.lists(
        st.from_regex(r"[A-Z][a-z]{2,8} [A-Z][a-z]{2,10}", fullmatch=True), min_size=1, max_size=3
    )
)
def test_generated_names_survive_a_by_line(names: list[str]) -> None:
    line = "By " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
    result = parse_byline(line)
    assert result in ((), tuple(names))


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Lucía Gómez Arrieta", "Lucía Gómez Arrieta"),
        ("Pilar Ugarte", "Pilar Ugarte"),
        ("  HARRIET QUAYLE ", "Harriet Quayle"),
        ("Ursula von der Leyen", "Ursula von der Leyen"),
        ("Controlled explosion", None),
        ("Simon Calder Hotels Europe Travel", None),
        ("NFL Playbook", None),
        ("Staff Writer", None),
        ("New York", None),
        ("Share", None),
        ("By Jane Doe", None),
    ],
)
def test_person_name(line: str, name: str | None) -> None:
    assert person_name(line) == name
