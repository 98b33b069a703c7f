/* Unit tests of lib/model/config.c: the default catalog, and one test per
 * kind of configuration error with its exact message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static char *diag_text;
static size_t diag_len;

/* Load text as "t.ini"; the diagnostics land in diag_text. */
static cc_err load(const char *text, cc_config *cfg)
{
    free(diag_text);
    diag_text = NULL;
    FILE *mem = open_memstream(&diag_text, &diag_len);
    cc_diag_set_sink(mem);
    cc_err e = cc_config_load_mem("t.ini", text, strlen(text), cfg);
    fclose(mem);
    cc_diag_set_sink(stderr);
    return e;
}

/* Expect text to fail with exactly these diagnostics (lines joined by \n). */
static void expect_errors(const char *text, const char *msgs)
{
    cc_config cfg;
    cc_err e = load(text, &cfg);
    if (e != CC_ERR_CONFIG)
        fail_msg("expected a configuration error for:\n%s", text);
    assert_string_equal(diag_text, msgs);
    assert_null(cfg.ind);           /* released */
}

#define BASE \
    "[P4]\n" \
    "name      = 活动出勤率\n" \
    "dimension = process\n" \
    "formula   = attended / registered\n" \
    "unit      = percent\n" \
    "direction = higher\n" \
    "target    = 0.85\n" \
    "yellow    = 0.80\n" \
    "red       = 0.70\n"

