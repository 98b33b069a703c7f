/* score/record — the audit record of a scorecard's warnings: every warning
 * and every resolved one of each unit, as store/audit.c keeps them
 * (cc_store_audit_put).  This file decides which cells are recorded and how
 * they are named; the SQL is store/'s. */
#include "score/score_int.h"

#include <stdlib.h>

typedef struct {
    const cc_scorecard *sc;
    cc_audit_row *rows;      /* cfg->nind, reused for every unit */
} record_ctx;

/* The rows of unit u: its warnings and the ones resolved this period. */
static void record_fill(void *arg, size_t u, cc_audit_unit *out)
{
    record_ctx *x = arg;
    const cc_scorecard *sc = x->sc;
    const cc_unit_result *r = &sc->res[u];
    size_t n = 0;
    for (size_t i = 0; i < sc->cfg->nind; i++) {
        const cc_cell *c = &r->cells[i];
        if (!cc_status_is_warning(c->status) && c->change != CC_CHG_RESOLVED)
            continue;
        x->rows[n++] = (cc_audit_row){
            .indicator_id = sc->cfg->ind[i].id,
            .status = cc_status_name(c->status),
            .level = cc_colour_name(c->colour),
            .value = c->value,
            .target = sc->cfg->ind[i].target,
            .run = c->run,
            .rectify = c->rectify,
            .change = cc_change_name(c->change),
            .explanation = c->explanation ? c->explanation : "",
        };
    }
    out->unit_level = cc_level_name(r->unit.level);
    out->unit_id = r->unit.id;
    out->rows = x->rows;
    out->nrows = n;
}

cc_err cc_scorecard_record(cc_store *s, const cc_scorecard *sc)
{
    record_ctx x = {sc, cc_xcalloc(sc->cfg->nind + 1, sizeof *x.rows)};
    cc_err e = cc_store_audit_put(s, sc->period.id, sc->units.n, record_fill, &x);
    free(x.rows);
    return e;
}
