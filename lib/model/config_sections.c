/* config_sections — the sections of indicators.ini other than indicators:
 * [scorecard], [dimensions], [ahp] and [ahp.<dimension>], [item.<id>],
 * [kano.<id>]; and the walk over all sections (cfg_load_sections).
 */
#include "model/config_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const role_codes[] = {"child", "parent", "grandparent", "elder", "volunteer", "other", NULL};
static const char *const role_zh[] = {"儿童", "家长", "祖辈", "老人", "志愿者", "其他", NULL};
static const char *const groups[] = {"satisfaction", "digital", "culture", "cohesion", NULL};
static const char *const scorecard_keys[] = {"weights", "ranking", "grades", "band_scores", "min_coverage",
                                             "escalate_from", "dimensions", NULL};
static const char *const item_keys[] = {"column", "scale", "roles", "group", NULL};
static const char *const kano_keys[] = {"name", "functional", "dysfunctional", NULL};

static int sec_is(const sec_rec *s, const char *lname) { return !strcmp(s->lname, lname); }
static int sec_prefix(const sec_rec *s, const char *prefix)
{
    return !strncmp(s->lname, prefix, strlen(prefix));
}

/* [scorecard] grades and band_scores. */
static void load_grades(loader *L, cc_config *cfg, const sec_rec *s)
{
    const key_rec *k;
    const char *v;
    if ((v = cfg_get(L, s, "grades", &k))) {
        size_t n;
        char **l = cfg_split_list(v, &n);
        double g[3];
        int bad = n != 3;
        for (size_t i = 0; !bad && i < 3; i++)
            if (cfg_parse_double(l[i], &g[i]) || g[i] < 0 || g[i] > 100)
                bad = 1;
        if (!bad && !(g[0] > g[1] && g[1] > g[2]))
            bad = 1;
        if (bad)
            cfg_err_at(L, k->line, "[%s] grades = '%s'; expected three descending scores between 0 and 100 "
                       "(lower bounds of 优秀, 良好, 合格), e.g. 90, 75, 60", s->name, v);
        else
            memcpy(cfg->grades, g, sizeof g);
        cfg_free_list(l, n);
    }
    if ((v = cfg_get(L, s, "band_scores", &k))) {
        size_t n;
        char **l = cfg_split_list(v, &n);
        double g[2];
        int bad = n != 2;
        for (size_t i = 0; !bad && i < 2; i++)
            if (cfg_parse_double(l[i], &g[i]))
                bad = 1;
        if (!bad && !(100 > g[0] && g[0] >= g[1] && g[1] > 0))
            bad = 1;
        if (bad)
            cfg_err_at(L, k->line, "[%s] band_scores = '%s'; expected two scores with 100 > B1 ≥ B2 > 0 "
                       "(the scores at the yellow and at the red boundary), e.g. 80, 60", s->name, v);
        else
            memcpy(cfg->band_scores, g, sizeof g);
        cfg_free_list(l, n);
    }
}

/* [scorecard] dimensions = v (key k): the dimensions' names, replacing the default ones. */
static void load_dim_names(loader *L, cc_config *cfg, const sec_rec *s, const key_rec *k, const char *v)
{
    size_t n;
    char **l = cfg_split_list(v, &n);
    int bad = 0;
    if (n > CC_MAX_DIMS) {
        cfg_err_at(L, k->line, "[%s] dimensions lists %zu names; expected at most %d", s->name, n, CC_MAX_DIMS);
        bad = 1;
    }
    for (size_t i = 0; !bad && i < n; i++) {
        if (!cfg_valid_id(l[i], strlen(l[i]))) {
            cfg_err_at(L, k->line, "[%s] dimensions: '%s' is not a valid name; expected a comma-separated list "
                       "of names (letters, digits, underscore)", s->name, l[i]);
            bad = 1;
        } else if (!strcasecmp(l[i], "extra")) {
            cfg_err_at(L, k->line, "[%s] dimensions: 'extra' is reserved for indicators reported but not "
                       "scored; expected it not to be listed", s->name);
            bad = 1;
        }
        for (size_t j = 0; !bad && j < i; j++)
            if (!strcasecmp(l[i], l[j])) {
                cfg_err_at(L, k->line, "[%s] dimensions: '%s' is listed twice; expected each dimension once",
                           s->name, l[i]);
                bad = 1;
            }
    }
    if (!bad) {
        for (size_t i = 0; i < cfg->ndims; i++)
            CC_FREE(cfg->dims[i]);
        cfg->ndims = 0;
        for (size_t i = 0; i < n; i++)
            cfg->dims[cfg->ndims++] = cfg_lower_dup(l[i]);
    }
    cfg_free_list(l, n);
}