static void test_default_catalog(void **state)
{
    (void)state;
    cc_config cfg;
    FILE *mem;
    free(diag_text);
    diag_text = NULL;
    mem = open_memstream(&diag_text, &diag_len);
    cc_diag_set_sink(mem);
    cc_err e = cc_config_load("indicators.ini", &cfg);
    fclose(mem);
    cc_diag_set_sink(stderr);
    assert_int_equal(e, CC_OK);
    assert_string_equal(diag_text, "");
    assert_int_equal(cfg.nind, 29);
    static const char *ids[] = {"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "R1", "R2", "R3", "R4", "R5",
                                "R6", "L1", "L2", "L3", "L4", "L5", "C1", "C2", "C3", "C4", "X1", "X2", "X3",
                                "X4", "X5", "X6"};
    static const char *dims[] = {"process", "recipients", "growth", "community", "extra"};
    static const int ndim_ind[] = {8, 6, 5, 4, 6};
    int count[5] = {0};
    for (size_t i = 0; i < 29; i++) {
        assert_string_equal(cfg.ind[i].id, ids[i]);
        int d = cfg.ind[i].dim;
        count[d < 0 ? 4 : d]++;
        assert_non_null(cfg.ind[i].formula);
        /* 2 for weekly activity indicators, 3 for 4-week windows, 4 for
         * 13/26-week windows and register indicators (the catalog review) */
        int slow = cfg.ind[i].window.unit == 'w' && cfg.ind[i].window.n >= 13;
        int four = cfg.ind[i].window.unit == 'w' && cfg.ind[i].window.n == 4;
        int reg = !strcmp(ids[i], "C4") || !strcmp(ids[i], "X1") || !strcmp(ids[i], "X2")
                  || !strcmp(ids[i], "L4");
        assert_int_equal(cfg.ind[i].escalate_after, slow || reg ? 4 : four ? 3 : 2);
    }
    assert_true(cfg.band_scores[0] == 80 && cfg.band_scores[1] == 60);
    assert_true(cfg.min_coverage == 0.6);
    assert_int_equal(cfg.escalate_from, 2);
    for (int d = 0; d < 5; d++)
        assert_int_equal(count[d], ndim_ind[d]);
    assert_int_equal(cfg.ndims, 4);
    for (int d = 0; d < 4; d++) {
        assert_string_equal(cfg.dims[d], dims[d]);
        assert_true(fabs(cfg.dim_weight[d] - 0.25) < 1e-12);
    }
    assert_int_equal(cfg.weights, CC_WEIGHTS_FIXED);
    assert_int_equal(cfg.ranking, CC_RANK_SCORE);
    assert_true(cfg.grades[0] == 90 && cfg.grades[1] == 75 && cfg.grades[2] == 60);
    assert_int_equal(cfg.feedback_respond_days, 3);
    assert_true(cfg.demand_rate == 0.30);
    assert_int_equal(cfg.has_ahp, 0);

    const cc_indicator *p4 = &cfg.ind[cc_config_indicator(&cfg, "p4")];
    assert_string_equal(p4->name, "活动出勤率");
    assert_string_equal(p4->name_en, "Attendance rate");
    assert_string_equal(p4->formula_src, "attended / registered");
    assert_true(p4->target == 0.85 && p4->yellow == 0.80 && p4->red == 0.70 && p4->floor == 0.40);
    assert_int_equal(p4->unit, CC_UNIT_PERCENT);
    assert_int_equal(p4->direction, CC_HIGHER);
    assert_int_equal(p4->window.unit, 0);

    const cc_indicator *p6 = &cfg.ind[5];
    assert_int_equal(p6->direction, CC_LOWER);
    assert_true(p6->target == 7 && p6->yellow == 9 && p6->red == 12 && p6->floor == 20);
    const cc_indicator *p7 = &cfg.ind[6];
    assert_string_equal(p7->formula_src, "1000 * incidents / attended");
    assert_int_equal(p7->window.unit, 'w');
    assert_int_equal(p7->window.n, 4);
    assert_true(p7->floor == 5);
    const cc_indicator *r1 = &cfg.ind[8];
    assert_true(r1->min_n == 10);
    assert_int_equal(r1->window.n, 13);
    const cc_indicator *l1 = &cfg.ind[14];
    assert_true(l1->floor == -0.10);
    assert_int_equal(l1->window.n, 26);
    assert_string_equal(cfg.ind[15].formula_src,
                        "(assess.social.post_sum - assess.social.pre_sum) / assess.social.pre_sum");
    const cc_indicator *x2 = &cfg.ind[24];
    assert_int_equal(x2->direction, CC_LOWER);
    assert_true(x2->floor == 0.5);
    const cc_indicator *x4 = &cfg.ind[26];
    assert_int_equal(x4->dim, -1);
    assert_string_equal(cc_config_dim_name(&cfg, x4->dim), "extra");
    /* the comment after the formula is not part of it */
    assert_string_equal(x4->formula_src, "survey.digital_skill.yes / survey.digital_skill.n");
    assert_true(cc_indicator_uses(x4, CC_SRC_SURVEY));
    assert_false(cc_indicator_uses(x4, CC_SRC_ACTIVITIES));
    assert_true(cc_indicator_uses(&cfg.ind[3], CC_SRC_ACTIVITIES));
    assert_true(cc_indicator_uses(&cfg.ind[27], CC_SRC_REPORTED));

    assert_int_equal(cfg.nitems, 4);
    const cc_item *ds = &cfg.items[cc_config_item(&cfg, "digital_skill")];
    assert_string_equal(ds->column, "您能熟练使用社区育儿小程序吗");
    assert_int_equal(ds->scale, CC_SCALE_YESNO);
    assert_int_equal(ds->nroles, 1);
    assert_string_equal(ds->roles[0], "grandparent");
    assert_string_equal(ds->group, "digital");
    const cc_item *ps = &cfg.items[0];
    assert_string_equal(ps->id, "parent_sat");
    assert_string_equal(ps->column, "您对社区育儿服务的总体满意度");
    assert_int_equal(ps->nroles, 2);
    assert_string_equal(ps->roles[1], "grandparent");
    assert_int_equal(cfg.items[2].nroles, 0);
    assert_string_equal(cfg.items[2].group, "cohesion");

    assert_true(cfg.nkano >= 3);
    assert_string_equal(cfg.kano[0].id, "flex_hours");
    assert_string_equal(cfg.kano[0].name, "延时托管");
    assert_string_equal(cfg.kano[0].functional, "如果社区提供延时托管服务，您的感受是？");
    assert_string_equal(cfg.kano[0].dysfunctional, "如果社区不提供延时托管服务，您的感受是？");
    cc_config_release(&cfg);
    assert_null(cfg.ind);
}

static void test_minimal_and_defaults(void **state)
{
    (void)state;
    cc_config cfg;
    assert_int_equal(load(BASE, &cfg), CC_OK);
    assert_int_equal(cfg.nind, 1);
    assert_string_equal(cfg.path, "t.ini");
    const cc_indicator *p = &cfg.ind[0];
    assert_string_equal(p->name_en, "活动出勤率");   /* defaults to name */
    assert_true(p->floor == 0 && p->weight == 1 && p->min_n == 0);
    assert_int_equal(p->escalate_after, 2);
    assert_int_equal(p->line, 1);
    assert_int_equal(cfg.ndims, 4);
    assert_int_equal(cfg.nitems, 0);
    assert_int_equal(cfg.nkano, 0);
    assert_int_equal(cc_config_indicator(&cfg, "P5"), -1);
    assert_int_equal(cc_config_dim(&cfg, "Growth"), 2);
    assert_int_equal(cc_config_dim(&cfg, "extra"), -1);
    cc_config_release(&cfg);
}

