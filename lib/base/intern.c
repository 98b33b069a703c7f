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

uint32_t cc_intern_id(cc_intern *t, const char *s, size_t len)
{
    if ((t->n + 1) * 4 > t->cap * 3)
        grow(t);
    uint32_t h = cc_intern_hash(s, len);
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
