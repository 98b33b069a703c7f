/* report_warnings — what a report run says about warnings: warnings.csv and
 * the line naming the communities that did not report. */
#include "report/report_run_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- warnings.csv ---------------------------------------------------------------- */

/* warnings.csv is `carecard warnings --format csv` of the run's scorecard
 * (one implementation of the contract: render.c). */
cc_err cc_rr_write_csv_file(const char *path, const cc_scorecard *sc, const cc_items *items)
{
    char *tmp = cc_xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    cc_err e = CC_OK;
    if (!f) {
        cc_error("%s: %s", path, strerror(errno));
        free(tmp);
        return CC_ERR_IO;
    }
    e = cc_render_warnings(f, sc, items, CC_FMT_CSV, CC_COL_BLUE);
    if (fclose(f) != 0 || e != CC_OK) {
        cc_error("%s: write failed: %s", path, strerror(errno));
        e = CC_ERR_IO;
    }
    if (e == CC_OK && rename(tmp, path) != 0) {
        cc_error("%s: %s", path, strerror(errno));
        e = CC_ERR_IO;
    }
    if (e != CC_OK)
        unlink(tmp);
    free(tmp);
    return e;
}


/* Warns once, naming the communities of sc that did not report. */
size_t cc_rr_warn_not_reported(const cc_scorecard *sc)
{
    cc_buf b = CC_BUF_INIT;
    size_t nnr = 0;
    for (size_t i = 0; i < sc->units.n; i++) {
        const cc_unit_result *r = &sc->res[i];
        if (r->unit.level != CC_LEVEL_COMMUNITY || r->reported)
            continue;
        cc_buf_addf(&b, "%s%s (%s)", nnr ? ", " : "", r->unit.id, r->unit.name);
        nnr++;
    }
    if (nnr) {
        cc_warn("report %s: %zu %s did not report: %s", sc->period.id, nnr,
                nnr == 1 ? "community" : "communities", b.s);
    }
    cc_buf_release(&b);
    return nnr;
}
