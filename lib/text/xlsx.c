/* text/xlsx — Office Open XML workbooks: minizip for the zip container,
 * expat for the XML, read as a stream.
 *
 * Opening reads the zip directory (every entry checked against the limits
 * of sheet.h and for encryption) and the small parts: the workbook (sheet
 * names, hidden state, date system) and its relationships. The first sheet
 * opened also loads the styles (which cell formats are dates or times) and
 * the shared strings (one arena of text). The sheets themselves are read by
 * xlsx_sheet.c, a row at a time.
 * A DOCTYPE anywhere (the door to entity expansion) refuses the part.
 */
#include "text/sheet_int.h"
#include "text/xlsx_int.h"

#include <expat.h>
#include <minizip/unzip.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHUNK (64u << 10)
#define MAX_ENTRIES 10000
#define MAX_SST_BYTES (1ull << 30)


/* ---- XML helpers -------------------------------------------------------------- */

static const char *local(const char *n)
{
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

static const char *attr(const char **a, const char *name)
{
    for (; a && a[0]; a += 2)
        if (!strcmp(local(a[0]), name))
            return a[1];
    return NULL;
}

typedef struct {
    XML_Parser p;
    char err[300];
    int failed;
} xctx;

static void xfail(xctx *x, const char *msg)
{
    if (!x->failed) {
        x->failed = 1;
        snprintf(x->err, sizeof x->err, "%s", msg);
    }
    XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub, int internal)
{
    xfail(ud, "XML with a DOCTYPE (entity declarations are refused: entity expansion)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int pe, const XML_Char *v, int vl, const XML_Char *base,
                              const XML_Char *sys, const XML_Char *pub, const XML_Char *notation)
{
    xfail(ud, "XML entity declaration refused (entity expansion)");
}

/* A parser whose user data is x (the first member of the caller's struct). */
static XML_Parser parser_new(xctx *x, XML_StartElementHandler st, XML_EndElementHandler en,
                             XML_CharacterDataHandler cd)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p)
        return NULL;
    x->p = p;
    XML_SetUserData(p, x);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetElementHandler(p, st, en);
    if (cd)
        XML_SetCharacterDataHandler(p, cd);
    return p;
}

/* ---- zip parts ----------------------------------------------------------------- */

