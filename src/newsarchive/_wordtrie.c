/*
 * _wordtrie: a compiled trie of words, and a scan finding every place of a text where
 * one of the words starts, with the longest word there; and a line matcher (LineRules,
 * further down) matching lines against a matcher's rules with two such tries in one pass.
 *
 * textrules.py finds guard words and cue keys with regexes built from
 * rules.trie_pattern(words) in a lookahead at each place: the regex engine spends about
 * 55 ns at each place it stops at, and it stops at most places. This scan reads the text
 * once, looks the character at each place up in a table of the characters words open
 * with, and walks the trie only from places where some word opens. The regexes stay the
 * definition (and the fallback where this module is not built); the answers are the same:
 *
 *   - the word reported at a place is the longest word that the text from that place
 *     starts with (trie_pattern's greedy optional branches), characters compared exactly;
 *   - with after_non_word, only places after a character that is not a word character as
 *     the re module reads \w in a str pattern (alphanumeric or "_") are reported, so never
 *     place 0;
 *   - places come in increasing order, each once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#if defined(_MSC_VER)
#include <intrin.h>
#endif

/*
 * One node of the trie: the words sharing a prefix share the path of nodes spelling it.
 * A node's children form a linked list (its first child, then each child's next sibling):
 * most nodes have one child; the root, which has many, also has a table (first_ascii).
 * Nodes are referred to by their index in WordTrie.nodes; index 0 is the root, which is
 * no node's child, so 0 also means "none".
 */
typedef struct {
    Py_UCS4 ch;          /* the character leading to this node from its parent */
    Py_ssize_t child;    /* this node's first child, or 0 */
    Py_ssize_t sibling;  /* the next child of this node's parent, or 0 */
    PyObject *word;      /* the word ending at this node (a strong reference), or NULL */
} Node;

typedef struct {
    PyObject_HEAD
    Node *nodes;                   /* nodes[0] is the root */
    Py_ssize_t size;               /* nodes in use */
    Py_ssize_t capacity;           /* nodes allocated */
    Py_ssize_t first_ascii[128];   /* the root's child for each ASCII character, or 0 */
    unsigned char first_wide[32];  /* bit (c & 255) set when a word opens with some
                                      non-ASCII c sharing those low bits: most characters
                                      outside ASCII open no word and skip the root's list */
} WordTrie;

/* Whether c is a word character for the re module's \w in a str pattern. */
static unsigned char ascii_word[128];

static inline int
is_word_char(Py_UCS4 c)
{
    if (c < 128) {
        return ascii_word[c];
    }
    return Py_UNICODE_ISALNUM(c);
}

/* The child of node for character c, or 0. */
static inline Py_ssize_t
child_for(const WordTrie *trie, Py_ssize_t node, Py_UCS4 c)
{
    for (Py_ssize_t n = trie->nodes[node].child; n != 0; n = trie->nodes[n].sibling) {
        if (trie->nodes[n].ch == c) {
            return n;
        }
    }
    return 0;
}

/* The root's child for character c (the node of a word's first character), or 0. */
static inline Py_ssize_t
first_node(const WordTrie *trie, Py_UCS4 c)
{
    if (c < 128) {
        return trie->first_ascii[c];
    }
    if (!(trie->first_wide[(c & 255) >> 3] & (1 << (c & 7)))) {
        return 0;
    }
    return child_for(trie, 0, c);
}

/* A new child of parent for character c: its index, or -1 with MemoryError set. */
static Py_ssize_t
add_child(WordTrie *trie, Py_ssize_t parent, Py_UCS4 c)
{
    if (trie->size == trie->capacity) {
        Py_ssize_t capacity = trie->capacity * 2;
        Node *nodes = trie->nodes;
        PyMem_Resize(nodes, Node, (size_t)capacity);  /* NULL on overflow too */
        if (nodes == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        trie->nodes = nodes;
        trie->capacity = capacity;
    }
    Py_ssize_t n = trie->size++;
    trie->nodes[n].ch = c;
    trie->nodes[n].child = 0;
    trie->nodes[n].word = NULL;
    trie->nodes[n].sibling = trie->nodes[parent].child;
    trie->nodes[parent].child = n;
    if (parent == 0) {
        if (c < 128) {
            trie->first_ascii[c] = n;
        }
        else {
            trie->first_wide[(c & 255) >> 3] |= (unsigned char)(1 << (c & 7));
        }
    }
    return n;
}

/* Add word (a str, a new reference given to the trie) to the trie: 0, or -1 with an
   exception set (the reference is released either way). */
static int
add_word(WordTrie *trie, PyObject *word)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(word) < 0) {  /* a string of the legacy API, before 3.12 */
        Py_DECREF(word);
        return -1;
    }
