"""Structured JSONL records -> Article: field mapping, paragraphs, dates, failures."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from newsarchive.errors import NormaliseError
from newsarchive.models import JSONL, Capture
from newsarchive.normalise import normalise
from newsarchive.rules import RuleSet
from newsarchive.search import document_from_article
from newsarchive.structured import (
    EXTRA_PLACES,
    EXTRA_SOURCE_ID,
    EXTRA_SUBJECTS,
    normalise_structured_capture,
)

REUTERS = (
    Path(__file__).parents[1] / ".." / "shared" / "corpora" / "news-reuters21578"
) / "reuters21578.jsonl.gz"


def capture(record: Any, line: int = 1) -> Capture:
    data = (record if isinstance(record, str) else json.dumps(record)).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    return Capture(data, JSONL, "migration.jsonl", digest, digest[:20], line=line)


WIRE_RECORD = {
    "id": "harbourwire-1042",
    "headline": "PORT OF ELDMOUTH SETS RECORD GRAIN SHIPMENTS",
    "body": "The Port of Eldmouth said grain shipments rose\nto a record in March.\n"
    "    Exports of wheat led the rise, the port\nauthority said.\n"
    "    Barley shipments fell.",
    "date": "1987-03-02T11:24:05",
    "section": "commodities",
    "topics": ["grain", "wheat"],
    "places": ["eldmouth", "uk"],
    "byline": "By Tessa Marlowe and Ian Crane",
    "dateline_place": "Eldmouth",
    "source": "Harbour Wire",
    "type": "NORM",
    "lewis_split": "TRAIN",
}


def test_wire_record_maps_every_field() -> None:
    article = normalise_structured_capture(capture(WIRE_RECORD))
    assert article.id == "harbourwire-1042"
    assert article.headline == "PORT OF ELDMOUTH SETS RECORD GRAIN SHIPMENTS"
    assert article.paragraphs == (
        "The Port of Eldmouth said grain shipments rose to a record in March.",
        "Exports of wheat led the rise, the port authority said.",
        "Barley shipments fell.",
    )
    assert article.published == "1987-03-02T11:24:05"  # no time zone invented
    assert article.section == "commodities"
    assert article.bylines == ("Tessa Marlowe", "Ian Crane")
    assert article.dateline == "Eldmouth"
    assert article.source == "Harbour Wire"
    assert article.language is None
    assert article.extra == {
        EXTRA_SOURCE_ID: "harbourwire-1042",
        EXTRA_SUBJECTS: "grain wheat",
        EXTRA_PLACES: "eldmouth uk",
    }


def test_subjects_and_places_reach_the_index_document() -> None:
    article = normalise_structured_capture(capture(WIRE_RECORD))
    document = document_from_article(article, "2024-01-01T00:00:00+00:00")
    assert document.subjects == ("grain", "wheat")
    assert document.places == ("eldmouth", "uk")
    assert document.body.count("\n\n") == 2


def test_modern_record_with_list_body_and_images() -> None:
    record = {
        "guid": "courier-2023-0415",
        "title": "Tram Line Opens",
        "kicker": "TRANSPORT",
        "standfirst": "The first passengers rode free.",
        "body": ["First paragraph.", "  ", "Second paragraph."],
        "published": "2023-04-15T08:00:00Z",
        "updated": "2023-04-15T09:30:00+01:00",
        "bylines": ["Ola Nordmann"],
        "language": "no",
        "url": "https://courier.example/tram",
        "images": [{"id": "tram_01", "caption": "The first tram.", "credit": "Courier"}],
        "unknown_key": {"ignored": True},
    }
    article = normalise_structured_capture(capture(record))
    assert article.id == "courier-2023-0415"
    assert article.headline == "Tram Line Opens"
    assert (article.kicker, article.dek) == ("TRANSPORT", "The first passengers rode free.")
    assert article.paragraphs == ("First paragraph.", "Second paragraph.")
    assert article.published == "2023-04-15T08:00:00+00:00"
    assert article.updated == "2023-04-15T09:30:00+01:00"
    assert article.language == "no"
    assert article.url == "https://courier.example/tram"
    assert article.images[0].id == "tram_01"
    assert article.images[0].credit == "Courier"


def test_blank_lines_separate_paragraphs() -> None:
    record = {"headline": "H", "body": "One line\nstill one.\n\nTwo.\r\n\r\nThree\u00a0here."}
    article = normalise_structured_capture(capture(record))
    assert article.paragraphs == ("One line still one.", "Two.", "Three here.")


def test_headline_only_brief_is_kept() -> None:
    article = normalise_structured_capture(capture({"id": "b1", "headline": "BRIEF", "body": ""}))
    assert article.paragraphs == ()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "body": "  ", "headline": ""}', "neither a headline nor a body"),
        ("{not json", "not valid JSON"),
        ('["a", "list"]', "expected a JSON object"),
        ('{"headline": "H", "date": "March 2nd"}', "not an ISO 8601 date"),
    ],
)
def test_bad_records_raise_normalise_error_naming_the_line(line: str, message: str) -> None:
    with pytest.raises(NormaliseError, match=message) as excinfo:
        normalise_structured_capture(capture(line, line=7))
    assert "migration.jsonl:7" in str(excinfo.value)


def test_dispatch_through_normalise() -> None:
    # Structured records take no boilerplate rules, so none are loaded here.
    assert normalise(capture(WIRE_RECORD), RuleSet(rules=())).id == "harbourwire-1042"


def test_reuters_records_normalise() -> None:
    if not REUTERS.is_file():
        pytest.skip(f"Reuters corpus not found at {REUTERS}")
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(itertools.islice(lines, 300), start=1):
            record = json.loads(line)
            article = normalise_structured_capture(capture(line, line=number))
            assert article.id == record["id"]
            assert article.headline
            assert article.published == record["date"]
            assert " ".join(article.paragraphs).split() == record["body"].split()
