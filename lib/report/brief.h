/* brief — the one-page brief (简报): a street's (or the area's) period on one
 * A4 portrait page, drawn by one routine with Cairo and Pango onto two
 * surfaces: a PDF (vector, fonts embedded, for print) and a PNG 1080 px wide
 * (the same page for a phone).
 *
 * Data-only like the charts: a plain cc_brief in (strings and numbers the
 * report run fills), files out.  The layout is computed in page points
 * (595.28 x 841.89) and exposed as cc_brief_layout, so tests can check the
 * rules without looking at pixels:
 *   - nothing leaves the page or its section, with 3 or 300 rows: long lists
 *     are cut with "另有 N 项，见工作簿", long names shortened with an ellipsis;
 *   - the smallest text is CC_BRIEF_MIN_PT (12.5 pt): 22.7 px on the PNG at
 *     1080 px wide, and well above 8 pt on paper;
 *   - the same input gives byte-identical files (the PDF's creation date is
 *     cc_brief.date, never the clock).
 * No personal data: the brief shows unit names, scores, counts and the
 * scorecard's explanations only.
 */
#ifndef CC_REPORT_BRIEF_H
#define CC_REPORT_BRIEF_H

#include <stddef.h>

#include "base/base.h"
#include "score/score.h"      /* cc_colour */

#define CC_BRIEF_PAGE_W 595.2756     /* A4 in points */
#define CC_BRIEF_PAGE_H 841.8898
#define CC_BRIEF_PNG_W 1080          /* PNG width in pixels */
#define CC_BRIEF_MIN_PT 12.5         /* smallest text, points */
#define CC_BRIEF_MAX_ITEM_LINES 8    /* 需要处置: lines before "另有 N 项" */

/* A row of the ranking: a community of a street, or a street of the area. */
typedef struct {
    const char *name;
    int rank;                  /* 0 = not ranked */
    double total;              /* NAN = no total */
    const char *grade;         /* 优秀 良好 合格 不合格 (or English), NULL = none */
    const char *unranked;      /* why not ranked ("未报", "覆盖不足"); NULL = ranked */
} cc_brief_bar;

/* An item to act on (需要处置). */
typedef struct {
    const char *unit;          /* the unit's name */
    const char *action;        /* 处置: 专项整治 限期整改 督促报送 */
    const char *text;          /* the explanation */
    cc_colour colour;          /* the band (red, yellow, blue) */
    int rectify;               /* 专项整治: drawn with a bold border and listed first */
} cc_brief_item;

/* A KANO feature (quarterly). */
typedef struct {
    const char *name;
    const char *category;      /* 必备 / 期望 / 魅力 / 无差异 ... */
} cc_brief_kano;

/* A state of the rectification ledger and its count. */
typedef struct {
    const char *state;
    long count;
} cc_brief_ledger;

typedef struct {
    int lang_en;               /* English fixed texts */
    const char *font;          /* Pango family list; NULL = the charts' CJK list */
    const char *title;         /* "东城街道 · 周报" */
    const char *period;        /* "2026年第47周（11月16日—11月22日）" */
    const char *date;          /* the PDF creation date, ISO-8601 ("2026-11-22T00:00:00Z") */
    /* data line */
    size_t nreported, nunits;  /* communities reported n/m */
    const char *data_to;       /* "2026-11-23", NULL = unknown */
    const char *const *unreported; size_t nunreported;   /* names of the 未报 */
    /* headline figures */
    double mean, mean_change;  /* NAN = none */
    const char *change_label;  /* "较上周" */
    const char *mean_label;    /* "社区平均分"; NULL = that */
    long red, yellow, blue, rectify;
    long grades[4];            /* 优秀 良好 合格 不合格 */
    /* 需要处置, in order (专项整治 first) */
    const cc_brief_item *items; size_t nitems;
    /* the ranking, in rank order, unranked last */
    const char *bars_title;    /* "社区排名" */
    const cc_brief_bar *bars; size_t nbars;
    double grade_cut[3];       /* 90 75 60 (all 0 = those) */
    /* trend of the scope's total score over weeks, oldest first */
    const char *const *trend_labels; const double *trend; size_t ntrend;
    /* quarterly: top KANO priorities (at most 3 are shown) */
    const cc_brief_kano *kano; size_t nkano;
    /* the rectification ledger's counts; NULL = no ledger */
    const cc_brief_ledger *ledger; size_t nledger;
    /* footer */
    size_t nfiles;             /* data source files */
    const char *config_sha;    /* short SHA-256 of the configuration, NULL = unknown */
    const char *version;       /* carecard version */
} cc_brief;

/* Sections of the page, top to bottom (the ranking and the right column
 * share the lower part side by side). */
typedef enum {
    CC_BRIEF_S_TITLE, CC_BRIEF_S_DATA, CC_BRIEF_S_HEADLINE, CC_BRIEF_S_ITEMS,
    CC_BRIEF_S_BARS, CC_BRIEF_S_SIDE, CC_BRIEF_S_FOOTER, CC_BRIEF_NSECT
} cc_brief_section;

typedef struct {
    double x, y, w, h;         /* points, y down */
} cc_brief_rect;

/* One text drawn: its box (the laid-out logical extents), size and section. */
typedef struct {
    cc_brief_rect box;
    double size;               /* points */
    int section;               /* cc_brief_section */
    int lines;                 /* lines laid out */
    int ellipsized;
} cc_brief_text;

typedef struct {
    cc_brief_rect sect[CC_BRIEF_NSECT];
    cc_brief_text *texts; size_t ntexts;   /* owned: cc_brief_layout_free */
    cc_brief_rect ink;         /* union of everything drawn */
    double min_size;           /* smallest text size, points */
    size_t items_shown, items_more, item_lines;
    size_t bars_shown, bars_more;
    double bar_top, bar_pitch;  /* the ranking's first row and row pitch */
    cc_brief_rect head_box[4];  /* the four headline figures */
} cc_brief_layout;

/* Lay the page out without drawing (in page points). */
cc_err cc_brief_layout_compute(const cc_brief *b, cc_brief_layout *out);
void cc_brief_layout_free(cc_brief_layout *l);

/* Write the page as a PDF (one A4 page) and/or a PNG (1080 px wide); either
 * path may be NULL.  Atomic like the charts: a temporary name renamed into
 * place.  CC_ERR_IO names the path. */
cc_err cc_brief_write(const cc_brief *b, const char *pdf_path, const char *png_path);

/* The PNG's size for a page: 1080 x 1527. */
void cc_brief_png_size(int *w, int *h);

/* The first 12 hex digits of the SHA-256 of a file's bytes into out (at
 * least 13 bytes); "" when it cannot be read. */
void cc_brief_file_sha(const char *path, char *out, size_t len);

#endif
