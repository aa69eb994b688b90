/*
 * newsarchive._linefeatures: the shape features of a text line, measured in C.
 *
 * newsarchive.textlines classifies each distinct line of a text capture from a few
 * counts: its classifier tokens, \w+ runs, menu separators, link words, stop words,
 * sentence ending and capitalised tokens. Measuring them with regular expressions and
 * Python sets was the largest cost of reading a page, so this module measures them in
 * one pass over the line's code points, creating no object per token. It only measures:
 * the thresholds stay in Python (textlines._decide), and textlines.line_features is the
 * Python reference these counts are tested against.
 *
 * The word lists and the punctuation that separates tokens are Python data, handed over
 * once by configure(). The two regular expressions this module mirrors, MENU_SEPARATOR
 * and TERMINAL (with its tail of _TAIL characters), are spelled out below.
 *
 * features() returns None, and Python measures the line instead, when it contains a
 * code point whose handling a code-point-at-a-time scan does not model:
 *   - U+0130 (capital I with dot above), whose lower case is two code points, and
 *     U+03A3 (capital sigma), whose lower case depends on its neighbours (final sigma).
 *     Every other code point lower-cases, in str.lower(), to the one code point that
 *     Py_UNICODE_TOLOWER gives (checked over all of Unicode), and no code point changes
 *     between separator and token character when lower-cased;
 *   - "\n", since "$" in a pattern also matches just before a final newline.
 *
 * Beside the counts, a line's hints (LineFeatures.hints, not part of the tuple) tell the
 * header reader (textheader.line_facts) which of its patterns may find something in the
 * line: each hint is a necessary condition of its pattern, so a line without it is not
 * searched, and a line with it is (the patterns decide). They are read in a second pass,
 * over the short lines only (the header reader reads no long one): a long line, and a line
 * Python measures, has every hint (textlines.ALL_HINTS).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ character classes */

/* What the scan needs to know of a code point. */
enum {
    SPACE = 1,        /* \s in re: Py_UNICODE_ISSPACE */
    PUNCTUATION = 2,  /* one of the configured punctuation (separates tokens like \s) */
    WORD_CHAR = 4,    /* \w in re: Py_UNICODE_ISALNUM or "_" */
    UPPER = 8,        /* str.isupper() of the code point alone: Py_UNICODE_ISUPPER */
    MENU_BAR = 16,    /* splits a menu between spaces (MENU_SEPARATOR): | • · › » > / */
    EDGE_BAR = 32,    /* also splits one at a line's edge: | • · › » (not > /) */
    HANDED_BACK = 64, /* a line holding it is measured in Python (see the notes above) */
};
#define SEPARATES (SPACE | PUNCTUATION)

/* Classes and lower case of the first 256 code points, looked up rather than computed
 * since most lines are made of them. The PUNCTUATION bits are set by configure(). */
static unsigned char latin1_classes[256];
static Py_UCS4 latin1_lower[256];

/* The hint bits (textlines.*_HINT, which the tests compare with the module's constants). */
enum {
    YEAR_HINT = 1,        /* (?:19|20)\d\d: dates.has_year */
    COMMA_HINT = 2,       /* ,\s*\S: a comma with more than whitespace after it */
    OPENING_HINT = 4,     /* the line opens with two letters a byline word opens with */
    JOB_HINT = 8,         /* a \w run opens with three letters a job title opens with */
    BYLINE_JOB_HINT = 16, /* ... that a byline's job title (a subset) opens with */
    BAR_HINT = 32,        /* a "|" */
};

/* What the case-insensitive patterns of the header reader read as an ASCII letter: its
 * index (0 for a), or -1. Besides the letters in both cases, re's IGNORECASE matches
 * U+0130 and U+0131 to i, U+017F to s and U+212A to k (checked over all of Unicode). */
static inline int
folded_letter(Py_UCS4 c)
{
    if (c < 128) {
        Py_UCS4 lower = c | 0x20;
        return lower >= 'a' && lower <= 'z' ? (int)(lower - 'a') : -1;
    }
    switch (c) {
    case 0x130:
    case 0x131:
        return 'i' - 'a';
    case 0x17F:
        return 's' - 'a';
    case 0x212A:
        return 'k' - 'a';
    default:
        return -1;
    }
}

