/* The KANO counts of a survey file read directly, without a database
 * (carecard kano; tests/fuzz/fuzz_methods.c). */
#include "score/score.h"
#include "ingest/kinds.h"

#include <stdlib.h>
#include <string.h>

/* Header and configured question compared as ingest stores questions:
 * trimmed, without a leading question number (cc_question_strip). */
static int same_question(const char *header, size_t hlen, const char *want)
{
    const char *w, *h;
    size_t wl = cc_question_strip(want, strlen(want), &w);
    hlen = cc_question_strip(header, hlen, &h);
    return hlen == wl && !memcmp(h, w, wl);
}

cc_err cc_kano_file(const char *path, const cc_config *cfg, cc_kano_row *rows, int *present, long *unparsed)
{
    size_t nk = cfg->nkano;
    *unparsed = 0;
    memset(rows, 0, nk * sizeof *rows);
    cc_csv *r = cc_csv_open(path, CC_ENC_AUTO, CC_CSV_AUTO);
    if (!r)
        return CC_ERR_IO;
    long *fcol = cc_xcalloc(nk + 1, sizeof *fcol), *dcol = cc_xcalloc(nk + 1, sizeof *dcol);
    long found = 0;
    int header = 1, got;
    cc_err e = CC_OK;
    cc_csv_record rec;
    while ((got = cc_csv_next(r, &rec)) == 1) {
        if (header) {
            header = 0;
            for (size_t k = 0; k < nk; k++) {
                fcol[k] = dcol[k] = -1;
                for (size_t j = 0; j < rec.n; j++) {
                    if (fcol[k] < 0 && same_question(rec.field[j], rec.len[j], cfg->kano[k].functional))
                        fcol[k] = (long)j;
                    if (dcol[k] < 0 && same_question(rec.field[j], rec.len[j], cfg->kano[k].dysfunctional))
                        dcol[k] = (long)j;
                }
                present[k] = fcol[k] >= 0 && dcol[k] >= 0;
                if (!present[k])
                    cc_notice("%s: KANO feature '%s': no column '%s'", path, cfg->kano[k].id,
                              fcol[k] < 0 ? cfg->kano[k].functional : cfg->kano[k].dysfunctional);
                else
                    found++;
            }
            if (!found) {
                cc_error("%s: none of the %zu KANO features' questions is in the file", path, nk);
                e = CC_ERR_DATA;
                break;
            }
            continue;
        }
        for (size_t k = 0; k < nk; k++) {
            if (!present[k] || (size_t)fcol[k] >= rec.n || (size_t)dcol[k] >= rec.n)
                continue;
            size_t fl = rec.len[fcol[k]], dl = rec.len[dcol[k]];
            cc_trim(rec.field[fcol[k]], &fl);
            cc_trim(rec.field[dcol[k]], &dl);
            if (!fl || !dl)
                continue;
            int fa = cc_kano_answer(rec.field[fcol[k]]), da = cc_kano_answer(rec.field[dcol[k]]);
            if (!fa || !da) {
                ++*unparsed;
                cc_verbose("%s:%ld: KANO feature '%s': answer '%s' cannot be read", path, rec.line,
                           cfg->kano[k].id, fa ? rec.field[dcol[k]] : rec.field[fcol[k]]);
                continue;
            }
            rows[k].counts[cc_kano_classify(fa, da)]++;
        }
    }
    if (e == CC_OK && got < 0) {
        cc_error("%s: %s", path, cc_csv_error(r));
        e = CC_ERR_DATA;
    } else if (e == CC_OK && header) {
        cc_error("%s: the file is empty", path);
        e = CC_ERR_DATA;
    }
    cc_csv_free(r);
    free(fcol);
    free(dcol);
    return e;
}
