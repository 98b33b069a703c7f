/* ingest/strmap — a small string set and map (the communities register:
 * its IDs, and its names to their IDs), open addressing, FNV-1a. */
#include "ingest/ingest_int.h"

#include <stdlib.h>
#include <string.h>

char ingest_ambiguous_marker[] = "";

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

void ingest_map_release(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->keys[i]);
        if (m->vals && m->vals[i] != AMBIGUOUS)
            free(m->vals[i]);
    }
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t map_slot(const strmap *m, const char *s, size_t n)
{
    size_t i = (size_t)hash_bytes(s, n) & (m->cap - 1);
    while (m->keys[i] && !(strlen(m->keys[i]) == n && !memcmp(m->keys[i], s, n)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

void ingest_map_put(strmap *m, const char *k, size_t kn, const char *v)
{
    if (!m->cap || (m->n + 1) * 2 > m->cap) {
        strmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = cc_xcalloc(m->cap, sizeof *m->keys);
        m->vals = cc_xcalloc(m->cap, sizeof *m->vals);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                size_t j = map_slot(m, old.keys[i], strlen(old.keys[i]));
                m->keys[j] = old.keys[i];
                m->vals[j] = old.vals[i];
                m->n++;
            }
        free(old.keys);
        free(old.vals);
    }
    size_t i = map_slot(m, k, kn);
    if (m->keys[i]) {
        if (m->vals[i] != AMBIGUOUS && v && strcmp(m->vals[i], v)) {
            free(m->vals[i]);
            m->vals[i] = AMBIGUOUS;
        }
        return;
    }
    m->keys[i] = cc_xstrndup(k, kn);
    m->vals[i] = v ? cc_xstrdup(v) : NULL;
    m->n++;
}

/* 1 and *v = value when found */
int ingest_map_get(const strmap *m, const char *k, size_t kn, const char **v)
{
    if (!m->cap)
        return 0;
    size_t i = map_slot(m, k, kn);
    if (!m->keys[i])
        return 0;
    if (v)
        *v = m->vals[i];
    return 1;
}