/* The first three letters of textheader._JOB_TITLE's words (the first fourteen are those
 * of its _BYLINE_JOB), and the first two of _BYLINE_WORD's: the tests check every word
 * of the patterns against them. */
static const char *const job_openings[] = {
    "cor", "col", "con", "cri", "rep", "red", "edi", "wri", "jou", "pro", "ana", "kor",
    "gio", "per", "sta", "chi", "env", "inv",
};
#define BYLINE_JOB_OPENINGS 14
static const char *const byline_word_openings[] = {
    "by", "vo", "pa", "di", "po", "de", "do", "av", "te",
};
/* The hints of each three-letter opening, and whether each two-letter one opens a line
 * like a byline word, by folded_letter indices. */
static unsigned char job_hints[26][26][26];
static unsigned char byline_word_opening[26][26];

/* Configured punctuation at or above U+0100, searched one by one (there are a dozen). */
static Py_UCS4 *wide_punctuation;
static Py_ssize_t wide_punctuation_count;

/* The classes of c, except UPPER above U+00FF, which only a token's first code point
 * needs (see is_upper). */
static inline unsigned int
classes_of(Py_UCS4 c)
{
    if (c < 256) {
        return latin1_classes[c];
    }
    if (c == 0x130 || c == 0x3A3) {
        return HANDED_BACK;
    }
    unsigned int found = 0;
    if (Py_UNICODE_ISSPACE(c)) {
        found |= SPACE;
    }
    for (Py_ssize_t i = 0; i < wide_punctuation_count; i++) {
        if (wide_punctuation[i] == c) {
            found |= PUNCTUATION;
            break;
        }
    }
    if (Py_UNICODE_ISALNUM(c)) { /* "_", the other \w character, is below 256 */
        found |= WORD_CHAR;
    }
    if (c == 0x2022 || c == 0x203A) { /* • › */
        found |= MENU_BAR | EDGE_BAR;
    }
    return found;
}

static inline int
is_upper(Py_UCS4 c)
{
    return c < 256 ? (latin1_classes[c] & UPPER) != 0 : Py_UNICODE_ISUPPER(c);
}

static inline Py_UCS4
to_lower(Py_UCS4 c)
{
    return c < 256 ? latin1_lower[c] : Py_UNICODE_TOLOWER(c);
}

/* Fill the tables of the openings the hints look for. */
static void
init_opening_tables(void)
{
    for (size_t i = 0; i < sizeof(job_openings) / sizeof(*job_openings); i++) {
        const char *w = job_openings[i];
        job_hints[w[0] - 'a'][w[1] - 'a'][w[2] - 'a'] =
            JOB_HINT | (i < BYLINE_JOB_OPENINGS ? BYLINE_JOB_HINT : 0);
    }
    for (size_t i = 0; i < sizeof(byline_word_openings) / sizeof(*byline_word_openings); i++) {
        const char *w = byline_word_openings[i];
        byline_word_opening[w[0] - 'a'][w[1] - 'a'] = 1;
    }
}

/* Fill the tables of the first 256 code points, all but their PUNCTUATION bits. */
static void
init_latin1_tables(void)
{
    for (Py_UCS4 c = 0; c < 256; c++) {
        unsigned char found = 0;
        if (Py_UNICODE_ISSPACE(c)) {
            found |= SPACE;
        }
        if (Py_UNICODE_ISALNUM(c) || c == '_') {
            found |= WORD_CHAR;
        }
        if (Py_UNICODE_ISUPPER(c)) {
            found |= UPPER;
        }
        if (c == '|' || c == 0xB7 || c == 0xBB) { /* | · » */
            found |= MENU_BAR | EDGE_BAR;
        }
        if (c == '>' || c == '/') {
            found |= MENU_BAR;
        }
        if (c == '\n') {
            found |= HANDED_BACK;
        }
        latin1_classes[c] = found;
        latin1_lower[c] = Py_UNICODE_TOLOWER(c);
    }
}

/* ------------------------------------------------------------------------ word table */

/* The kinds of a configured word (a word may be both). */
enum { STOP_WORD = 1, LINK_WORD = 2 };