#endif
    Py_ssize_t length = PyUnicode_GET_LENGTH(word);
    if (length == 0) {
        /* It would be found at every place: no caller has a use for that. */
        PyErr_SetString(PyExc_ValueError, "WordTrie: a word is empty");
        Py_DECREF(word);
        return -1;
    }
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    Py_ssize_t node = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t next = child_for(trie, node, c);
        if (next == 0) {
            next = add_child(trie, node, c);
            if (next < 0) {
                Py_DECREF(word);
                return -1;
            }
        }
        node = next;
    }
    if (trie->nodes[node].word == NULL) {
        trie->nodes[node].word = word;
    }
    else {
        Py_DECREF(word);  /* the same word again */
    }
    return 0;
}

/* How read_char lowers characters: not at all (a text lowered before), as ASCII letters,
   or by each one's own lowercase (see guard_bits for where that is what str.lower()
   gives). */
enum { AS_READ, FOLD_ASCII, FOLD_EACH };

/* The character at index i of the text, lowered as fold says. */
static inline Py_ALWAYS_INLINE Py_UCS4
read_char(int kind, const void *data, Py_ssize_t i, int fold)
{
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (fold == AS_READ) {
        return c;
    }
    if (c < 128) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
    return fold == FOLD_EACH ? Py_UNICODE_TOLOWER(c) : c;
}

/* The node of the longest word that the text from place on starts with (read lowered
   with fold), given the node of its first character, or 0 when no word does. */
static inline Py_ALWAYS_INLINE Py_ssize_t
longest_at(const WordTrie *trie, int kind, const void *data, Py_ssize_t length,
           Py_ssize_t place, Py_ssize_t node, int fold)
{
    Py_ssize_t longest = trie->nodes[node].word != NULL ? node : 0;
    for (Py_ssize_t end = place + 1; end < length; end++) {
        node = child_for(trie, node, read_char(kind, data, end, fold));
        if (node == 0) {
            break;
        }
        if (trie->nodes[node].word != NULL) {
            longest = node;
        }
    }
    return longest;
}

/* Append (place, word) to the list found: 0, or -1 with an exception set. */
static int
append_place(PyObject *found, Py_ssize_t place, PyObject *word)
{
    PyObject *start = PyLong_FromSsize_t(place);
    if (start == NULL) {
        return -1;
    }
    PyObject *pair = PyTuple_Pack(2, start, word);
    Py_DECREF(start);
    if (pair == NULL) {
        return -1;
    }
    int failed = PyList_Append(found, pair);
    Py_DECREF(pair);
    return failed;
}

/* Append (place, longest word there) to found for every place of the text where a word
   starts (after a non-word character only, with after_non_word): 0, or -1 with an
   exception set. Always inlined, so that each call site, given a constant kind, gets a
   loop reading characters of that one width. */
static inline Py_ALWAYS_INLINE int
scan(const WordTrie *trie, int kind, const void *data, Py_ssize_t length,
     int after_non_word, PyObject *found)
{
    int open = !after_non_word;  /* whether a word may be reported at this place */
    for (Py_ssize_t place = 0; place < length; place++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, place);
        if (open) {
            Py_ssize_t node = first_node(trie, c);
            if (node != 0) {
                Py_ssize_t longest =
                    longest_at(trie, kind, data, length, place, node, AS_READ);
                if (longest != 0
                    && append_place(found, place, trie->nodes[longest].word) < 0) {
                    return -1;
                }
            }
        }
        if (after_non_word) {
            open = !is_word_char(c);
        }
    }
    return 0;
}

PyDoc_STRVAR(places_doc,
"places($self, text, /, *, after_non_word=False)\n--\n\n"
"Every (place, word) where one of the words starts in text, the longest word there,\n"
"in order of place; with after_non_word, only places after a character that is not a\n"
"word character (re's \\W).");

static PyObject *
WordTrie_places(WordTrie *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"", "after_non_word", NULL};
    PyObject *text;
    int after_non_word = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U|$p:places", keywords, &text,
                                     &after_non_word)) {
        return NULL;
    }
    PyObject *found = PyList_New(0);
    if (found == NULL) {
        return NULL;
    }
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int failed;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        failed = scan(self, PyUnicode_1BYTE_KIND, data, length, after_non_word, found);
        break;
    case PyUnicode_2BYTE_KIND:
        failed = scan(self, PyUnicode_2BYTE_KIND, data, length, after_non_word, found);
        break;
    default:
        failed = scan(self, PyUnicode_4BYTE_KIND, data, length, after_non_word, found);
        break;
    }
    if (failed) {
        Py_DECREF(found);
        return NULL;
    }
    return found;
}