static void test_bom_crlf_quotes_case(void **state)
{
    (void)state;
    cc_config cfg;
    const char *text =
        "\xEF\xBB\xBF; comment\r\n"
        "[Scorecard]\r\n"
        "Weights = Fixed\r\n"
        "[p4]\r\n"
        "NAME      = \"出勤率；含#号\"   ; comment\r\n"
        "dimension = Process\r\n"
        "formula   = attended/registered\r\n"
        "direction = higher\r\n"
        "target = 0.85\r\n"
        "yellow = .8\r\n"
        "red = 0.7\r\n"
        "[item.Sat]\r\n"
        "column = \"问题一；二\"\r\n"
        "roles = 家长，祖辈, parent\r\n";
    /* values keep their case: 'Fixed' is not a weights method */
    assert_int_equal(load(text, &cfg), CC_ERR_CONFIG);
    assert_string_equal(diag_text,
        "carecard: t.ini:3: [Scorecard] weights = 'Fixed'; expected fixed, ahp or entropy\n"
        "carecard: t.ini: 1 configuration error\n");
    char *fixed = strdup(text);
    memcpy(strstr(fixed, "Fixed"), "fixed", 5);
    assert_int_equal(load(fixed, &cfg), CC_OK);
    free(fixed);
    assert_string_equal(diag_text, "");
    assert_string_equal(cfg.ind[0].id, "p4");                 /* as written */
    assert_string_equal(cfg.ind[0].name, "出勤率；含#号");
    assert_int_equal(cfg.ind[0].dim, 0);
    assert_int_equal(cfg.ind[0].line, 4);
    assert_true(cfg.ind[0].yellow == 0.8);
    assert_string_equal(cfg.items[0].id, "Sat");
    assert_string_equal(cfg.items[0].column, "问题一；二");
    assert_int_equal(cfg.items[0].nroles, 2);                 /* parent once */
    assert_string_equal(cfg.items[0].roles[0], "parent");
    assert_string_equal(cfg.items[0].roles[1], "grandparent");
    assert_int_equal(cc_config_item(&cfg, "sat"), 0);
    assert_int_equal(cc_config_indicator(&cfg, "P4"), 0);
    cc_config_release(&cfg);
}

static void test_long_value(void **state)
{
    (void)state;
    /* a line of exactly 1,024 bytes with a 1,008-byte question: too long
     * for iniparser's line buffer once written as key="value"; the loader
     * still reads it */
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, BASE "[kano.k]\nname = 长\nfunctional = 是\ndysfunctional = ");
    for (int i = 0; i < 336; i++)
        cc_buf_adds(&b, "问");
    cc_buf_adds(&b, "\n");
    cc_config cfg;
    assert_int_equal(load(b.s, &cfg), CC_OK);
    assert_int_equal(strlen(cfg.kano[0].dysfunctional), 1008);
    assert_memory_equal(cfg.kano[0].dysfunctional, "问问", 6);
    cc_config_release(&cfg);
    cc_buf_release(&b);
}

static void test_duplicates(void **state)
{
    (void)state;
    expect_errors(BASE "[R1]\nname = x\n[p4]\nname = y\n",
        "carecard: t.ini:10: [R1] missing key 'dimension'; expected one of process, recipients, growth, community, extra\n"
        "carecard: t.ini:10: [R1] missing key 'formula'; expected an arithmetic expression over measure names, e.g. formula = attended / registered\n"
        "carecard: t.ini:10: [R1] missing key 'direction'; expected higher or lower (which way is better)\n"
        "carecard: t.ini:10: [R1] missing key 'target'; expected the value that counts as met (达标)\n"
        "carecard: t.ini:10: [R1] missing key 'yellow'; expected the boundary between blue and yellow\n"
        "carecard: t.ini:10: [R1] missing key 'red'; expected the boundary between yellow and red\n"
        "carecard: t.ini:12: duplicated section [p4] (first at line 1, as [P4]); expected each section once (section names ignore case)\n"
        "carecard: t.ini: 7 configuration errors\n");
    expect_errors(BASE "Target = 0.9\n",
        "carecard: t.ini:10: [P4] duplicated key 'Target' (first at line 7); expected each key once per section\n"
        "carecard: t.ini: 1 configuration error\n");
}