/* One slot of an open-addressing hash table of the configured words, keyed by their code
 * points; a slot with length 0 is empty (the empty word is never stored). */
typedef struct {
    uint64_t hash;
    Py_ssize_t start;  /* offset of the word's code points in word_pool */
    Py_ssize_t length; /* in code points */
    unsigned int kinds;
} WordSlot;

static WordSlot *word_slots;
static size_t word_mask; /* slot count - 1, the slot count being a power of two */
static Py_UCS4 *word_pool;
/* The longest configured word: a longer token is no word, and is not looked up. */
static Py_ssize_t longest_word;
/* The lower-cased code points of the token being scanned, up to longest_word of them. */
static Py_UCS4 *token_buffer;

/* FNV-1a over the code points (a step per code point, so that the scan hashes a token as
 * it reads it), then the high bits folded into the low ones that pick a slot (FNV's low
 * bits depend only on its input's low bits). */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_STEP(hash, point) (((hash) ^ (point)) * 1099511628211ULL)
#define FNV_FOLD(hash) ((hash) ^ ((hash) >> 32))

static uint64_t
hash_code_points(const Py_UCS4 *points, Py_ssize_t length)
{
    uint64_t hash = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < length; i++) {
        hash = FNV_STEP(hash, points[i]);
    }
    return FNV_FOLD(hash);
}

/* The slot holding this word, or the empty slot where it would go. */
static WordSlot *
find_slot(WordSlot *slots, size_t mask, const Py_UCS4 *pool, const Py_UCS4 *points,
          Py_ssize_t length, uint64_t hash)
{
    size_t index = (size_t)hash & mask;
    for (;;) {
        WordSlot *slot = &slots[index];
        if (slot->length == 0) {
            return slot;
        }
        if (slot->hash == hash && slot->length == length &&
            memcmp(pool + slot->start, points, (size_t)length * sizeof(Py_UCS4)) == 0) {
            return slot;
        }
        index = (index + 1) & mask;
    }
}

/* The kinds of the lower-cased token in token_buffer (0 for no configured word), whose
 * FNV-1a steps the scan took as it read it (unfolded). */
static unsigned int
token_kinds(Py_ssize_t length, uint64_t stepped)
{
    uint64_t hash = FNV_FOLD(stepped);
    return find_slot(word_slots, word_mask, word_pool, token_buffer, length, hash)->kinds;
}

static void
free_configuration(void)
{
    PyMem_Free(word_slots);
    PyMem_Free(word_pool);
    PyMem_Free(token_buffer);
    PyMem_Free(wide_punctuation);
    word_slots = NULL;
    word_pool = NULL;
    token_buffer = NULL;
    wide_punctuation = NULL;
    word_mask = 0;
    longest_word = 0;
    wide_punctuation_count = 0;
    for (int c = 0; c < 256; c++) {
        latin1_classes[c] &= (unsigned char)~PUNCTUATION;
    }
}

/* Store each str of `words` (a list) in the table with `kind`, its code points appended
 * to the pool at *used. */
static int
add_words(PyObject *words, unsigned int kind, WordSlot *slots, size_t mask, Py_UCS4 *pool,
          Py_ssize_t *used)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(words); i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        Py_ssize_t length = PyUnicode_GET_LENGTH(word);
        if (length == 0) {
            continue;
        }
        Py_UCS4 *points = pool + *used;
        if (PyUnicode_AsUCS4(word, points, length, 0) == NULL) {
            return -1;
        }
        uint64_t hash = hash_code_points(points, length);
        WordSlot *slot = find_slot(slots, mask, pool, points, length, hash);
        if (slot->length == 0) {
            slot->hash = hash;
            slot->start = *used;
            slot->length = length;
            *used += length;
        }
        slot->kinds |= kind;
    }
    return 0;
}

/* A new list of the items of `iterable`, all of them str, adding their number and code
 * points to *count and *points and raising *longest to the longest; NULL with an
 * exception set otherwise. */
