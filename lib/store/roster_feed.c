/* roster_feed — the roster feed: rows handed from the storing thread to the
 * feed's thread, filed by week in memory, spilled to a temporary file past
 * the tuning's roster_feed_mem, given up past roster_feed_ids (the weeks are
 * then read back).  cc_store_rollup_feed (rollup_feed.c) writes the rosters.
 */
#include "store/rollup_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static size_t week_slot(const cc_roster_feed *f, cc_day monday)
{
    size_t i = ((uint32_t)monday * 2654435761u) & (f->wmapcap - 1);
    while (f->wmap[i] && f->w[f->wmap[i] - 1].monday != monday)
        i = (i + 1) & (f->wmapcap - 1);
    return i;
}

static fweek *feed_week(cc_roster_feed *f, cc_day monday)
{
    if ((f->nw + 1) * 2 > f->wmapcap) {
        size_t ncap = f->wmapcap ? f->wmapcap * 2 : 256;
        free(f->wmap);
        f->wmap = cc_xcalloc(ncap, sizeof *f->wmap);
        f->wmapcap = ncap;
        for (size_t k = 0; k < f->nw; k++)
            f->wmap[week_slot(f, f->w[k].monday)] = (uint32_t)k + 1;
    }
    size_t i = week_slot(f, monday);
    if (f->wmap[i])
        return &f->w[f->wmap[i] - 1];
    if (f->nw == f->wcap) {
        f->wcap = f->wcap ? f->wcap * 2 : 64;
        f->w = cc_xrealloc(f->w, f->wcap * sizeof *f->w);
    }
    fweek *w = &f->w[f->nw++];
    memset(w, 0, sizeof *w);
    w->monday = monday;
    f->wmap[i] = (uint32_t)f->nw;
    return w;
}

static void feed_give_up(cc_roster_feed *f)
{
    f->over = 1;
    cc_intern_release(&f->ids);
    for (size_t k = 0; k < f->nw; k++) {
        free(f->w[k].e);
        free(f->w[k].c);
    }
    free(f->w);
    free(f->wmap);
    f->w = NULL;
    f->wmap = NULL;
    f->nw = f->wcap = f->wmapcap = 0;
    if (f->tmp)
        fclose(f->tmp);
    f->tmp = NULL;
}