static void test_lines(void **state)
{
    (void)state;
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, BASE "; ");
    for (int i = 0; i < 1100; i++)
        cc_buf_addc(&b, 'x');
    cc_buf_adds(&b, "\n");
    expect_errors(b.s,
        "carecard: t.ini:10: line is 1102 bytes long; expected at most 1024 bytes per line\n"
        "carecard: t.ini: 1 configuration error\n");
    cc_buf_release(&b);
    /* exactly 1,024 bytes is fine */
    cc_buf_adds(&b, BASE ";");
    for (int i = 0; i < 1023; i++)
        cc_buf_addc(&b, 'x');
    cc_config cfg;
    assert_int_equal(load(b.s, &cfg), CC_OK);
    cc_config_release(&cfg);
    cc_buf_release(&b);

    expect_errors("name = x\n" BASE "what is this\n[P5\n",
        "carecard: t.ini:1: key 'name' comes before any section; expected a [section] header first\n"
        "carecard: t.ini:11: cannot read 'what is this'; expected '[section]', 'key = value' or a comment starting with ';'\n"
        "carecard: t.ini:12: section header '[P5' has no closing ']'; expected [ID]\n"
        "carecard: t.ini: 3 configuration errors\n");
    expect_errors(BASE "[P 5]\nname = x\n[item.a.b]\n",
        "carecard: t.ini:10: section name '[P 5]' is not valid; expected an indicator ID (letters, digits, underscore, at most 32) or scorecard, dimensions, ahp, ahp.<dimension>, feedback, resources, item.<id>, kano.<id>\n"
        "carecard: t.ini:12: section name '[item.a.b]' is not valid; expected an indicator ID (letters, digits, underscore, at most 32) or scorecard, dimensions, ahp, ahp.<dimension>, feedback, resources, item.<id>, kano.<id>\n"
        "carecard: t.ini: 2 configuration errors\n");
    expect_errors(BASE "name_en = 'quoted\"\n",
        "carecard: t.ini:10: the value of 'name_en' contains '\"'; expected a value without quotes, or the whole value in double quotes (needed when it contains ';' or '#')\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors(BASE "name_en = \"a\" b\n",
        "carecard: t.ini:10: unexpected text 'b' after the quoted value of 'name_en'; values cannot contain '\"'\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors(BASE "name_en = \"abc\n",
        "carecard: t.ini:10: the quoted value of 'name_en' has no closing '\"'; expected \"...\" on one line\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors(BASE "name_en = a\xff\n",
        "carecard: t.ini:10: line is not valid UTF-8; expected the file saved as UTF-8\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("",
        "carecard: t.ini: no indicators; expected at least one indicator section such as [P1]\n"
        "carecard: t.ini: 1 configuration error\n");
}