static PyObject *
WordTrie_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"words", NULL};
    PyObject *words;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:WordTrie", keywords, &words)) {
        return NULL;
    }
    PyObject *items = PyObject_GetIter(words);
    if (items == NULL) {
        return NULL;
    }
    WordTrie *self = (WordTrie *)type->tp_alloc(type, 0);  /* zeroed: tables empty */
    if (self == NULL) {
        Py_DECREF(items);
        return NULL;
    }
    self->capacity = 64;
    self->nodes = PyMem_New(Node, (size_t)self->capacity);
    if (self->nodes == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    self->size = 1;
    memset(&self->nodes[0], 0, sizeof(Node));
    PyObject *item;
    while ((item = PyIter_Next(items)) != NULL) {
        /* An exact str (a str subclass is copied), as a regex match's group would be. */
        PyObject *word = PyUnicode_FromObject(item);
        Py_DECREF(item);
        if (word == NULL || add_word(self, word) < 0) {
            goto fail;
        }
    }
    if (PyErr_Occurred()) {
        goto fail;
    }
    Py_DECREF(items);
    return (PyObject *)self;

fail:
    Py_DECREF(items);
    Py_DECREF(self);
    return NULL;
}

static void
WordTrie_dealloc(WordTrie *self)
{
    if (self->nodes != NULL) {
        for (Py_ssize_t n = 0; n < self->size; n++) {
            Py_XDECREF(self->nodes[n].word);
        }
        PyMem_Free(self->nodes);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef WordTrie_methods[] = {
    {"places", (PyCFunction)(void (*)(void))WordTrie_places, METH_VARARGS | METH_KEYWORDS,
     places_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(WordTrie_doc,
"WordTrie(words)\n--\n\n"
"A trie of words (non-empty str), built once and scanned over many texts with places().");

static PyTypeObject WordTrieType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "newsarchive._wordtrie.WordTrie",
    .tp_doc = WordTrie_doc,
    .tp_basicsize = sizeof(WordTrie),
    .tp_itemsize = 0,
    /* It holds only str objects, which refer to nothing: no cycles, no GC support. */
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = WordTrie_new,
    .tp_dealloc = (destructor)WordTrie_dealloc,
    .tp_methods = WordTrie_methods,
};

/*
 * LineRules: textrules.LineMatcher.match_all in one pass of C, for a matcher of at most
 * 64 rules (bit n for rule n, in a machine word): the lines not in the cache are matched,
 * each doing what the Python reading (_match_new) does over a batch of lines:
 *
 *   - guard words: the line lowered (by its lower(), or as it is read where that is the
 *     same), scanned with the word-like guards' trie after non-word characters (and at
 *     the line's start, which follows a line break in the Python scan) and with the other
 *     guards' trie everywhere; at each place the
 *     longest word there gives, per matcher slot, the bits of that slot's longest guard
 *     word it starts with, unless the slot's previous word covers the place
 *     (_GuardScan.candidates). A line scanned alone never has a word run past its end, so
 *     that longest guard word always fits in the line: the first option of each slot is
 *     the one Python takes;
 *   - plain screens: the line passes when the regex of the screen's alternatives opening
 *     with no literal text, for its first character and whether it holds a space,
 *     fullmatches it, or the regex of those opening with some text its opening, folded
 *     (textscreen.folded_head), starts with does: its bits are added
 *     (PlainScreen.split_may_match, which
 *     answers as PlainScreen.passing does);
 *   - candidates in bit order: a rule whose length bounds take the line's length, whose
 *     bad last characters do not hold the line's last one, and whose pattern fullmatches
 *     the line claims it (LineMatcher._first_match).
 */

/* One matcher slot's bits for a guard word found: those of the slot's longest guard word
   that the found word starts with. */
typedef struct {
    Py_ssize_t slot;
    Py_ssize_t size;  /* that guard word's length */
    uint64_t bits;
} Option;

/* Index 128 of Screen.wild: a line opening outside ASCII, or empty. */
#define OTHER_FIRST 128

/* A plain screen (textscreen.PlainScreen's split): the bound fullmatch of its regexes
   (strong references, repeated where shared, NULL where none can match), and the bits it
   lets be tried. */
typedef struct {
    PyObject *wild[2][OTHER_FIRST + 1];  /* per line with a space or not, per first char */
    WordTrie *openings;                  /* the literal openings (ASCII, lowered) */
    PyObject **by_opening;               /* per node of openings */
    uint64_t bits;
} Screen;

/* One rule: what is checked before its pattern is tried, its pattern's bound fullmatch
   and the rule object given back (strong references). */
typedef struct {
    Py_ssize_t low;
    Py_ssize_t high;
    uint64_t bad_ends[2];  /* bit c for each ASCII character c a match cannot end with */
    PyObject *fullmatch;
    PyObject *rule;
} RuleEntry;

typedef struct {
    PyObject_HEAD
    WordTrie *tries[2];          /* word-like guards (after non-word characters), others */
    Py_ssize_t *first_option[2]; /* per node of each trie, its first option in options;
                                    its options end where the next node's start */
    Option *options;
    Py_ssize_t slots;
    Py_ssize_t *covered;         /* per slot, where its last word found ends (scratch) */
    Screen *screens;
    Py_ssize_t n_screens;
    RuleEntry *rules;
    Py_ssize_t n_rules;
    uint64_t valid;              /* the bits of the rules there are */
} LineRules;

static PyObject *str_lower;      /* "lower" */
static PyObject *str_fullmatch;  /* "fullmatch" */

/* bits as a machine word: 0, or -1 with an exception set (OverflowError past 64 bits). */
static int
read_bits(PyObject *value, uint64_t *bits)
{
    unsigned long long read = PyLong_AsUnsignedLongLong(value);
    if (read == (unsigned long long)-1 && PyErr_Occurred()) {
        return -1;
    }
    *bits = (uint64_t)read;
    return 0;
}

/* Fill the options of every node of tries[t] from the dict options (word -> sequence of
   (slot, size, bits)), counting into *count: 0, or -1 with an exception set. */
static int
read_options(LineRules *self, int t, PyObject *options, Py_ssize_t *count,
             Py_ssize_t *capacity)
{
    const WordTrie *trie = self->tries[t];
    self->first_option[t] = PyMem_New(Py_ssize_t, (size_t)trie->size + 1);
    if (self->first_option[t] == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t n = 0; n < trie->size; n++) {
        self->first_option[t][n] = *count;
        PyObject *word = trie->nodes[n].word;
        PyObject *choices = word != NULL ? PyDict_GetItemWithError(options, word) : NULL;
        if (choices == NULL) {
            if (PyErr_Occurred()) {
                return -1;
            }
            continue;
        }
        PyObject *items = PySequence_Fast(choices, "LineRules: options must be sequences");
        if (items == NULL) {
            return -1;
        }
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(items); k++) {
            if (*count == *capacity) {
                Py_ssize_t more = *capacity * 2 + 16;
                Option *grown = self->options;
                PyMem_Resize(grown, Option, (size_t)more);
                if (grown == NULL) {
                    Py_DECREF(items);
                    PyErr_NoMemory();
                    return -1;
                }
                self->options = grown;
                *capacity = more;
            }
            Option *option = &self->options[*count];
            PyObject *bits;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(items, k), "nnO;LineRules: an option",
                                  &option->slot, &option->size, &bits)
                || read_bits(bits, &option->bits) < 0) {
                Py_DECREF(items);
                return -1;
            }
            if (option->slot < 0 || option->slot >= self->slots) {
                Py_DECREF(items);
                PyErr_SetString(PyExc_ValueError, "LineRules: an option's slot is out of range");
                return -1;
            }
            (*count)++;
        }
        Py_DECREF(items);
    }
    self->first_option[t][trie->size] = *count;
    return 0;
}

