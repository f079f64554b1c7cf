/* Compiled hot loops of the text model (sentinelle/textmodel.py).
 *
 * Why it exists: the text model's features are character n-grams and word pairs over up to 600 tokens per
 * message. In Python the tokenising, the hashed lookups and the pair hashes (64-bit products, big integers to
 * CPython) cost about 0.4 ms of the 1.9 ms an e-mail takes; here they cost a few microseconds.
 *
 * Contract: every function returns exactly what the pure-Python code in textmodel.py returns for the same input
 * (same tokens, same offsets, bit-identical sums: the same double additions in the same order, compiled with
 * -ffp-contract=off). textmodel.py stays the specification and the fallback when this module is not built;
 * tests/test_text_model_speedups.py compares both on the corpus and on generated hostile text.
 *
 * Character classes are CPython's own, as the regular expression and str.split use them:
 *   word character (re's \w on str)      Py_UNICODE_ISALNUM(c) || c == '_'
 *   white space (re's \s, str.split())   Py_UNICODE_ISSPACE(c)
 * Strings are encoded to UTF-8 as Python's "surrogatepass" does (a lone surrogate is three bytes), by hand,
 * because PyUnicode_AsUTF8 refuses lone surrogates.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- CRC-32 (zlib's, polynomial 0xEDB88320) */

static uint32_t crc_table[256];

static void
crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* zlib.crc32(data, crc): the running CRC of ``crc`` extended by ``data``. */
static uint32_t
crc32_update(uint32_t crc, const unsigned char *p, Py_ssize_t n)
{
    crc = ~crc;
    while (n-- > 0)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* ---------------------------------------------------------------- text helpers */

static inline int
is_word(Py_UCS4 c)
{
    return c == '_' || Py_UNICODE_ISALNUM(c);
}

/* UTF-8 bytes of one code point, surrogates included ("surrogatepass"); returns the byte count. */
static inline int
utf8_put(Py_UCS4 c, unsigned char *out)
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | (c >> 6));
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (c >> 12));
        out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (c >> 18));
    out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Could textmodel._placeholder return something for this chunk? A necessary condition, so that the Python
 * callable (regular expressions) runs only on chunks that may be a link or an address: "/" (a scheme's "://",
 * a path), "@", a "www." start, or a dot followed by a lower-case letter or "]" (a domain's ".fr", "[.]fr"). */
static int
may_be_placeholder(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '/' || c == '@')
            return 1;
        if (c == '.' && i + 1 < end) {
            Py_UCS4 next = PyUnicode_READ(kind, data, i + 1);
            if ((next >= 'a' && next <= 'z') || next == ']')
                return 1;
        }
    }
    /* "www.", "(www.", "<www." alone: _placeholder's prefix test needs no letter after the dot */
    Py_ssize_t i = start;
    if (i < end) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '(' || c == '<')
            i++;
    }
    if (end - i >= 4 && PyUnicode_READ(kind, data, i) == 'w' && PyUnicode_READ(kind, data, i + 1) == 'w'
        && PyUnicode_READ(kind, data, i + 2) == 'w' && PyUnicode_READ(kind, data, i + 3) == '.')
        return 1;
    return 0;
}

/* text[start:end] with the ASCII digits 1-9 made 0 (textmodel's _DIGITS), as a new reference. */
static PyObject *
token_string(PyObject *text, int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t i;
    for (i = start; i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= '1' && c <= '9')
            break;
    }
    PyObject *sub = PyUnicode_Substring(text, start, end);
    if (sub == NULL || i == end)
        return sub;
    Py_ssize_t len = end - start;
    PyObject *out = PyUnicode_New(len, PyUnicode_MAX_CHAR_VALUE(sub));
    if (out == NULL) {
        Py_DECREF(sub);
        return NULL;
    }
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    int skind = PyUnicode_KIND(sub);
    const void *sdata = PyUnicode_DATA(sub);
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 c = PyUnicode_READ(skind, sdata, k);
        PyUnicode_WRITE(okind, odata, k, (c >= '1' && c <= '9') ? '0' : c);
    }
    Py_DECREF(sub);
    return out;
}

/* ---------------------------------------------------------------- blanking (textmodel._blank_lines) */

