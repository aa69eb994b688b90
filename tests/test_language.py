"""Tests for newsarchive.language: identification, stop words, stemmer names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.language import detect_language, stemming_language, stopwords

# Short news paragraphs written for these tests (the benchmark has more).
PARAGRAPHS = {
    "en": "The minister told reporters that talks with the unions would resume on Monday. "
    "It is not yet clear how many people were on board when the boat capsized.",
    "fr": "Le ministre a indiqué aux journalistes que les discussions reprendraient lundi. "
    "On ignore encore combien de personnes se trouvaient à bord.",
    "de": "Der Minister sagte, die Gespräche mit den Gewerkschaften würden am Montag "
    "fortgesetzt. Wie viele Menschen an Bord waren, ist noch unklar.",
    "it": "Il ministro ha detto ai giornalisti che il confronto con i sindacati riprenderà "
    "lunedì. Non è ancora chiaro quante persone fossero a bordo.",
    "es": "El ministro dijo a los periodistas que las conversaciones con los sindicatos se "
    "reanudarán el lunes. Todavía no está claro cuántas personas iban a bordo.",
    "pt": "O ministro disse aos jornalistas que as negociações com os sindicatos serão "
    "retomadas na segunda-feira. Ainda não está claro quantas pessoas estavam a bordo.",
    "nl": "De minister zei tegen journalisten dat het overleg met de vakbonden maandag "
    "wordt hervat. Het is nog niet duidelijk hoeveel mensen aan boord waren.",
}


@pytest.mark.parametrize(("code", "text"), PARAGRAPHS.items())
def test_detects_paragraph_language(code: str, text: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    ("code", "headline"),
    [
        ("en", "Storm leaves thousands without power"),
        ("fr", "Le musée rouvre après deux ans de travaux"),
        ("de", "Gericht kippt das neue Steuergesetz"),
        ("it", "L'inflazione scende più del previsto"),
        ("es", "La tormenta deja sin luz a miles de hogares"),
    ],
)
def test_detects_headline_language(code: str, headline: str) -> None:
    assert detect_language(headline) == code


@pytest.mark.parametrize("text", ["", "Hi", "12 34 56", "Read more", "— · —"])
def test_too_little_text_gives_none(text: str) -> None:
    assert detect_language(text) is None


# No deadline: the first fallback imports py3langid, which takes about a second.
@settings(deadline=None)
@given(st.text(max_size=300))
def test_detect_never_crashes(text: str) -> None:
    code = detect_language(text)
    assert code is None or (isinstance(code, str) and code)


@pytest.mark.parametrize("code", ["en", "fr", "de", "it", "es"])
def test_stopwords_cover_the_commonest_words(code: str) -> None:
    words = stopwords(code)
    text = PARAGRAPHS[code].lower().replace(".", " ").replace(",", " ")
    tokens = text.split()
    share = sum(t in words for t in tokens) / len(tokens)
    assert share > 0.3
    assert all(w == w.lower() and " " not in w for w in words)


def test_stopwords_accept_region_codes_and_know_only_five_languages() -> None:
    assert stopwords("en-GB") == stopwords("en")
    assert "the" in stopwords("EN")
    assert stopwords("pt") == frozenset()
    assert stopwords("xx") == frozenset()


@pytest.mark.parametrize(
    ("language", "stemmer"),
    [
        ("en", "en"),
        ("fr-FR", "fr"),
        ("de_AT", "de"),
        ("it", "it"),
        ("es", "es"),
        ("pt", "pt"),
        ("nb", "no"),
        ("ja", None),
        ("", None),
        (None, None),
    ],
)
def test_stemming_language(language: str | None, stemmer: str | None) -> None:
    assert stemming_language(language) == stemmer