static void test_indicator_errors(void **state)
{
    (void)state;
    expect_errors(BASE "traget = 0.9\n",
        "carecard: t.ini:10: [P4] unknown key 'traget' (did you mean 'target'?); expected an indicator key: name, name_en, dimension, formula, unit, direction, target, yellow, red, floor, weight, window, min_n, escalate_after\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P4]\nname = x\ndimension = process\nformula = attendd / registered\ndirection = higher\n"
                  "target = 1\nyellow = 1\nred = 1\n",
        "carecard: t.ini:4:11: [P4] formula: unknown measure 'attendd' (did you mean 'attended'?); expected a measure name from the catalog (docs/indicators.md), a survey.<item>.<stat> or an assess.<domain>.<stat>\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P4]\nname = x\ndimension = process\nformula = Attended / registered\ndirection = higher\n"
                  "target = 1\nyellow = 1\nred = 1\n",
        "carecard: t.ini:4:11: [P4] formula: unknown measure 'Attended' (did you mean 'attended'?); expected a measure name from the catalog (docs/indicators.md), a survey.<item>.<stat> or an assess.<domain>.<stat>\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P4]\nname = x\ndimension = process\nformula = (attended / registered\ndirection = higher\n"
                  "target = 1\nyellow = 1\nred = 1\n",
        "carecard: t.ini:4:33: [P4] formula: expected ')', found end of formula\n"
        "carecard: t.ini: 1 configuration error\n");
    /* the column counts characters of the line, quotes included */
    expect_errors("[P4]\nname = x\ndimension = process\nformula = \"活动 + attended\"\ndirection = higher\n"
                  "target = 1\nyellow = 1\nred = 1\n",
        "carecard: t.ini:4:12: [P4] formula: expected a number, a measure name or '(', found '活'\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P4]\nname = x\ndimension = process\nformula = survey.sat.top2 / survey.sat.n + survey.x.avg"
                  " + assess.music.pairs\ndirection = higher\ntarget = 1\nyellow = 1\nred = 1\n",
        "carecard: t.ini:4:11: [P4] formula: unknown survey item 'sat' in 'survey.sat.top2'; expected an item declared in an [item.sat] section (declared: none)\n"
        "carecard: t.ini:4:44: [P4] formula: 'survey.x.avg' is not a survey measure; expected survey.<item>.n, survey.<item>.sum, survey.<item>.top2 or survey.<item>.yes\n"
        "carecard: t.ini:4:59: [P4] formula: unknown assessment measure 'assess.music.pairs'; expected assess.<domain>.pairs, .pre_sum or .post_sum with domain cognitive, social, emotion, language or motor\n"
        "carecard: t.ini: 3 configuration errors\n");
    expect_errors("[item.a]\ncolumn = q\n[item.b]\ncolumn = r\nscale = yesno\n"
                  "[P4]\nname = x\ndimension = process\nformula = survey.a.yes + survey.b.top2 + survey.b.yes\n"
                  "direction = higher\ntarget = 1\nyellow = 1\nred = 1\n",
        "carecard: t.ini:9:11: [P4] formula: 'survey.a.yes': item 'a' is likert5 and has no yes answers; expected .n, .sum or .top2\n"
        "carecard: t.ini:9:26: [P4] formula: 'survey.b.top2': item 'b' is yesno; expected .n or .yes\n"
        "carecard: t.ini: 2 configuration errors\n");
    expect_errors(BASE "yellow = 0.90\n",
        "carecard: t.ini:10: [P4] duplicated key 'yellow' (first at line 8); expected each key once per section\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P4]\nname = x\ndimension = process\nformula = attended\ndirection = higher\n"
                  "target = 0.85\nyellow = 0.90\nred = 0.70\n",
        "carecard: t.ini:7: [P4] yellow = 0.90 is above target = 0.85; for direction = higher expected target ≥ yellow ≥ red\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P4]\nname = x\ndimension = process\nformula = attended\ndirection = higher\n"
                  "target = 0.85\nyellow = 0.80\nred = 0.81\n",
        "carecard: t.ini:8: [P4] red = 0.81 is above yellow = 0.80; for direction = higher expected target ≥ yellow ≥ red\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P6]\nname = x\ndimension = process\nformula = attended\ndirection = lower\n"
                  "target = 7\nyellow = 6\nred = 12\nfloor = 20\n",
        "carecard: t.ini:7: [P6] yellow = 6 is below target = 7; for direction = lower expected target ≤ yellow ≤ red\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P6]\nname = x\ndimension = process\nformula = attended\ndirection = lower\n"
                  "target = 7\nyellow = 9\nred = 12\n",
        "carecard: t.ini:1: [P6] missing key 'floor'; expected the value that scores 0, above target (required when direction = lower)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P6]\nname = x\ndimension = process\nformula = attended\ndirection = lower\n"
                  "target = 7\nyellow = 9\nred = 12\nfloor = 5\n",
        "carecard: t.ini:9: [P6] floor = 5 is not above target = 7; expected the value that scores 0 above the target (direction = lower)\n"
        "carecard: t.ini: 1 configuration error\n");
    /* threshold scoring: the floor lies beyond red (an empty red band, floor
     * = red, is allowed) */
    expect_errors("[P4]\nname = x\ndimension = process\nformula = attended\ndirection = higher\n"
                  "target = 0.85\nyellow = 0.80\nred = 0.70\nfloor = 0.75\n",
        "carecard: t.ini:9: [P4] floor = 0.75 is above red = 0.70; expected the value that scores 0 on the far "
        "side of the red boundary (direction = higher: floor ≤ red)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[P6]\nname = x\ndimension = process\nformula = attended\ndirection = lower\n"
                  "target = 7\nyellow = 9\nred = 12\nfloor = 10\n",
        "carecard: t.ini:9: [P6] floor = 10 is below red = 12; expected the value that scores 0 on the far "
        "side of the red boundary (direction = lower: floor ≥ red)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[L1]\nname = x\ndimension = process\nformula = attended\ndirection = higher\n"
                  "target = 0.1\nyellow = 0.05\nred = -0.05\n",
        "carecard: t.ini:1: [L1] red = -0.05 and floor defaults to 0; expected a floor at or below red "
        "(floor = the value that scores 0)\n"
        "carecard: t.ini: 1 configuration error\n");
    {
        cc_config ok;
        assert_int_equal(load("[P4]\nname = x\ndimension = process\nformula = attended\ndirection = higher\n"
                              "target = 0.85\nyellow = 0.80\nred = 0.70\nfloor = 0.70\n", &ok), CC_OK);
        assert_true(ok.ind[0].floor == 0.70);
        cc_config_release(&ok);
    }
    expect_errors("[scorecard]\nband_scores = 60, 80\nmin_coverage = 1.5\nescalate_from = green\n" BASE,
        "carecard: t.ini:2: [scorecard] band_scores = '60, 80'; expected two scores with 100 > B1 ≥ B2 > 0 "
        "(the scores at the yellow and at the red boundary), e.g. 80, 60\n"
        "carecard: t.ini:3: [scorecard] min_coverage = '1.5'; expected a share from 0 to 1 (below it a unit gets "
        "no total, grade or rank; 0 switches the rule off; default 0.6)\n"
        "carecard: t.ini:4: [scorecard] escalate_from = 'green'; expected blue, yellow or red (the lowest level "
        "that starts 专项整治 after escalate_after missed periods; default yellow)\n"
        "carecard: t.ini: 3 configuration errors\n");
    expect_errors("[P7]\nname = x\ndimension = process\nformula = attended\ndirection = higher\n"
                  "target = 0\nyellow = 0\nred = 0\n",
        "carecard: t.ini:1: [P7] target = 0 and floor defaults to 0; expected a floor below the target (floor = the value that scores 0)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors(BASE "escalate_after = 13\n",
        "carecard: t.ini:10: [P4] escalate_after = 13; expected a whole number of periods from 1 to 12 (default 2)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors(BASE "escalate_after = 0\n",
        "carecard: t.ini:10: [P4] escalate_after = 0; expected a whole number of periods from 1 to 12 (default 2)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors(BASE "escalate_after = 2.5\n",
        "carecard: t.ini:10: [P4] escalate_after = 2.5; expected a whole number of periods from 1 to 12 (default 2)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors(BASE "window = last:13\nmin_n = -1\nweight = x\n",
        "carecard: t.ini:10: [P4] window = 'last:13'; expected period or last:N followed by d, w, m or q (days, weeks, months, quarters; N from 1 to 999), e.g. last:13w\n"
        "carecard: t.ini:11: [P4] min_n = '-1'; expected a number ≥ 0 (smallest denominator; default 0)\n"
        "carecard: t.ini:12: [P4] weight = 'x'; expected a number ≥ 0 (default 1)\n"
        "carecard: t.ini: 3 configuration errors\n");
    expect_errors("[P4]\nname = x\ndimension = proces\nformula = attended\nunit = percentage\ndirection = up\n"
                  "target = 85%\nyellow = 0.8\nred = 0.7\n",
        "carecard: t.ini:3: [P4] unknown dimension 'proces' (did you mean 'process'?); expected one of process, recipients, growth, community, extra\n"
        "carecard: t.ini:5: [P4] unit = 'percentage'; expected percent, number, per1000, hours or ratio\n"
        "carecard: t.ini:6: [P4] direction = 'up'; expected higher or lower (which way is better)\n"
        "carecard: t.ini:7: [P4] target = '85%' is not a number; expected the value that counts as met (达标) (a decimal number; write 85% as 0.85)\n"
        "carecard: t.ini: 4 configuration errors\n");
}

