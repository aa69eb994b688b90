"""NewsML-G2 records: golden files, both schemas, profile failures, round trip, hostile input.

Golden files live in tests/data/newsml/should_pass/; regenerate them after an intended change
with ``NEWSARCHIVE_UPDATE_GOLDEN=1 pytest tests/test_newsml.py`` and review the diff.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from newsarchive import newsml
from newsarchive.errors import RecordError
from newsarchive.models import (
    BLOCK_KINDS,
    JSONL,
    TEXT,
    WARC,
    Article,
    Block,
    Image,
    RawRef,
    Removed,
    WarcOrigin,
)

DATA = Path(__file__).parent / "data" / "newsml"
SHOULD_PASS = DATA / "should_pass"
SHOULD_FAIL = DATA / "should_fail"
SHARED = Path(__file__).parents[1] / ".." / "shared"
STANDARDS = SHARED / "standards" / "newsml-g2"
UPDATE_GOLDEN = os.environ.get("NEWSARCHIVE_UPDATE_GOLDEN") == "1"
NS = {"n": newsml.NAR, "x": newsml.XHTML, "p": newsml.PROVENANCE}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def seed_like() -> Article:
    """A fictional article shaped like the shared seed: section, kicker, dek, one credited image,
    a dateline lead with an em dash, curly quotes, two removed boilerplate lines, no byline."""
    paragraphs = (
        "LISBON—Portugal’s harbour police impounded a 40-metre yacht on Tuesday that investigators"
        " say belongs to a sanctioned shipping magnate, ending a chase that began in Malta.",
        "The vessel, renamed twice since January, had been sailing under a Cook Islands flag,"
        " according to port records seen by The Daily Beast.",
        "“We were told it was a charter for a wedding,” said a dock worker who asked not to be"
        " named. “Nobody gets married with six bodyguards.”",
        "The magnate’s lawyers did not respond to requests for comment. A spokesman for the"
        " port authority said the ship would stay in dock “until the courts say otherwise.”",
        "It is the third yacht seized in Portuguese waters this year—and the first taken"
        " after a tip from the crew itself.",
        "The harbour master's office said an inventory of the ship’s contents would begin on"
        " Thursday.",
    )
    return Article(
        id="5f0c1e2d3a4b5c6d7e8f",
        source="The Daily Beast",
        section="Europe",
        headline="Sanctioned Tycoon’s Yacht Seized in Lisbon After Mediterranean Chase",
        kicker="ANCHORS AWEIGH",
        dek="Portuguese police say the 40-metre vessel changed its name twice in six months.",
        dateline="LISBON",
        language="en",
        images=(Image(id="yacht_k2vq8z", credit="REUTERS/Pedro Nunes / Reuters"),),
        blocks=tuple(Block(text) for text in paragraphs),
        removed=(
            Removed("ADVERTISEMENT", "ad-marker", 16),
            Removed("Got a tip? Send it to The Daily Beast here.", "tip-line", 31),
        ),
        raw=RawRef(
            sha256=_sha("seed-like capture"),
            path="raw/ab/abcdef0123456789.txt",
            media_type=TEXT,
            size=2875,
            original_name="001_yacht.txt",
            captured_at="2026-11-27T21:44:05Z",
            captured_basis="file-mtime",
        ),
        profile="dailybeast",
        normalised_at="2026-11-27T21:52:13Z",
        generator_version="0.1.0",
    )


def warc_full() -> Article:
    """Every optional field set: bylines, dates, URL, WARC origin, all block kinds, a caption."""
    url = "https://www.example-courier.com/politics/2026/03/04/council-budget-vote"
    return Article(
        id="9e8d7c6b5a4f3e2d1c0b",
        source="The Example Courier",
        url=url,
        section="Politics",
        headline="Council Passes Budget by One Vote After All-Night Session",
        kicker="CITY HALL",
        dek="The €2.1bn plan cuts library hours and raises parking fees.",
        bylines=("Maria Ortega", "James O’Neill"),
        dateline="SPRINGFIELD",
        published="2026-03-04T07:15:00-05:00",
        updated="2026-03-04T11:02:00-05:00",
        language="en-US",
        images=(
            Image(
                id="budget-vote-01",
                caption="Council members vote shortly before 5 a.m. on Wednesday.",
                credit="Photo: Lee Chan / The Example Courier",
                src="https://img.example-courier.com/budget-vote-01.jpg",
            ),
            Image(caption="Protesters outside city hall."),
        ),
        blocks=(
            Block("SPRINGFIELD (AP) — The city council approved a $2.1 billion budget early on"),
            Block("What changes", "h2"),
            Block("Library hours fall by a fifth.", "li"),
            Block("Parking fees rise 50 cents an hour.", "li"),
            Block("“This is not the budget anyone wanted,” the mayor said.", "blockquote"),
            Block("Next steps", "h3"),
            Block("The budget takes effect on July 1."),
        ),
        removed=(Removed("Sign up for our newsletter", "newsletter-promo", None),),
        raw=RawRef(
            sha256=_sha("crawl.warc.gz"),
            path="raw/warc/crawl-2026-03-04.warc.gz",
            media_type=WARC,
            size=181_442,
            original_name="crawl-2026-03-04.warc.gz",
            captured_at="2026-03-04T16:30:12Z",
            captured_basis="warc-date",
            warc=WarcOrigin(
                record_id="<urn:uuid:6f1c2a0e-8c4b-4e8f-9b1d-2a3c4d5e6f70>",
                target_uri=url,
                date="2026-03-04T16:30:12Z",
                payload_digest="sha1:7QKQZJ3S5N2WXG6X4W6M3B5QF2H4T6YD",
                offset=48_213,
            ),
        ),
        profile="example-courier",
        version=3,
        normalised_at="2026-03-05T09:00:00+01:00",
        generator_version="0.1.0",
    )


def jsonl_minimal() -> Article:
    """Only what the archive requires: a headline, one paragraph, the raw original, the run."""
    return Article(
        id="line-0007",
        headline="Storm Closes Harbour",
        blocks=(Block("The harbour closed at noon."),),
        raw=RawRef(
            sha256=_sha("feed.jsonl"),
            path="raw/feeds/feed.jsonl",
            media_type=JSONL,
            size=9_120,
            line=7,
        ),
        normalised_at="2026-05-01T00:00:00Z",
        generator_version="0.1.0",
    )


GOLDEN = {"seed_like": seed_like, "warc_full": warc_full, "jsonl_minimal": jsonl_minimal}


def _root(article: Article) -> etree._Element:
    return etree.fromstring(newsml.to_newsml(article))


def _official_or_skip() -> Path:
    if not (STANDARDS / newsml.OFFICIAL_XSD).is_file():
        pytest.skip(f"official NewsML-G2 schema not found in {STANDARDS}")
    return STANDARDS


# ----------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_record_matches_golden_file(name: str) -> None:
    record = newsml.to_newsml(GOLDEN[name]())
    golden = SHOULD_PASS / f"{name}.xml"
    if UPDATE_GOLDEN:
        golden.write_bytes(record)
    assert record == golden.read_bytes()


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_article_round_trips(name: str) -> None:
    article = GOLDEN[name]()
    assert newsml.from_newsml(newsml.to_newsml(article)) == article


def test_output_is_deterministic() -> None:
    assert newsml.to_newsml(warc_full()) == newsml.to_newsml(warc_full())


# ----------------------------------------------------------------------------- mapping


def test_seed_like_record_carries_the_promised_metadata() -> None:
    root = _root(seed_like())
    headlines = root.findall("n:contentMeta/n:headline", NS)
    assert [(h.get("role"), h.text) for h in headlines] == [
        ("nahl:main", "Sanctioned Tycoon’s Yacht Seized in Lisbon After Mediterranean Chase"),
        ("nahl:kicker", "ANCHORS AWEIGH"),
    ]
    dek = root.find("n:contentMeta/n:description", NS)
    assert dek is not None
    assert dek.get("role") == "drol:summary"
    assert root.findtext("n:contentMeta/n:dateline", namespaces=NS) == "LISBON"
    assert root.findtext("n:contentMeta/n:infoSource/n:name", namespaces=NS) == "The Daily Beast"
    subject = root.find("n:contentMeta/n:subject", NS)
    assert subject is not None
    assert subject.get("qcode") == "nasec-thedailybeast:europe"
    part = root.find("n:partMeta", NS)
    assert part is not None
    assert part.findtext("n:altId", namespaces=NS) == "yacht_k2vq8z"
    assert part.findtext("n:creditline", namespaces=NS) == "REUTERS/Pedro Nunes / Reuters"
    figure = root.find(".//x:figure", NS)
    assert figure is not None
    assert figure.get("id") == part.get("contentrefs")


def test_provenance_lists_each_removed_line_with_rule_and_line_number() -> None:
    root = _root(seed_like())
    removed = root.findall("n:itemMeta/p:provenance/p:normalisation/p:removed", NS)
    assert [(r.get("rule"), r.get("line"), r.text) for r in removed] == [
        ("ad-marker", "16", "ADVERTISEMENT"),
        ("tip-line", "31", "Got a tip? Send it to The Daily Beast here."),
    ]


def test_raw_capture_link_carries_hash_size_and_root_relative_path() -> None:
    article = seed_like()
    assert article.raw is not None
    (link,) = _root(article).findall("n:itemMeta/n:link[@rel='narel:rawCapture']", NS)
    assert link.get("href") == article.raw.path
    assert link.get("size") == str(article.raw.size)
    assert link.findtext("n:hash", namespaces=NS) == article.raw.sha256


def test_hops_are_publication_capture_normalisation() -> None:
    hops = _root(warc_full()).findall("n:hopHistory/n:hop", NS)
    assert [hop.get("timestamp") for hop in hops] == [
        "2026-03-04T07:15:00-05:00",
        "2026-03-04T16:30:12Z",
        "2026-03-05T09:00:00+01:00",
    ]
    assert hops[0].findtext("n:party/n:name", namespaces=NS) == "The Example Courier"


@pytest.mark.parametrize(
    ("captured_at", "timestamp"),
    [
        ("2026-11-27T21:44:05Z", "2026-11-27T21:44:05Z"),
        ("2026-11-27", "2026-11-27"),
        ("2026-02-30T10:00:00Z", None),
        ("Thursday morning", None),
    ],
)
def test_capture_hop_carries_only_real_timestamps(captured_at: str, timestamp: str | None) -> None:
    article = seed_like()
    assert article.raw is not None
    article = article.evolve(raw=replace(article.raw, captured_at=captured_at))
    record = newsml.to_newsml(article)
    newsml.validate(record)
    hop = etree.fromstring(record).find("n:hopHistory/n:hop[@seq='2']", NS)
    assert hop is not None
    assert hop.get("timestamp") == timestamp
    assert newsml.from_newsml(record) == article


def test_body_keeps_the_dateline_lead_in_the_text_and_marks_it() -> None:
    body = _root(seed_like()).find(".//x:section[@class='body']", NS)
    assert body is not None
    first = body[0]
    assert first[0].get("class") == "dateline"
    assert first[0].text == "LISBON—"
    assert "".join(first.itertext()) == seed_like().blocks[0].text


def test_list_items_are_grouped_and_kinds_kept() -> None:
    body = _root(warc_full()).find(".//x:section[@class='body']", NS)
    assert body is not None
    assert [etree.QName(child).localname for child in body] == [
        "p",
        "h2",
        "ul",
        "blockquote",
        "h3",
        "p",
    ]
    assert len(body[2]) == 2


def test_absent_values_are_omitted_not_empty() -> None:
    root = _root(jsonl_minimal().evolve(dek="", section=None))
    for path in (
        "n:contentMeta/n:contentCreated",
        "n:contentMeta/n:dateline",
        "n:contentMeta/n:description",
        "n:contentMeta/n:subject",
        "n:contentMeta/n:infoSource",
        "n:contentMeta/n:language",
        "n:rightsInfo",
        "n:itemMeta/n:origRep",
        "n:partMeta",
    ):
        assert root.find(path, NS) is None, path
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") is None
    empty = {etree.QName(e).localname for e in root.iter() if len(e) == 0 and not e.text}
    by_design = {
        "catalogRef",
        "scheme",
        "action",
        "itemClass",
        "pubStatus",
        "meta",
        "normalisation",
    }
    assert empty <= by_design


@pytest.mark.parametrize(
    ("text", "dateline", "lead"),
    [
        ("ROME—North Korea’s acting ambassador", "ROME", "ROME—"),
        ("PARIS (AP) — Strikes closed the metro", "PARIS", "PARIS (AP) — "),
        ("KYIV, March 3 – Sirens sounded", "KYIV", "KYIV, March 3 – "),
        ("BERLIN: Talks resumed", "BERLIN", "BERLIN: "),
        ("ROMEO and Juliet opened", "ROME", None),
        ("ROME is quiet today", "ROME", None),
        ("Rome-based lenders said", "Rome", None),
        ("Rome - Lenders said", "Rome", "Rome - "),
        ("ROME—", "ROME", None),
        ("The Rome office", None, None),
    ],
)
def test_dateline_lead(text: str, dateline: str | None, lead: str | None) -> None:
    assert newsml.dateline_lead(text, dateline) == lead


def test_guid_round_trips_and_foreign_guids_are_refused() -> None:
    assert (
        newsml.guid_for("ca8e793619a57354") == "tag:newsarchive.example.org,2026:ca8e793619a57354"
    )
    for article_id in ("ca8e793619a57354", "a b/c:d%e", "ü-1"):
        assert newsml.id_from_guid(newsml.guid_for(article_id)) == article_id
    with pytest.raises(RecordError, match=r"not a newsarchive\.example\.org guid"):
        newsml.id_from_guid("urn:newsml:example.com:20260101:x")


def test_article_without_id_or_with_unknown_block_kind_is_refused() -> None:
    with pytest.raises(RecordError, match="without an id"):
        newsml.to_newsml(seed_like().evolve(id=None))
    with pytest.raises(RecordError, match="unknown block kind"):
        newsml.to_newsml(seed_like().evolve(blocks=(Block("x", "table"),)))
    with pytest.raises(RecordError, match="XML compatible"):
        newsml.to_newsml(seed_like().evolve(headline="bell\x07"))


# ----------------------------------------------------------------------------- validation


def _should_pass() -> list[Path]:
    return sorted(SHOULD_PASS.glob("*.xml"))


def _should_fail() -> list[Path]:
    return sorted(SHOULD_FAIL.glob("*.xml"))


@pytest.mark.parametrize("path", _should_pass(), ids=lambda p: p.stem)
def test_should_pass_validates_against_the_archive_profile(path: Path) -> None:
    newsml.validate(path.read_bytes())


@pytest.mark.parametrize("path", _should_pass(), ids=lambda p: p.stem)
def test_should_pass_validates_against_the_official_schema(path: Path) -> None:
    newsml.validate_official(path.read_bytes(), _official_or_skip())


@pytest.mark.parametrize("path", _should_fail(), ids=lambda p: p.stem)
def test_should_fail_is_rejected_with_the_expected_reason(path: Path) -> None:
    data = path.read_bytes()
    expected = re.search(rb"<!-- expect: (.+?) -->", data)
    assert expected is not None, f"{path.name} has no '<!-- expect: ... -->' comment"
    with pytest.raises(RecordError) as error:
        newsml.validate(data)
    assert expected.group(1).decode() in str(error.value)


def test_should_fail_samples_exist() -> None:
    assert len(_should_fail()) >= 10


def test_validation_error_names_the_line() -> None:
    record = newsml.to_newsml(seed_like()).replace(
        b'<pubStatus qcode="stat:usable"/>', b'<pubStatus qcode="stat:lost"/>'
    )
    with pytest.raises(RecordError, match=r"line \d+: .*pubStatus"):
        newsml.validate(record)


def test_validate_accepts_a_parsed_element() -> None:
    newsml.validate(_root(warc_full()))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"headline": None}, "lacks a main headline"),
        ({"raw": None}, "lacks the link to its raw original"),
        ({"normalised_at": None}, "lacks itemMeta/versionCreated"),
        ({"normalised_at": "2026-11-27T21:52:13"}, "versionCreated"),
        ({"generator_version": None}, "lacks the normaliser's version"),
    ],
)
def test_archive_refuses_records_missing_what_it_promises(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(RecordError, match=re.escape(message)):
        newsml.validate(newsml.to_newsml(seed_like().evolve(**changes)))


def test_iptc_aliases_are_declared_in_catalog_41() -> None:
    standards = _official_or_skip()
    catalog = etree.parse(str(standards / "catalog.IPTC-G2-Standards_41.xml"))
    aliases = {s.get("alias") for s in catalog.iter(f"{{{newsml.NAR}}}scheme")}
    assert aliases >= newsml.IPTC_ALIASES
    assert not set(newsml.PROJECT_SCHEMES) & aliases


def test_official_validation_rejects_an_undeclared_alias() -> None:
    standards = _official_or_skip()
    record = newsml.to_newsml(seed_like()).replace(b'qcode="ninat:text"', b'qcode="xyz:text"')
    with pytest.raises(RecordError, match="undeclared scheme alias 'xyz'"):
        newsml.validate_official(record, standards)


def test_official_validation_rejects_schema_errors() -> None:
    standards = _official_or_skip()
    record = newsml.to_newsml(seed_like()).replace(
        b'standardversion="2.35"', b'standardversion="2.35.0"'
    )
    with pytest.raises(RecordError, match="standardversion"):
        newsml.validate_official(record, standards)


# ----------------------------------------------------------------------------- hostile input

HOSTILE = {
    "malformed": b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'><itemMeta>",
    "empty": b"",
    "not_a_record": b"<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
    "billion_laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'>&lol3;</newsItem>"
    ),
    "external_entity": (
        b'<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'>&x;</newsItem>"
    ),
    "too_deep": b"<a>" * 20_000 + b"</a>" * 20_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_reader_refuses_hostile_or_foreign_input(name: str) -> None:
    with pytest.raises(RecordError):
        newsml.from_newsml(HOSTILE[name])


def test_reader_never_expands_an_entity_inside_a_record() -> None:
    record = newsml.to_newsml(seed_like())
    body = record.split(b"?>", 1)[1]
    doctype = (
        b'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
    )
    hostile = doctype + body.replace(b"ANCHORS AWEIGH", b"&x;")
    with pytest.raises(RecordError, match="document type declaration"):
        newsml.from_newsml(hostile)


# ----------------------------------------------------------------------------- properties

_xml_char = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
_text = st.text(_xml_char, min_size=1, max_size=30)
_maybe = st.none() | _text
_token = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
_sha256 = st.from_regex(r"[0-9a-f]{64}", fullmatch=True)
_url = st.builds(
    lambda path: "https://example.org/" + path, st.from_regex(r"[a-z0-9/-]{0,20}", fullmatch=True)
)
_zoned = st.datetimes(timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=0).isoformat().replace("+00:00", "Z")
)
_dates = _zoned | st.dates().map(lambda d: d.isoformat()) | st.just("2019-01") | st.just("2019")
_count = st.integers(min_value=0, max_value=10**9)

_warc = st.builds(
    WarcOrigin,
    record_id=st.uuids().map(lambda u: f"<urn:uuid:{u}>"),
    target_uri=_url,
    date=st.none() | _zoned,
    payload_digest=st.none() | st.just("sha1:7QKQZJ3S5N2WXG6X4W6M3B5QF2H4T6YD"),
    offset=_count,
)
_raw = st.builds(
    RawRef,
    sha256=_sha256,
    path=st.builds(lambda p: "raw/" + p, _text),
    media_type=st.sampled_from([TEXT, WARC, JSONL, "text/html"]),
    size=_count,
    original_name=_maybe,
    captured_at=_maybe | _zoned,
    captured_basis=st.none() | _token,
    warc=st.none() | _warc,
    line=st.none() | _count,
)
_image = st.builds(Image, id=_maybe, caption=_maybe, credit=_maybe, src=st.none() | _url)
_block = st.builds(Block, text=st.text(_xml_char, max_size=60), kind=st.sampled_from(BLOCK_KINDS))
_removed = st.builds(
    Removed, text=st.text(_xml_char, max_size=30), rule=_token, line=st.none() | _count
)


@st.composite
def archive_articles(draw: st.DrawFn) -> Article:
    """Articles the archive can store: a headline, a body, a raw original, a zoned run time."""
    dateline = draw(_maybe)
    blocks = draw(st.lists(_block, min_size=1, max_size=6))
    if dateline and draw(st.booleans()):
        blocks[0] = Block(f"{dateline}—{blocks[0].text}x", "p")
    return Article(
        id=draw(st.from_regex(r"[0-9a-f]{20}", fullmatch=True) | _text),
        source=draw(_maybe),
        url=draw(st.none() | _url),
        section=draw(_maybe),
        headline=draw(_text),
        kicker=draw(_maybe),
        dek=draw(_maybe),
        bylines=tuple(draw(st.lists(_text, max_size=3))),
        dateline=dateline,
        published=draw(st.none() | _dates),
        updated=draw(st.none() | _dates),
        language=draw(st.sampled_from([None, "en", "fr", "de-CH", "pt-BR"])),
        images=tuple(draw(st.lists(_image, max_size=3))),
        blocks=tuple(blocks),
        removed=tuple(draw(st.lists(_removed, max_size=4))),
        raw=draw(_raw),
        profile=draw(_maybe),
        version=draw(st.integers(min_value=1, max_value=10**6)),
        normalised_at=draw(_zoned),
        generator_version=draw(_text),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archive_articles())
def test_round_trip_loses_nothing_and_records_validate(article: Article) -> None:
    record = newsml.to_newsml(article)
    newsml.validate(record)
    assert newsml.from_newsml(record) == article
    assert newsml.to_newsml(newsml.from_newsml(record)) == record


# ----------------------------------------------------------------------------- the seed


def test_normalised_seed_record_validates_against_both_schemas(seed_path: Path) -> None:
    text = pytest.importorskip(
        "newsarchive.text", reason="text normaliser not importable", exc_type=ImportError
    )
    from newsarchive.capture import capture_id_for
    from newsarchive.models import Capture
    from newsarchive.rules import default_rules

    data = seed_path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    capture = Capture(data, TEXT, str(seed_path), digest, capture_id_for(digest))
    article = text.normalise_text_capture(capture, default_rules()).evolve(
        raw=RawRef(digest, f"raw/{digest[:2]}/{digest}.txt", TEXT, len(data), seed_path.name),
        normalised_at="2026-11-27T21:52:13Z",
        generator_version="0.1.0",
    )
    record = newsml.to_newsml(article)
    newsml.validate(record)
    newsml.validate_official(record, _official_or_skip())
    assert b'<p><span class="dateline">ROME\xe2\x80\x94</span>North Korea' in record
    assert newsml.from_newsml(record) == article


# ----------------------------------------------------------------------------- migrated records


def test_headline_only_brief_is_a_valid_record() -> None:
    brief = seed_like().evolve(blocks=(), dateline=None)
    record = newsml.to_newsml(brief)
    newsml.validate(record)
    assert newsml.from_newsml(record).blocks == ()


def test_migrated_codes_and_source_id_round_trip() -> None:
    extra = {"subjects": "crude nat-gas", "places": "usa kuwait", "source_id": "wire-42"}
    record = newsml.to_newsml(seed_like().evolve(extra=extra))
    newsml.validate(record)
    if STANDARDS.is_dir():
        newsml.validate_official(record, STANDARDS)
    assert newsml.from_newsml(record).extra == extra
    assert newsml.from_newsml(newsml.to_newsml(seed_like())).extra == {}