static inline int
is_blank(Py_UCS4 c)
{
    return c == ' ' || c == '\t';
}

/* Does a date-line word ("date", "sent", "envoye", "le") followed by [ \t]* and ":" start at i? */
static int
date_cue_at(int kind, const void *data, Py_ssize_t i, Py_ssize_t end)
{
    static const char *words[] = {"date", "sent", "envoye", "le"};
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        Py_ssize_t k = i;
        const char *p = words[w];
        while (*p && k < end && PyUnicode_READ(kind, data, k) == (Py_UCS4)(unsigned char)*p) {
            p++;
            k++;
        }
        if (*p)
            continue;
        while (k < end && is_blank(PyUnicode_READ(kind, data, k)))
            k++;
        if (k < end && PyUnicode_READ(kind, data, k) == ':')
            return 1;
    }
    return 0;
}

PyDoc_STRVAR(blank_doc,
"blank(text, max_chars)\n--\n\n"
"textmodel._blank_lines: ``text`` cut to ``max_chars``, each line's quote markers (leading '>' runs) and each\n"
"date line ('date:', 'sent:', 'envoye:', 'le:' at a line start) made spaces, offsets kept.");

static PyObject *
blank(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *text;
    Py_ssize_t max_chars;
    if (!PyArg_ParseTuple(args, "Un:blank", &text, &max_chars))
        return NULL;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    if (max_chars < 0)
        max_chars = 0;
    if (len > max_chars)
        len = max_chars;
    PyObject *cut = PyUnicode_Substring(text, 0, len);
    if (cut == NULL)
        return NULL;
    int kind = PyUnicode_KIND(cut);
    const void *data = PyUnicode_DATA(cut);
    void *copy = NULL;  /* written only when something is blanked */
    for (Py_ssize_t start = 0; start < len;) {
        Py_ssize_t stop = start;
        while (stop < len && PyUnicode_READ(kind, data, stop) != '\n')
            stop++;
        /* quote markers: ^[ \t]*(?:>[ \t>]*)+ */
        Py_ssize_t k = start;
        while (k < stop && is_blank(PyUnicode_READ(kind, data, k)))
            k++;
        Py_ssize_t quoted = start;
        if (k < stop && PyUnicode_READ(kind, data, k) == '>') {
            quoted = k;
            while (quoted < stop) {
                Py_UCS4 c = PyUnicode_READ(kind, data, quoted);
                if (!is_blank(c) && c != '>')
                    break;
                quoted++;
            }
            k = quoted;
            while (k < stop && is_blank(PyUnicode_READ(kind, data, k)))
                k++;
        }
        /* then a date line, read after the quote markers: ^[ \t]*(?:date|sent|envoye|le)[ \t]*:[^\n]* */
        Py_ssize_t blank_to = date_cue_at(kind, data, k, stop) ? stop : quoted;
        if (blank_to > start) {
            if (copy == NULL) {
                copy = PyMem_Malloc((size_t)(len * kind) + 1);
                if (copy == NULL) {
                    Py_DECREF(cut);
                    return PyErr_NoMemory();
                }
                memcpy(copy, data, (size_t)(len * kind));
            }
            for (Py_ssize_t i = start; i < blank_to; i++)
                PyUnicode_WRITE(kind, copy, i, ' ');
        }
        start = stop + 1;
    }
    if (copy == NULL)
        return cut;
    /* FromKindAndData gives the canonical (narrowest) string again: blanking may remove the widest character */
    PyObject *out = PyUnicode_FromKindAndData(kind, copy, len);
    PyMem_Free(copy);
    Py_DECREF(cut);
    return out;
}

/* Token spans, as pairs of int64 (returned packed in bytes: one object instead of a tuple per token). */
typedef struct {
    int64_t *items;
    Py_ssize_t used, size;
} Spans;

static int
spans_add(Spans *spans, Py_ssize_t start, Py_ssize_t end)
{
    if (spans->used + 2 > spans->size) {
        Py_ssize_t size = spans->size ? 2 * spans->size : 512;
        int64_t *items = PyMem_Realloc(spans->items, sizeof(int64_t) * (size_t)size);
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        spans->items = items;
        spans->size = size;
    }
    spans->items[spans->used++] = start;
    spans->items[spans->used++] = end;
    return 0;
}