static PyObject *
list_of_words(PyObject *iterable, Py_ssize_t *count, Py_ssize_t *points, Py_ssize_t *longest)
{
    PyObject *words = PySequence_List(iterable);
    if (words == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(words); i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        if (!PyUnicode_Check(word)) {
            PyErr_Format(PyExc_TypeError, "words must be str, not %.100s",
                         Py_TYPE(word)->tp_name);
            Py_DECREF(words);
            return NULL;
        }
        if (PyUnicode_READY(word) < 0) {
            Py_DECREF(words);
            return NULL;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(word);
        *points += length;
        if (length > *longest) {
            *longest = length;
        }
    }
    *count += PyList_GET_SIZE(words);
    return words;
}

/* Build the word table from the two lists of words (of `count` words and `points` code
 * points in all, none longer than longest_word). */
static int
build_word_table(PyObject *stop_words, PyObject *link_words, Py_ssize_t count,
                 Py_ssize_t points)
{
    size_t slots = 8;
    while (slots < 2 * (size_t)count) { /* at most half full: short probe runs */
        slots *= 2;
    }
    word_slots = PyMem_Calloc(slots, sizeof(WordSlot));
    word_pool = PyMem_Calloc((size_t)points + 1, sizeof(Py_UCS4));
    token_buffer = PyMem_Calloc((size_t)longest_word + 1, sizeof(Py_UCS4));
    if (word_slots == NULL || word_pool == NULL || token_buffer == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    word_mask = slots - 1;
    Py_ssize_t used = 0;
    if (add_words(stop_words, STOP_WORD, word_slots, word_mask, word_pool, &used) < 0 ||
        add_words(link_words, LINK_WORD, word_slots, word_mask, word_pool, &used) < 0) {
        return -1;
    }
    return 0;
}

/* Mark the code points of `punctuation` as separating tokens. */
static int
set_punctuation(PyObject *punctuation)
{
    if (PyUnicode_READY(punctuation) < 0) {
        return -1;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(punctuation);
    wide_punctuation = PyMem_Calloc((size_t)length + 1, sizeof(Py_UCS4));
    if (wide_punctuation == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(punctuation, i);
        if (c < 256) {
            latin1_classes[c] |= PUNCTUATION;
        }
        else {
            wide_punctuation[wide_punctuation_count++] = c;
        }
    }
    return 0;
}

PyDoc_STRVAR(configure_doc,
"configure(stop_words, link_words, punctuation, /)\n--\n\n"
"Set the words features() counts (any iterables of str) and the characters that,\n"
"besides whitespace, separate tokens (a str). Replaces any earlier configuration.");

static PyObject *
configure(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "configure() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    if (!PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "punctuation must be a str");
        return NULL;
    }
    /* Listing the words may run Python code (an iterable's), so it is done first, while
     * the configuration in force is intact; a failure there leaves it in force. */
    Py_ssize_t count = 0, points = 0, longest = 0;
    PyObject *stop_words = list_of_words(args[0], &count, &points, &longest);
    PyObject *link_words =
        stop_words ? list_of_words(args[1], &count, &points, &longest) : NULL;
    if (link_words == NULL) {
        Py_XDECREF(stop_words);
        return NULL;
    }
    free_configuration();
    longest_word = longest;
    int failed = build_word_table(stop_words, link_words, count, points) < 0 ||
                 set_punctuation(args[2]) < 0;
    Py_DECREF(stop_words);
    Py_DECREF(link_words);
    if (failed) {
        free_configuration(); /* features() then refuses to run rather than half-work */
        return NULL;
    }
    Py_RETURN_NONE;
}

/* --------------------------------------------------------------------------- features */

/* The code point at i of a str's data (of PyUnicode kind `kind`). */
static inline Py_UCS4
at(int kind, const void *data, Py_ssize_t i)
{
    return PyUnicode_READ(kind, data, i);
}

/* The counts of one scan over a line. */
typedef struct {
    Py_ssize_t words, runs, link_words, stop_words, capitals;
    int menu_bars; /* whether any character of MENU_SEPARATOR's classes occurs */
    unsigned int hints;
} Counts;

/* Count the tokens, \w+ runs, link and stop words and capitalised tokens of a line in one
 * pass; 0 when the line holds a code point that Python must handle (HANDED_BACK). A token
 * is looked up once it ends, from its lower-cased code points in token_buffer. */
static int
scan(int kind, const void *data, Py_ssize_t n, Counts *counts)
{
    Py_ssize_t length = -1; /* of the current token; -1 between tokens */
    uint64_t hash = FNV_OFFSET; /* of its lower-cased code points, up to longest_word */
    int in_run = 0;
    for (Py_ssize_t i = 0; i <= n; i++) {
        /* One step past the end, as a separator, ends the last token. */
        Py_UCS4 c = i < n ? at(kind, data, i) : ' ';
        unsigned int classes = classes_of(c);
        if (classes & HANDED_BACK) {
            return 0;
        }
        counts->menu_bars |= (classes & MENU_BAR) != 0;
        if (classes & WORD_CHAR) {
            counts->runs += !in_run;
            in_run = 1;
        }
        else {
            in_run = 0;
        }
        if (classes & SEPARATES) {
            if (length > 0 && length <= longest_word) {
                unsigned int found = token_kinds(length, hash);
                counts->stop_words += (found & STOP_WORD) != 0;
                counts->link_words += (found & LINK_WORD) != 0;
            }
            length = -1;
            continue;
        }
        if (length < 0) {
            counts->words++;
            counts->capitals += is_upper(c);
            length = 0;
            hash = FNV_OFFSET;
        }
        if (length < longest_word) {
            Py_UCS4 lower = to_lower(c);
            token_buffer[length] = lower;
            hash = FNV_STEP(hash, lower);
        }
        length++;
    }
    return 1;
}

/* Whether a code point is \d in re (Py_UNICODE_ISDECIMAL; below 256, only 0-9 are). */
static inline int
is_decimal(Py_UCS4 c)
{
    return c < 256 ? c >= '0' && c <= '9' : Py_UNICODE_ISDECIMAL(c);
}

/* The job hints of a \w run starting at i: those of its first three letters. */
static inline unsigned int
run_hints(int kind, const void *data, Py_ssize_t i, Py_ssize_t n)
{
    if (i + 2 >= n) {
        return 0;
    }
    int a = folded_letter(at(kind, data, i));
    int b = a < 0 ? -1 : folded_letter(at(kind, data, i + 1));
    int c = b < 0 ? -1 : folded_letter(at(kind, data, i + 2));
    return c < 0 ? 0 : job_hints[a][b][c];
}

/* Lines of more \w runs than this get every hint without a look (so the patterns would
 * search them): the header reader reads no such line (textheader._META_WORDS is 14). */
#define HINTED_RUNS 16

/* The hints of a line of `runs` \w runs (and no HANDED_BACK code point), in a pass of
 * their own: read for short lines only (see HINTED_RUNS), it costs the long ones nothing. */
static unsigned int
line_hints(int kind, const void *data, Py_ssize_t n, Py_ssize_t runs)
{
    if (runs > HINTED_RUNS) {
        return YEAR_HINT | COMMA_HINT | OPENING_HINT | JOB_HINT | BYLINE_JOB_HINT | BAR_HINT;
    }
    unsigned int hints = 0;
    int comma = 0;  /* whether a comma came before */
    int in_run = 0; /* whether the code point before is \w */
    /* The three code points before c, for the year: (?:19|20)\d\d ends at c. */
    Py_UCS4 back3 = ' ', back2 = ' ', back1 = ' ';
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = at(kind, data, i);
        unsigned int classes = classes_of(c);
        if ((back2 == '9' ? back3 == '1' : back2 == '0' && back3 == '2') &&
            is_decimal(back1) && is_decimal(c)) {
            hints |= YEAR_HINT;
        }
        back3 = back2;
        back2 = back1;
        back1 = c;
        if (comma && !(classes & SPACE)) {
            hints |= COMMA_HINT;
        }
        if (c == ',') {
            comma = 1;
        }
        else if (c == '|') {
            hints |= BAR_HINT;
        }
        if ((classes & WORD_CHAR) && !in_run) {
            hints |= run_hints(kind, data, i, n);
        }
        in_run = (classes & WORD_CHAR) != 0;
    }
    if (n >= 2) {
        int a = folded_letter(at(kind, data, 0));
        int b = a < 0 ? -1 : folded_letter(at(kind, data, 1));
        hints |= b >= 0 && byline_word_opening[a][b] ? OPENING_HINT : 0;
    }
    return hints;
}

/* The number of MENU_SEPARATOR matches in the line, as len(re.findall) counts them:
 * non-overlapping, left to right, the alternatives tried in order at each position:
 *     \s[|•·›»>/]\s   |   \s[|•·›»]$   |   ^[|•·›»]\s
 * The line has no newline, so "$" is its end. */
static Py_ssize_t
count_separators(int kind, const void *data, Py_ssize_t n)
{
    Py_ssize_t count = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = at(kind, data, i);
        if (Py_UNICODE_ISSPACE(c) && i + 1 < n) {
            unsigned int bar = classes_of(at(kind, data, i + 1));
            if (i + 2 < n && (bar & MENU_BAR) && Py_UNICODE_ISSPACE(at(kind, data, i + 2))) {
                count++;
                i += 3;
                continue;
            }
            if (i + 2 == n && (bar & EDGE_BAR)) {
                count++;
                i += 2;
                continue;
            }
        }
        else if (i == 0 && n > 1 && (classes_of(c) & EDGE_BAR) &&
                 Py_UNICODE_ISSPACE(at(kind, data, 1))) {
            count++;
            i += 2;
            continue;
        }
        i++;
    }
    return count;
}

