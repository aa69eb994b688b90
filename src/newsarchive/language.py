"""Detect the language of a capture, and name its stop words and stemmer.

The extractor needs the language twice: the page's stop-word density is a body-text
feature, and the search index stems each record with its own language's stemmer.

How the language is identified, and why. ``benchmarks/language.py`` runs three methods over
texts written for the project (``benchmarks/language_samples.py``): 120 news sentences, 30
headlines and 40 three-sentence paragraphs in en/fr/de/it/es, plus 16 Portuguese and Dutch
sentences as out-of-set controls, and five ~1,900-character articles. Measured on the
project machine (2 shared cores, best of three runs):

============  =========  =========  ==========  =========  ================  ==============
method        sentences  headlines  paragraphs  pt/nl      short calls/s     article calls/s
============  =========  =========  ==========  =========  ================  ==============
stop words    90%        50%        98%         100% [1]   ~55,000           ~8,000
py3langid     100%       100%       100%        100%       ~7,000-11,000     ~550-700
combined      100%       100%       100%        100%       ~12,000-24,000    ~5,000-13,000
============  =========  =========  ==========  =========  ================  ==============

[1] the stop-word method abstains on them (counted right), it never calls them es/it/de.
Accuracy counts wrong answers and abstentions as misses, except [1].

The stop-word method is never wrong on these samples but abstains when a text is short or
its counts are close; py3langid is always right but costs ~1.5 ms per article, which alone
would eat the whole per-capture budget at 1,000 captures/s, and 0.7-1.6 s to import. So
:func:`detect_language` counts stop words first (one dict lookup per word over the first
1,000 characters) and asks py3langid, imported lazily, only when no language clearly leads:
short texts, other languages, mixed pages. Portuguese and Dutch function-word lists serve as
guards, because Portuguese text otherwise reads as Spanish and Dutch as German.
"""

from __future__ import annotations

import re

__all__ = ["detect_language", "stemming_language", "stopwords"]