static void load_scorecard(loader *L, cc_config *cfg, const sec_rec *s)
{
    const key_rec *k;
    const char *v;
    if (!s)
        return;
    cfg_check_keys(L, s, scorecard_keys, "a [scorecard] key");
    if ((v = cfg_get(L, s, "weights", &k))) {
        if (!strcmp(v, "fixed"))
            cfg->weights = CC_WEIGHTS_FIXED;
        else if (!strcmp(v, "ahp"))
            cfg->weights = CC_WEIGHTS_AHP;
        else if (!strcmp(v, "entropy"))
            cfg->weights = CC_WEIGHTS_ENTROPY;
        else
            cfg_err_at(L, k->line, "[%s] weights = '%s'; expected fixed, ahp or entropy", s->name, v);
    }
    if ((v = cfg_get(L, s, "ranking", &k))) {
        if (!strcmp(v, "score"))
            cfg->ranking = CC_RANK_SCORE;
        else if (!strcmp(v, "topsis"))
            cfg->ranking = CC_RANK_TOPSIS;
        else
            cfg_err_at(L, k->line, "[%s] ranking = '%s'; expected score or topsis", s->name, v);
    }
    load_grades(L, cfg, s);
    if ((v = cfg_get(L, s, "min_coverage", &k))) {
        double m;
        if (cfg_parse_double(v, &m) || m < 0 || m > 1)
            cfg_err_at(L, k->line, "[%s] min_coverage = '%s'; expected a share from 0 to 1 (below it a unit gets "
                       "no total, grade or rank; 0 switches the rule off; default 0.6)", s->name, v);
        else
            cfg->min_coverage = m;
    }
    if ((v = cfg_get(L, s, "escalate_from", &k))) {
        if (!strcmp(v, "blue"))
            cfg->escalate_from = 1;
        else if (!strcmp(v, "yellow"))
            cfg->escalate_from = 2;
        else if (!strcmp(v, "red"))
            cfg->escalate_from = 3;
        else
            cfg_err_at(L, k->line, "[%s] escalate_from = '%s'; expected blue, yellow or red (the lowest level "
                       "that starts 专项整治 after escalate_after missed periods; default yellow)", s->name, v);
    }
    if ((v = cfg_get(L, s, "dimensions", &k)))
        load_dim_names(L, cfg, s, k, v);
}

static void load_dimensions(loader *L, cc_config *cfg, const sec_rec *s)
{
    for (size_t d = 0; d < cfg->ndims; d++)
        cfg->dim_weight[d] = 1.0 / (double)cfg->ndims;
    if (!s)
        return;
    double w[CC_MAX_DIMS];
    int given[CC_MAX_DIMS] = {0};
    int bad = 0;
    for (size_t k = s->first; k < s->first + s->nkeys; k++) {
        const key_rec *r = &L->keys[k];
        int d = cc_config_dim(cfg, r->lkey);
        if (d < 0) {
            char list[256], hint[80];
            cfg_join((const char *const *)cfg->dims, list, sizeof list);
            cfg_suggest(r->lkey, (const char *const *)cfg->dims, hint, sizeof hint);
            cfg_err_at(L, r->line, "[%s] unknown dimension '%s'%s; expected one of [scorecard] dimensions: %s",
                       s->name, r->key, hint, list);
            bad = 1;
            continue;
        }
        const char *v = cfg_value_of(L, s, r);
        if (cfg_parse_double(v, &w[d]) || w[d] < 0) {
            cfg_err_at(L, r->line, "[%s] %s = '%s'; expected a weight ≥ 0, e.g. 0.25", s->name, r->key, v);
            bad = 1;
            continue;
        }
        given[d] = 1;
    }
    if (bad)
        return;
    double sum = 0;
    for (size_t d = 0; d < cfg->ndims; d++) {
        if (!given[d]) {
            cfg_err_at(L, s->line, "[%s] no weight for dimension '%s'; expected a weight for every dimension of "
                       "[scorecard] dimensions (or no [%s] section: equal weights)", s->name, cfg->dims[d], s->name);
            return;
        }
        sum += w[d];
    }
    if (sum <= 0) {
        cfg_err_at(L, s->line, "[%s] the weights add up to 0; expected a positive total", s->name);
        return;
    }
    for (size_t d = 0; d < cfg->ndims; d++)
        cfg->dim_weight[d] = w[d] / sum;
}

