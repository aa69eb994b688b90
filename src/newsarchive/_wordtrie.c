/*
 * _wordtrie: a compiled trie of words, and a scan finding every place of a text where
 * one of the words starts, with the longest word there.
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

/* The longest word that the text from place on starts with, given the node of its first
   character (a borrowed reference), or NULL when none does. */
static inline Py_ALWAYS_INLINE PyObject *
longest_at(const WordTrie *trie, int kind, const void *data, Py_ssize_t length,
           Py_ssize_t place, Py_ssize_t node)
{
    PyObject *word = trie->nodes[node].word;
    for (Py_ssize_t end = place + 1; end < length; end++) {
        node = child_for(trie, node, PyUnicode_READ(kind, data, end));
        if (node == 0) {
            break;
        }
        if (trie->nodes[node].word != NULL) {
            word = trie->nodes[node].word;
        }
    }
    return word;
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
                PyObject *word = longest_at(trie, kind, data, length, place, node);
                if (word != NULL && append_place(found, place, word) < 0) {
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

PyDoc_STRVAR(module_doc,
"A compiled trie of words finding, at every place of a text, the longest word starting\n"
"there: what textrules.py's trie regexes find, in one pass of C.");

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
    if (PyType_Ready(&WordTrieType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&wordtrie_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "WordTrie", (PyObject *)&WordTrieType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