/* Characters TERMINAL's pattern reads: [.!?…:;] then any of ["'”’»)\]], then the end. */
static int
is_sentence_stop(Py_UCS4 c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == ':' || c == ';';
}

static int
is_closer(Py_UCS4 c)
{
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' ||
           c == ']';
}

/* The last characters TERMINAL is searched in (textlines._TAIL). */
#define TAIL 6

/* Whether TERMINAL.search(line[-TAIL:]) finds a match: some stop character in the tail
 * followed only by closers up to the end (the line has no newline, so "$" is its end).
 * Stops and closers are distinct, so the one candidate stop is the character before the
 * closers that end the line. */
static int
ends_like_sentence(int kind, const void *data, Py_ssize_t n)
{
    Py_ssize_t first = n > TAIL ? n - TAIL : 0;
    Py_ssize_t end = n;
    while (end > first && is_closer(at(kind, data, end - 1))) {
        end--;
    }
    return end > first && is_sentence_stop(at(kind, data, end - 1));
}

static PyTypeObject *LineFeaturesType;

static PyStructSequence_Field line_features_fields[] = {
    {"words", "classifier tokens: runs of neither whitespace nor punctuation"},
    {"runs", "\\w+ runs"},
    {"separators", "MENU_SEPARATOR matches"},
    {"link_words", "tokens that are link words (lower-cased)"},
    {"stop_words", "tokens that are stop words (lower-cased)"},
    {"terminal", "whether the line ends like a sentence (TERMINAL in its tail)"},
    {"capitals", "tokens whose first character is upper case"},
    {"hints", "which header patterns may find something (not part of the tuple)"},
    {NULL, NULL},
};

