"""Tests for newsarchive.datelines: wire, British and agency datelines; the gazetteer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.datelines import Dateline, Place, find_dateline, lookup_place


@pytest.mark.parametrize(
    ("paragraph", "place", "lead", "agency"),
    [
        ("WASHINGTON (AP) — President said.", "WASHINGTON", "WASHINGTON (AP) — ", "AP"),
        ("LONDON (Reuters) - Britain's economy grew.", "LONDON", "LONDON (Reuters) - ", "Reuters"),
        ("LONDON — The prime minister said.", "LONDON", "LONDON — ", None),
        ("ROME—North Korea’s acting ambassador", "ROME", "ROME—", None),
        (
            "(ANSA) - ROMA, 15 MAR - Il presidente ha detto.",
            "ROMA",
            "(ANSA) - ROMA, 15 MAR - ",
            "ANSA",
        ),
        ("BERLIN (dpa) - Die Bundesregierung will.", "BERLIN", "BERLIN (dpa) - ", "dpa"),
        ("PARIS (AFP) - Le gouvernement a annoncé.", "PARIS", "PARIS (AFP) - ", "AFP"),
        (
            "MADRID, 15 Mar. (EFE).- El Gobierno aprobó.",
            "MADRID",
            "MADRID, 15 Mar. (EFE).- ",
            "EFE",
        ),
        (
            "NEW YORK, March 3 (Reuters) - Wall Street rose.",
            "NEW YORK",
            "NEW YORK, March 3 (Reuters) - ",
            "Reuters",
        ),
        (
            "SAN FRANCISCO, Calif. (AP) — A judge ruled.",
            "SAN FRANCISCO, Calif.",
            "SAN FRANCISCO, Calif. (AP) — ",
            "AP",
        ),
        ("KYIV, Ukraine (AP) — Forces attacked.", "KYIV, Ukraine", "KYIV, Ukraine (AP) — ", "AP"),
        ("Washington (CNN) — The Senate voted.", "Washington", "Washington (CNN) — ", "CNN"),
        (
            "Hong Kong (CNN Business) — Shares fell.",
            "Hong Kong",
            "Hong Kong (CNN Business) — ",
            "CNN Business",
        ),
        ("ST. LOUIS (AP) — A jury found.", "ST. LOUIS", "ST. LOUIS (AP) — ", "AP"),
        (
            "SÃO PAULO (Reuters) - Brazil's central bank.",
            "SÃO PAULO",
            "SÃO PAULO (Reuters) - ",
            "Reuters",
        ),
        ("GAZA CITY — “We have nothing,” she said.", "GAZA CITY", "GAZA CITY — ", None),
        ("Manila (AFP) - A typhoon hit.", "Manila", "Manila (AFP) - ", "AFP"),
        ("Nairobi, Kenya CNN — On the slopes", "Nairobi, Kenya", "Nairobi, Kenya CNN — ", "CNN"),
        ("Hamburg (dpa/lno) - Im Hafen", "Hamburg", "Hamburg (dpa/lno) - ", "dpa/lno"),
        ("Sevilla, 15 mar (EFE).- Los embalses", "Sevilla", "Sevilla, 15 mar (EFE).- ", "EFE"),
        (
            "Monterrey (México), 22 nov (EFE).- Las autoridades",
            "Monterrey (México)",
            "Monterrey (México), 22 nov (EFE).- ",
            "EFE",
        ),
    ],
)
def test_datelines(paragraph: str, place: str, lead: str, agency: str | None) -> None:
    found = find_dateline(paragraph)
    assert found == Dateline(place=place, lead=lead, agency=agency)
    assert paragraph == found.lead + paragraph[len(found.lead) :]


@pytest.mark.parametrize(
    ("line", "place", "lead"),
    [
        ("Valencia - 15 mar 2024 - 14:30 CET", "Valencia", "Valencia - "),
        ("Madrid - 22 nov 2023 - 18:05 CET", "Madrid", "Madrid - "),
        (
            "Reporting from Saint-Lary-Soulan, France",
            "Saint-Lary-Soulan, France",
            "Reporting from Saint-Lary-Soulan, France",
        ),
    ],
)
def test_place_lines_under_the_byline(line: str, place: str, lead: str) -> None:
    assert find_dateline(line) == Dateline(place=place, lead=lead, agency=None)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Valencia - a city on the coast",
        "Smith (pictured) - the end",
        "Yesterday — the day after the vote — nothing happened.",
        "Smith (Labour) — who spoke first — said no.",
        "The minister - who was absent - said no.",
        "I — for one — disagree.",
        "BREAKING — The Senate voted.",
        "NATO — The alliance said.",
        "UPDATE - The story has changed.",
        "Reuters - the news agency - said.",
        "LONDON",
        "LONDON — ",
        "London is the capital.",
        "WASHINGTON (AP) — ",
        "",
        "the end — of it",
        "He said (AP) — nothing.",
    ],
)
def test_ordinary_sentences_are_not_datelines(paragraph: str) -> None:
    assert find_dateline(paragraph) is None


@given(st.text(max_size=120))
def test_never_crashes_and_lead_is_a_prefix(paragraph: str) -> None:
    found = find_dateline(paragraph)
    if found is not None:
        assert paragraph.startswith(found.lead)
        assert found.place in found.lead


@given(
    st.from_regex(r"[A-Z]{3,10}( [A-Z]{3,8})?", fullmatch=True),
    st.sampled_from(["AP", "Reuters", "AFP", "dpa"]),
    st.sampled_from([" — ", " - ", " – "]),
    st.from_regex(r"[A-Z][a-z]{1,8}( [a-z]{1,8}){1,6}\.", fullmatch=True),
)
def test_generated_wire_datelines(place: str, agency: str, dash: str, sentence: str) -> None:
    paragraph = f"{place} ({agency}){dash}{sentence}"
    found = find_dateline(paragraph)
    assert found is not None
    assert (found.place, found.agency, found.lead) == (place, agency, f"{place} ({agency}){dash}")


def test_lookup_place_knows_printed_spellings() -> None:
    rome = Place(name="Rome", geonames="3169070", country="IT", country_name="Italy")
    assert lookup_place("ROME") == rome
    assert lookup_place("ROMA") == rome
    assert lookup_place("Rome, Italy") == rome
    assert lookup_place("GENÈVE") == lookup_place("GENEVA")
    assert lookup_place("WASHINGTON, D.C.") == lookup_place("Washington")


def test_lookup_place_refuses_other_cities_of_the_same_name() -> None:
    assert lookup_place("ROME, Ga.") is None
    assert lookup_place("PARIS, Texas") is None
    assert lookup_place("ATLANTIS") is None
    assert lookup_place("") is None


def test_disputed_places_state_no_country() -> None:
    jerusalem = lookup_place("JERUSALEM")
    assert jerusalem is not None
    assert jerusalem.geonames == "281184"
    assert jerusalem.country is None


def test_gazetteer_entries_are_complete() -> None:
    for name in ("LONDON", "PARIS", "BERLIN", "MADRID", "NEW YORK", "TOKYO", "BRUSSELS"):
        place = lookup_place(name)
        assert place is not None
        assert place.geonames is not None
        assert place.geonames.isdigit()
        assert place.country is not None
        assert len(place.country) == 2