/* Open part name (case-insensitive) as the current file; its size in *size. */
int xlsx_part_open(xbook *b, const char *name, uint64_t *size, char *err, size_t cap)
{
    if (unzLocateFile(b->uf, name, 2) != UNZ_OK) {
        snprintf(err, cap, "part %s is missing", name);
        return -1;
    }
    unz_file_info64 fi;
    if (unzGetCurrentFileInfo64(b->uf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK ||
        unzOpenCurrentFile(b->uf) != UNZ_OK) {
        snprintf(err, cap, "cannot read part %s (damaged zip)", name);
        return -1;
    }
    if (size)
        *size = fi.uncompressed_size;
    return 0;
}

/* Read the whole of part name through parser x->p. */
static int part_parse(xbook *b, const char *name, xctx *x, int optional)
{
    char err[300];
    if (xlsx_part_open(b, name, NULL, err, sizeof err) < 0) {
        if (optional && !strstr(err, "damaged"))
            return 1;
        snprintf(x->err, sizeof x->err, "%s", err);
        return -1;
    }
    char *buf = cc_xmalloc(CHUNK);
    int rc = 0;
    for (;;) {
        int n = unzReadCurrentFile(b->uf, buf, CHUNK);
        if (n < 0) {
            snprintf(x->err, sizeof x->err, "part %s is damaged (inflate error %d)", name, n);
            rc = -1;
            break;
        }
        if (XML_Parse(x->p, buf, n, n == 0) != XML_STATUS_OK) {
            if (!x->failed)
                snprintf(x->err, sizeof x->err, "part %s: bad XML at line %lu: %s", name,
                         (unsigned long)XML_GetCurrentLineNumber(x->p), XML_ErrorString(XML_GetErrorCode(x->p)));
            rc = -1;
            break;
        }
        if (n == 0)
            break;
    }
    free(buf);
    int c = unzCloseCurrentFile(b->uf);
    if (rc == 0 && c == UNZ_CRCERROR) {
        snprintf(x->err, sizeof x->err, "part %s is damaged (CRC error)", name);
        rc = -1;
    }
    return rc;
}

/* "worksheets/sheet1.xml" relative to the directory of the workbook part */
static char *resolve(const char *base, const char *target)
{
    if (target[0] == '/')
        return cc_xstrdup(target + 1);
    const char *slash = strrchr(base, '/');
    size_t dl = slash ? (size_t)(slash - base + 1) : 0;
    while (!strncmp(target, "./", 2))
        target += 2;
    while (!strncmp(target, "../", 3) && dl) {
        target += 3;
        dl--;
        while (dl && base[dl - 1] != '/')
            dl--;
    }
    return cc_xasprintf("%.*s%s", (int)dl, base, target);
}

/* ---- the workbook and its relationships ------------------------------------------ */

typedef struct {
    xctx x;
    xbook *b;
    int date1904;
    char *office;             /* _rels/.rels: the workbook part */
    int rels_of_book;
    const char *base;
} wctx;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    wctx *w = ud;
    const char *n = local(name);
    if (!strcmp(n, "workbookPr")) {
        const char *d = attr(a, "date1904");
        w->date1904 = d && (!strcmp(d, "1") || !strcasecmp(d, "true"));
    } else if (!strcmp(n, "sheet")) {
        const char *nm = attr(a, "name"), *st = attr(a, "state"), *rid = attr(a, "id");
        if (!nm || !rid)
            return;
        if (w->b->nsh >= 4096) {
            xfail(&w->x, "more than 4,096 sheets");
            return;
        }
        w->b->sh = cc_xrealloc(w->b->sh, (w->b->nsh + 1) * sizeof *w->b->sh);
        xsheet *s = &w->b->sh[w->b->nsh++];
        s->name = cc_xstrdup(nm);
        s->rid = cc_xstrdup(rid);
        s->target = NULL;
        s->hidden = st && strcmp(st, "visible") != 0;
    } else if (!strcmp(n, "Relationship")) {
        const char *id = attr(a, "Id"), *t = attr(a, "Target"), *ty = attr(a, "Type");
        if (!id || !t || !ty)
            return;
        size_t tl = strlen(ty);
        if (!w->rels_of_book) {
            if (tl >= 15 && !strcmp(ty + tl - 15, "/officeDocument") && !w->office)
                w->office = cc_xstrdup(t[0] == '/' ? t + 1 : t);
            return;
        }
        if (tl >= 14 && !strcmp(ty + tl - 14, "/sharedStrings") && !w->b->sst_part)
            w->b->sst_part = resolve(w->base, t);
        else if (tl >= 7 && !strcmp(ty + tl - 7, "/styles") && !w->b->styles_part)
            w->b->styles_part = resolve(w->base, t);
        for (size_t i = 0; i < w->b->nsh; i++)
            if (!strcmp(w->b->sh[i].rid, id) && !w->b->sh[i].target)
                w->b->sh[i].target = resolve(w->base, t);
    }
}

static void XMLCALL no_end(void *ud, const XML_Char *name) {}

/* ---- styles ------------------------------------------------------------------------ */

typedef struct {
    xctx x;
    xbook *b;
    int in_xfs;
    int *fid;                 /* custom format ids */
    unsigned char *fk;        /* and their kinds */
    size_t nf;
} sctx;

static void XMLCALL st_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    sctx *s = ud;
    const char *n = local(name);
    if (!strcmp(n, "numFmt")) {
        const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
        if (!id || !code || s->nf >= 100000)
            return;
        s->fid = cc_xrealloc(s->fid, (s->nf + 1) * sizeof *s->fid);
        s->fk = cc_xrealloc(s->fk, (s->nf + 1) * sizeof *s->fk);
        s->fid[s->nf] = atoi(id);
        s->fk[s->nf++] = (unsigned char)sheet_code_fmt(code);
    } else if (!strcmp(n, "cellXfs")) {
        s->in_xfs = 1;
    } else if (!strcmp(n, "xf") && s->in_xfs) {
        if (s->b->nxf >= 1000000)
            return;
        const char *id = attr(a, "numFmtId");
        int fmt = id ? atoi(id) : 0;
        sheet_fmt k = sheet_builtin_fmt(fmt);
        for (size_t i = 0; i < s->nf; i++)
            if (s->fid[i] == fmt)
                k = (sheet_fmt)s->fk[i];
        s->b->xf = cc_xrealloc(s->b->xf, s->b->nxf + 1);
        s->b->xf[s->b->nxf++] = (unsigned char)k;
    }
}

