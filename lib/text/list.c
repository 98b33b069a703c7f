/* list — the items of a list cell (docs/inputs/activities.md: "list separated by `;`
 * `；` `、` or `|`").  Ingest stores them (activity_partners) and the measure
 * week cache splits activities.partners again: one rule for both. */
#include "text/text.h"

#include <string.h>

int cc_list_next(const char *s, size_t n, size_t *pos, const char **item, size_t *len)
{
    const char *e = s + n;
    while (*pos != CC_LIST_END) {
        const char *p = s + *pos, *q = p;
        size_t sep = 0;
        while (q < e) {
            if (*q == ';' || *q == '|') { sep = 1; break; }
            if (e - q >= 3 && (!memcmp(q, "；", 3) || !memcmp(q, "、", 3))) { sep = 3; break; }
            q++;
        }
        size_t k = (size_t)(q - p);
        const char *t = cc_trim(p, &k);
        *pos = q >= e ? CC_LIST_END : (size_t)(q + sep - s);
        if (k) {
            *item = t;
            *len = k;
            return 1;
        }
    }
    return 0;
}
