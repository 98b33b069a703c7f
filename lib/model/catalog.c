/* catalog — the measure names formulas may use (indicators.md, "Measures"),
 * and the source table each is computed from.  measure/ computes them. */
#include "model/model.h"

#include <string.h>

typedef struct {
    const char *name;
    cc_source src;
} measure_def;

static const measure_def measures[] = {
    /* activities (completed sessions unless said) */
    {"activities", CC_SRC_ACTIVITIES},
    {"cancelled", CC_SRC_ACTIVITIES},
    {"scheduled", CC_SRC_ACTIVITIES},
    {"attended", CC_SRC_ACTIVITIES},
    {"registered", CC_SRC_ACTIVITIES},
    {"capacity", CC_SRC_ACTIVITIES},
    {"children", CC_SRC_ACTIVITIES},
    {"special_attended", CC_SRC_ACTIVITIES},
    {"volunteers", CC_SRC_ACTIVITIES},
    {"volunteer_hours", CC_SRC_ACTIVITIES},
    {"incidents", CC_SRC_ACTIVITIES},
    {"online_booked", CC_SRC_ACTIVITIES},
    {"checks_passed", CC_SRC_ACTIVITIES},
    {"checks_total", CC_SRC_ACTIVITIES},
    {"staff", CC_SRC_ACTIVITIES},
    {"staffed_children", CC_SRC_ACTIVITIES},
    {"staffed_staff", CC_SRC_ACTIVITIES},
    {"hours", CC_SRC_ACTIVITIES},
    {"person_hours", CC_SRC_ACTIVITIES},
    {"interaction_sum", CC_SRC_ACTIVITIES},
    {"interaction_n", CC_SRC_ACTIVITIES},
    {"partners", CC_SRC_ACTIVITIES},
    {"reported", CC_SRC_REPORTED},
    {"communities", CC_SRC_REGISTRY},
    /* attendance (distinct counts over the window) */
    {"participants", CC_SRC_ATTENDANCE},
    {"child_participants", CC_SRC_ATTENDANCE},
    {"households", CC_SRC_ATTENDANCE},
    {"special_served", CC_SRC_ATTENDANCE},
    {"returning", CC_SRC_ATTENDANCE},
    {"prev_participants", CC_SRC_ATTENDANCE},
    {"volunteers_active", CC_SRC_ATTENDANCE},
    {"volunteers_retained", CC_SRC_ATTENDANCE},
    {"volunteers_prev", CC_SRC_ATTENDANCE},
    /* communities register, as of the window's last day */
    {"population", CC_SRC_REGISTRY},
    {"children_0_3", CC_SRC_REGISTRY},
    {"children_3_12", CC_SRC_REGISTRY},
    {"elderly_60", CC_SRC_REGISTRY},
    {"eligible_families", CC_SRC_REGISTRY},
    {"special_children", CC_SRC_REGISTRY},
    {"places", CC_SRC_REGISTRY},
    {"inclusive_places", CC_SRC_REGISTRY},
    {"monthly_fee", CC_SRC_REGISTRY},
    {"monthly_income", CC_SRC_REGISTRY},
    /* providers / trainings */
    {"providers", CC_SRC_PROVIDERS},
    {"certified", CC_SRC_PROVIDERS},
    {"training_hours", CC_SRC_TRAININGS},
    /* timebank */
    {"tb_deposit_hours", CC_SRC_TIMEBANK},
    {"tb_redeem_hours", CC_SRC_TIMEBANK},
    {"tb_members", CC_SRC_TIMEBANK},
    /* feedback */
    {"feedback", CC_SRC_FEEDBACK},
    {"feedback_timely", CC_SRC_FEEDBACK},
    {"feedback_resolved", CC_SRC_FEEDBACK},
    /* rectification items whose deadline falls in the window (ledger.md) */
    {"items_due", CC_SRC_LEDGER},
    {"items_closed_on_time", CC_SRC_LEDGER},
    {"items_effective", CC_SRC_LEDGER},
    {"items_overdue", CC_SRC_LEDGER},
};
#define NMEASURES (sizeof measures / sizeof measures[0])

const char *const cc_measure_names[] = {
    "activities", "cancelled", "scheduled", "attended", "registered", "capacity",
    "children", "special_attended", "volunteers", "volunteer_hours", "incidents",
    "online_booked", "checks_passed", "checks_total", "staff", "staffed_children",
    "staffed_staff", "hours", "person_hours", "interaction_sum", "interaction_n",
    "partners", "reported", "communities",
    "participants", "child_participants", "households", "special_served", "returning",
    "prev_participants", "volunteers_active", "volunteers_retained", "volunteers_prev",
    "population", "children_0_3", "children_3_12", "elderly_60", "eligible_families",
    "special_children", "places", "inclusive_places", "monthly_fee", "monthly_income",
    "providers", "certified", "training_hours",
    "tb_deposit_hours", "tb_redeem_hours", "tb_members",
    "feedback", "feedback_timely", "feedback_resolved",
    "items_due", "items_closed_on_time", "items_effective", "items_overdue",
    NULL
};

const char *const cc_assess_domains[] = {
    "cognitive", "social", "emotion", "language", "motor", NULL
};

static const char *const survey_stats[] = {"n", "sum", "top2", "yes", NULL};
static const char *const assess_stats[] = {"pairs", "pre_sum", "post_sum", NULL};

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], s, n))
            return 1;
    return 0;
}

/* "survey.<item>.<stat>": item = letters, digits, underscore. */
static int item_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int cc_measure_source(const char *name)
{
    if (!name)
        return -1;
    if (!strncmp(name, "survey.", 7)) {
        const char *item = name + 7;
        const char *dot = strrchr(item, '.');
        if (!dot || dot == item)
            return -1;
        for (const char *p = item; p < dot; p++)
            if (!item_char(*p))
                return -1;
        return in_list(survey_stats, dot + 1, strlen(dot + 1)) ? CC_SRC_SURVEY : -1;
    }
    if (!strncmp(name, "assess.", 7)) {
        const char *dom = name + 7;
        const char *dot = strchr(dom, '.');
        if (!dot || !in_list(cc_assess_domains, dom, (size_t)(dot - dom)))
            return -1;
        return in_list(assess_stats, dot + 1, strlen(dot + 1)) ? CC_SRC_ASSESSMENT : -1;
    }
    for (size_t i = 0; i < NMEASURES; i++)
        if (!strcmp(measures[i].name, name))
            return (int)measures[i].src;
    return -1;
}

const char *cc_source_name(cc_source src)
{
    switch (src) {
    case CC_SRC_ACTIVITIES: return "activities";
    case CC_SRC_ATTENDANCE: return "attendance";
    case CC_SRC_REGISTRY:   return "communities";
    case CC_SRC_SURVEY:     return "surveys";
    case CC_SRC_ASSESSMENT: return "assessments";
    case CC_SRC_PROVIDERS:  return "providers";
    case CC_SRC_TRAININGS:  return "trainings";
    case CC_SRC_TIMEBANK:   return "timebank";
    case CC_SRC_FEEDBACK:   return "feedback";
    case CC_SRC_REPORTED:   return "activities";
    case CC_SRC_LEDGER:     return "ledger";
    }
    return "?";
}

/* The survey item of "survey.<item>.<stat>" (length in *len), or NULL. */
const char *cc_measure_survey_item(const char *name, size_t *len)
{
    if (cc_measure_source(name) != CC_SRC_SURVEY)
        return NULL;
    const char *item = name + 7;
    *len = (size_t)(strrchr(item, '.') - item);
    return item;
}