static void XMLCALL st_end(void *ud, const XML_Char *name)
{
    sctx *s = ud;
    if (!strcmp(local(name), "cellXfs"))
        s->in_xfs = 0;
}

/* ---- shared strings ------------------------------------------------------------------- */

typedef struct {
    xctx x;
    xbook *b;
    int in_si, in_t, in_rph;
    cc_buf text;
    size_t cap_off;
} tctx;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    tctx *t = ud;
    const char *n = local(name);
    if (!strcmp(n, "si")) {
        t->in_si = 1;
        t->b->sst_off[t->b->nsst] = t->text.len;
    } else if (!strcmp(n, "t") && t->in_si && !t->in_rph)
        t->in_t = 1;
    else if (!strcmp(n, "rPh"))
        t->in_rph = 1;
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    tctx *t = ud;
    const char *n = local(name);
    if (!strcmp(n, "t"))
        t->in_t = 0;
    else if (!strcmp(n, "rPh"))
        t->in_rph = 0;
    else if (!strcmp(n, "si") && t->in_si) {
        t->in_si = 0;
        xbook *b = t->b;
        b->nsst++;
        if (b->nsst + 1 >= t->cap_off) {
            t->cap_off *= 2;
            b->sst_off = cc_xrealloc(b->sst_off, t->cap_off * sizeof *b->sst_off);
        }
        b->sst_off[b->nsst] = t->text.len;
    }
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
    tctx *t = ud;
    if (!t->in_t)
        return;
    if (t->text.len + (size_t)len > MAX_SST_BYTES) {
        xfail(&t->x, "shared strings of more than 1 GiB");
        return;
    }
    cc_buf_add(&t->text, s, (size_t)len);
}

/* Styles and shared strings, when the first sheet is opened. */
int xlsx_load_common(xbook *b, char *err, size_t cap)
{
    if (b->loaded)
        return 0;
    b->loaded = 1;
    int rc = 0;
    if (b->styles_part) {
        sctx s = {0};
        s.b = b;
        if (!parser_new(&s.x, st_start, st_end, NULL))
            return -1;
        if (part_parse(b, b->styles_part, &s.x, 1) < 0) {
            snprintf(err, cap, "%s", s.x.err);
            rc = -1;
        }
        XML_ParserFree(s.x.p);
        free(s.fid);
        free(s.fk);
    }
    if (rc == 0 && b->sst_part) {
        tctx t = {0};
        t.b = b;
        t.cap_off = 1024;
        b->sst_off = cc_xmalloc(t.cap_off * sizeof *b->sst_off);
        b->sst_off[0] = 0;
        if (!parser_new(&t.x, sst_start, sst_end, sst_text))
            return -1;
        if (part_parse(b, b->sst_part, &t.x, 1) < 0) {
            snprintf(err, cap, "%s", t.x.err);
            rc = -1;
        }
        XML_ParserFree(t.x.p);
        b->sst_len = t.text.len;
        b->sst = cc_buf_detach(&t.text);
    }
    return rc;
}

static void x_free(cc_book *book)
{
    xbook *b = book->impl;
    if (!b)
        return;
    if (b->uf)
        unzClose(b->uf);
    for (size_t i = 0; i < b->nsh; i++) {
        free(b->sh[i].name);
        free(b->sh[i].rid);
        free(b->sh[i].target);
    }
    free(b->sh);
    free(b->sst_part);
    free(b->styles_part);
    free(b->xf);
    free(b->sst);
    free(b->sst_off);
    free(b->path);
    free(b);
}

static const struct book_ops xlsx_ops = {xlsx_open_sheet, xlsx_next_row, xlsx_error, xlsx_offset, xlsx_size,
                                         xlsx_close_sheet, x_free};

