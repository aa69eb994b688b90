"""Text-capture normaliser: the seed exactly, decoding, structure, removals, failures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from newsarchive.errors import NormaliseError
from newsarchive.models import TEXT, Article, Capture
from newsarchive.rules import RuleSet, default_rules
from newsarchive.text import normalise_text_capture, render_text, segment, split_caption, text_body

SHARED = Path(__file__).parents[1] / ".." / "shared"
SEED = SHARED / "seeds" / "000_ca8e793619a57354.txt"


def make_capture(data: bytes, source: str = "raw/test.txt", url: str | None = None) -> Capture:
    digest = hashlib.sha256(data).hexdigest()
    return Capture(
        data=data, media_type=TEXT, source=source, sha256=digest, capture_id=digest[:20], url=url
    )


def normalise(data: bytes | str, url: str | None = None) -> Article:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return normalise_text_capture(make_capture(raw, url=url), default_rules())


@pytest.fixture(scope="module")
def seed() -> Article:
    if not SEED.exists():
        pytest.skip(f"seed capture not found at {SEED}")
    return normalise_text_capture(make_capture(SEED.read_bytes(), str(SEED)), default_rules())


def test_seed_header_fields(seed: Article) -> None:
    assert seed.section == "Europe"
    assert seed.headline == "North Korean Ambassador to Italy Defects in Bid for La Dolce Vita"
    assert seed.kicker == "ROMAN HOLIDAY"
    assert seed.dek == (
        "North Korea’s acting ambassador to Italy has apparently asked for political asylum"
        " in Europe."
    )
    assert seed.dateline == "ROME"
    assert seed.source == "The Daily Beast"
    assert seed.bylines == ()
    assert seed.published is None
    assert seed.updated is None


def test_seed_image_is_metadata(seed: Article) -> None:
    assert len(seed.images) == 1
    image = seed.images[0]
    assert image.id == "nokorea_zqflm9"
    assert image.credit == "REUTERS/Alessandro Bianchi / Reuters"
    assert image.caption is None


def test_seed_body(seed: Article) -> None:
    paragraphs = seed.paragraphs
    assert len(paragraphs) == 11
    assert paragraphs[0].startswith("ROME—North Korea’s acting ambassador to Italy, Jo Song Gil,")
    assert paragraphs[-1] == (
        "Calls and emails to the North Korean embassy in Rome for comment were not answered"
        " on Thursday."
    )
    body = "\n".join(paragraphs)
    for unwanted in ("ADVERTISEMENT", "Got a tip", "nokorea_zqflm9", "REUTERS/"):
        assert unwanted not in body
    # Curly quotes and dashes survive exactly as published.
    assert "“I didn’t want to see and let my children lead that life, like me,” he said." in body


def test_seed_removals_name_their_rule_and_line(seed: Article) -> None:
    removed = {r.text: r for r in seed.removed}
    assert set(removed) == {"ADVERTISEMENT", "Got a tip? Send it to The Daily Beast here."}
    assert removed["ADVERTISEMENT"].rule == "ad-marker"
    assert removed["ADVERTISEMENT"].line == 18
    assert removed["Got a tip? Send it to The Daily Beast here."].rule == "dailybeast-tip-line"
    assert seed.profile == "dailybeast"


def test_seed_identity_comes_from_the_capture(seed: Article) -> None:
    digest = hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert seed.id == digest[:20]
    assert seed.raw is None
    assert seed.language == "en"


def test_seed_rendered_text_normalises_to_the_same_article(seed: Article) -> None:
    # The rendering carries the article, not the page's publisher cues (tip line).
    again = normalise(render_text(seed))
    ignored = {"id": None, "removed": (), "source": None, "profile": None}
    assert again.evolve(**ignored) == seed.evolve(**ignored)


@pytest.mark.parametrize("data", [b"", b"   \n\n \t \r\n", "\u00a0\u200b\n".encode()])
def test_empty_capture_is_an_error_naming_the_source(data: bytes) -> None:
    with pytest.raises(NormaliseError, match=r"raw/empty\.txt: empty"):
        normalise_text_capture(make_capture(data, "raw/empty.txt"), default_rules())


def test_capture_without_body_is_an_error() -> None:
    page = "Home\nNews\nSport\nSign in\nSubscribe\nPrivacy Policy\n"
    with pytest.raises(NormaliseError, match=r"raw/menu\.txt: no article body"):
        normalise_text_capture(make_capture(page.encode(), "raw/menu.txt"), default_rules())


BODY = (
    "The council voted on Tuesday to close the old harbour bridge to traffic for a year,"
    " after engineers found that two of its steel supports had corroded badly."
)
SECOND = (
    "Residents said they had been warned for years that the bridge was unsafe, and that the"
    " repairs came far too late for the shops along the quay."
)


def test_windows_1252_crlf_and_nbsp_decode_to_clean_text() -> None:
    text = f"Harbour Bridge To Close For A Year\r\n\r\n{BODY}\r\n\r\n{SECOND}\r\n"
    data = text.replace("Residents said", "\u201cResidents\u201d\u00a0said").encode("cp1252")
    article = normalise(data)
    assert article.headline == "Harbour Bridge To Close For A Year"
    assert article.paragraphs[1].startswith("“Residents” said")


def test_whole_page_capture_keeps_article_and_drops_chrome() -> None:
    page = "\n".join(
        [
            "Skip to main content",
            "Home | News | Sport | Weather",
            "Sign in",
            "Harbour Bridge To Close For A Year",
            BODY,
            "Advertisement",
            SECOND,
            "Share this article",
            "Most Read",
            "Ten Things To Do This Weekend",
            "Why Bridges Rust Faster Near The Sea",
            "© 2025 Harbour Gazette Ltd. All rights reserved.",
        ]
    )
    article = normalise(page)
    assert article.headline == "Harbour Bridge To Close For A Year"
    assert article.paragraphs == (BODY, SECOND)
    assert article.source == "Harbour Gazette Ltd"
    rules = {r.text: r.rule for r in article.removed}
    assert rules["Advertisement"] == "ad-marker"
    assert rules["Most Read"] == "most-read"
    assert rules["Home | News | Sport | Weather"].startswith("classifier:")
    assert rules["Why Bridges Rust Faster Near The Sea"].startswith("classifier:")


def test_every_nonblank_line_gets_exactly_one_role() -> None:
    page = f"Menu\nHeadline Of The Day Is Here\n\n{BODY}\n\nADVERTISEMENT\n{SECOND}\nShare\n"
    seg = segment(page, default_rules())
    assert [line.number for line in seg.lines] == [1, 2, 4, 6, 7, 8]
    assert [line.role for line in seg.lines] == [
        "removed",
        "headline",
        "body",
        "removed",
        "body",
        "removed",
    ]
    assert all(line.rule for line in seg.lines if line.role == "removed")


def test_profile_is_detected_from_the_url() -> None:
    article = normalise(f"{BODY}\n\n{SECOND}\n", url="https://www.thedailybeast.com/x")
    assert article.profile == "dailybeast"
    assert article.source == "The Daily Beast"


def test_caption_and_credit_attach_to_the_image_before_them() -> None:
    page = "\n".join(
        ["Harbour Bridge To Close For A Year", "bridge_rust_2025", "Photo: Ann Lee/Gazette", BODY]
    )
    article = normalise(page)
    assert [(i.id, i.credit) for i in article.images] == [("bridge_rust_2025", "Ann Lee/Gazette")]
    assert article.paragraphs == (BODY,)


#: A BBC article copy's header, and an unlabelled lead photo: credit over caption (#3).
BBC_HEADER = [
    "Lifeboat crew rescue walkers cut off by tide near Tenby",
    "3 June 2025",
    "Share",
    "Save",
    "Gethin Morgan",
    "BBC News, Wales",
]
BARE_PHOTO = ["RNLI Tenby", "The walkers were lifted from the rocks below the cliffs at Lydstep"]
THIRD = (
    "Coastguard officers urged visitors to check the tide tables before walking around"
    " headlands, where the water comes in quickly."
)


def test_bbc_unlabelled_credit_over_caption_above_the_body_is_the_lead_photo() -> None:
    page = "\n\n".join([*BBC_HEADER, *BARE_PHOTO, BODY, SECOND, THIRD])
    article = normalise(page)
    assert article.profile == "bbc"
    assert [(i.caption, i.credit) for i in article.images] == [(BARE_PHOTO[1], BARE_PHOTO[0])]
    assert article.paragraphs == (BODY, SECOND, THIRD)
    reasons = {line.text: (line.role, line.rule) for line in segment(page).lines}
    assert reasons[BARE_PHOTO[0]] == ("credit", "structure:credit-above-caption")
    assert reasons[BARE_PHOTO[1]] == ("caption", "structure:caption-below-credit")


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([*BBC_HEADER, BODY, SECOND, *BARE_PHOTO, THIRD], id="inside-the-body"),
        pytest.param(
            [*BBC_HEADER, BARE_PHOTO[0], BARE_PHOTO[1] + ".", BODY, SECOND, THIRD],
            id="first-paragraph-ends-its-sentence",
        ),
        pytest.param(
            [*BBC_HEADER[:-1], "Coast Reporter", *BARE_PHOTO, BODY, SECOND, THIRD],
            id="not-a-bbc-page",
        ),
    ],
)
def test_a_name_over_an_unpunctuated_line_elsewhere_is_not_a_photo(lines: list[str]) -> None:
    page = "\n\n".join(lines)
    caption = lines[lines.index(BARE_PHOTO[0]) + 1]
    article = normalise(page)
    assert article.images == ()
    assert caption in article.paragraphs
    assert not {"credit", "caption"} & {line.role for line in segment(page).lines}


#: A BBC article's address: the profile applies whatever the desk line says.
BBC_URL = "https://www.bbc.co.uk/news/articles/c4ngw1dxe9po"


@pytest.mark.parametrize(
    "desk", ["BBC News, Wales", "BBC News, South West", "Political correspondent, BBC News"]
)
@pytest.mark.parametrize("url", [BBC_URL, None], ids=["by-url", "by-desk-line"])
def test_bbc_bare_name_over_a_desk_line_under_the_date_is_the_byline(
    desk: str, url: str | None
) -> None:
    # Without the address, the desk line itself tells a BBC copy.
    page = "\n\n".join([*BBC_HEADER[:-1], desk, *BARE_PHOTO, BODY, SECOND, THIRD])
    article = normalise(page, url=url)
    assert article.profile == "bbc"
    assert article.bylines == ("Gethin Morgan",)
    assert article.paragraphs == (BODY, SECOND, THIRD)
    assert article.images[0].credit == BARE_PHOTO[0]
    roles = {line.text: line.role for line in segment(page, url=url).lines}
    assert roles["Gethin Morgan"] == roles[desk] == "byline"


@pytest.mark.parametrize(
    ("lines", "profiles"),
    [
        # people.py reads "Gethin Morgan The Guardian" as a byline: the desk check says no.
        pytest.param(
            [*BBC_HEADER[:-1], "The Guardian", *BARE_PHOTO, BODY, SECOND, THIRD],
            True,
            id="another-publishers-desk",
        ),
        pytest.param([*BBC_HEADER, *BARE_PHOTO, BODY, SECOND, THIRD], False, id="no-profile"),
        pytest.param(
            [*BBC_HEADER[:-2], BODY, *BBC_HEADER[-2:], SECOND, THIRD], True, id="inside-the-body"
        ),
    ],
)
def test_a_name_over_a_desk_line_elsewhere_is_no_byline(lines: list[str], profiles: bool) -> None:
    page = "\n\n".join(lines)
    shipped = default_rules()
    rules = shipped if profiles else RuleSet(shipped.rules)
    article = normalise_text_capture(make_capture(page.encode(), url=BBC_URL), rules)
    assert article.profile == ("bbc" if profiles else None)
    assert article.bylines == ()
    assert "byline" not in {line.role for line in segment(page, rules, BBC_URL).lines}


def test_text_body_returns_headline_and_body_without_boilerplate() -> None:
    page = f"Sign in\nHarbour Bridge To Close For A Year\n{BODY}\nAdvertisement\n{SECOND}\n"
    assert text_body(page.encode()) == "\n\n".join(
        ["Harbour Bridge To Close For A Year", BODY, SECOND]
    )


def test_text_body_of_empty_input_is_empty() -> None:
    assert text_body(b"") == ""


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        (
            "Crews at work on Friday. (AP Photo/Evan Vucci)",
            "Crews at work on Friday.",
            "AP Photo/Evan Vucci",
        ),
        (
            "A canal outside Willcox.Credit...Daniel Okafor for The New York Times",
            "A canal outside Willcox.",
            "Daniel Okafor for The New York Times",
        ),
        ("Ein Schiff im Hafen. Foto: Jonas Brandt/dpa", "Ein Schiff im Hafen.", "Jonas Brandt/dpa"),
        (
            "Item 1 of 2 A man walks past. REUTERS/Ingrid Haugland"
            " Purchase Licensing Rights, opens new tab",
            "A man walks past.",
            "REUTERS/Ingrid Haugland",
        ),
        (
            "Des étudiants en gare de Braga. RUI ALVES TEIXEIRA / AFP",
            "Des étudiants en gare de Braga.",
            "RUI ALVES TEIXEIRA / AFP",
        ),
        (
            "Ciclistas en el nuevo carril, este viernes.Joan Ribera Casals",
            "Ciclistas en el nuevo carril, este viernes.",
            "Joan Ribera Casals",
        ),
        ("The harbour at dawn (see map)", "The harbour at dawn (see map)", None),
    ],
)
def test_split_caption_lifts_the_inline_credit(line: str, caption: str, credit: str | None) -> None:
    assert split_caption(line) == (caption, credit)


def test_reader_comments_end_the_article() -> None:
    comments = [
        "12 Comments",
        "Jane Roe says:",
        "I walked across that bridge every day for twenty years and never once thought it"
        " might fall, which is frightening when you think about it now.",
        "Reply",
        "Sam Poe says:",
        "The council should have acted years ago instead of waiting for the engineers.",
        "Reply",
    ]
    article = normalise("\n".join(["Harbour Bridge To Close For A Year", BODY, SECOND, *comments]))
    assert article.paragraphs == (BODY, SECOND)
    removed = {r.text: r.rule for r in article.removed}
    assert removed["Jane Roe says:"] == "comment-header"
    assert removed[comments[2]].startswith("classifier:")


def test_teasers_under_a_related_head_are_dropped() -> None:
    teasers = ["Related", "Ferry Fares Rise Again This Winter", "New Cycle Lane Opens On The Quay"]
    third = (
        "A temporary ferry will carry foot passengers across the harbour from next month,"
        " the council said, and buses will be diverted over the ring road bridge."
    )
    page = "\n".join(["Harbour Bridge To Close For A Year", BODY, *teasers, SECOND, third])
    article = normalise(page)
    assert article.paragraphs == (BODY, SECOND, third)
    removed = {r.text: r.rule for r in article.removed}
    assert removed["Related"] == "read-more"
    assert removed["Ferry Fares Rise Again This Winter"] == "classifier:in-article-teaser"


def test_prepare_builds_every_profile_matcher_up_front() -> None:
    from newsarchive.rules import default_rules
    from newsarchive.text import prepare
    from newsarchive.textrules import line_matcher

    rules = default_rules()
    prepare(rules)
    built = {profile.id: line_matcher(rules, profile) for profile in rules.profiles}
    prepare(rules)  # a second call builds nothing new
    assert all(line_matcher(rules, p) is built[p.id] for p in rules.profiles)


def test_every_month_name_dates_py_reads_makes_a_date_line() -> None:
    # The header reader screens lines with a month-prefix regex before dates.py reads
    # them; a name dates.py knows but the screen missed ("15. Maerz 2024") was read as a
    # bare name instead of the date.
    from newsarchive.dates import _MONTHS
    from newsarchive.textheader import line_facts
    from newsarchive.textlines import word_count

    missed = [
        line
        for name in _MONTHS
        for line in (f"15 {name} 2024", f"15. {name.title()} 2024", f"{name.upper()} 15, 2024")
        if line_facts(line, word_count(line))[0] != "date"
    ]
    assert missed == []


def test_a_german_date_line_in_accentless_spelling_dates_the_article() -> None:
    page = "\n".join(
        [
            "Hafenbrücke Wird Ein Jahr Lang Gesperrt",
            "Von Anna Berger",
            "15. Maerz 2024, 10:30 Uhr",
            "Die Hafenbrücke wird ab dem Sommer für ein ganzes Jahr gesperrt, weil die Stahlseile"
            " ersetzt werden müssen, wie die Stadtverwaltung am Freitag mitteilte.",
            "Pendler sollen in dieser Zeit auf die Fähre ausweichen, die dafür häufiger fahren"
            " wird als bisher, und auf die Umgehungsstraße im Norden der Stadt.",
        ]
    )
    article = normalise(page)
    assert article.published is not None
    assert article.published.startswith("2024-03-15")
    assert article.bylines == ("Anna Berger",)