/* Append a token (stealing the reference) and, when wanted, its span; -1 on error. */
static int
emit(PyObject *tokens, Spans *spans, PyObject *tok, Py_ssize_t start, Py_ssize_t end)
{
    if (tok == NULL)
        return -1;
    int rc = PyList_Append(tokens, tok);
    Py_DECREF(tok);
    if (rc < 0 || spans == NULL)
        return rc;
    return spans_add(spans, start, end);
}

PyDoc_STRVAR(tokenize_doc,
"tokenize(text, max_tokens, placeholder, offsets=False)\n--\n\n"
"The model's tokens of ``text`` (already cut and blanked by textmodel._blank_lines): white-space-delimited\n"
"chunks, each either replaced by ``placeholder(chunk)`` when that returns a string, or cut into runs of word\n"
"characters and single other characters, ASCII digits 1-9 as 0; at most ``max_tokens``. With ``offsets``,\n"
"returns (tokens, spans): spans are bytes holding start, end, start, end... as native int64 (memoryview format\n"
"'q'), each token's place in ``text`` (a placeholder's span is its whole chunk).");

static PyObject *
tokenize(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"text", "max_tokens", "placeholder", "offsets", NULL};
    PyObject *text, *placeholder;
    Py_ssize_t max_tokens;
    int want_offsets = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UnO|p:tokenize", kwlist, &text, &max_tokens, &placeholder,
                                     &want_offsets))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    PyObject *tokens = PyList_New(0);
    Spans spans_buffer = {NULL, 0, 0};
    Spans *offsets = want_offsets ? &spans_buffer : NULL;
    if (tokens == NULL)
        goto error;
    Py_ssize_t i = 0;
    while (i < len && PyList_GET_SIZE(tokens) < max_tokens) {
        while (i < len && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        if (i >= len)
            break;
        Py_ssize_t start = i;
        while (i < len && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        Py_ssize_t end = i;
        if (may_be_placeholder(kind, data, start, end)) {
            PyObject *chunk = PyUnicode_Substring(text, start, end);
            if (chunk == NULL)
                goto error;
            PyObject *ph = PyObject_CallOneArg(placeholder, chunk);
            Py_DECREF(chunk);
            if (ph == NULL)
                goto error;
            if (ph != Py_None) {
                if (!PyUnicode_Check(ph)) {
                    Py_DECREF(ph);
                    PyErr_SetString(PyExc_TypeError, "placeholder must return str or None");
                    goto error;
                }
                if (emit(tokens, offsets, ph, start, end) < 0)
                    goto error;
                continue;
            }
            Py_DECREF(ph);
        }
        Py_ssize_t j = start;
        while (j < end && PyList_GET_SIZE(tokens) < max_tokens) {
            Py_ssize_t k = j + 1;
            if (is_word(PyUnicode_READ(kind, data, j))) {
                while (k < end && is_word(PyUnicode_READ(kind, data, k)))
                    k++;
            }
            if (emit(tokens, offsets, token_string(text, kind, data, j, k), j, k) < 0)
                goto error;
            j = k;
        }
    }
    if (!want_offsets)
        return tokens;
    PyObject *packed = PyBytes_FromStringAndSize((const char *)spans_buffer.items,
                                                 (Py_ssize_t)sizeof(int64_t) * spans_buffer.used);
    PyMem_Free(spans_buffer.items);
    if (packed == NULL) {
        Py_DECREF(tokens);
        return NULL;
    }
    PyObject *pair = PyTuple_Pack(2, tokens, packed);
    Py_DECREF(tokens);
    Py_DECREF(packed);
    return pair;
error:
    Py_XDECREF(tokens);
    PyMem_Free(spans_buffer.items);
    return NULL;
}

/* ---------------------------------------------------------------- Scorer */

#define MAX_NGRAMS 8
#define BIGRAM_MIX 0x9E3779B1ull
#define BIGRAM_MUL 0x85EBCA6Bull

/* The memo of token entries: an open-addressing table in one block, probed by the token's own hash (the CRC-32
 * it needs anyway) and confirmed on the token's UTF-8 bytes, so a hit reads one 32-byte slot. A dict of str to a
 * tuple of a float and an int read five or six objects scattered in memory per token: with 200,000 tokens
 * remembered, those cache misses made the lookups cost 70 us an e-mail. Tokens longer than SLOT_BYTES bytes
 * (rare: 6 in 10,000 corpus tokens) are computed each time. */
#define SLOT_BYTES 19

typedef struct {
    double sum;
    uint32_t own;
    uint8_t len;   /* 0: empty slot */
    unsigned char bytes[SLOT_BYTES];
} Slot;

typedef struct {
    PyObject_HEAD
    Py_buffer weights;     /* float32, 2**bits of them */
    int has_weights;
    uint32_t mask;
    int ngrams[MAX_NGRAMS];
    int n_ngrams;
    uint32_t salt_crc;     /* zlib.crc32(b"\x03"): a token's own hash starts from it */
    Slot *slots;           /* allocated on first use */
    size_t slot_mask;      /* slots - 1, a power of two minus one, at least twice the limit */
    Py_ssize_t used;       /* tokens remembered */
    Py_ssize_t cache_limit;
} Scorer;

static inline double
weight(const Scorer *s, uint32_t index)
{
    return (double)((const float *)s->weights.buf)[index & s->mask];
}

/* textmodel.bigram_feature, in 64-bit arithmetic: the bits kept (7 to 24) are below bit 64, so the product
 * modulo 2**64 gives the same bucket as Python's unbounded integers. */
static inline uint32_t
bigram_bucket(const Scorer *s, uint32_t left, uint32_t right)
{
    uint64_t h = (((uint64_t)left * BIGRAM_MIX) ^ (uint64_t)right) * BIGRAM_MUL;
    return (uint32_t)(h >> 7) & s->mask;
}

/* The token's weight sum: textmodel.token_features and the sum TextModel._token makes of it (the token's own
 * weight, ``own`` being its own hash from own_hashes, then the weights of its character n-grams, padded with a
 * space each side, n in the configured order), from the memo when the token is there. The memo is emptied when
 * it reaches its limit, as TextModel._token does. ``tok`` is a str (own_hashes checked). */
static int
entry(Scorer *s, PyObject *tok, uint32_t own, double *sum_out)
{
    int kind = PyUnicode_KIND(tok);
    const void *data = PyUnicode_DATA(tok);
    Py_ssize_t len = PyUnicode_GET_LENGTH(tok);
    Py_ssize_t padded = len + 2;
    unsigned char stack_bytes[4 * 66];
    Py_ssize_t stack_offsets[67];
    unsigned char *bytes = stack_bytes;
    Py_ssize_t *offs = stack_offsets;
    if (padded > 64) {
        bytes = PyMem_Malloc((size_t)(4 * padded + 4));
        offs = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(padded + 1));
        if (bytes == NULL || offs == NULL) {
            PyMem_Free(bytes);
            PyMem_Free(offs);
            PyErr_NoMemory();
            return -1;
        }
    }
    /* bytes holds " " + token + " "; offs[i] is where padded character i starts */
    Py_ssize_t b = 0;
    offs[0] = 0;
    bytes[b++] = ' ';
    for (Py_ssize_t i = 0; i < len; i++) {
        offs[i + 1] = b;
        b += utf8_put(PyUnicode_READ(kind, data, i), bytes + b);
    }
    offs[len + 1] = b;
    bytes[b++] = ' ';
    offs[len + 2] = b;
    const unsigned char *token_bytes = bytes + 1;
    Py_ssize_t n_bytes = offs[len + 1] - 1;
    int memo = n_bytes > 0 && n_bytes <= SLOT_BYTES;
    Slot *slot = NULL;
    if (memo && s->slots == NULL) {
        s->slots = PyMem_Calloc(s->slot_mask + 1, sizeof(Slot));
        if (s->slots == NULL)
            memo = 0;  /* no memory for the memo: compute every time, still correct */
    }
    if (memo) {
        size_t i = own & s->slot_mask;
        for (;;) {
            slot = &s->slots[i];
            if (slot->len == 0)
                break;
            if (slot->own == own && slot->len == n_bytes && memcmp(slot->bytes, token_bytes, (size_t)n_bytes) == 0) {
                *sum_out = slot->sum;
                goto done;
            }
            i = (i + 1) & s->slot_mask;
        }
    }
    double sum = 0.0;
    sum += weight(s, own);
    if (len > 1) {
        for (int g = 0; g < s->n_ngrams; g++) {
            Py_ssize_t n = s->ngrams[g];
            for (Py_ssize_t i = 0; i + n <= padded; i++)
                sum += weight(s, crc32_update(0, bytes + offs[i], offs[i + n] - offs[i]));
        }
    }
    *sum_out = sum;
    if (memo) {
        if (s->used >= s->cache_limit) {
            memset(s->slots, 0, (s->slot_mask + 1) * sizeof(Slot));
            s->used = 0;
            slot = &s->slots[own & s->slot_mask];  /* the table is empty: the home slot is free */
        }
        slot->sum = sum;
        slot->own = own;
        slot->len = (uint8_t)n_bytes;
        memcpy(slot->bytes, token_bytes, (size_t)n_bytes);
        s->used++;
    }
done:
    if (bytes != stack_bytes) {
        PyMem_Free(bytes);
        PyMem_Free(offs);
    }
    return 0;
}