static void test_deep_formula(void **state)
{
    (void)state;
    cc_buf b = CC_BUF_INIT;
    cc_buf_adds(&b, "[P4]\nname = x\ndimension = process\nformula = ");
    for (int i = 0; i < 200; i++)
        cc_buf_addc(&b, '(');
    cc_buf_adds(&b, "attended");
    for (int i = 0; i < 200; i++)
        cc_buf_addc(&b, ')');
    cc_buf_adds(&b, "\ndirection = higher\ntarget = 1\nyellow = 1\nred = 1\n");
    expect_errors(b.s,
        "carecard: t.ini:4:75: [P4] formula: formula too deep (more than 64 levels)\n"
        "carecard: t.ini: 1 configuration error\n");
    cc_buf_release(&b);
}

static void test_scorecard_sections(void **state)
{
    (void)state;
    cc_config cfg;
    const char *ok =
        "[scorecard]\nweights = ahp\nranking = topsis\ngrades = 85, 70, 50\ndimensions = process, growth\n"
        "[dimensions]\nprocess = 3\ngrowth = 1\n"
        "[ahp]\nprocess = 1, 3\ngrowth = 1/3, 1\n"
        "[ahp.process]\nP4 = 1, 2\nP3 = 1/2, 1\n"
        "[feedback]\nrespond_days = 5\n[resources]\ndemand_rate = 0.25\n"
        BASE
        "[P3]\nname = y\ndimension = process\nformula = activities / scheduled\ndirection = higher\n"
        "target = 1\nyellow = 1\nred = 1\n";
    assert_int_equal(load(ok, &cfg), CC_OK);
    assert_int_equal(cfg.weights, CC_WEIGHTS_AHP);
    assert_int_equal(cfg.ranking, CC_RANK_TOPSIS);
    assert_true(cfg.grades[0] == 85 && cfg.grades[2] == 50);
    assert_int_equal(cfg.ndims, 2);
    assert_string_equal(cfg.dims[1], "growth");
    assert_true(cfg.dim_weight[0] == 0.75 && cfg.dim_weight[1] == 0.25);
    assert_int_equal(cfg.has_ahp, 1);
    assert_true(cfg.ahp[0][1] == 3);
    assert_true(fabs(cfg.ahp[1][0] - 1.0 / 3) < 1e-15);
    assert_int_equal(cfg.has_ahp_dim[0], 1);
    assert_int_equal(cfg.has_ahp_dim[1], 0);
    /* rows in file order of the dimension's indicators: P4, then P3 */
    assert_true(cfg.ahp_dim[0][0] == 1 && cfg.ahp_dim[0][1] == 2 && cfg.ahp_dim[0][2] == 0.5);
    assert_int_equal(cfg.feedback_respond_days, 5);
    assert_true(cfg.demand_rate == 0.25);
    cc_config_release(&cfg);

    expect_errors("[scorecard]\nweights = topsis\nranking = entropy\ngrades = 60, 75, 90\n"
                  "dimensions = process, extra\nfoo = 1\n" BASE,
        "carecard: t.ini:2: [scorecard] weights = 'topsis'; expected fixed, ahp or entropy\n"
        "carecard: t.ini:3: [scorecard] ranking = 'entropy'; expected score or topsis\n"
        "carecard: t.ini:4: [scorecard] grades = '60, 75, 90'; expected three descending scores between 0 and 100 (lower bounds of 优秀, 良好, 合格), e.g. 90, 75, 60\n"
        "carecard: t.ini:5: [scorecard] dimensions: 'extra' is reserved for indicators reported but not scored; expected it not to be listed\n"
        "carecard: t.ini:6: [scorecard] unknown key 'foo'; expected a [scorecard] key: weights, ranking, grades, band_scores, min_coverage, escalate_from, dimensions\n"
        "carecard: t.ini: 5 configuration errors\n");
    expect_errors("[dimensions]\nprocess = 1\ngrowht = 1\n" BASE,
        "carecard: t.ini:3: [dimensions] unknown dimension 'growht' (did you mean 'growth'?); expected one of [scorecard] dimensions: process, recipients, growth, community\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[dimensions]\nprocess = 1\n" BASE,
        "carecard: t.ini:1: [dimensions] no weight for dimension 'recipients'; expected a weight for every dimension of [scorecard] dimensions (or no [dimensions] section: equal weights)\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[scorecard]\nweights = ahp\n" BASE,
        "carecard: t.ini:2: [scorecard] weights = ahp but there is no [ahp] section; expected an [ahp] pairwise comparison matrix with one row per dimension\n"
        "carecard: t.ini: 1 configuration error\n");
    expect_errors("[ahp]\nprocess = 1, 2, 3, 2\nrecipients = 1/2, 1, 2\ngrowth = 1/3, 1/2, 1, x\n"
                  "growth_x = 1\n" BASE,
        "carecard: t.ini:1: [ahp] no row for 'community'; expected 4 rows of 4 numbers\n"
        "carecard: t.ini:3: [ahp] row 'recipients' has 3 numbers; expected 4 (one per column, in the order of the rows)\n"
        "carecard: t.ini:4: [ahp] row 'growth', column 4: 'x'; expected a positive number or a fraction like 1/3 (Saaty 1–9 scale)\n"
        "carecard: t.ini:5: [ahp] row 'growth_x' is not a dimension of [scorecard] dimensions; expected one row for each of: process, recipients, growth, community\n"
        "carecard: t.ini: 4 configuration errors\n");
    expect_errors(BASE "[ahp.growth]\nP4 = 1\n[ahp.nothing]\n[ahp.process]\nP4 = 1/0\n",
        "carecard: t.ini:10: [ahp.growth] dimension 'growth' has no indicators; expected a matrix over its indicators\n"
        "carecard: t.ini:12: [ahp.nothing] 'nothing' is not a dimension; expected [ahp.<dimension>] for one of process, recipients, growth, community\n"
        "carecard: t.ini:14: [ahp.process] row 'P4', column 1: '1/0'; expected a positive number or a fraction like 1/3 (Saaty 1–9 scale)\n"
        "carecard: t.ini: 3 configuration errors\n");
    expect_errors("[feedback]\nrespond_days = -1\n[resources]\ndemand_rate = 1.5\n" BASE,
        "carecard: t.ini:2: [feedback] respond_days = '-1'; expected a whole number of days from 0 to 365 (default 3)\n"
        "carecard: t.ini:4: [resources] demand_rate = '1.5'; expected a share of children aged 0–3 above 0 and at most 1 (default 0.30)\n"
        "carecard: t.ini: 2 configuration errors\n");
}