/* A pattern's bound fullmatch (a new reference), or NULL with an exception set. */
static PyObject *
fullmatch_of(PyObject *pattern)
{
    return PyObject_GetAttr(pattern, str_fullmatch);
}

/* *found: the bound fullmatch of the pattern at key in the dict patterns (a new
   reference), or NULL where it has none: 0, or -1 with an exception set. */
static int
fullmatch_at(PyObject *patterns, PyObject *key, PyObject **found)
{
    PyObject *pattern = PyDict_GetItemWithError(patterns, key);
    if (pattern == NULL) {
        *found = NULL;
        return PyErr_Occurred() ? -1 : 0;
    }
    *found = fullmatch_of(pattern);
    return *found == NULL ? -1 : 0;
}

/* Fill wild from the dict by_first (first character, or "" for another line, to
   pattern): 0, or -1 with an exception set. */
static int
read_wild(PyObject **wild, PyObject *by_first)
{
    for (int c = 0; c <= OTHER_FIRST; c++) {
        PyObject *key = c < OTHER_FIRST ? PyUnicode_FromOrdinal(c) : PyUnicode_New(0, 0);
        if (key == NULL) {
            return -1;
        }
        int failed = fullmatch_at(by_first, key, &wild[c]);
        Py_DECREF(key);
        if (failed) {
            return -1;
        }
    }
    return 0;
}

/* Read one screen, (unspaced: dict[str, Pattern], spaced: the same, openings: WordTrie,
   by_opening: dict[str, Pattern], bits): 0, or -1 with an exception set (what was read
   is released with the object). */
