"""Text-capture line classifier: body vs boilerplate from each line's shape and neighbours.

Every line no rule claimed gets hand-set, documented features (length, sentence
punctuation, stop-word and link-word density, capitalisation, separators, repetition on
the page) combined into a class; neighbours then settle the uncertain lines and the
densest run of body lines is taken as the article (see the notes below).
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from itertools import compress, count, repeat
from typing import TYPE_CHECKING, TypeAlias, cast

from newsarchive import language

if TYPE_CHECKING:
    from newsarchive._linefeatures import LineFeatures

WORD = re.compile(r"\w+")
#: Punctuation that separates the words the classifier counts (as whitespace does).
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»„‚‹›—–…·•¿¡§©®°"
#: A word for the classifier: a run of anything but whitespace and ``_PUNCTUATION``.
_TOKEN = re.compile(f"[^\\s{re.escape(_PUNCTUATION)}]+")
TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
MENU_SEPARATOR = re.compile(r"\s[|•·›»>/]\s|\s[|•·›»]$|^[|•·›»]\s")
_SEPARATOR_CHAR = re.compile(r"[|•·›»>/]")
#: Sentence punctuation sits in the last few characters (a stop and closing quotes).
_TAIL = 6
#: A token's first character, whose case tells a capitalised word.
_FIRST_CHAR = operator.itemgetter(0)
#: Short words in menus, share bars and account prompts; their density marks navigation.
_LINK_WORDS = frozenset(
    """home news sport sports business tech technology science health politics opinion
    world us uk europe entertainment culture lifestyle travel video videos photos photo
    gallery galleries menu search login log sign subscribe register account share tweet
    email print comments comment facebook twitter linkedin pinterest reddit whatsapp
    instagram youtube rss more next previous prev back top contact about privacy terms
    help newsletter newsletters follow like reply reblog permalink tags topics archive
    archives blog blogs signup faq advertise careers jobs weather markets horoscope
    games podcasts podcast live watch listen""".split()  # noqa: SIM905 - a word list reads better as text
)
#: Lines of a page repeated this many times are navigation or widgets, not prose.
REPEAT_LIMIT = 2


# --------------------------------------------------------------------------- classifier
#
# The classifier has no learned weights. Its thresholds were set by hand, in the manner
# of jusText's (Pomikálek 2011) and the BTE body-text maximum (Finn et al. 2001), and
# checked against the fixture corpus (tests/data/captures) and the aggregate score on
# ../shared/corpora/extraction-dev; that set is AGPL and used for measuring only, so no
# weights derived from it ship with the package. In order:
#
# 1. context-free class per line (classify): BAD when repeated on the page, split by
#    menu separators or mostly link words; GOOD when long (25+ words) with stop words or a
#    12+ word sentence; NEAR for shorter prose; SHORT otherwise;
# 2. neighbours (settle): NEAR joins a GOOD neighbour, SHORT needs GOOD on both sides;
# 3. the article is the run of lines with the highest score (main_run), GOOD lines
#    scoring their word count and BAD lines a penalty of _BAD_PENALTY, so that a few menu
#    lines do not split an article while a teaser list far below does not join it;
# 4. list heads ("Related", "Most read") turn the short lines after them into teasers and
#    the first comment control after enough prose ends the article (comments_start).


#: Line classes before context: good (prose), near (probably prose), short, bad.
GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"
#: A line a rule already dropped: skipped when neighbours are consulted.
RULE = "rule"
#: Lines repeated on a page that are this long (in words) are still judged as prose.
_REPEATED_PROSE_WORDS = 30
#: A line's shape: its context-free class and reason, its number of classifier tokens
#: (which decides when a repeated line is still prose) and of ``\w+`` runs (its weight).
Shape = tuple[str, str, int, int]
#: What the page passes read of a distinct line: its :data:`Shape`, then the header
#: reader's facts (``textheader.line_facts``: byline/date kind, job-title flag). Worked out
#: once per line text and kept in one store (:data:`LINES`), so a page looks each line up
#: once.
LineRecord = tuple[str, str, int, int, str | None, bool]
#: What the page passes read of a line of the classifier's sequence: its class and reason
#: first. A free line's is its record; the page sets a pair for the others (rule-dropped,
#: repeated, teaser lines).
Classed = tuple[str, str] | LineRecord


def classify(text: str, repeated: bool) -> tuple[str, str]:
    """Class of a line and the reason (hand-set thresholds, see above).

    Prose is long, ends like a sentence and is dense in stop words; navigation is short,
    capitalised, link-worded, separated by bars or arrows, and often repeated on the page.
    Everything but the repetition depends on the line alone (see :func:`line_shape`).
    """
    found = line_shape(text)
    if repeated and found[2] < _REPEATED_PROSE_WORDS:
        return _REPEATED
    return found[0], found[1]


def page_classes(
    texts: Sequence[str],
    records: Mapping[str, LineRecord],
    counts: Mapping[str, int],
) -> list[Classed]:
    """:func:`classify` for each of a page's lines, repetition counted among the free ones.

    The free lines are those whose text is in ``counts``, which says how often the page
    has each free text (the caller has counted them already); they must be in
    ``records``. Any other line is one a rule dropped (rules match by text, so a text is
    free everywhere on a page or nowhere), and its entry is ``(RULE, "rule")``.

    A free line's entry is its record (class and reason first, see :data:`Classed`), or
    ``(BAD, "repeated")`` for a short line the page repeats: no pair is made per line, and
    the page's lines are looked up in one C-level map.
    """
    # As every free text is in ``records``, a table of as many texts holds just those
    # (the page's own table does): a copy of it, made in C, is the map the zip makes.
    by_text: dict[str, Classed] = (
        dict(records)
        if len(records) == len(counts)
        else dict(zip(counts, map(records.__getitem__, counts), strict=True))
    )
    for text in compress(counts, map(REPEAT_LIMIT.__le__, counts.values())):
        if records[text][2] < _REPEATED_PROSE_WORDS:
            by_text[text] = _REPEATED
    return list(map(by_text.get, texts, repeat(_RULE_DROPPED)))


#: The class and reason of a line a rule dropped, and of a short line the page repeats.
_RULE_DROPPED = (RULE, "rule")
_REPEATED = (BAD, "repeated")


def line_shape(text: str) -> Shape:
    """The context-free class, reason and token and word counts of a line."""
    return decide(line_measures(text))


def line_measures(text: str) -> Measures:
    """What the classifier (and the header reader's hints) measure of a line.

    The optional C extension (``newsarchive._linefeatures``) measures the line where it
    is built, at a fifth of the cost; Python measures it where it is not, and the few
    lines the extension hands back (a newline, U+0130 or U+03A3 in them). Either way
    :func:`decide` sets the class from the same measures (see :func:`line_features`).
    """
    measured = _measure_in_c(text)
    return _Measures(text) if measured is None else measured


def line_shapes(texts: list[str]) -> tuple[list[Shape], list[int]]:
    """:func:`decide` of :func:`line_measures` for each of ``texts``, and the hints of each
    line's measures, in one call: a page's new lines are shaped together.

    The C extension measures and decides them in one call where it is built (most lines
    end up in a few cheap steps, so the Python calls per line cost more than the
    measuring); Python measures and decides the lines it hands back, and every line where
    it is not built.
    """
    shaped: list[Shape | None]
    shaped, hints = _shape_in_c(texts)
    if None in shaped:
        for i in compress(count(), map(operator.not_, shaped)):
            measured = _Measures(texts[i])
            shaped[i], hints[i] = decide(measured), measured.hints
    # Every line C handed back was shaped just above.
    return cast(list[Shape], shaped), hints


def decide(found: Measures) -> Shape:
    """The class of a line from its measures: the classifier's thresholds.

    This is the definition: the C extension's ``shapes`` applies a compiled copy of it to
    a page's new lines (see :func:`line_shapes`), and the tests compare the two on every
    line they measure and at every threshold, so a threshold changed here and not there
    fails them. Measures are read in the order the thresholds consult them, each once,
    and only when one can still change the answer: most lines are short menu entries
    decided by their length, so Python measures little more of them (:class:`_Measures`
    is lazy).
    """
    words = found.words
    runs = found.runs
    n = words or 1
    separators = found.separators
    if separators >= 2 or (separators and words < 12):
        return BAD, "separators", words, runs
    if words < 15 and found.link_words / n >= 0.5:
        return BAD, "link-words", words, runs
    if words < 4:
        return SHORT, "short", words, runs
    stop_share = found.stop_words / n
    if words >= 25 and stop_share >= 0.2:
        return GOOD, "prose", words, runs
    terminal = found.terminal
    if words >= 12 and terminal and stop_share >= 0.15:
        return GOOD, "sentence", words, runs
    prose_like = words >= 7 and stop_share >= 0.25
    if not (prose_like or terminal):
        return SHORT, "short", words, runs
    # Near-prose only when not mostly capitalised words (a title or a list of names).
    if found.capitals / n >= 0.6:
        return SHORT, "short", words, runs
    return NEAR, ("short-prose" if prose_like else "short-sentence"), words, runs


#: A line's measures, in the order of :func:`line_features`.
Features = tuple[int, int, int, int, int, bool, int]
#: A line's measures, by name: the C extension's, or Python's where it measures the line.
Measures: TypeAlias = "_Measures | LineFeatures"

#: The header reader's hints (the ``hints`` of a line's measures): which of the patterns
#: of ``textheader.line_facts`` may find something in the line. Each is a necessary
#: condition of its pattern, which the C measure reads with the shape (of a short line;
#: a long one has them all), so that most lines are searched by none of the patterns; the
#: patterns still decide the lines that have the hint. The bits, as the C extension sets
#: them (the tests compare):
#: ``(?:19|20)\d\d`` is in the line (``dates.has_year``);
YEAR_HINT = 1
#: a comma has more than whitespace after it (``_AFTER_COMMA``);
COMMA_HINT = 2
#: the line opens with the two letters a byline word opens with (``_BYLINE_WORD``, and
#: ``BYLINE_START``, whose words are among them);
OPENING_HINT = 4
#: a ``\w`` run opens with the three letters a job title opens with (``_JOB_TITLE``),
JOB_HINT = 8
#: or a byline's job title (``_BYLINE_JOB``);
BYLINE_JOB_HINT = 16
#: a ``|`` is in the line.
BAR_HINT = 32
#: Every hint: what a line measured in Python has, so that every pattern searches it.
ALL_HINTS = YEAR_HINT | COMMA_HINT | OPENING_HINT | JOB_HINT | BYLINE_JOB_HINT | BAR_HINT


def line_features(text: str) -> Features:
    """What the classifier measures of a line, measured in Python: the reference that
    ``newsarchive._linefeatures.features`` must equal on every line it measures.

    In order: classifier tokens (runs of neither whitespace nor ``_PUNCTUATION``), ``\\w+``
    runs, :data:`MENU_SEPARATOR` matches, tokens (of the lower-cased line) that are link
    words, and stop words, whether :data:`TERMINAL` is in the last ``_TAIL`` characters,
    and tokens (of the line as it is) whose first character is upper case.
    """
    found = _Measures(text)
    return (
        found.words,
        found.runs,
        found.separators,
        found.link_words,
        found.stop_words,
        found.terminal,
        found.capitals,
    )


class _Measures:
    """A line's measures in Python, each worked out when it is read (see :func:`decide`).

    Tokens and runs are always needed, so they are attributes; the rest are properties,
    read at most once each by the decision. Python reads no hints: the header reader's
    patterns search every line it measures.
    """

    __slots__ = ("_lowered", "_text", "runs", "words")
    hints = ALL_HINTS

    def __init__(self, text: str) -> None:
        self._text = text
        # Lower-casing maps no letter to a separator (or back), so the words line up.
        self._lowered = _TOKEN.findall(text.lower())
        self.words = len(self._lowered)
        self.runs = _word_runs(text, self._lowered)

    @property
    def separators(self) -> int:
        """Menu separator matches; a line without a separator character has none."""
        text = self._text
        return len(MENU_SEPARATOR.findall(text)) if _SEPARATOR_CHAR.search(text) else 0

    @property
    def link_words(self) -> int:
        """Tokens of the lower-cased line that are link words."""
        return sum(map(_LINK_WORDS.__contains__, self._lowered))

    @property
    def stop_words(self) -> int:
        """Tokens of the lower-cased line that are stop words of any supported language."""
        return sum(map(all_stopwords().__contains__, self._lowered))

    @property
    def terminal(self) -> bool:
        """Whether the line ends like a sentence (:data:`TERMINAL` in its last characters)."""
        return TERMINAL.search(self._text[-_TAIL:]) is not None

    @property
    def capitals(self) -> int:
        """Tokens of the line as it is whose first character is upper case."""
        return sum(map(str.isupper, map(_FIRST_CHAR, _TOKEN.findall(self._text))))


#: One letter per class: the page passes read a page's classes as a string (one letter a
#: line), which C-level string and regex scans take whole.
LETTERS = {GOOD: "G", NEAR: "N", SHORT: "S", BAD: "B", RULE: "R"}
GOOD_LETTER = LETTERS[GOOD]
#: A line's class, of its (class, reason) pair.
_CLASS = operator.itemgetter(0)
#: A run of near, short and rule-dropped lines, and the good or bad line that ends it (none
#: at the page's end): a page is a sequence of such stretches.
_STRETCH = re.compile(r"([NSR]*)([GB]?)")
#: How a stretch settles, by its number of good neighbours (the lines ending the stretch
#: above and this one): near lines need one, short lines two; rule-dropped lines are bad.
_SETTLED_BY_GOOD = (
    str.maketrans("NSR", "BBB"),
    str.maketrans("NSR", "GBB"),
    str.maketrans("NSR", "GGB"),
)


def class_letters(first: Sequence[Classed]) -> str:
    """The classes of (class, reason) pairs as a string of :data:`LETTERS`."""
    return "".join(map(LETTERS.__getitem__, map(_CLASS, first)))


def settle(classes: str) -> str:
    """Give uncertain lines (near, short) the class their good/bad neighbours suggest.

    Short lines between prose are part of the article (subheadings, one-line quotes);
    near-prose next to prose is prose; anything stranded among boilerplate is boilerplate.

    ``classes`` are :data:`LETTERS`; the answer has ``G`` (good) or ``B`` (bad) for each.
    A line's neighbours are the nearest good or bad lines above and below it, across
    near, short and rule-dropped lines, so every line of a stretch between two such lines
    has the same neighbours: the page is read a stretch at a time (one regex scan), each
    stretch settled by one ``translate``, in time linear in the page's length.
    """
    settled: list[str] = []
    above = ""
    for stretch, below in _STRETCH.findall(classes):
        if stretch:
            good = (above == GOOD_LETTER) + (below == GOOD_LETTER)
            settled.append(stretch.translate(_SETTLED_BY_GOOD[good]))
        settled.append(below)
        above = below or above
    return "".join(settled)


def line_scores(
    texts: Sequence[str],
    settled: str,
    first: Sequence[Classed],
    records: Mapping[str, LineRecord],
) -> list[int]:
    """Each line's weight in the article run: words for prose, a penalty for boilerplate.

    Lines a rule dropped (reason ``rule``) weigh nothing, and so, nearly, do teasers under
    a "Related" head: such boxes sit inside articles, so they should not split one.
    Scores are made for as many lines as ``settled`` (letters, see :func:`settle`) has
    (the article may stop short); a good line's word count is read off its record.
    """
    penalty = _PENALTIES.get
    return [
        records[text][3] if cls == GOOD_LETTER else penalty(entry[1], -_BAD_PENALTY)
        for text, cls, entry in zip(texts, settled, first, strict=False)
    ]


def main_run(scores: Sequence[int]) -> tuple[int, int]:
    """The [start, end) run of lines with the highest total score (maximum subarray).

    Good lines score their word count, bad lines a fixed penalty: a long article
    survives a few stray menu lines, while a teaser list far away does not join it.
    """
    best = (0, 0)
    best_sum = 0
    start = 0
    running = 0
    for i, score in enumerate(scores):
        running += score
        if running < 0:
            running = 0
            start = i + 1
        elif running > best_sum:
            best_sum = running
            best = (start, i + 1)
    # A run that breaks even (prose, then as much boilerplate) goes on; it does not
    # start with lines that weigh nothing, though.
    first, end = best
    while first < end and scores[first] <= 0:
        first += 1
    return first, end


_BAD_PENALTY = 24
_TEASER_PENALTY = 14
#: Penalties other than ``_BAD_PENALTY``, by the reason a line was judged boilerplate.
_PENALTIES = {"rule": 0, "teaser": -_TEASER_PENALTY}


#: The record of each line text the page reader has seen, kept until the store is full,
#: when it starts afresh (menus, share bars and footers recur across a publisher's pages).
#: ``text.py`` fills it, as a record also holds the header reader's facts.
LINES: dict[str, LineRecord] = {}
#: Records kept in :data:`LINES` before it starts afresh.
LINES_KEPT = 50_000


def word_count(text: str) -> int:
    """The number of ``\\w+`` runs in ``text``, read off its record when it has one (the
    header reader weighs the lines of the page it is reading)."""
    found = LINES.get(text)
    return len(WORD.findall(text)) if found is None else found[3]


def _word_runs(text: str, tokens: list[str]) -> int:
    """The number of ``\\w+`` runs in a line, read off its classifier ``tokens`` when they give it.

    When every token is alphanumeric and the line has no ``_`` (the one word character
    that is also a separator), each token is exactly one ``\\w+`` run, so the line need
    not be scanned again (on a short line the test takes a quarter of the time of a
    ``\\w+`` scan). A printable ASCII line needs no look at its tokens: its only
    characters that are neither spaces nor letters and digits are ASCII punctuation, all
    of them separators.
    """
    plain = text.isascii() and text.isprintable()
    if "_" not in text and (plain or "".join(tokens).isalnum()):
        return len(tokens)
    return len(WORD.findall(text))


#: Body words needed before a comments marker for it to end the article.
_COMMENTS_AFTER_WORDS = 50


def comments_start(
    heads: Sequence[tuple[int, str]],
    classes: str,
    settled: str,
    texts: Sequence[str],
    records: Mapping[str, LineRecord],
) -> int:
    """Index (into ``texts``, the texts of the classifier's sequence) where the reader
    comments begin, or ``len(texts)``.

    Comments read like prose, so the classifier alone would keep them; the first
    comments control (a "Comments" head, "Reply", "X says:") after some prose ends the
    article instead. Only prose lines count here (not teaser links), so a "56 comments"
    link above the article and its sidebar heads nothing. A short post under a long
    thread needs less text before the first control, as long as more controls follow
    it closely.

    ``heads`` are the sequence's list heads (see :func:`list_heads`), ``classes`` and
    ``settled`` letters (see :func:`settle`). The words above each control are added up
    from one control to the next (a control is a rule-dropped line, never counted
    itself), by a C-level sum over the good lines of the stretch, which are free lines
    with records.
    """
    markers = [k for k, kind in heads if kind == "comments"]
    prose = kept = last = 0
    for done, k in enumerate(markers, 1):
        prose += _good_words(classes, texts, records, last, k)
        kept += _good_words(settled, texts, records, last, k)
        last = k
        thread = len(markers) - done >= _THREAD_MARKERS and markers[done] - k <= _THREAD_GAP
        if prose >= _COMMENTS_AFTER_WORDS or (thread and kept >= _SHORT_POST_WORDS):
            return k
    return len(texts)


def list_heads(seq: Sequence[int], kinds: Sequence[str | None]) -> list[tuple[int, str]]:
    """The lines of ``seq`` (ascending line numbers) whose rule kind heads a list of links
    (:data:`_LIST_HEADS`), as (index into ``seq``, kind), in order.

    Few lines have a kind at all: a C-level scan of the page's kinds finds them, and each
    is placed in ``seq`` by bisection.
    """
    found = []
    for i in compress(count(), kinds):
        kind = kinds[i]
        if kind in _LIST_HEADS:
            k = bisect_left(seq, i)
            if k < len(seq) and seq[k] == i:
                found.append((k, kind))
    return found


def _good_words(
    letters: str, texts: Sequence[str], records: Mapping[str, LineRecord], lo: int, hi: int
) -> int:
    """The words of the good lines (by ``letters``) among ``texts[lo:hi]``."""
    good = compress(texts[lo:hi], map(GOOD_LETTER.__eq__, letters[lo:hi]))
    return sum(map(_WORDS, map(records.__getitem__, good)))


#: A record's number of ``\w+`` runs (its weight as prose).
_WORDS = operator.itemgetter(3)


#: Comment controls after the first one that make a comment thread certain, and the most
#: lines between the first two (a thread is dense with them; a "717 Comments" link is not).
_THREAD_MARKERS = 3
_THREAD_GAP = 4
#: Body words a post under a certain comment thread needs.
_SHORT_POST_WORDS = 8


#: Rule kinds that head a list of links to other stories.
_LIST_HEADS = frozenset({"related", "comments"})
#: "Related: <title>", "Lire aussi | <title>": a head and its one link on the same line.
_INLINE_LINK = re.compile(r"[:|]\s*\S")


def mark_teasers(
    free: Sequence[bool],
    first: list[Classed],
    heads: Sequence[tuple[int, str]],
    texts: Sequence[str],
    letters: str,
) -> str:
    """Lines after a "Read more" / "Related" head are teasers until prose resumes.

    Only once the article has begun: a "Read more" among the menus above it heads nothing.
    Marks them in ``first`` and returns ``letters`` (of ``first``, see :func:`settle`)
    with the teasers bad. ``heads`` are the list heads of the sequence (see
    :func:`list_heads`) and ``texts`` its texts.

    A list runs from its head to the next good line, so only the heads are looked at in
    Python (a few lines of a page, if any), and a list's end is found by string search.
    """
    prose = letters.find(GOOD_LETTER)
    if prose < 0 or not heads:
        return letters
    done = prose  # lines above this are before the article or in a list already marked
    for head, _ in heads:
        # A head is a label ("Related", "Read more about X"); "Related: <title>" is a link.
        if head < done or free[head] or _INLINE_LINK.search(texts[head].rstrip(": ")):
            continue
        done = letters.find(GOOD_LETTER, head + 1)
        if done < 0:
            done = len(letters)
        for k in compress(range(head + 1, done), free[head + 1 : done]):
            first[k] = _TEASER
        # No good line is in the list, and a rule-dropped one (R) stays as it is.
        teasers = letters[head + 1 : done].translate(_TO_TEASERS)
        letters = letters[: head + 1] + teasers + letters[done:]
    return letters


#: The class and reason of a teaser, and its letter in place of a near or short line's.
_TEASER = (BAD, "teaser")
_TO_TEASERS = str.maketrans(LETTERS[NEAR] + LETTERS[SHORT], LETTERS[BAD] * 2)


_STOPWORDS: list[frozenset[str]] = []


def all_stopwords() -> frozenset[str]:
    """Stop words of every supported language: the classifier runs before detection."""
    if not _STOPWORDS:
        codes = ("en", "fr", "de", "it", "es")
        _STOPWORDS.append(frozenset().union(*(language.stopwords(c) for c in codes)))
    return _STOPWORDS[0]


def _not_measured(text: str) -> None:
    """Stands in for the C extension where it is not built: Python measures every line."""


def _not_shaped(texts: list[str]) -> tuple[list[Shape | None], list[int]]:
    """Stands in for the C extension where it is not built: Python shapes every line."""
    return [None] * len(texts), [ALL_HINTS] * len(texts)


_measure_in_c: Callable[[str], LineFeatures | None]
_shape_in_c: Callable[[list[str]], tuple[list[Shape | None], list[int]]]
try:
    from newsarchive._linefeatures import configure, features, shapes
except ImportError:  # built only where a C compiler was at install time
    _measure_in_c = _not_measured
    _shape_in_c = _not_shaped
else:
    # The C code looks tokens up in its own table of these words, so the data stays here;
    # it spells out MENU_SEPARATOR and TERMINAL (with _TAIL) itself, and the tests compare.
    configure(all_stopwords(), _LINK_WORDS, _PUNCTUATION)
    _measure_in_c = features
    _shape_in_c = shapes