/* The one-number sections are read from one table (config_check.c): the
 * section and key names ignore case, each range is checked at both ends. */
static void test_settings_sections(void **state)
{
    (void)state;
    cc_config cfg;
    assert_int_equal(load("[Rectification]\nDays_Red = 7\ndays_yellow = 366\n[resources]\ndemand_rate = 1\n"
                          "[feedback]\nrespond_days = 0\n" BASE, &cfg), CC_OK);
    assert_int_equal(cfg.rect_days_red, 7);
    assert_int_equal(cfg.rect_days_yellow, 366);
    assert_true(cfg.demand_rate == 1.0);
    assert_int_equal(cfg.feedback_respond_days, 0);
    cc_config_release(&cfg);
    expect_errors("[rectification]\ndays_red = 3\ndays_yellow = 400\ndays_gren = 1\n[resources]\ndemand_rate = 0\n"
                  "[feedback]\nrespond_days = 2.5\n" BASE,
        "carecard: t.ini:3: [rectification] days_yellow = '400'; expected a whole number of days from 1 to 366 (default 28)\n"
        "carecard: t.ini:4: [rectification] unknown key 'days_gren' (did you mean 'days_red'?); expected a [rectification] key: days_red, days_yellow\n"
        "carecard: t.ini:6: [resources] demand_rate = '0'; expected a share of children aged 0–3 above 0 and at most 1 (default 0.30)\n"
        "carecard: t.ini:8: [feedback] respond_days = '2.5'; expected a whole number of days from 0 to 365 (default 3)\n"
        "carecard: t.ini: 4 configuration errors\n");
}