static int
read_screen(Screen *screen, PyObject *item)
{
    PyObject *unspaced, *spaced, *openings, *by_opening, *bits;
    if (!PyArg_ParseTuple(item, "O!O!O!O!O;LineRules: a screen", &PyDict_Type, &unspaced,
                          &PyDict_Type, &spaced, &WordTrieType, &openings, &PyDict_Type,
                          &by_opening, &bits)
        || read_bits(bits, &screen->bits) < 0 || read_wild(screen->wild[0], unspaced) < 0
        || read_wild(screen->wild[1], spaced) < 0) {
        return -1;
    }
    screen->openings = (WordTrie *)Py_NewRef(openings);
    Py_ssize_t nodes = screen->openings->size;
    screen->by_opening = PyMem_New(PyObject *, (size_t)nodes);
    if (screen->by_opening == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(screen->by_opening, 0, sizeof(PyObject *) * (size_t)nodes);
    for (Py_ssize_t n = 0; n < nodes; n++) {
        PyObject *word = screen->openings->nodes[n].word;
        if (word != NULL && fullmatch_at(by_opening, word, &screen->by_opening[n]) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Read one rule, (rule, low, high, bad last characters: str, pattern): 0, or -1 with an
   exception set. */
static int
read_rule(RuleEntry *entry, PyObject *item)
{
    PyObject *rule, *bad, *pattern;
    if (!PyArg_ParseTuple(item, "OnnUO;LineRules: a rule", &rule, &entry->low, &entry->high,
                          &bad, &pattern)) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(bad); i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(bad, i);
        if (c >= 128) {
            PyErr_SetString(PyExc_ValueError, "LineRules: a bad last character is not ASCII");
            return -1;
        }
        entry->bad_ends[c >> 6] |= (uint64_t)1 << (c & 63);
    }
    entry->fullmatch = fullmatch_of(pattern);
    if (entry->fullmatch == NULL) {
        return -1;
    }
    entry->rule = Py_NewRef(rule);
    return 0;
}

static PyObject *
LineRules_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"wordy", "other", "options", "slots", "screens", "rules", NULL};
    PyObject *wordy, *other, *options, *screens, *rules;
    Py_ssize_t slots;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!O!nOO:LineRules", keywords,
                                     &WordTrieType, &wordy, &WordTrieType, &other,
                                     &PyDict_Type, &options, &slots, &screens, &rules)) {
        return NULL;
    }
    if (slots < 0) {
        PyErr_SetString(PyExc_ValueError, "LineRules: slots is negative");
        return NULL;
    }
    screens = PySequence_Fast(screens, "LineRules: screens must be a sequence");
    if (screens == NULL) {
        return NULL;
    }
    rules = PySequence_Fast(rules, "LineRules: rules must be a sequence");
    if (rules == NULL) {
        Py_DECREF(screens);
        return NULL;
    }
    LineRules *self = (LineRules *)type->tp_alloc(type, 0);  /* zeroed */
    if (self == NULL) {
        goto fail;
    }
    self->tries[0] = (WordTrie *)Py_NewRef(wordy);
    self->tries[1] = (WordTrie *)Py_NewRef(other);
    self->slots = slots;
    self->covered = PyMem_New(Py_ssize_t, (size_t)slots + 1);
    if (self->covered == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t count = 0, capacity = 0;
    if (read_options(self, 0, options, &count, &capacity) < 0
        || read_options(self, 1, options, &count, &capacity) < 0) {
        goto fail;
    }
    Py_ssize_t n_screens = PySequence_Fast_GET_SIZE(screens);
    self->screens = PyMem_New(Screen, (size_t)n_screens + 1);
    if (self->screens == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (; self->n_screens < n_screens; self->n_screens++) {
        Screen *screen = &self->screens[self->n_screens];
        memset(screen, 0, sizeof(Screen));
        if (read_screen(screen, PySequence_Fast_GET_ITEM(screens, self->n_screens)) < 0) {
            self->n_screens++;  /* released with the object, as far as it was read */
            goto fail;
        }
    }
    Py_ssize_t n_rules = PySequence_Fast_GET_SIZE(rules);
    if (n_rules > 64) {
        PyErr_SetString(PyExc_ValueError, "LineRules: more than 64 rules");
        goto fail;
    }
    self->rules = PyMem_New(RuleEntry, (size_t)n_rules + 1);
    if (self->rules == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (; self->n_rules < n_rules; self->n_rules++) {
        RuleEntry *entry = &self->rules[self->n_rules];
        memset(entry, 0, sizeof(RuleEntry));
        if (read_rule(entry, PySequence_Fast_GET_ITEM(rules, self->n_rules)) < 0) {
            self->n_rules++;
            goto fail;
        }
    }
    self->valid = n_rules == 64 ? UINT64_MAX : ((uint64_t)1 << n_rules) - 1;
    Py_DECREF(screens);
    Py_DECREF(rules);
    return (PyObject *)self;

fail:
    Py_DECREF(screens);
    Py_DECREF(rules);
    Py_XDECREF(self);
    return NULL;
}

/* Add to *found, for the place of a line (lowered) where node (of trie t) starts the
   longest word there, each slot's bits unless that slot's previous word covers place. */
static inline void
take_word(LineRules *self, int t, Py_ssize_t place, Py_ssize_t node, uint64_t *found)
{
    for (Py_ssize_t k = self->first_option[t][node]; k < self->first_option[t][node + 1];
         k++) {
        const Option *option = &self->options[k];
        if (place >= self->covered[option->slot]) {
            self->covered[option->slot] = place + option->size;
            *found |= option->bits;
        }
    }
}

/* The bits of the guarded rules a lowered line holds a guard word for (a line lowered as
   it is read, with fold). Always inlined, so that each call site, given a constant kind
   and fold, reads characters of that one width. */
static inline Py_ALWAYS_INLINE uint64_t
guard_scan(LineRules *self, int kind, const void *data, Py_ssize_t length, int fold)
{
    const WordTrie *wordy = self->tries[0], *other = self->tries[1];
    uint64_t found = 0;
    for (Py_ssize_t slot = 0; slot < self->slots; slot++) {
        self->covered[slot] = 0;
    }
    int open = 1;  /* after a non-word character (the line's start follows a line break) */
    for (Py_ssize_t place = 0; place < length; place++) {
        Py_UCS4 c = read_char(kind, data, place, fold);
        Py_ssize_t node = open ? first_node(wordy, c) : 0;
        if (node != 0) {
            node = longest_at(wordy, kind, data, length, place, node, fold);
            take_word(self, 0, place, node, &found);
        }
        else if ((node = first_node(other, c)) != 0) {
            node = longest_at(other, kind, data, length, place, node, fold);
            take_word(self, 1, place, node, &found);
        }
        open = !is_word_char(c);
    }
    return found;
}

/* Whether str.lower() lowers line character by character, each to its own lowercase
   (Py_UNICODE_TOLOWER): 1, 0, or -1 with an exception set. It does but for two
   characters (as tests/test_linerules.py checks over every code point): U+0130, which
   lowers to two, and U+03A3, whose lowercase depends on whether a word ends there (both
   outside Latin-1). */
static int
lowers_each(PyObject *line)
{
    if (PyUnicode_KIND(line) == PyUnicode_1BYTE_KIND) {
        return 1;
    }
    Py_ssize_t size = PyUnicode_GET_LENGTH(line);
    Py_ssize_t dotted = PyUnicode_FindChar(line, 0x130, 0, size, 1);
    Py_ssize_t sigma = dotted == -1 ? PyUnicode_FindChar(line, 0x3A3, 0, size, 1) : dotted;
    return sigma == -2 ? -1 : sigma == -1;
}

/* The guard bits of line: 0 and *bits set, or -1 with an exception set. A str is lowered
   as it is read where that is what str.lower() gives (always for ASCII, the most); another
   line (or a str subclass, whose lower() may differ) is lowered by its lower(). */
static int
guard_bits(LineRules *self, PyObject *line, uint64_t *bits)
{
    if (PyUnicode_CheckExact(line)) {
        const void *data = PyUnicode_DATA(line);
        Py_ssize_t length = PyUnicode_GET_LENGTH(line);
        if (PyUnicode_IS_ASCII(line)) {
            *bits = guard_scan(self, PyUnicode_1BYTE_KIND, data, length, FOLD_ASCII);
            return 0;
        }
        int each = lowers_each(line);
        if (each < 0) {
            return -1;
        }
        if (each) {
            switch (PyUnicode_KIND(line)) {
            case PyUnicode_1BYTE_KIND:
                *bits = guard_scan(self, PyUnicode_1BYTE_KIND, data, length, FOLD_EACH);
                break;
            case PyUnicode_2BYTE_KIND:
                *bits = guard_scan(self, PyUnicode_2BYTE_KIND, data, length, FOLD_EACH);
                break;
            default:
                *bits = guard_scan(self, PyUnicode_4BYTE_KIND, data, length, FOLD_EACH);
                break;
            }
            return 0;
        }
    }
    PyObject *lowered = PyObject_CallMethodNoArgs(line, str_lower);
    if (lowered == NULL) {
        return -1;
    }
    if (!PyUnicode_Check(lowered)) {
        Py_DECREF(lowered);
        PyErr_SetString(PyExc_TypeError, "LineRules: a line's lower() is not a str");
        return -1;
    }
    const void *data = PyUnicode_DATA(lowered);
    Py_ssize_t length = PyUnicode_GET_LENGTH(lowered);
    switch (PyUnicode_KIND(lowered)) {
    case PyUnicode_1BYTE_KIND:
        *bits = guard_scan(self, PyUnicode_1BYTE_KIND, data, length, AS_READ);
        break;
    case PyUnicode_2BYTE_KIND:
        *bits = guard_scan(self, PyUnicode_2BYTE_KIND, data, length, AS_READ);
        break;
    default:
        *bits = guard_scan(self, PyUnicode_4BYTE_KIND, data, length, AS_READ);
        break;
    }
    Py_DECREF(lowered);
    return 0;
}

/* The index of the lowest bit set in bits (not 0). */
static inline int
lowest_bit(uint64_t bits)
{
#if defined(_MSC_VER)
    unsigned long index;
    _BitScanForward64(&index, bits);
    return (int)index;
#else
    return __builtin_ctzll(bits);
#endif
}

/* Whether fullmatch(line) finds a match: 1, 0, or -1 with an exception set. */
static int
full_match(PyObject *fullmatch, PyObject *line)
{
    PyObject *match = PyObject_CallOneArg(fullmatch, line);
    if (match == NULL) {
        return -1;
    }
    int found = match != Py_None;
    Py_DECREF(match);
    return found;
}

/* Whether line passes screen: 1, 0, or -1 with an exception set. */
static int
passes(const Screen *screen, PyObject *line)
{
    Py_ssize_t size = PyUnicode_GET_LENGTH(line);
    Py_UCS4 first = size ? PyUnicode_READ_CHAR(line, 0) : OTHER_FIRST;
    Py_ssize_t space = PyUnicode_FindChar(line, ' ', 0, size, 1);
    if (space == -2) {
        return -1;
    }
    PyObject *wild = screen->wild[space >= 0][first < OTHER_FIRST ? first : OTHER_FIRST];
    int passed = wild != NULL ? full_match(wild, line) : 0;
    const WordTrie *trie = screen->openings;
    Py_ssize_t node = 0;
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    for (Py_ssize_t i = 0; passed == 0 && i < size; i++) {
        /* As textscreen.folded_head reads the line. */
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
        }
        else if (c == 0x130 || c == 0x131) {
            c = 'i';
        }
        else if (c == 0x17F) {
            c = 's';
        }
        else if (c == 0x212A) {
            c = 'k';
        }
        else if (c >= 128) {
            break;  /* the openings are ASCII */
        }
        node = i == 0 ? first_node(trie, c) : child_for(trie, node, c);
        if (node == 0) {
            break;
        }
        if (screen->by_opening[node] != NULL) {
            passed = full_match(screen->by_opening[node], line);
        }
    }
    return passed;
}

/* The rule claiming line (a borrowed reference), Py_None for none, or NULL with an
   exception set. */
static PyObject *
claim(LineRules *self, PyObject *line)
{
    uint64_t bits;
    if (guard_bits(self, line, &bits) < 0) {
        return NULL;
    }
    Py_ssize_t size = PyUnicode_GET_LENGTH(line);
    for (Py_ssize_t s = 0; s < self->n_screens; s++) {
        int passed = passes(&self->screens[s], line);
        if (passed < 0) {
            return NULL;
        }
        if (passed) {
            bits |= self->screens[s].bits;
        }
    }
    Py_UCS4 last = size ? PyUnicode_READ_CHAR(line, size - 1) : 128;
    for (bits &= self->valid; bits != 0; bits &= bits - 1) {
        const RuleEntry *entry = &self->rules[lowest_bit(bits)];
        if (size < entry->low || size > entry->high
            || (last < 128 && (entry->bad_ends[last >> 6] >> (last & 63)) & 1)) {
            continue;
        }
        int matched = full_match(entry->fullmatch, line);
        if (matched < 0) {
            return NULL;
        }
        if (matched) {
            return entry->rule;
        }
    }
    return Py_None;
}

/* For each line of items: its rule from cache, set in the list found (a new reference),
   or, for a line not in cache, the line added to the dict fresh (once, in order, valued
   None): 0, or -1 with an exception set. With cache NULL, every line is added. */
static int
collect_new(PyObject *items, PyObject *cache, PyObject *fresh, PyObject *found)
{
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items); i++) {
        PyObject *line = PySequence_Fast_GET_ITEM(items, i);
        if (!PyUnicode_Check(line)) {
            PyErr_Format(PyExc_TypeError, "LineRules.match_all: a line is %.100s, not str",
                         Py_TYPE(line)->tp_name);
            return -1;
        }
        if (cache != NULL) {
            PyObject *rule = PyDict_GetItemWithError(cache, line);
            if (rule != NULL) {
                PyList_SET_ITEM(found, i, Py_NewRef(rule));
                continue;
            }
            if (PyErr_Occurred()) {
                return -1;
            }
        }
        if (PyDict_SetDefault(fresh, line, Py_None) == NULL) {
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(match_all_doc,
"match_all($self, lines, cache, limit, /)\n--\n\n"
"The rule claiming each of lines (a list or tuple of str), or None, as\n"
"textrules.LineMatcher.match_all finds it: lines not in the dict cache are matched (each\n"
"once) and added to it; when that would take cache past limit lines, it is cleared\n"
"first and every line of this call is matched afresh.");

static PyObject *
LineRules_match_all(LineRules *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError,
                        "LineRules.match_all takes lines, a dict cache and a limit");
        return NULL;
    }
    Py_ssize_t limit = PyLong_AsSsize_t(args[2]);
    if (limit == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *cache = args[1];
    PyObject *items = PySequence_Fast(args[0], "LineRules.match_all: lines must be a sequence");
    if (items == NULL) {
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    PyObject *found = PyList_New(count);  /* its items NULL until set, which it allows */
    PyObject *fresh = PyDict_New();
    if (found == NULL || fresh == NULL || collect_new(items, cache, fresh, found) < 0) {
        goto fail;
    }
    if (PyDict_GET_SIZE(fresh) > 0 && PyDict_GET_SIZE(cache) + PyDict_GET_SIZE(fresh) > limit) {
        /* Starting afresh forgets this call's known lines too: match them again. */
        PyDict_Clear(cache);
        PyDict_Clear(fresh);
        if (collect_new(items, NULL, fresh, found) < 0) {
            goto fail;
        }
    }
    Py_ssize_t position = 0;
    PyObject *line, *ignored;
    while (PyDict_Next(fresh, &position, &line, &ignored)) {
        PyObject *rule = claim(self, line);
        /* Setting the value of a key fresh holds does not resize it, so the walk goes on;
           claim calls no code that could change fresh, which no other code sees. */
        if (rule == NULL || PyDict_SetItem(cache, line, rule) < 0
            || PyDict_SetItem(fresh, line, rule) < 0) {
            goto fail;
        }
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        if (PyList_GET_ITEM(found, i) == NULL) {
            PyObject *rule = PyDict_GetItemWithError(fresh, PySequence_Fast_GET_ITEM(items, i));
            if (rule == NULL) {
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_SystemError, "LineRules.match_all: a line unmatched");
                }
                goto fail;
            }
            PyList_SET_ITEM(found, i, Py_NewRef(rule));
        }
    }
    Py_DECREF(fresh);
    Py_DECREF(items);
    return found;

fail:
    Py_XDECREF(found);
    Py_XDECREF(fresh);
    Py_DECREF(items);
    return NULL;
}