/* A token's own hash: the CRC-32 of its UTF-8 bytes after the salt's, chained one character's bytes at a time
 * (which gives the CRC of the whole string). */
static uint32_t
own_hash(const Scorer *s, PyObject *tok)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(tok);
    if (PyUnicode_IS_ASCII(tok))
        return crc32_update(s->salt_crc, PyUnicode_DATA(tok), len);
    int kind = PyUnicode_KIND(tok);
    const void *data = PyUnicode_DATA(tok);
    uint32_t crc = s->salt_crc;
    unsigned char buf[4];
    for (Py_ssize_t i = 0; i < len; i++)
        crc = crc32_update(crc, buf, utf8_put(PyUnicode_READ(kind, data, i), buf));
    return crc;
}

#if defined(__GNUC__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)(address))
#endif

/* The own hashes of ``items`` into ``owns``, each token's once, before any lookup: their memo slots and pair
 * weights are prefetched on the way. The lookups are cache misses in a 16 MB memo and a 1 MB weight table, and
 * asking for the lines ahead lets the memory fetch them together (raw_sums, profiled over the corpus: 45 -> 19 us
 * an e-mail). -1 (TypeError) when a token is not a str. */
static int
own_hashes(const Scorer *s, PyObject **items, Py_ssize_t n, uint32_t *owns)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(items[i])) {
            PyErr_SetString(PyExc_TypeError, "tokens must be str");
            return -1;
        }
        owns[i] = own_hash(s, items[i]);
        if (s->slots != NULL)
            PREFETCH(&s->slots[owns[i] & s->slot_mask]);
        if (i > 0)
            PREFETCH((const float *)s->weights.buf + bigram_bucket(s, owns[i - 1], owns[i]));
    }
    return 0;
}

