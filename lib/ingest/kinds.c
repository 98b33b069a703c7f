/* ingest/kinds — the nine input kinds of docs/inputs/ as tables:
 * English key, Chinese header(s), type, required, range, enumerations. */
#include "ingest/kinds.h"

#include <string.h>
#include <strings.h>

static const cc_enum_val e_status[] = {
    {"completed", "已完成|完成|done"}, {"cancelled", "已取消|取消|canceled"}, {NULL, NULL}};
static const cc_enum_val e_target[] = {
    {"infant", "婴幼儿"}, {"child", "儿童"}, {"elder", "老年|老人"}, {"family", "家庭"},
    {"special", "困境儿童"}, {"all", "全龄"}, {NULL, NULL}};
static const cc_enum_val e_role[] = {
    {"child", "儿童"}, {"parent", "家长"}, {"grandparent", "祖辈"}, {"elder", "老人"},
    {"volunteer", "志愿者"}, {"other", "其他"}, {NULL, NULL}};
static const cc_enum_val e_domain[] = {
    {"cognitive", "认知"}, {"social", "社会性"}, {"emotion", "情绪"}, {"language", "语言"},
    {"motor", "动作"}, {NULL, NULL}};
static const cc_enum_val e_phase[] = {{"pre", "前测"}, {"post", "后测"}, {NULL, NULL}};
static const cc_enum_val e_ptype[] = {
    {"social_worker", "社工"}, {"caregiver", "保育员"}, {"teacher", "教师"},
    {"volunteer", "志愿者"}, {"mother", "爱心妈妈"}, {NULL, NULL}};
static const cc_enum_val e_tbkind[] = {{"deposit", "存入"}, {"redeem", "兑换"}, {NULL, NULL}};

#define REQ CC_F_REQ
#define GE0 CC_F_GE, 0, 0
#define COL(k, zh, alt, t, f, ...) {k, zh, alt, t, f, __VA_ARGS__}