static PyStructSequence_Desc line_features_desc = {
    "newsarchive._linefeatures.LineFeatures",
    "What the line classifier measures of a line (textlines.line_features' tuple).",
    line_features_fields,
    7,
};

/* A LineFeatures of the measured values, in the order of line_features_fields. */
static PyObject *
new_line_features(const Counts *counts, Py_ssize_t separators, int terminal)
{
    PyObject *result = PyStructSequence_New(LineFeaturesType);
    if (result == NULL) {
        return NULL;
    }
    PyObject *values[8] = {
        PyLong_FromSsize_t(counts->words),
        PyLong_FromSsize_t(counts->runs),
        PyLong_FromSsize_t(separators),
        PyLong_FromSsize_t(counts->link_words),
        PyLong_FromSsize_t(counts->stop_words),
        PyBool_FromLong(terminal),
        PyLong_FromSsize_t(counts->capitals),
        PyLong_FromUnsignedLong(counts->hints), /* past the tuple, as os.stat_result's */
    };
    int failed = 0;
    for (Py_ssize_t i = 0; i < 8; i++) {
        failed |= values[i] == NULL;
        PyStructSequence_SetItem(result, i, values[i]); /* steals; NULL is cleared */
    }
    if (failed) {
        Py_DECREF(result); /* releases the values that were made */
        return NULL;
    }
    return result;
}