/* The zip directory: every entry within the limits, none encrypted. */
static int check_entries(xbook *b, char **why)
{
    unz_global_info64 gi;
    if (unzGetGlobalInfo64(b->uf, &gi) != UNZ_OK || gi.number_entry > MAX_ENTRIES) {
        *why = cc_xasprintf("not a valid .xlsx workbook (%s)",
                            gi.number_entry > MAX_ENTRIES ? "more than 10,000 parts" : "damaged zip directory");
        return -1;
    }
    uint64_t total = 0;
    int rc = unzGoToFirstFile(b->uf);
    while (rc == UNZ_OK) {
        unz_file_info64 fi;
        char name[256];
        /* minizip ends the name with a NUL only when it fits: keep one byte */
        name[sizeof name - 1] = '\0';
        if (unzGetCurrentFileInfo64(b->uf, &fi, name, sizeof name - 1, NULL, 0, NULL, 0) != UNZ_OK) {
            *why = cc_xstrdup("not a valid .xlsx workbook (damaged zip directory)");
            return -1;
        }
        if (fi.flag & 1) {
            *why = cc_xstrdup("encrypted workbook (its zip entries are encrypted): save a copy without the "
                              "password and ingest that");
            return -1;
        }
        total += fi.uncompressed_size;
        if (fi.uncompressed_size > CC_XLSX_MAX_PART || total > CC_XLSX_MAX_TOTAL ||
            (fi.uncompressed_size > CC_XLSX_MIN_RATIO_FROM &&
             fi.uncompressed_size / (fi.compressed_size ? fi.compressed_size : 1) > CC_XLSX_MAX_RATIO)) {
            *why = cc_xasprintf("refused as a zip bomb: part %s inflates to %llu bytes from %llu (limits: "
                                "%u:1 and 4 GiB a part, 8 GiB in all)", name,
                                (unsigned long long)fi.uncompressed_size, (unsigned long long)fi.compressed_size,
                                CC_XLSX_MAX_RATIO);
            return -1;
        }
        rc = unzGoToNextFile(b->uf);
    }
    if (rc != UNZ_END_OF_LIST_OF_FILE) {
        *why = cc_xstrdup("not a valid .xlsx workbook (damaged zip directory)");
        return -1;
    }
    return 0;
}

cc_book *cc_xlsx_open(const char *path, char **why)
{
    xbook *b = cc_xcalloc(1, sizeof *b);
    b->path = cc_xstrdup(path);
    cc_book *book = sheet_book_new("xlsx", &xlsx_ops, b);
    b->uf = unzOpen64(path);
    if (!b->uf) {
        *why = cc_xstrdup("not a valid .xlsx workbook: truncated or damaged (its zip directory is missing)");
        cc_book_free(book);
        return NULL;
    }
    if (check_entries(b, why) < 0) {
        cc_book_free(book);
        return NULL;
    }
    wctx w = {0};
    w.b = b;
    /* _rels/.rels names the workbook part (xl/workbook.xml when absent) */
    if (!parser_new(&w.x, wb_start, no_end, NULL))
        goto nomem;
    int rc = part_parse(b, "_rels/.rels", &w.x, 1);
    XML_ParserFree(w.x.p);
    if (rc < 0)
        goto bad;
    char *wbpart = w.office ? w.office : cc_xstrdup("xl/workbook.xml");
    w.office = NULL;
    w.base = wbpart;
    if (!parser_new(&w.x, wb_start, no_end, NULL)) {
        free(wbpart);
        goto nomem;
    }
    rc = part_parse(b, wbpart, &w.x, 0);
    XML_ParserFree(w.x.p);
    if (rc < 0) {
        free(wbpart);
        if (strstr(w.x.err, "is missing")) {
            *why = cc_xstrdup("not an .xlsx workbook: a zip file without a workbook part (xl/workbook.xml)");
            cc_book_free(book);
            return NULL;
        }
        goto bad;
    }
    w.rels_of_book = 1;
    char *rels = cc_xasprintf("%.*s_rels/%s.rels", (int)(strrchr(wbpart, '/') ? strrchr(wbpart, '/') - wbpart + 1 : 0),
                              wbpart, strrchr(wbpart, '/') ? strrchr(wbpart, '/') + 1 : wbpart);
    if (!parser_new(&w.x, wb_start, no_end, NULL)) {
        free(wbpart);
        free(rels);
        goto nomem;
    }
    rc = part_parse(b, rels, &w.x, 0);
    XML_ParserFree(w.x.p);
    free(rels);
    free(wbpart);
    if (rc < 0)
        goto bad;
    book->date1904 = w.date1904;
    for (size_t i = 0; i < b->nsh; i++)
        sheet_book_add(book, b->sh[i].name, strlen(b->sh[i].name), b->sh[i].hidden, 0);
    return book;
nomem:
    *why = cc_xstrdup("out of memory");
    cc_book_free(book);
    return NULL;
bad:
    *why = cc_xasprintf("not a valid .xlsx workbook: %s", w.x.err);
    free(w.office);
    cc_book_free(book);
    return NULL;
}