static void
LineRules_dealloc(LineRules *self)
{
    for (Py_ssize_t s = 0; s < self->n_screens; s++) {
        Screen *screen = &self->screens[s];
        for (int c = 0; c <= OTHER_FIRST; c++) {
            Py_XDECREF(screen->wild[0][c]);
            Py_XDECREF(screen->wild[1][c]);
        }
        if (screen->by_opening != NULL) {
            for (Py_ssize_t n = 0; n < screen->openings->size; n++) {
                Py_XDECREF(screen->by_opening[n]);
            }
            PyMem_Free(screen->by_opening);
        }
        Py_XDECREF(screen->openings);
    }
    for (Py_ssize_t n = 0; n < self->n_rules; n++) {
        Py_XDECREF(self->rules[n].fullmatch);
        Py_XDECREF(self->rules[n].rule);
    }
    PyMem_Free(self->screens);
    PyMem_Free(self->rules);
    PyMem_Free(self->options);
    PyMem_Free(self->first_option[0]);
    PyMem_Free(self->first_option[1]);
    PyMem_Free(self->covered);
    Py_XDECREF(self->tries[0]);
    Py_XDECREF(self->tries[1]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef LineRules_methods[] = {
    {"match_all", (PyCFunction)(void (*)(void))LineRules_match_all, METH_FASTCALL,
     match_all_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(LineRules_doc,
"LineRules(wordy, other, options, slots, screens, rules)\n--\n\n"
"A line matcher's rules (at most 64) with their screens, matching lines in one pass of C:\n"
"wordy and other are the guard tries (word-like guards, found after non-word characters\n"
"only, and the rest); options maps each guard word found to (slot, size, bits) per slot,\n"
"the bits and length of that slot's longest guard word it starts with; screens are\n"
"(unspaced, spaced, openings, by_opening, bits) plain screens (PlainScreen's split, with\n"
"a trie of its openings); rules are (rule, low, high, bad_ends, pattern).");

static PyTypeObject LineRulesType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "newsarchive._wordtrie.LineRules",
    .tp_doc = LineRules_doc,
    .tp_basicsize = sizeof(LineRules),
    .tp_itemsize = 0,
    /* Its rules, patterns and tries do not refer back to it: no cycles, no GC support. */
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = LineRules_new,
    .tp_dealloc = (destructor)LineRules_dealloc,
    .tp_methods = LineRules_methods,
};

PyDoc_STRVAR(module_doc,
"A compiled trie of words finding, at every place of a text, the longest word starting\n"
"there: what textrules.py's trie regexes find, in one pass of C; and a line matcher\n"
"doing what textrules.LineMatcher does in Python.");

static struct PyModuleDef wordtrie_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_wordtrie",
    .m_doc = module_doc,
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__wordtrie(void)
{
    for (int c = 0; c < 128; c++) {
        ascii_word[c] = Py_ISALNUM(c) || c == '_';
    }
    str_lower = PyUnicode_InternFromString("lower");
    str_fullmatch = PyUnicode_InternFromString("fullmatch");
    if (str_lower == NULL || str_fullmatch == NULL || PyType_Ready(&WordTrieType) < 0
        || PyType_Ready(&LineRulesType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&wordtrie_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "WordTrie", (PyObject *)&WordTrieType) < 0
        || PyModule_AddObjectRef(module, "LineRules", (PyObject *)&LineRulesType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