/* One pairwise matrix: the keys of s are the rows, named by names[0..n);
 * writes n*n values row-major into m. Returns 0 when well-formed. */
static int load_matrix(loader *L, const sec_rec *s, const char *const *names, const char *const *shown,
                       size_t n, double *m, const char *what)
{
    int bad = 0;
    for (size_t k = s->first; k < s->first + s->nkeys; k++) {
        const key_rec *r = &L->keys[k];
        size_t row = n;
        for (size_t i = 0; i < n; i++)
            if (!strcasecmp(names[i], r->lkey))
                row = i;
        if (row == n) {
            char list[512];
            cfg_join(shown, list, sizeof list);
            cfg_err_at(L, r->line, "[%s] row '%s' is not %s; expected one row for each of: %s",
                       s->name, r->key, what, list);
            bad = 1;
            continue;
        }
        const char *v = cfg_value_of(L, s, r);
        size_t cnt;
        char **l = cfg_split_list(v, &cnt);
        if (cnt != n) {
            cfg_err_at(L, r->line, "[%s] row '%s' has %zu numbers; expected %zu (one per column, in the order of "
                       "the rows)", s->name, r->key, cnt, n);
            bad = 1;
        } else {
            for (size_t j = 0; j < n; j++)
                if (cfg_parse_ratio(l[j], strlen(l[j]), &m[row * n + j])) {
                    cfg_err_at(L, r->line, "[%s] row '%s', column %zu: '%s'; expected a positive number or a "
                               "fraction like 1/3 (Saaty 1–9 scale)", s->name, r->key, j + 1, l[j]);
                    bad = 1;
                }
        }
        cfg_free_list(l, cnt);
    }
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t k = s->first; k < s->first + s->nkeys; k++)
            if (!strcasecmp(L->keys[k].lkey, names[i]))
                found = 1;
        if (!found) {
            cfg_err_at(L, s->line, "[%s] no row for '%s'; expected %zu rows of %zu numbers", s->name, shown[i], n, n);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

int cfg_list_index(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(list[i], s))
            return (int)i;
    return -1;
}