PyDoc_STRVAR(features_doc,
"features(text, /)\n--\n\n"
"The LineFeatures of a line, or None when Python must measure it (the line holds a\n"
"newline, U+0130 or U+03A3). configure() must have been called.");

static PyObject *
features(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "features() takes a str, not %.100s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (word_slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "features() before configure()");
        return NULL;
    }
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Counts counts = {0};
    if (!scan(kind, data, n, &counts)) {
        Py_RETURN_NONE;
    }
    Py_ssize_t separators = counts.menu_bars ? count_separators(kind, data, n) : 0;
    counts.hints = line_hints(kind, data, n, counts.runs);
    return new_line_features(&counts, separators, ends_like_sentence(kind, data, n));
}

/* The classes and reasons of textlines.decide, made once (interned, as the same words
 * in Python code are): the shapes share them. */
enum { GOOD, NEAR, SHORT, BAD, CLASS_COUNT };
enum { SEPARATORS, LINK_WORDS, SHORT_REASON, PROSE, SENTENCE, SHORT_PROSE, SHORT_SENTENCE,
       REASON_COUNT };
static const char *const class_names[CLASS_COUNT] = {"good", "near", "short", "bad"};
static const char *const reason_names[REASON_COUNT] = {
    "separators", "link-words", "short", "prose", "sentence", "short-prose", "short-sentence",
};
static PyObject *class_words[CLASS_COUNT];
static PyObject *reason_words[REASON_COUNT];

/* The class and reason textlines.decide gives a line of these measures: its thresholds,
 * in its order, the shares divided in double precision as Python's int / int divides
 * (both counts are exact in a double, and each division is rounded once). */
static void
decide(const Counts *counts, Py_ssize_t separators, int terminal, int *class, int *reason)
{
    Py_ssize_t words = counts->words;
    double n = (double)(words ? words : 1);
    if (separators >= 2 || (separators && words < 12)) {
        *class = BAD, *reason = SEPARATORS;
        return;
    }
    if (words < 15 && (double)counts->link_words / n >= 0.5) {
        *class = BAD, *reason = LINK_WORDS;
        return;
    }
    if (words < 4) {
        *class = SHORT, *reason = SHORT_REASON;
        return;
    }
    double stop_share = (double)counts->stop_words / n;
    if (words >= 25 && stop_share >= 0.2) {
        *class = GOOD, *reason = PROSE;
        return;
    }
    if (words >= 12 && terminal && stop_share >= 0.15) {
        *class = GOOD, *reason = SENTENCE;
        return;
    }
    int prose_like = words >= 7 && stop_share >= 0.25;
    if (!(prose_like || terminal) || (double)counts->capitals / n >= 0.6) {
        *class = SHORT, *reason = SHORT_REASON;
        return;
    }
    *class = NEAR, *reason = prose_like ? SHORT_PROSE : SHORT_SENTENCE;
}

/* The shape (class, reason, words, runs) of a line, with its hints in *hints; None
 * (with *hints 0) when Python must measure it; NULL on error. */
static PyObject *
shape_of(PyObject *text, unsigned int *hints)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "shapes() takes str lines, not %.100s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Counts counts = {0};
    *hints = 0;
    if (!scan(kind, data, n, &counts)) {
        Py_RETURN_NONE;
    }
    Py_ssize_t separators = counts.menu_bars ? count_separators(kind, data, n) : 0;
    *hints = line_hints(kind, data, n, counts.runs);
    int class, reason;
    decide(&counts, separators, ends_like_sentence(kind, data, n), &class, &reason);
    PyObject *words = PyLong_FromSsize_t(counts.words);
    PyObject *runs = PyLong_FromSsize_t(counts.runs);
    PyObject *shape = words && runs ? PyTuple_New(4) : NULL;
    if (shape == NULL) {
        Py_XDECREF(words);
        Py_XDECREF(runs);
        return NULL;
    }
    PyTuple_SET_ITEM(shape, 0, Py_NewRef(class_words[class]));
    PyTuple_SET_ITEM(shape, 1, Py_NewRef(reason_words[reason]));
    PyTuple_SET_ITEM(shape, 2, words);
    PyTuple_SET_ITEM(shape, 3, runs);
    return shape;
}

