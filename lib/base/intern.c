/* intern — see intern.h. */
#include "base/intern.h"
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

uint32_t cc_intern_hash(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    h ^= h >> 16;           /* FNV's low bits are weak: mix (murmur3's finaliser) */
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static void grow(cc_intern *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 1024;
    uint32_t *ns = cc_xcalloc(ncap, sizeof *ns);
    uint8_t *nt = cc_xmalloc(ncap);
    for (size_t id = 0; id < t->n; id++) {
        size_t len;
        const char *s = cc_intern_text(t, (uint32_t)id, &len);
        uint32_t h = cc_intern_hash(s, len);
        size_t i = h & (ncap - 1);
        while (ns[i])
            i = (i + 1) & (ncap - 1);
        ns[i] = (uint32_t)id + 1;
        nt[i] = (uint8_t)(h >> 24);
    }
    free(t->slot);
    free(t->tag);
    t->slot = ns;
    t->tag = nt;
    t->cap = ncap;
}

/* The slot of (s, len): its entry's or the empty one where it would go. */
static size_t probe(const cc_intern *t, const char *s, size_t len, uint32_t h)
{
    uint8_t tg = (uint8_t)(h >> 24);
    size_t i = h & (t->cap - 1);
    while (t->slot[i]) {
        if (t->tag[i] == tg) {
            size_t olen;
            const char *o = cc_intern_text(t, t->slot[i] - 1, &olen);
            if (olen == len && !memcmp(o, s, len))
                return i;
        }
        i = (i + 1) & (t->cap - 1);
    }
    return i;
}

uint32_t cc_intern_find(const cc_intern *t, const char *s, size_t len)
{
    if (!t->n)
        return UINT32_MAX;
    size_t i = probe(t, s, len, cc_intern_hash(s, len));
    return t->slot[i] ? t->slot[i] - 1 : UINT32_MAX;
}

static uint32_t intern_hashed(cc_intern *t, const char *s, size_t len, uint32_t h);

uint32_t cc_intern_id(cc_intern *t, const char *s, size_t len)
{
    return intern_hashed(t, s, len, cc_intern_hash(s, len));
}

/* The texts are looked up in stages over the whole batch, each stage asking
 * the memory for what the next one reads (slot and tag, then the offset of
 * the first candidate's text, then the text), so that the cache misses of
 * different texts overlap instead of following one another. */
void cc_intern_ids(cc_intern *t, size_t n, const char *const *s, const size_t *len, uint32_t *out)
{
    enum { MANY = 64 };
    uint32_t h[MANY], cand[MANY];
    for (size_t at = 0; at < n; at += MANY) {
        size_t m = n - at < MANY ? n - at : MANY;
        for (size_t j = 0; j < m; j++) {
            h[j] = cc_intern_hash(s[at + j], len[at + j]);
            if (t->cap) {
                size_t i = h[j] & (t->cap - 1);
                __builtin_prefetch(&t->slot[i]);
                __builtin_prefetch(&t->tag[i]);
            }
        }
        if (t->cap) {
            for (size_t j = 0; j < m; j++) {  /* the first slot with its tag */
                size_t i = h[j] & (t->cap - 1);
                uint8_t tg = (uint8_t)(h[j] >> 24);
                while (t->slot[i] && t->tag[i] != tg)
                    i = (i + 1) & (t->cap - 1);
                cand[j] = t->slot[i];
                if (cand[j])
                    __builtin_prefetch(&t->off[cand[j] - 1]);
            }
            for (size_t j = 0; j < m; j++)
                if (cand[j])
                    __builtin_prefetch(t->arena + t->off[cand[j] - 1]);
        }
        for (size_t j = 0; j < m; j++)
            out[at + j] = intern_hashed(t, s[at + j], len[at + j], h[j]);
    }
}

static uint32_t intern_hashed(cc_intern *t, const char *s, size_t len, uint32_t h)
{
    if ((t->n + 1) * 4 > t->cap * 3)
        grow(t);
    size_t i = probe(t, s, len, h);
    if (t->slot[i])
        return t->slot[i] - 1;
    if (t->alen + len + 1 > t->acap) {
        t->acap = (t->alen + len + 1) + (t->alen + len + 1) / 2 + 4096;
        if (t->acap > UINT32_MAX)       /* 4 GB of text: out of memory long before */
            t->acap = (size_t)UINT32_MAX + 1;
        if (t->alen + len + 1 > t->acap || t->n >= UINT32_MAX - 1)
            CC_BUG("cc_intern: more than 4 GB of text");
        t->arena = cc_xrealloc(t->arena, t->acap);
    }
    if (t->n == t->offcap) {
        t->offcap = t->offcap ? t->offcap + t->offcap / 2 : 4096;
        t->off = cc_xrealloc(t->off, t->offcap * sizeof *t->off);
    }
    memcpy(t->arena + t->alen, s, len);
    t->arena[t->alen + len] = '\0';
    t->off[t->n] = (uint32_t)t->alen;
    t->alen += len + 1;
    t->slot[i] = (uint32_t)t->n + 1;
    t->tag[i] = (uint8_t)(h >> 24);
    return (uint32_t)t->n++;
}

size_t cc_intern_bytes(const cc_intern *t)
{
    return t->cap * (sizeof *t->slot + sizeof *t->tag) + t->offcap * sizeof *t->off + t->acap;
}

void cc_intern_release(cc_intern *t)
{
    free(t->slot);
    free(t->tag);
    free(t->off);
    free(t->arena);
    memset(t, 0, sizeof *t);
}