static int
Scorer_init(Scorer *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"weights", "bits", "ngrams", "cache_limit", NULL};
    PyObject *weights, *ngrams;
    int bits;
    Py_ssize_t cache_limit;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OiOn:Scorer", kwlist, &weights, &bits, &ngrams, &cache_limit))
        return -1;
    if (bits < 1 || bits > 30) {
        PyErr_SetString(PyExc_ValueError, "bits out of range");
        return -1;
    }
    if (self->has_weights) {
        PyBuffer_Release(&self->weights);
        self->has_weights = 0;
    }
    if (PyObject_GetBuffer(weights, &self->weights, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    self->has_weights = 1;
    if (self->weights.itemsize != 4 || self->weights.format == NULL || strcmp(self->weights.format, "f") != 0
        || self->weights.len != (Py_ssize_t)4 << bits) {
        PyErr_SetString(PyExc_ValueError, "weights must be 2**bits float32 values");
        return -1;
    }
    self->mask = (1u << bits) - 1;
    PyObject *seq = PySequence_Fast(ngrams, "ngrams must be a sequence");
    if (seq == NULL)
        return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    if (count > MAX_NGRAMS) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "too many n-gram sizes");
        return -1;
    }
    for (Py_ssize_t g = 0; g < count; g++) {
        long n = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, g));
        if (n < 1 || n > 64) {
            Py_DECREF(seq);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "n-gram size out of range");
            return -1;
        }
        self->ngrams[g] = (int)n;
    }
    Py_DECREF(seq);
    self->n_ngrams = (int)count;
    const unsigned char salt = 0x03;
    self->salt_crc = crc32_update(0, &salt, 1);
    if (cache_limit < 1)
        cache_limit = 1;
    if (cache_limit > ((Py_ssize_t)1 << 26)) {
        PyErr_SetString(PyExc_ValueError, "cache_limit too large");
        return -1;
    }
    size_t slots = 4;
    while (slots < 2 * (size_t)cache_limit)
        slots *= 2;
    PyMem_Free(self->slots);
    self->slots = NULL;
    self->slot_mask = slots - 1;
    self->used = 0;
    self->cache_limit = cache_limit;
    return 0;
}