PyDoc_STRVAR(shapes_doc,
"shapes(texts, /)\n--\n\n"
"The shapes textlines.decide gives a list of lines, and their hints: a list of\n"
"(class, reason, words, runs) tuples, with None for each line Python must measure\n"
"(as features() hands it back), and a list of ints (0 for those lines). One call\n"
"for a page's new lines. configure() must have been called.");

static PyObject *
shapes(PyObject *module, PyObject *texts)
{
    if (!PyList_Check(texts)) {
        PyErr_Format(PyExc_TypeError, "shapes() takes a list, not %.100s",
                     Py_TYPE(texts)->tp_name);
        return NULL;
    }
    if (word_slots == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "shapes() before configure()");
        return NULL;
    }
    /* No Python code runs below, so the list keeps its length and items. */
    Py_ssize_t count = PyList_GET_SIZE(texts);
    PyObject *found = PyList_New(count);
    PyObject *hinted = PyList_New(count);
    if (found == NULL || hinted == NULL) {
        goto failed;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        unsigned int hints;
        PyObject *shape = shape_of(PyList_GET_ITEM(texts, i), &hints);
        if (shape == NULL) {
            goto failed;
        }
        PyList_SET_ITEM(found, i, shape);
        PyObject *bits = PyLong_FromUnsignedLong(hints);
        if (bits == NULL) {
            goto failed;
        }
        PyList_SET_ITEM(hinted, i, bits);
    }
    return Py_BuildValue("(NN)", found, hinted);
failed: /* items not yet set are NULL, which a list's deallocation skips */
    Py_XDECREF(found);
    Py_XDECREF(hinted);
    return NULL;
}

/* Make the class and reason words; 0 on error. */
static int
init_shape_words(void)
{
    for (int i = 0; i < CLASS_COUNT; i++) {
        if ((class_words[i] = PyUnicode_InternFromString(class_names[i])) == NULL) {
            return 0;
        }
    }
    for (int i = 0; i < REASON_COUNT; i++) {
        if ((reason_words[i] = PyUnicode_InternFromString(reason_names[i])) == NULL) {
            return 0;
        }
    }
    return 1;
}

/* ----------------------------------------------------------------------------- module */

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_FASTCALL, configure_doc},
    {"features", features, METH_O, features_doc},
    {"shapes", shapes, METH_O, shapes_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef linefeatures_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "newsarchive._linefeatures",
    .m_doc = "A text line's shape features for newsarchive.textlines, measured in C.",
    /* The configuration and the LineFeatures type are this process's, kept until it
     * exits: a single-phase module can be imported again from its cached copy without
     * PyInit running, so nothing of them is freed with a module object. */
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__linefeatures(void)
{
    PyObject *module = PyModule_Create(&linefeatures_module);
    if (module == NULL) {
        return NULL;
    }
    if (LineFeaturesType == NULL) { /* the first time only: configure() may have run */
        init_latin1_tables();
        init_opening_tables();
        if (!init_shape_words()) {
            Py_DECREF(module);
            return NULL;
        }
        LineFeaturesType = PyStructSequence_NewType(&line_features_desc);
    }
    if (LineFeaturesType == NULL ||
        PyModule_AddObjectRef(module, "LineFeatures", (PyObject *)LineFeaturesType) < 0 ||
        PyModule_AddIntConstant(module, "YEAR_HINT", YEAR_HINT) < 0 ||
        PyModule_AddIntConstant(module, "COMMA_HINT", COMMA_HINT) < 0 ||
        PyModule_AddIntConstant(module, "OPENING_HINT", OPENING_HINT) < 0 ||
        PyModule_AddIntConstant(module, "JOB_HINT", JOB_HINT) < 0 ||
        PyModule_AddIntConstant(module, "BYLINE_JOB_HINT", BYLINE_JOB_HINT) < 0 ||
        PyModule_AddIntConstant(module, "BAR_HINT", BAR_HINT) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