static void load_item(loader *L, cc_config *cfg, const sec_rec *s)
{
    cfg_check_keys(L, s, item_keys, "an [item.*] key");
    cc_item *it = &cfg->items[cfg->nitems++];
    memset(it, 0, sizeof *it);
    it->id = cc_xstrdup(strchr(s->name, '.') + 1);
    it->line = s->line;
    it->scale = CC_SCALE_LIKERT5;
    const key_rec *k;
    const char *v;
    if ((!(v = cfg_get(L, s, "column", &k)) || !*v) && !(k && k->bad))
        cfg_err_at(L, k ? k->line : s->line, "[%s] no question text: expected column = <the survey question "
                   "exactly as in the survey file's header>", s->name);
    else if (v)
        it->column = cc_xstrdup(v);
    if ((v = cfg_get(L, s, "scale", &k))) {
        if (!strcmp(v, "likert5"))
            it->scale = CC_SCALE_LIKERT5;
        else if (!strcmp(v, "yesno"))
            it->scale = CC_SCALE_YESNO;
        else
            cfg_err_at(L, k->line, "[%s] scale = '%s'; expected likert5 or yesno", s->name, v);
    }
    if ((v = cfg_get(L, s, "roles", &k))) {
        size_t n;
        char **l = cfg_split_list(v, &n);
        for (size_t i = 0; i < n; i++) {
            int r = cfg_list_index(role_codes, l[i]);
            if (r < 0)
                r = cfg_list_index(role_zh, l[i]);
            if (r < 0) {
                cfg_err_at(L, k->line, "[%s] roles: unknown role '%s'; expected a comma-separated list of child, "
                           "parent, grandparent, elder, volunteer, other (or 儿童, 家长, 祖辈, 老人, 志愿者, 其他)",
                           s->name, l[i]);
                continue;
            }
            int dup = 0;
            for (size_t j = 0; j < it->nroles; j++)
                if (!strcmp(it->roles[j], role_codes[r]))
                    dup = 1;
            if (dup)
                continue;
            it->roles = cc_xrealloc(it->roles, (it->nroles + 1) * sizeof *it->roles);
            it->roles[it->nroles++] = cc_xstrdup(role_codes[r]);
        }
        cfg_free_list(l, n);
    }
    if ((v = cfg_get(L, s, "group", &k)) && *v) {
        if (cfg_list_index(groups, v) < 0)
            cfg_err_at(L, k->line, "[%s] group = '%s'; expected satisfaction, digital, culture or cohesion",
                       s->name, v);
        else
            it->group = cc_xstrdup(v);
    }
}

static void load_kano(loader *L, cc_config *cfg, const sec_rec *s)
{
    cfg_check_keys(L, s, kano_keys, "a [kano.*] key");
    cc_kano_feature *f = &cfg->kano[cfg->nkano++];
    memset(f, 0, sizeof *f);
    f->id = cc_xstrdup(strchr(s->name, '.') + 1);
    f->line = s->line;
    const key_rec *k;
    const char *v;
    if ((!(v = cfg_get(L, s, "name", &k)) || !*v) && !(k && k->bad))
        cfg_err_at(L, k ? k->line : s->line, "[%s] no name: expected name = <the feature's name, e.g. 延时托管>",
                   s->name);
    else if (v)
        f->name = cc_xstrdup(v);
    if ((!(v = cfg_get(L, s, "functional", &k)) || !*v) && !(k && k->bad))
        cfg_err_at(L, k ? k->line : s->line, "[%s] no functional question: expected functional = <the question "
                   "asked if the service is provided, as in the survey header>", s->name);
    else if (v)
        f->functional = cc_xstrdup(v);
    if ((!(v = cfg_get(L, s, "dysfunctional", &k)) || !*v) && !(k && k->bad))
        cfg_err_at(L, k ? k->line : s->line, "[%s] no dysfunctional question: expected dysfunctional = <the "
                   "question asked if the service is not provided>", s->name);
    else if (v)
        f->dysfunctional = cc_xstrdup(v);
    if (f->functional && f->dysfunctional && !strcmp(f->functional, f->dysfunctional))
        cfg_err_at(L, k->line, "[%s] functional and dysfunctional are the same question; expected two different "
                   "questions (provided / not provided)", s->name);
}

/* [ahp.<dimension>]: rows are the dimension's indicators in file order. */
static void load_ahp_dim(loader *L, cc_config *cfg, const sec_rec *s)
{
    const char *dname = strchr(s->lname, '.') + 1;
    int d = cc_config_dim(cfg, dname);
    if (d < 0) {
        char list[256];
        cfg_join((const char *const *)cfg->dims, list, sizeof list);
        cfg_err_at(L, s->line, "[%s] '%s' is not a dimension; expected [ahp.<dimension>] for one of %s",
                   s->name, strchr(s->name, '.') + 1, list);
        return;
    }
    if (cfg->has_ahp_dim[d]) {
        cfg_err_at(L, s->line, "[%s] duplicated section; expected one pairwise matrix per dimension", s->name);
        return;
    }
    const char **names = cc_xcalloc(cfg->nind + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < cfg->nind; i++)
        if (cfg->ind[i].dim == d)
            names[n++] = cfg->ind[i].id;
    if (n == 0) {
        cfg_err_at(L, s->line, "[%s] dimension '%s' has no indicators; expected a matrix over its indicators",
                   s->name, cfg->dims[d]);
        free(names);
        return;
    }
    double *m = cc_xcalloc(n * n, sizeof *m);
    char what[96];
    snprintf(what, sizeof what, "an indicator of dimension %s", cfg->dims[d]);
    if (load_matrix(L, s, names, names, n, m, what) == 0) {
        cfg->has_ahp_dim[d] = 1;
        cfg->ahp_dim[d] = m;
    } else {
        free(m);
    }
    free(names);
}