static void
Scorer_dealloc(Scorer *self)
{
    if (self->has_weights)
        PyBuffer_Release(&self->weights);
    PyMem_Free(self->slots);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

PyDoc_STRVAR(raw_sums_doc,
"raw_sums(tokens)\n--\n\n"
"(sum of the tokens' own weights, sum of the neighbouring pairs' weights), each summed in token order.");

static PyObject *
Scorer_raw_sums(Scorer *self, PyObject *tokens)
{
    PyObject *seq = PySequence_Fast(tokens, "tokens must be a sequence");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *result = NULL;
    uint32_t *owns = PyMem_Malloc(sizeof(uint32_t) * (size_t)(n + 1));
    if (owns == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (own_hashes(self, items, n, owns) < 0)
        goto done;
    double token_sum = 0.0, pair_sum = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double sum;
        if (entry(self, items[i], owns[i], &sum) < 0)
            goto done;
        token_sum += sum;
        if (i > 0)
            pair_sum += weight(self, bigram_bucket(self, owns[i - 1], owns[i]));
    }
    result = Py_BuildValue("(dd)", token_sum, pair_sum);
done:
    PyMem_Free(owns);
    Py_DECREF(seq);
    return result;
}

typedef struct {
    double key;   /* minus the window's damped score: smaller is stronger */
    Py_ssize_t first, end;
} Window;

static inline int
window_before(const Window *a, const Window *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    if (a->first != b->first)
        return a->first < b->first;
    return a->end < b->end;
}

PyDoc_STRVAR(top_windows_doc,
"top_windows(tokens, factor, limit, placeholders)\n--\n\n"
"The strongest non-overlapping windows of one to three tokens, as TextModel.top_phrases chooses them:\n"
"[(first, end, score), ...], strongest first.");

static PyObject *
Scorer_top_windows(Scorer *self, PyObject *args)
{
    PyObject *tokens, *placeholders;
    double factor;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "OdnO:top_windows", &tokens, &factor, &limit, &placeholders))
        return NULL;
    PyObject *seq = PySequence_Fast(tokens, "tokens must be a sequence");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *result = NULL;
    double *singles = PyMem_Malloc(sizeof(double) * (size_t)(n + 1));
    double *pairs = PyMem_Malloc(sizeof(double) * (size_t)(n + 1));
    char *wordy = PyMem_Malloc((size_t)(n + 1));
    char *used = PyMem_Calloc((size_t)(n + 1), 1);
    Window *windows = PyMem_Malloc(sizeof(Window) * (size_t)(3 * n + 1));
    uint32_t *owns = PyMem_Malloc(sizeof(uint32_t) * (size_t)(n + 1));
    if (singles == NULL || pairs == NULL || wordy == NULL || used == NULL || windows == NULL || owns == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (own_hashes(self, items, n, owns) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        double sum;
        if (entry(self, items[i], owns[i], &sum) < 0)
            goto done;
        int placeholder = PySequence_Contains(placeholders, items[i]);
        if (placeholder < 0)
            goto done;
        singles[i] = placeholder ? 0.0 : sum * factor;
        wordy[i] = PyUnicode_GET_LENGTH(items[i]) > 0
                   && Py_UNICODE_ISALNUM(PyUnicode_READ_CHAR(items[i], 0));
        if (i > 0)
            pairs[i - 1] = weight(self, bigram_bucket(self, owns[i - 1], owns[i])) * factor;
    }
    const double damp2 = 1.0 + 0.35 * 1.0, damp3 = 1.0 + 0.35 * 2.0;
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (singles[i] > 0 && wordy[i])
            windows[count++] = (Window){-singles[i], i, i + 1};
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        double two = singles[i] + (singles[i + 1] + pairs[i]);
        if (two > 0 && (wordy[i] || wordy[i + 1]))
            windows[count++] = (Window){-(two / damp2), i, i + 2};
    }
    for (Py_ssize_t i = 0; i + 2 < n; i++) {
        double two = singles[i] + (singles[i + 1] + pairs[i]);
        double three = two + (singles[i + 2] + pairs[i + 1]);
        if (three > 0 && (wordy[i] || wordy[i + 1] || wordy[i + 2]))
            windows[count++] = (Window){-(three / damp3), i, i + 3};
    }
    result = PyList_New(0);
    if (result == NULL)
        goto done;
    /* The strongest window that overlaps none chosen so far, again and again: the same choice as popping a heap
     * of every window in order and skipping the overlapping ones. */
    for (Py_ssize_t chosen = 0; chosen < limit; chosen++) {
        const Window *best = NULL;
        for (Py_ssize_t w = 0; w < count; w++) {
            const Window *cand = &windows[w];
            int free = 1;
            for (Py_ssize_t t = cand->first; t < cand->end; t++)
                if (used[t]) {
                    free = 0;
                    break;
                }
            if (free && (best == NULL || window_before(cand, best)))
                best = cand;
        }
        if (best == NULL)
            break;
        for (Py_ssize_t t = best->first; t < best->end; t++)
            used[t] = 1;
        PyObject *row = Py_BuildValue("(nnd)", best->first, best->end, -best->key);
        if (row == NULL || PyList_Append(result, row) < 0) {
            Py_XDECREF(row);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(row);
    }
done:
    PyMem_Free(singles);
    PyMem_Free(pairs);
    PyMem_Free(wordy);
    PyMem_Free(used);
    PyMem_Free(windows);
    PyMem_Free(owns);
    Py_DECREF(seq);
    return result;
}