static const cc_col_def c_communities[] = {
    {"community_id", "社区编号", NULL, CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"community_name", "社区名称", NULL, CC_T_TEXT, REQ, 0, 0, NULL, NULL},
    {"street_id", "街道编号", NULL, CC_T_ID, REQ, 0, 0, NULL, NULL},
    {"street_name", "街道名称", NULL, CC_T_TEXT, REQ, 0, 0, NULL, NULL},
    {"population", "常住人口", NULL, CC_T_INT, REQ | CC_F_GE, 0, 0, NULL, NULL},
    {"children_0_3", "0-3岁婴幼儿数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"children_3_12", "3-12岁儿童数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"elderly_60", "60岁以上老人数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"eligible_families", "适龄家庭数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"special_children", "困境留守儿童数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"places", "托位数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"inclusive_places", "普惠托位数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"monthly_fee", "月托育费", NULL, CC_T_NUM, CC_F_GE, 0, 0, NULL, NULL},
    {"disposable_income", "人均可支配收入", NULL, CC_T_NUM, CC_F_GE, 0, 0, NULL, NULL},
    {"household_size", "户均人口", NULL, CC_T_NUM, CC_F_GT, 0, 0, NULL, NULL},
    {"as_of", "统计日期", NULL, CC_T_DATE, CC_F_KEY, 0, 0, NULL, NULL},
};

static const cc_col_def c_activities[] = {
    {"activity_id", "活动编号", NULL, CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"community_id", "社区编号", NULL, CC_T_ID, REQ | CC_F_COMMUNITY, 0, 0, NULL, NULL},
    {"project", "服务项目", NULL, CC_T_TEXT, REQ, 0, 0, NULL, NULL},
    {"category", "活动类别", NULL, CC_T_TEXT, 0, 0, 0, NULL, NULL},
    {"date", "活动日期", NULL, CC_T_DATE, REQ | CC_F_PLAUS, 0, 0, NULL, NULL},
    {"start_time", "开始时间", NULL, CC_T_TIME, 0, 0, 0, NULL, NULL},
    {"end_time", "结束时间", NULL, CC_T_TIME, 0, 0, 0, NULL, NULL},
    {"hours", "时长", NULL, CC_T_NUM, CC_F_GT | CC_F_LE, 0, 24, NULL, NULL},
    {"status", "状态", NULL, CC_T_ENUM, 0, 0, 0, e_status, NULL},
    {"target_group", "服务对象", NULL, CC_T_ENUM, 0, 0, 0, e_target, NULL},
    {"capacity", "计划名额", NULL, CC_T_INT, REQ | CC_F_GE, 0, 0, NULL, NULL},
    {"registered", "报名人数", NULL, CC_T_INT, REQ | CC_F_GE, 0, 0, NULL, NULL},
    {"attended", "实到人数", NULL, CC_T_INT, REQ | CC_F_GE, 0, 0, NULL, NULL},
    {"children", "其中儿童", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"special_attended", "其中困境留守儿童", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"staff", "专业人员数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"volunteers", "志愿者人数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"volunteer_hours", "志愿服务时长", NULL, CC_T_NUM, CC_F_GE, 0, 0, NULL, NULL},
    {"provider_id", "承接机构", NULL, CC_T_ID, 0, 0, 0, NULL, NULL},
    {"partners", "合作单位", NULL, CC_T_LIST, 0, 0, 0, NULL, NULL},
    {"checks_passed", "规范项达标数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"checks_total", "规范项总数", NULL, CC_T_INT, CC_F_GT, 0, 0, NULL, NULL},
    {"interaction_score", "师幼互动评分", NULL, CC_T_NUM, CC_F_GE | CC_F_LE, 1, 7, NULL, NULL},
    {"incidents", "安全事件数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
    {"online_booked", "线上预约人数", NULL, CC_T_INT, CC_F_GE, 0, 0, NULL, NULL},
};

static const cc_col_def c_attendance[] = {
    {"activity_id", "活动编号", NULL, CC_T_ID, REQ | CC_F_KEY | CC_F_ACTIVITY, 0, 0, NULL, NULL},
    {"participant_id", "参与者编号", NULL, CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"household_id", "家庭编号", NULL, CC_T_ID, 0, 0, 0, NULL, NULL},
    {"role", "身份", NULL, CC_T_ENUM, REQ, 0, 0, e_role, NULL},
    {"special", "困境留守", NULL, CC_T_BOOL, 0, 0, 0, NULL, NULL},
    {"name", "姓名", NULL, CC_T_TEXT, 0, 0, 0, NULL, NULL},
};

static const cc_col_def c_surveys[] = {
    {"response_id", "答卷编号", "序号|_id", CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"community_id", "社区编号", "所在社区", CC_T_ID, REQ | CC_F_COMMUNITY | CC_F_BYNAME, 0, 0, NULL, NULL},
    {"date", "填写日期", "提交答卷时间|_submission_time", CC_T_DATE, REQ | CC_F_PLAUS, 0, 0, NULL, NULL},
    {"role", "身份", NULL, CC_T_ENUM, REQ, 0, 0, e_role, NULL},
};

static const cc_col_def c_assessments[] = {
    {"participant_id", "参与者编号", NULL, CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"community_id", "社区编号", NULL, CC_T_ID, REQ | CC_F_COMMUNITY, 0, 0, NULL, NULL},
    {"date", "评估日期", NULL, CC_T_DATE, REQ | CC_F_KEY | CC_F_PLAUS, 0, 0, NULL, NULL},
    {"domain", "领域", NULL, CC_T_ENUM, REQ | CC_F_KEY, 0, 0, e_domain, NULL},
    {"phase", "阶段", NULL, CC_T_ENUM, REQ | CC_F_KEY, 0, 0, e_phase, NULL},
    {"score", "得分", NULL, CC_T_NUM, REQ | CC_F_GE, 0, 0, NULL, NULL},
};

static const cc_col_def c_providers[] = {
    {"provider_id", "服务者编号", NULL, CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"community_id", "社区编号", NULL, CC_T_ID, REQ | CC_F_COMMUNITY, 0, 0, NULL, NULL},
    {"type", "类别", NULL, CC_T_ENUM, REQ, 0, 0, e_ptype, NULL},
    {"certified", "持证", NULL, CC_T_BOOL, REQ, 0, 0, NULL, NULL},
    {"joined", "入职日期", NULL, CC_T_DATE, 0, 0, 0, NULL, NULL},
    {"left", "离职日期", NULL, CC_T_DATE, 0, 0, 0, NULL, "left_on"},
    {"name", "姓名", NULL, CC_T_TEXT, 0, 0, 0, NULL, NULL},
};

static const cc_col_def c_trainings[] = {
    {"provider_id", "服务者编号", NULL, CC_T_ID, REQ | CC_F_KEY | CC_F_PROVIDER, 0, 0, NULL, NULL},
    {"date", "培训日期", NULL, CC_T_DATE, REQ | CC_F_KEY | CC_F_PLAUS, 0, 0, NULL, NULL},
    {"hours", "学时", NULL, CC_T_NUM, REQ | CC_F_GT, 0, 0, NULL, NULL},
    {"topic", "主题", NULL, CC_T_TEXT, REQ | CC_F_KEY, 0, 0, NULL, NULL},
};

static const cc_col_def c_timebank[] = {
    {"txn_id", "流水号", NULL, CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"community_id", "社区编号", NULL, CC_T_ID, REQ | CC_F_COMMUNITY, 0, 0, NULL, NULL},
    {"member_id", "会员编号", NULL, CC_T_ID, REQ, 0, 0, NULL, NULL},
    {"date", "日期", NULL, CC_T_DATE, REQ | CC_F_PLAUS, 0, 0, NULL, NULL},
    {"kind", "类型", NULL, CC_T_ENUM, REQ, 0, 0, e_tbkind, NULL},
    {"hours", "时长", NULL, CC_T_NUM, REQ | CC_F_GT, 0, 0, NULL, NULL},
    {"service", "服务内容", NULL, CC_T_TEXT, 0, 0, 0, NULL, NULL},
};

static const cc_col_def c_feedback[] = {
    {"feedback_id", "反馈编号", NULL, CC_T_ID, REQ | CC_F_KEY, 0, 0, NULL, NULL},
    {"community_id", "社区编号", NULL, CC_T_ID, REQ | CC_F_COMMUNITY, 0, 0, NULL, NULL},
    {"received", "收到日期", NULL, CC_T_DATE, REQ | CC_F_PLAUS, 0, 0, NULL, NULL},
    {"responded", "回复日期", NULL, CC_T_DATE, 0, 0, 0, NULL, NULL},
    {"resolved", "是否解决", NULL, CC_T_BOOL, 0, 0, 0, NULL, NULL},
    {"category", "类别", NULL, CC_T_TEXT, 0, 0, 0, NULL, NULL},
};

#define N(a) (int)(sizeof a / sizeof a[0])
const cc_kind_def cc_kinds[CC_KIND_COUNT] = {
    {CC_KIND_COMMUNITIES, "communities", "社区名册", "communities", c_communities, N(c_communities)},
    {CC_KIND_PROVIDERS, "providers", "服务者档案", "providers", c_providers, N(c_providers)},
    {CC_KIND_ACTIVITIES, "activities", "活动台账", "activities", c_activities, N(c_activities)},
    {CC_KIND_ATTENDANCE, "attendance", "签到明细", "attendance", c_attendance, N(c_attendance)},
    {CC_KIND_SURVEYS, "surveys", "问卷", "survey_responses", c_surveys, N(c_surveys)},
    {CC_KIND_ASSESSMENTS, "assessments", "儿童发展评估", "assessments", c_assessments, N(c_assessments)},
    {CC_KIND_TRAININGS, "trainings", "培训记录", "trainings", c_trainings, N(c_trainings)},
    {CC_KIND_TIMEBANK, "timebank", "时间银行流水", "timebank", c_timebank, N(c_timebank)},
    {CC_KIND_FEEDBACK, "feedback", "意见反馈", "feedback", c_feedback, N(c_feedback)},
};

const char *cc_kind_name(cc_kind k)
{
    return k >= 0 && k < CC_KIND_COUNT ? cc_kinds[k].name : "unknown";
}

const char *cc_kind_zh(cc_kind k)
{
    return k >= 0 && k < CC_KIND_COUNT ? cc_kinds[k].zh : "未知";
}

cc_kind cc_kind_parse(const char *s)
{
    for (int k = 0; k < CC_KIND_COUNT; k++)
        if (s && (!strcasecmp(s, cc_kinds[k].name) || !strcmp(s, cc_kinds[k].zh)))
            return (cc_kind)k;
    return CC_KIND_UNKNOWN;
}

int cc_col_index(const cc_kind_def *kd, const char *key)
{
    for (int i = 0; i < kd->ncols; i++)
        if (!strcmp(kd->cols[i].key, key))
            return i;
    return -1;
}

/* Normalise a header for matching: trim, fold full-width forms (parentheses
 * included) to ASCII, lower-case ASCII letters. */
size_t cc_header_norm(const char *s, size_t len, char *out, size_t cap)
{
    const char *t = cc_trim(s, &len);
    /* a stray BOM or zero-width space at the start (concatenated files) */
    while (len >= 3 && (!memcmp(t, "\xEF\xBB\xBF", 3) || !memcmp(t, "\xE2\x80\x8B", 3))) {
        t += 3;
        len -= 3;
    }
    size_t n = cc_fold_fullwidth(t, len, out, cap);
    if (n == (size_t)-1)
        return (size_t)-1;
    size_t a = 0;
    while (a < n && out[a] == ' ')
        a++;
    while (n > a && out[n - 1] == ' ')
        n--;
    memmove(out, out + a, n - a);
    n -= a;
    out[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = (char)(out[i] - 'A' + 'a');
    return n;
}

static int name_matches(const char *norm, const char *name)
{
    char buf[256];
    size_t n = cc_header_norm(name, strlen(name), buf, sizeof buf);
    return n != (size_t)-1 && !strcmp(norm, buf);
}

static int alt_matches(const char *norm, const char *alts)
{
    if (!alts)
        return 0;
    char one[128];
    const char *p = alts;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            if (name_matches(norm, one))
                return 1;
        }
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

static int match_norm(const cc_kind_def *kd, const char *norm)
{
    for (int i = 0; i < kd->ncols; i++) {
        const cc_col_def *c = &kd->cols[i];
        if (name_matches(norm, c->key) || name_matches(norm, c->zh) || alt_matches(norm, c->alt))
            return i;
    }
    return -1;
}

int cc_header_match(const cc_kind_def *kd, const char *s, size_t len)
{
    char norm[1024];
    size_t n = cc_header_norm(s, len, norm, sizeof norm);
    if (n == (size_t)-1 || n == 0)
        return -1;
    int i = match_norm(kd, norm);
    if (i >= 0)
        return i;
    if (kd->kind == CC_KIND_SURVEYS) {
        /* a survey platform asks the fixed columns as questions: "2、所在社区：", "Q1. 身份?" */
        const char *q;
        size_t qn = cc_question_strip(s, len, &q);
        while (qn >= 3 && (!memcmp(q + qn - 3, "：", 3) || !memcmp(q + qn - 3, "？", 3)))
            qn -= 3;
        while (qn && (q[qn - 1] == ':' || q[qn - 1] == '?' || q[qn - 1] == ' '))
            qn--;
        char qnorm[1024];
        size_t m;
        if (q != s && qn && (m = cc_header_norm(q, qn, qnorm, sizeof qnorm)) != (size_t)-1 && m &&
            (i = match_norm(kd, qnorm)) >= 0)
            return i;
    }
    /* a trailing unit in parentheses: 月托育费(元), 时长(小时) */
    if (norm[n - 1] == ')') {
        char *open = strrchr(norm, '(');
        if (open && open > norm) {
            *open = '\0';
            size_t m = (size_t)(open - norm);
            while (m && norm[m - 1] == ' ')
                norm[--m] = '\0';
            if (m)
                return match_norm(kd, norm);
        }
    }
    return -1;
}

int cc_enum_match(const cc_enum_val *ev, const char *s, size_t len)
{
    char buf[128];
    const char *t = cc_trim(s, &len);
    size_t n = cc_fold_fullwidth(t, len, buf, sizeof buf);
    if (n == (size_t)-1)
        return -1;
    for (int i = 0; ev[i].code; i++) {
        if (strlen(ev[i].code) == n && !strncasecmp(buf, ev[i].code, n))
            return i;
        const char *p = ev[i].labels;
        while (p && *p) {
            const char *bar = strchr(p, '|');
            size_t m = bar ? (size_t)(bar - p) : strlen(p);
            if (m == n && !strncasecmp(buf, p, n))
                return i;
            p += m;
            if (*p == '|')
                p++;
        }
    }
    return -1;
}

/* Strip a leading question number: 12、 12. Q12. Q12、 第12题 (and 12． 12： Q12:). */
size_t cc_question_strip(const char *s, size_t len, const char **out)
{
    const char *t = cc_trim(s, &len);
    const char *p = t, *e = t + len;
    const char *q = p;
    int ok = 0;
    if (e - q >= 3 && !memcmp(q, "第", 3)) {
        q += 3;
        const char *d = q;
        while (q < e && *q >= '0' && *q <= '9')
            q++;
        if (q > d && e - q >= 3 && !memcmp(q, "题", 3)) {
            q += 3;
            ok = 1;
            /* optional punctuation after 第12题 */
            if (e - q >= 3 && (!memcmp(q, "、", 3) || !memcmp(q, "：", 3) || !memcmp(q, "．", 3)))
                q += 3;
            else if (q < e && (*q == '.' || *q == ':'))
                q++;
        }
    } else {
        if (q < e && (*q == 'Q' || *q == 'q'))
            q++;
        const char *d = q;
        while (q < e && *q >= '0' && *q <= '9')
            q++;
        if (q > d) {
            if (e - q >= 3 && (!memcmp(q, "、", 3) || !memcmp(q, "．", 3) || !memcmp(q, "：", 3))) {
                q += 3;
                ok = 1;
            } else if (q < e && (*q == '.' || *q == ':' || *q == ')')) {
                q++;
                ok = 1;
            }
        }
    }
    if (ok) {
        size_t rest = (size_t)(e - q);
        const char *r = cc_trim(q, &rest);
        if (rest) {
            *out = r;
            return rest;
        }
    }
    *out = t;
    return len;
}