static void test_items_kano(void **state)
{
    (void)state;
    expect_errors(BASE "[item.sat]\nscale = likert7\nroles = parent, 学生\ngroup = fun\ncolumns = x\n"
                  "[kano.flex]\nname = 延时托管\nfunctional = q\ndysfunctional = q\n[kano.b]\n",
        "carecard: t.ini:10: [item.sat] no question text: expected column = <the survey question exactly as in the survey file's header>\n"
        "carecard: t.ini:11: [item.sat] scale = 'likert7'; expected likert5 or yesno\n"
        "carecard: t.ini:12: [item.sat] roles: unknown role '学生'; expected a comma-separated list of child, parent, grandparent, elder, volunteer, other (or 儿童, 家长, 祖辈, 老人, 志愿者, 其他)\n"
        "carecard: t.ini:13: [item.sat] group = 'fun'; expected satisfaction, digital, culture or cohesion\n"
        "carecard: t.ini:14: [item.sat] unknown key 'columns' (did you mean 'column'?); expected an [item.*] key: column, scale, roles, group\n"
        "carecard: t.ini:18: [kano.flex] functional and dysfunctional are the same question; expected two different questions (provided / not provided)\n"
        "carecard: t.ini:19: [kano.b] no name: expected name = <the feature's name, e.g. 延时托管>\n"
        "carecard: t.ini:19: [kano.b] no functional question: expected functional = <the question asked if the service is provided, as in the survey header>\n"
        "carecard: t.ini:19: [kano.b] no dysfunctional question: expected dysfunctional = <the question asked if the service is not provided>\n"
        "carecard: t.ini: 9 configuration errors\n");
}

static void test_file_errors(void **state)
{
    (void)state;
    cc_config cfg;
    free(diag_text);
    diag_text = NULL;
    FILE *mem = open_memstream(&diag_text, &diag_len);
    cc_diag_set_sink(mem);
    cc_err e = cc_config_load("/nonexistent/indicators.ini", &cfg);
    fclose(mem);
    cc_diag_set_sink(stderr);
    assert_int_equal(e, CC_ERR_CONFIG);
    assert_string_equal(diag_text, "carecard: /nonexistent/indicators.ini: cannot open the indicator catalog: "
                                   "No such file or directory (use --config FILE or set CARECARD_CONFIG)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_catalog),
        cmocka_unit_test(test_minimal_and_defaults),
        cmocka_unit_test(test_bom_crlf_quotes_case),
        cmocka_unit_test(test_long_value),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_indicator_errors),
        cmocka_unit_test(test_deep_formula),
        cmocka_unit_test(test_scorecard_sections),
        cmocka_unit_test(test_settings_sections),
        cmocka_unit_test(test_items_kano),
        cmocka_unit_test(test_file_errors),
    };
    int rc = cmocka_run_group_tests_name("config", tests, NULL, NULL);
    free(diag_text);
    return rc;
}
