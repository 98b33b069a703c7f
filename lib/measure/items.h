/* items — the measures of the rectification items (items_due,
 * items_closed_on_time, items_effective, items_overdue; ledger.md in
 * docs/reports/ledger.md).  Which items there are is the scorecard's
 * business (lib/score/ledger.c finds them in the weekly history and the
 * stored ledger entries): it installs a table of the weekly items here
 * before it computes, and measure only counts them per unit and window.
 * Part of measure/.
 */
#ifndef CC_MEASURE_ITEMS_H
#define CC_MEASURE_ITEMS_H

/* One weekly item as the measures see it. */
typedef struct {
    const char *community_id;   /* borrowed from the table's owner */
    cc_day deadline;            /* 整改期限 */
    cc_day closed;              /* the day it closed (已见效: 完成日期; 已解除: the last day
                                 * of the week the run ended in), -1 never */
    cc_day known;               /* the day from which the closing is known (the week that
                                 * showed it ended), -1 never */
    int effective;              /* closed 已见效 */
} cc_item_due;
typedef struct {
    cc_item_due *v; size_t n;   /* sorted by community_id (strcmp) */
} cc_item_dues;

/* Install t (borrowed until replaced) as the items the measures items_*
 * count in this thread; NULL: no items (every community counts 0).  Returns
 * the table installed before, for the caller to put back. */
const cc_item_dues *cc_measures_items_install(const cc_item_dues *t);

/* For each community units->u[0..ncomm): the items whose deadline falls in
 * [from, to], as known on `to`: due, closed on or before the deadline, closed
 * 已见效, not closed by the deadline (overdue).  Any col may be NULL; the
 * others get a count for every community (0 without items). */
void cc_measures_items_count(const cc_units *units, cc_day from, cc_day to, double *const cols[4]);

#endif