def _words(text: str) -> frozenset[str]:
    """A word set written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(text.split())


# Function words written for this project: articles, pronouns, prepositions, conjunctions,
# auxiliaries and the commonest adverbs of each language, the words that make up about half
# of any running text and carry no topic, so they both identify the language and are what a
# search index should ignore.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """
        a about above after again against all also am an and any are aren't as at be because
        been before being below between both but by can could did didn't do does doesn't doing
        don't down during each few for from further had has hasn't have haven't having he her
        here hers herself him himself his how i if in into is isn't it it's its itself just
        me more most my myself no nor not now of off on once only or other our ours ourselves
        out over own same she should so some such than that the their theirs them themselves
        then there these they this those through to too under until up very was wasn't we
        were weren't what when where which while who whom why will with would you your yours
        yourself yourselves said says also would been however since
        """
    ),
    "fr": _words(
        """
        a à ai aie aient ait alors as au aucun aussi autre aux avec avait avant avez avoir
        avons ayant c ça car ce ceci cela celle celles celui ces cet cette ceux chaque comme
        comment d dans de depuis des donc dont du elle elles en encore entre es est et étaient
        était été être eu eux fait faut il ils j je jusqu l la le les leur leurs lui m ma mais
        me même mes moi mon n ne ni nos notre nous on ont ou où par parce pas pendant peu peut
        plus pour pourquoi qu quand que quel quelle quels qui s sa sans se selon ses si son sont
        sous sur ta te tes toi ton tous tout toute toutes très tu un une vers vos votre vous y
        déjà été aussi après avant ainsi cependant lors
        """
    ),
    "de": _words(
        """
        aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim
        bin bis bist da dabei damit dann das dass dem den denn der des dessen die dies diese
        diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es
        etwa euch euer für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich
        ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist jede jedem jeden jeder
        jedoch jetzt kann kein keine keinen können könnte machen man mehr mein meine mit muss
        nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine seinem seinen seiner
        sich sie sind so soll sollen sondern sowie über um und uns unser unter vom von vor
        war waren warum was weil welche welchem welchen welcher wenn wer werde werden wie
        wieder will wir wird wo wollen worden wurde wurden zu zum zur zwar zwischen
        """
    ),
    "it": _words(
        """
        a ad agli ai al alla alle allo anche ancora avere aveva avevano c che chi ci come con
        contro cosa da dal dalla dalle dagli dai degli dei del della delle dello di dopo dove
        è e ed essere era erano fa fare fino fra gli ha hanno ho i il in io l la le lei loro
        lo lui ma mi mia mio molto ne negli nei nel nella nelle nello noi non nostra nostro o
        ogni per perché più poi può qua qual quale quando quanto quella quelle quelli quello
        questa queste questi questo qui se sei si sia siamo sono sta stata stati stato su sua
        sue sui sul sulla sulle suo suoi tra tu tutti tutto un una uno vi voi anche però dello
        cui già essere stato secondo
        """
    ),
    "es": _words(
        """
        a al algo algunos ante antes como con contra cual cuando de del desde donde durante e
        el él ella ellas ellos en entre era eran es esa esas ese eso esos esta está están
        estas este esto estos fue fueron ha han hasta hay la las le les lo los más me mi
        mientras muy nada ni no nos nosotros o os otra otras otro otros para pero poco por
        porque que qué quien se sea según ser si sí sido sin sobre son su sus también tan
        tanto te tiene tienen todo todos tu un una unas uno unos y ya yo había sido ser
        aunque además cuando
        """
    ),
}
_EMPTY: frozenset[str] = frozenset()
#: Function words of neighbouring languages, only to notice text that is *not* one of the
#: five: Portuguese shares most short words with Spanish and Italian, Dutch with German.
#: When one of these wins, py3langid decides.
_GUARDS: dict[str, frozenset[str]] = {
    "pt": _words(
        """
        o os a as um uma uns umas de e do dos da das no nos na nas ao aos à às pelo pela pelos pelas
        em com para por que não é são foi foram está estão era mais muito também seu sua seus
        suas ele ela eles elas isso isto este esta esse essa quando depois como mas ou já há
        ainda sobre entre até sem segundo num numa
        """
    ),
    "nl": _words(
        """
        de het een en van in is dat op te zijn met voor niet aan er om ook als bij door maar
        naar dan wordt werd heeft hebben was waren deze dit die nog al over uit tot kan zal
        zou hun haar hij zij ze we wij ik je u men wel geen meer veel nu toen omdat want
        """
    ),
}
#: Each stop word mapped to the languages it belongs to: one dict lookup per token.
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _code, _list in (_STOPWORDS | _GUARDS).items():
    for _word in _list:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _code)

#: Languages that the Snowball stemmers of the search index cover (ISO 639-1).
_STEMMERS = frozenset(
    {"ar", "da", "nl", "en", "fi", "fr", "de", "hu", "it", "no", "pt", "ro", "ru", "es", "sv", "tr"}
)
_ALIASES = {"nb": "no", "nn": "no"}

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: Below this many words the text is too short to call.
_MIN_WORDS = 4
#: The winning language must hold this share of the words that are stop words...
_MIN_SHARE = 0.12
#: ...and beat the runner-up by this factor, else py3langid decides.
_MIN_MARGIN = 1.5
#: Only the start of a long text is read: a page's language is settled within a few hundred
#: words, and reading less keeps detection cheap.
_MAX_CHARS = 1000


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of the language of ``text``, or ``None`` if too short.

    Stop-word counts decide between en, fr, de, it and es when one language clearly leads;
    otherwise (another language, or mixed text) py3langid is asked.

    Args:
        text: running text, ideally a paragraph or more.
    """
    sample = text[:_MAX_CHARS]
    tokens = _TOKEN.findall(sample.casefold().replace("’", "'"))
    if len(tokens) < _MIN_WORDS:
        return None
    guess = _by_stopwords(tokens)
    if guess is not None:
        return guess
    return _by_langid(sample)


def stopwords(language: str) -> frozenset[str]:
    """The stop words of ``language`` (en, fr, de, it, es); an empty set for other languages."""
    return _STOPWORDS.get(_base(language), _EMPTY)


def stemming_language(language: str | None) -> str | None:
    """The stemmer language (ISO 639-1, as whoosh's ``LanguageAnalyzer`` takes it) for a
    record's language, or ``None`` when no stemmer covers it."""
    if not language:
        return None
    code = _base(language)
    code = _ALIASES.get(code, code)
    return code if code in _STEMMERS else None


def _base(language: str) -> str:
    """``en-GB`` / ``fr_FR`` / ``DE`` -> ``en`` / ``fr`` / ``de``."""
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def _by_stopwords(tokens: list[str]) -> str | None:
    """The language whose stop words clearly dominate ``tokens``, if any."""
    counts = dict.fromkeys((*_STOPWORDS, *_GUARDS), 0)
    for token in tokens:
        for code in _LANGUAGES_OF.get(token, ()):
            counts[code] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < _MIN_SHARE * len(tokens) or top < 2:
        return None
    if top < _MIN_MARGIN * second or best in _GUARDS:
        return None
    return best


def _by_langid(text: str) -> str | None:
    """py3langid's guess; imported on first use, since loading its model takes about a second."""
    import py3langid

    code, _score = py3langid.classify(text)
    return str(code) if code else None
