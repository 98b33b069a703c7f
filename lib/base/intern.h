/* intern — a string interner: text -> dense number 0, 1, 2 ... in order of
 * first appearance, and number -> text.
 *
 * Open addressing (at most 3/4 full) over 4-byte slots with a 1-byte tag per
 * slot (the hash's top byte: most probes that miss compare no text); the
 * texts live NUL-terminated one after the other in one arena, so a number's
 * length is the distance to the next one's text (a text may hold a NUL).
 * About 10 bytes per entry plus the texts: 2.5 M IDs of ~9 bytes in ~55 MB.
 */
#ifndef CC_INTERN_H
#define CC_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t *slot;         /* number + 1, 0 = empty */
    uint8_t *tag;           /* per slot: the hash's top byte */
    size_t cap;             /* slots, a power of two */
    size_t n;               /* entries */
    uint32_t *off;          /* number -> offset of its text in arena */
    size_t offcap;
    char *arena;
    size_t alen, acap;
} cc_intern;

#define CC_INTERN_INIT {0}

/* The hash cc_intern uses (FNV-1a with murmur3's finaliser). */
uint32_t cc_intern_hash(const char *s, size_t len);
/* The number of (s, len), numbering it when new.  Texts past 4 GB in all
 * (out of memory long before) abort. */
uint32_t cc_intern_id(cc_intern *t, const char *s, size_t len);
/* out[i] = cc_intern_id(t, s[i], len[i]) for i < n, in that order, faster:
 * the batch's memory reads overlap. */
void cc_intern_ids(cc_intern *t, size_t n, const char *const *s, const size_t *len, uint32_t *out);
/* The number of (s, len), or UINT32_MAX when it was never interned. */
uint32_t cc_intern_find(const cc_intern *t, const char *s, size_t len);
/* The text of number id (NUL-terminated) and its length. */
static inline const char *cc_intern_text(const cc_intern *t, uint32_t id, size_t *len)
{
    size_t end = id + 1 < t->n ? t->off[id + 1] : t->alen;
    *len = end - t->off[id] - 1;
    return t->arena + t->off[id];
}
/* Bytes held (for bounding memory). */
size_t cc_intern_bytes(const cc_intern *t);
/* Free everything; back to CC_INTERN_INIT. */
void cc_intern_release(cc_intern *t);

#endif