static PyObject *
Scorer_cache_size(Scorer *self, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromSsize_t(self->used);
}

static PyMethodDef Scorer_methods[] = {
    {"raw_sums", (PyCFunction)Scorer_raw_sums, METH_O, raw_sums_doc},
    {"top_windows", (PyCFunction)Scorer_top_windows, METH_VARARGS, top_windows_doc},
    {"cache_size", (PyCFunction)Scorer_cache_size, METH_NOARGS, "Tokens remembered now."},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Scorer_doc,
"Scorer(weights, bits, ngrams, cache_limit)\n--\n\n"
"The model's weights (a float32 buffer of 2**bits values, kept referenced) and a bounded memo of token entries.");

static PyTypeObject ScorerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "sentinelle._textmodel_speedups.Scorer",
    .tp_basicsize = sizeof(Scorer),
    .tp_dealloc = (destructor)Scorer_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = Scorer_doc,
    .tp_methods = Scorer_methods,
    .tp_init = (initproc)Scorer_init,
    .tp_new = PyType_GenericNew,
};

static PyMethodDef module_methods[] = {
    {"tokenize", (PyCFunction)(void (*)(void))tokenize, METH_VARARGS | METH_KEYWORDS, tokenize_doc},
    {"blank", (PyCFunction)blank, METH_VARARGS, blank_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "sentinelle._textmodel_speedups",
    .m_doc = "Compiled hot loops of sentinelle.textmodel (same results as its pure-Python code).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__textmodel_speedups(void)
{
    crc_init();
    if (PyType_Ready(&ScorerType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    Py_INCREF(&ScorerType);
    if (PyModule_AddObject(module, "Scorer", (PyObject *)&ScorerType) < 0) {
        Py_DECREF(&ScorerType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
