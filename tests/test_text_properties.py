"""Properties of the text normaliser that must hold for any input (hypothesis)."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from newsarchive.encoding import clean_text
from newsarchive.errors import NormaliseError
from newsarchive.models import TEXT, Article, Capture
from newsarchive.rules import default_rules
from newsarchive.text import ROLES, article_from_segmentation, render_text, segment

#: Printable text with line breaks; control characters other than these make a capture
#: binary, which is a CaptureError by design (tested in test_text.py), not a crash.
ANY_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\r\t\u00a0\u200b"
    ),
    max_size=600,
)
WORDS = (  # noqa: SIM905 - prose reads better than a list of 44 strings
    "the council said on Tuesday that its plan would cut costs for residents and traders"
    " while officials in Rome warned that the new rules could take years to work"
    " il governo ha detto che le nuove regole per la città saranno pronte entro marzo"
).split()
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=8, max_size=30, unique=True).map(
    lambda words: " ".join(words).capitalize() + "."
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
TITLE = st.lists(st.sampled_from(WORDS), min_size=4, max_size=12, unique=True).map(
    lambda words: " ".join(w.capitalize() for w in words)
)
BOILERPLATE = st.sampled_from(
    [
        "ADVERTISEMENT",
        "Share this article",
        "Sign up for our daily newsletter",
        "Read more",
        "© 2025 Harbour Gazette Ltd. All rights reserved.",
        "Skip to main content",
        "Home | News | Sport",
        "Photo: Ann Lee/Gazette",
        "bridge_rust_2025",
    ]
)


@st.composite
def article_pages(draw: st.DrawFn) -> str:
    """Page text: maybe a menu, a headline, paragraphs with boilerplate between them."""
    lines: list[str] = draw(st.lists(BOILERPLATE, max_size=3))
    lines.append(draw(TITLE))
    for paragraph in draw(st.lists(PARAGRAPH, min_size=2, max_size=7, unique=True)):
        lines.append(paragraph)
        if draw(st.booleans()):
            lines.append(draw(BOILERPLATE))
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
    return separator.join(lines)


def normalise(text: str) -> Article:
    from newsarchive.text import normalise_text_capture

    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    capture = Capture(data, TEXT, "prop.txt", digest, digest[:20])
    return normalise_text_capture(capture, default_rules())


def content(article: Article) -> Article:
    """The article without what a rendering does not carry (ids, removals, publisher cues)."""
    return article.evolve(id=None, removed=(), source=None, profile=None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_never_crashes_on_any_text(text: str) -> None:
    try:
        article = normalise(text)
    except NormaliseError as exc:
        message = str(exc)
    else:
        message = "prop.txt: article"
        assert article.blocks
    assert message.startswith("prop.txt: ")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ANY_TEXT, article_pages()))
def test_removed_and_kept_lines_account_for_the_whole_input(text: str) -> None:
    cleaned = clean_text(text)
    seg = segment(cleaned, default_rules())
    expected = [(n, s) for n, line in enumerate(cleaned.split("\n"), 1) if (s := line.strip())]
    assert [(line.number, line.text) for line in seg.lines] == expected
    assert all(line.role in ROLES for line in seg.lines)
    assert all(line.rule for line in seg.lines if line.role == "removed")
    article = article_from_segmentation(seg)
    removed = [(r.line, r.text) for r in article.removed]
    assert removed == [(line.number, line.text) for line in seg.with_role("removed")]
    assert article.paragraphs == tuple(line.text for line in seg.with_role("body"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_pages())
def test_normalising_the_rendered_article_again_changes_nothing(text: str) -> None:
    try:
        first = normalise(text)
    except NormaliseError:
        reject()  # a page of nothing but boilerplate has no article to render
    again = normalise(render_text(first))
    assert content(again) == content(first)


@given(st.lists(st.sampled_from(["good", "near", "short", "bad", "rule"]), max_size=30))
def test_settle_follows_the_nearest_good_or_bad_neighbours(classes: list[str]) -> None:
    from newsarchive.textlines import LETTERS, settle

    def neighbour(i: int, step: int) -> str | None:
        j = i + step
        while 0 <= j < len(classes) and classes[j] not in ("good", "bad"):
            j += step
        return classes[j] if 0 <= j < len(classes) else None

    expected = []
    for i, cls in enumerate(classes):
        good_sides = [neighbour(i, -1) == "good", neighbour(i, 1) == "good"]
        if cls == "near":
            expected.append("good" if any(good_sides) else "bad")
        elif cls in ("short", "rule"):
            expected.append("good" if cls == "short" and all(good_sides) else "bad")
        else:
            expected.append(cls)
    letters = "".join(LETTERS[cls] for cls in classes)
    assert settle(letters) == "".join(LETTERS[cls] for cls in expected)


@given(
    st.one_of(ANY_TEXT, PARAGRAPH),
    st.sampled_from(["", " écrit", " İstanbul", " snake_case", " €5 ½"]),
)
def test_word_counts_read_off_the_classifier_tokens_are_exact(text: str, tail: str) -> None:
    from newsarchive.textlines import WORD, line_shape

    line = text.replace("\n", " ").strip() + tail
    assert line_shape(line)[3] == len(WORD.findall(line))