void cfg_load_sections(loader *L, cc_config *cfg)
{
    const sec_rec *scorecard = NULL, *dimensions = NULL, *ahp = NULL;
    size_t nind = 0, nitems = 0, nkano = 0;
    for (size_t i = 0; i < L->nsecs; i++) {
        const sec_rec *s = &L->secs[i];
        if (sec_is(s, "scorecard"))
            scorecard = s;
        else if (sec_is(s, "dimensions"))
            dimensions = s;
        else if (sec_is(s, "ahp"))
            ahp = s;
        else if (sec_prefix(s, "item."))
            nitems++;
        else if (sec_prefix(s, "kano."))
            nkano++;
        else if (!sec_prefix(s, "ahp.") && !sec_is(s, "feedback") && !sec_is(s, "resources")
                 && !sec_is(s, "rectification"))
            nind++;
    }
    cfg->ind = cc_xcalloc(nind ? nind : 1, sizeof *cfg->ind);
    cfg->items = cc_xcalloc(nitems ? nitems : 1, sizeof *cfg->items);
    cfg->kano = cc_xcalloc(nkano ? nkano : 1, sizeof *cfg->kano);

    load_scorecard(L, cfg, scorecard);
    load_dimensions(L, cfg, dimensions);
    for (size_t i = 0; i < L->nsecs; i++) {
        const sec_rec *s = &L->secs[i];
        if (sec_prefix(s, "item.")) {
            load_item(L, cfg, s);
        } else if (sec_prefix(s, "kano.")) {
            load_kano(L, cfg, s);
        } else {
            cfg_load_settings(L, cfg, s);
        }
    }
    for (size_t i = 0; i < L->nsecs; i++) {
        const sec_rec *s = &L->secs[i];
        if (!sec_is(s, "scorecard") && !sec_is(s, "dimensions") && !sec_is(s, "ahp") && !sec_prefix(s, "ahp.")
            && !sec_is(s, "feedback") && !sec_is(s, "resources") && !sec_is(s, "rectification")
            && !sec_prefix(s, "item.")
            && !sec_prefix(s, "kano."))
            cfg_load_indicator(L, cfg, s);
    }
    if (cfg->nind == 0 && !(L->flags & CC_CONFIG_PARTIAL))
        cfg_err_at(L, 0, "no indicators; expected at least one indicator section such as [P1]");

    if (ahp) {
        double m[CC_MAX_DIMS * CC_MAX_DIMS];
        if (load_matrix(L, ahp, (const char *const *)cfg->dims, (const char *const *)cfg->dims, cfg->ndims, m,
                        "a dimension of [scorecard] dimensions") == 0) {
            cfg->has_ahp = 1;
            for (size_t r = 0; r < cfg->ndims; r++)
                for (size_t c = 0; c < cfg->ndims; c++)
                    cfg->ahp[r][c] = m[r * cfg->ndims + c];
        }
    }
    if (cfg->weights == CC_WEIGHTS_AHP && !ahp)
        cfg_err_at(L, scorecard ? cfg_key_line(L, scorecard, "weights") : 0, "[%s] weights = ahp but there is no [ahp] "
                   "section; expected an [ahp] pairwise comparison matrix with one row per dimension",
                   scorecard ? scorecard->name : "scorecard");
    for (size_t i = 0; i < L->nsecs; i++)
        if (sec_prefix(&L->secs[i], "ahp."))
            load_ahp_dim(L, cfg, &L->secs[i]);
}