static FILE *temp_file(void)
{
    const char *dir = cc_tuning_get()->tmpdir;      /* $TMPDIR */
    char path[4096];
    snprintf(path, sizeof path, "%s/carecard-rosters-XXXXXX", dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *t = fdopen(fd, "w+b");
    if (!t)
        close(fd);
    return t;
}

/* Every week's entries in memory to the temporary file. */
static void feed_spill(cc_roster_feed *f)
{
    if (!f->tmp && !(f->tmp = temp_file())) {
        feed_give_up(f);
        return;
    }
    for (size_t k = 0; k < f->nw; k++) {
        fweek *w = &f->w[k];
        if (!w->n)
            continue;
        if (fwrite(w->e, sizeof *w->e, w->n, f->tmp) != w->n) {
            feed_give_up(f);
            return;
        }
        if (w->nc == w->ccap) {
            w->ccap = w->ccap ? w->ccap * 2 : 8;
            w->c = cc_xrealloc(w->c, w->ccap * sizeof *w->c);
        }
        w->c[w->nc].off = f->toff;
        w->c[w->nc].n = w->n;
        w->nc++;
        f->toff += w->n * sizeof *w->e;
        free(w->e);
        w->e = NULL;
        w->n = w->cap = 0;
    }
    f->mem = 0;
}

static uint16_t get_u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* File the rows of one handoff buffer. */
static void feed_take(cc_roster_feed *f, const unsigned char *b, size_t len)
{
    enum { GROUP = 32 };      /* records whose IDs are interned together */
    size_t at = 0;
    fweek *w = NULL;
    while (at < len && !f->over) {
        const unsigned char *rec[GROUP];
        const char *txt[2 * GROUP];
        size_t tlen[2 * GROUP];
        uint32_t no[2 * GROUP];
        int nr = 0, nt = 0;
        for (; nr < GROUP && at < len; nr++) {
            const unsigned char *r = rec[nr] = b + at;
            size_t pn = get_u16(r + 8), hn = get_u16(r + 10);
            txt[nt] = (const char *)r + FEED_REC;
            tlen[nt++] = pn;
            if (hn != NO_HOUSEHOLD) {
                txt[nt] = (const char *)r + FEED_REC + pn;
                tlen[nt++] = hn;
            }
            at += FEED_REC + pn + (hn == NO_HOUSEHOLD ? 0 : hn);
        }
        if (cc_intern_bytes(&f->ids) > f->ids_max) {
            feed_give_up(f);
            break;
        }
        cc_intern_ids(&f->ids, (size_t)nt, txt, tlen, no);
        for (int j = 0, k = 0; j < nr; j++) {
            const unsigned char *r = rec[j];
            cc_day day;
            uint32_t comm;
            memcpy(&day, r, 4);
            memcpy(&comm, r + 4, 4);
            cc_day monday = cc_week_monday(day);
            if (!w || w->monday != monday)
                w = feed_week(f, monday);
            if (w->n == w->cap) {
                w->cap = w->cap ? w->cap * 2 : 1024;
                w->e = cc_xrealloc(w->e, w->cap * sizeof *w->e);
            }
            wentry *e = &w->e[w->n++];
            e->comm = comm;
            e->p = no[k++] + 1;
            e->h = get_u16(r + 10) == NO_HOUSEHOLD ? 0 : no[k++] + 1;
            e->flags = (uint8_t)r[12];
            e->days = (uint8_t)(1u << (day - monday));
            w->total++;
            if (++f->mem > f->mem_max) {
                feed_spill(f);
                w = NULL;
            }
        }
    }
}

/* After the last row: the entries in memory to the temporary file and the
 * interner's hash table freed (only its texts are needed now: memory for
 * the numbering), the IDs sorted by text.  On the feed's thread while the
 * storing thread rebuilds the table's indexes. */
void roster_feed_prepare_ids(cc_roster_feed *f)
{
    if (f->over || f->k)
        return;
    if (f->mem)
        feed_spill(f);
    if (f->over)
        return;
    free(f->ids.slot);
    free(f->ids.tag);
    f->ids.slot = NULL;
    f->ids.tag = NULL;
    f->ids.cap = 0;
    /* and the slack of the texts' arrays */
    if (f->ids.n) {
        f->ids.off = cc_xrealloc(f->ids.off, f->ids.n * sizeof *f->ids.off);
        f->ids.offcap = f->ids.n;
        f->ids.arena = cc_xrealloc(f->ids.arena, f->ids.alen);
        f->ids.acap = f->ids.alen;
    }
    size_t n = f->ids.n;
    idkey *k = cc_xmalloc((n ? n : 1) * sizeof *k);
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const unsigned char *t = (const unsigned char *)cc_intern_text(&f->ids, i, &len);
        uint64_t key = 0;
        for (size_t j = 0; j < 8; j++)
            key = key << 8 | (j < len ? t[j] : 0);
        k[i].khi = (uint32_t)(key >> 32);
        k[i].klo = (uint32_t)key;
        k[i].id = i;
    }
    rollup_sort_idkeys(k, n, &f->ids);
    f->k = k;
}

static void *feed_main(void *arg)
{
    cc_roster_feed *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        while (f->consumed == f->produced && !f->done)
            pthread_cond_wait(&f->cv, &f->mu);
        if (f->consumed == f->produced) {
            pthread_mutex_unlock(&f->mu);
            roster_feed_prepare_ids(f);
            struct timespec ts;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
            f->cpu = (double)ts.tv_sec + ts.tv_nsec / 1e9;
            break;
        }
        size_t k = f->consumed % FEED_NBUF;
        pthread_mutex_unlock(&f->mu);
        feed_take(f, f->buf[k], f->len[k]);
        pthread_mutex_lock(&f->mu);
        f->consumed++;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
    }
    return NULL;
}

cc_roster_feed *cc_roster_feed_new(int threaded)
{
    cc_roster_feed *f = cc_xcalloc(1, sizeof *f);
    /* for tests: the tuning's roster_feed_mem (CARECARD_ROSTER_FEED_MEM)
     * entries in memory before a spill, roster_feed_ids
     * (CARECARD_ROSTER_FEED_IDS) bytes of IDs before giving up */
    const cc_tuning *tu = cc_tuning_get();
    f->mem_max = tu->roster_feed_mem > 0 ? (size_t)tu->roster_feed_mem : FEED_MEM_ENTRIES;
    f->ids_max = tu->roster_feed_ids > 0 ? (size_t)tu->roster_feed_ids : FEED_INTERN_MAX;
    for (int i = 0; i < FEED_NBUF; i++)
        f->buf[i] = cc_xmalloc(FEED_BUF);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->threaded = threaded && pthread_create(&f->th, NULL, feed_main, f) == 0;
    f->started = f->threaded;
    return f;
}

/* Hand the current buffer over (or file it here when not threaded). */
static void feed_submit(cc_roster_feed *f)
{
    size_t k = f->produced % FEED_NBUF;
    if (!f->len[k])
        return;
    if (!f->threaded) {
        feed_take(f, f->buf[k], f->len[k]);
        f->len[k] = 0;
        return;
    }
    pthread_mutex_lock(&f->mu);
    f->produced++;
    pthread_cond_broadcast(&f->cv);
    if (f->produced - f->consumed == FEED_NBUF) {
        double t0 = rollup_mono();
        while (f->produced - f->consumed == FEED_NBUF)
            pthread_cond_wait(&f->cv, &f->mu);
        f->waited += rollup_mono() - t0;
    }
    pthread_mutex_unlock(&f->mu);
    f->len[f->produced % FEED_NBUF] = 0;
}

uint32_t cc_roster_feed_community(cc_roster_feed *f, const char *s, size_t len)
{
    return cc_intern_id(&f->comms, s, len);
}

void cc_roster_feed_row(cc_roster_feed *f, cc_day day, uint32_t comm, const char *p, size_t pn,
                        const char *h, size_t hn, unsigned flags)
{
    if (f->fail)
        return;
    if (pn >= NO_HOUSEHOLD || (h && hn >= NO_HOUSEHOLD)) {
        f->fail = 1;
        return;
    }
    size_t need = FEED_REC + pn + (h ? hn : 0);
    size_t k = f->produced % FEED_NBUF;
    if (f->len[k] + need > FEED_BUF) {
        feed_submit(f);
        k = f->produced % FEED_NBUF;
    }
    unsigned char *r = f->buf[k] + f->len[k];
    memcpy(r, &day, 4);
    memcpy(r + 4, &comm, 4);
    r[8] = (unsigned char)pn;
    r[9] = (unsigned char)(pn >> 8);
    size_t hl = h ? hn : NO_HOUSEHOLD;
    r[10] = (unsigned char)hl;
    r[11] = (unsigned char)(hl >> 8);
    r[12] = (unsigned char)flags;
    memcpy(r + FEED_REC, p, pn);
    if (h)
        memcpy(r + FEED_REC + pn, h, hn);
    f->len[k] += need;
}

void cc_roster_feed_readback(cc_roster_feed *f, cc_day day)
{
    cc_day monday = cc_week_monday(day);
    if (f->nrb && f->rb[f->nrb - 1] == monday)
        return;
    if (f->nrb == f->rbcap) {
        f->rbcap = f->rbcap ? f->rbcap * 2 : 64;
        f->rb = cc_xrealloc(f->rb, f->rbcap * sizeof *f->rb);
    }
    f->rb[f->nrb++] = monday;
}

/* Wait for the feed's thread to file everything. */
void roster_feed_finish(cc_roster_feed *f)
{
    feed_submit(f);
    if (f->started) {
        pthread_mutex_lock(&f->mu);
        f->done = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        pthread_join(f->th, NULL);
        f->started = 0;
    }
}

void cc_roster_feed_end(cc_roster_feed *f)
{
    feed_submit(f);
    if (f->started) {
        pthread_mutex_lock(&f->mu);
        f->done = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
    }
}

void cc_roster_feed_free(cc_roster_feed *f)
{
    if (!f)
        return;
    roster_feed_finish(f);
    feed_give_up(f);
    free(f->k);
    for (int i = 0; i < FEED_NBUF; i++)
        free(f->buf[i]);
    cc_intern_release(&f->comms);
    free(f->rb);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
}

