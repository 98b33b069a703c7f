"""carecard-gen: determinism, row counts, the pair rules of the input formats, formats.

Every generated file is parsed with Python's csv module and checked against the
rules of docs/inputs/ independently of the generator's code.
"""
import collections
import csv
import datetime
import filecmp
import io
import os
import re
import subprocess

import pytest

from conftest import GEN, ROOT

KINDS = ["communities", "providers", "activities", "attendance", "surveys",
         "assessments", "trainings", "timebank", "feedback"]

HEADERS_EN = {
    "communities": "community_id,community_name,street_id,street_name,population,children_0_3,"
                   "children_3_12,elderly_60,eligible_families,special_children,places,"
                   "inclusive_places,monthly_fee,disposable_income,household_size,as_of",
    "providers": "provider_id,community_id,type,certified,joined,left,name",
    "activities": "activity_id,community_id,project,category,date,start_time,end_time,hours,"
                  "status,target_group,capacity,registered,attended,children,special_attended,"
                  "staff,volunteers,volunteer_hours,provider_id,partners,checks_passed,"
                  "checks_total,interaction_score,incidents,online_booked",
    "attendance": "activity_id,participant_id,household_id,role,special,name",
    "assessments": "participant_id,community_id,date,domain,phase,score",
    "trainings": "provider_id,date,hours,topic",
    "timebank": "txn_id,community_id,member_id,date,kind,hours,service",
    "feedback": "feedback_id,community_id,received,responded,resolved,category",
}
# The Chinese headers of docs/inputs/ (units in parentheses are allowed there).
HEADERS_ZH = {
    "communities": "社区编号,社区名称,街道编号,街道名称,常住人口,0-3岁婴幼儿数,3-12岁儿童数,"
                   "60岁以上老人数,适龄家庭数,困境留守儿童数,托位数,普惠托位数,月托育费（元）,"
                   "人均可支配收入（元）,户均人口,统计日期",
    "activities": "活动编号,社区编号,服务项目,活动类别,活动日期,开始时间,结束时间,时长（小时）,状态,"
                  "服务对象,计划名额,报名人数,实到人数,其中儿童,其中困境留守儿童,专业人员数,志愿者人数,"
                  "志愿服务时长（小时）,承接机构,合作单位,规范项达标数,规范项总数,师幼互动评分,"
                  "安全事件数,线上预约人数",
    "feedback": "反馈编号,社区编号,收到日期,回复日期,是否解决,类别",
}
QUESTIONS = ["您对社区育儿服务的总体满意度", "社区服务减轻了我的育儿压力", "我认识并信任小区里的邻居",
             "您能熟练使用社区育儿小程序吗", "如果社区提供延时托管服务，您的感受是？",
             "如果社区不提供延时托管服务，您的感受是？"]

ENUM = {  # English code -> Chinese label, from docs/inputs/
    "status": {"completed": "已完成", "cancelled": "已取消"},
    "target_group": {"infant": "婴幼儿", "child": "儿童", "elder": "老年", "family": "家庭",
                     "special": "困境儿童", "all": "全龄"},
    "role": {"child": "儿童", "parent": "家长", "grandparent": "祖辈", "elder": "老人",
             "volunteer": "志愿者", "other": "其他"},
    "type": {"social_worker": "社工", "caregiver": "保育员", "teacher": "教师",
             "volunteer": "志愿者", "mother": "爱心妈妈"},
    "domain": {"cognitive": "认知", "social": "社会性", "emotion": "情绪", "language": "语言",
               "motor": "动作"},
    "phase": {"pre": "前测", "post": "后测"},
    "kind": {"deposit": "存入", "redeem": "兑换"},
}
BOOL = {"Y": True, "N": False, "是": True, "否": False, "yes": True, "no": False,
        "1": True, "0": False, "true": True, "false": False}
LIKERT = ["非常不满意", "不满意", "一般", "满意", "非常满意", "非常不同意", "不同意", "同意", "非常同意"]
KANO = ["我很喜欢", "理所当然", "无所谓", "能忍受", "我很不喜欢"]
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "慕容", "司徒", "令狐"]


def gen(out, *args, check=True):
    p = subprocess.run([GEN, "--out", str(out), "-q"] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=300)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def path_of(d, kind):
    for name in (kind + ".csv", kind + ".tsv", kind + "-gb18030.csv"):
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    raise AssertionError("no %s file in %s" % (kind, d))


def read(d, kind):
    """(header, rows as dicts keyed by the English column names, raw bytes)."""
    p = path_of(d, kind)
    raw = open(p, "rb").read()
    text = raw.decode("gb18030") if p.endswith("-gb18030.csv") else raw.decode("utf-8")
    delim = "\t" if p.endswith(".tsv") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = rows[0]
    keys = header
    if kind in HEADERS_EN:
        en = HEADERS_EN[kind].split(",")
        assert len(header) == len(en), (kind, header)
        keys = en
    elif kind == "surveys":
        keys = ["response_id", "community_id", "date", "role"] + \
               [re.sub(r"^\d+、", "", h) for h in header[4:]]
    out = []
    for r in rows[1:]:
        assert len(r) == len(keys), (kind, r)
        out.append(dict(zip(keys, r)))
    return header, out, raw


def parse_date(s):
    """The date spellings the generator uses: ISO, or 2026/7/6 (with an optional time)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s) or \
        re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})( \d{2}:\d{2}:\d{2})?", s)
    assert m, "bad date %r" % s
    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_time(s):
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", s)
    assert m, "bad time %r" % s
    return int(m.group(1)) * 60 + int(m.group(2))


def code(field, v):
    """Enum value as its English code (accepts the Chinese label)."""
    table = ENUM[field]
    if v in table:
        return v
    rev = {zh: en for en, zh in table.items()}
    assert v in rev, "bad %s %r" % (field, v)
    return rev[v]


def num(v):
    return None if v == "" else float(v)


def iso_week(d):
    y, w, _ = d.isocalendar()
    return (y, w)


# ---------------------------------------------------------------- data sets

SMALL = ["--streets", 2, "--communities", 4, "--weeks", 13, "--start", "2026-06-29",
         "--sessions", "2-6", "--attendance", 15, "--seed", 7]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen-small")
    gen(d, *SMALL)
    return d


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen-demo")
    gen(d, "--profile", "demo")
    return d


@pytest.fixture(scope="module", params=["small", "demo"])
def data(request, small, demo):
    return small if request.param == "small" else demo


# ---------------------------------------------------------------- determinism

def test_same_seed_gives_identical_files(small, tmp_path):
    gen(tmp_path, *SMALL)
    names = sorted(os.listdir(small))
    assert names == sorted(os.listdir(tmp_path))
    match, mismatch, errors = filecmp.cmpfiles(small, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []


def test_other_seed_gives_other_files(small, tmp_path):
    args = list(SMALL)
    args[args.index("--seed") + 1] = 8
    gen(tmp_path, *args)
    for kind in ("activities", "attendance", "surveys", "communities"):
        assert open(path_of(small, kind), "rb").read() != open(path_of(tmp_path, kind), "rb").read()


def test_week_rows_do_not_depend_on_start(tmp_path):
    """A longer history contains the shorter run's weeks unchanged (five-year bench)."""
    a, b = tmp_path / "a", tmp_path / "b"
    gen(a, "--streets", 1, "--communities", 5, "--weeks", 4, "--start", "2026-07-13", "--seed", 3)
    gen(b, "--streets", 1, "--communities", 5, "--weeks", 6, "--start", "2026-06-29", "--seed", 3)
    # community index 2 (S001C03) is the deliberate 未报 one: its silent weeks move with the range
    rows_a = [r for r in read(a, "activities")[1] if r["community_id"] != "S001C03"]
    rows_b = [r for r in read(b, "activities")[1] if r["community_id"] != "S001C03"
              and parse_date(r["date"]) >= datetime.date(2026, 7, 13)]
    assert rows_a and rows_a == rows_b


def test_committed_demo_is_the_demo_profile(demo):
    """fixtures/demo/ is exactly what `carecard-gen --profile demo` writes (README command)."""
    committed = os.path.join(ROOT, "fixtures", "demo")
    for name in os.listdir(demo):
        assert filecmp.cmp(os.path.join(demo, name), os.path.join(committed, name), shallow=False), name
    total = sum(os.path.getsize(os.path.join(committed, n)) for n in os.listdir(committed))
    assert total < 2_000_000


# ---------------------------------------------------------------- counts

def test_row_counts_follow_parameters(small):
    _, comms, _ = read(small, "communities")
    ids = sorted({c["community_id"] for c in comms})
    assert len(ids) == 2 * 4
    assert {c["street_id"] for c in comms} == {"S001", "S002"}
    # index 3 and 7 (every 4th) carry a second registry row mid-period
    assert len(comms) == 8 + 2
    _, acts, _ = read(small, "activities")
    per = collections.Counter((a["community_id"], iso_week(parse_date(a["date"]))) for a in acts)
    weeks = [iso_week(datetime.date(2026, 6, 29) + datetime.timedelta(weeks=i)) for i in range(13)]
    assert {w for _, w in per} <= set(weeks)
    for (cid, w), n in per.items():
        assert 2 <= n <= 6, (cid, w, n)
    # the 未报 community: nothing in the last two weeks and in week 13/2-1 = 5
    active = {w for (cid, w) in per if cid == "S001C03"}
    assert active == set(weeks) - {weeks[5], weeks[11], weeks[12]}
    # everyone else reports (almost) every week: random gaps are 0.5 %
    reported = sum(1 for cid in ids if cid != "S001C03" for w in weeks if (cid, w) in per)
    assert reported >= 7 * 13 - 3


def test_summary_counts_match_files(tmp_path):
    p = subprocess.run([GEN, "--out", str(tmp_path)] + [str(a) for a in SMALL],
                       capture_output=True, text=True)
    assert p.returncode == 0
    for kind in KINDS:
        m = re.search(r"%s\s+(\d+) rows" % kind, p.stderr)
        assert m, p.stderr
        assert int(m.group(1)) == len(read(tmp_path, kind)[1])
    assert re.search(r"rows/s", p.stderr)


def test_profiles_sizes(tmp_path):
    """demo: 2 streets x 4 communities, 18 weeks (2026-06-01 .. 2026-10-04, all of 2026-Q3)."""
    d = tmp_path / "demo"
    gen(d, "--profile", "demo")
    _, acts, _ = read(d, "activities")
    days = [parse_date(a["date"]) for a in acts if re.fullmatch(r"[\d/-]+", a["date"]) and a["date"] != "2026-13-45"]
    assert min(days) >= datetime.date(2026, 6, 1) and max(days) <= datetime.date(2026, 10, 4)
    assert min(days) <= datetime.date(2026, 6, 7) and max(days) >= datetime.date(2026, 9, 28)
    assert len({a["community_id"] for a in acts}) >= 8
    assert set(os.listdir(d)) == {"communities.csv", "providers.csv", "activities-gb18030.csv",
                                  "attendance.csv", "surveys.csv", "assessments.csv",
                                  "trainings.csv", "timebank.tsv", "feedback.csv"}
    # an explicit option overrides the preset
    d2 = tmp_path / "demo1"
    gen(d2, "--profile", "demo", "--weeks", 2, "--bad-rows", 0)
    _, acts2, _ = read(d2, "activities")
    assert max(parse_date(a["date"]) for a in acts2) <= datetime.date(2026, 6, 14)


# ---------------------------------------------------------------- pair rules

def test_communities_rules(data):
    _, comms, _ = read(data, "communities")
    seen = set()
    names = collections.defaultdict(set)
    for c in comms:
        key = (c["community_id"], c["as_of"])
        assert key not in seen
        seen.add(key)
        names[c["community_name"]].add(c["community_id"])
        pop = int(c["population"])
        assert 5000 <= pop <= 30000 * 1.05
        assert 0.02 * pop - 1 <= int(c["children_0_3"]) <= 0.03 * pop + 1
        for k in ("children_3_12", "elderly_60", "eligible_families", "special_children", "places"):
            assert int(c[k]) >= 0
        assert int(c["inclusive_places"]) <= int(c["places"])
        assert float(c["monthly_fee"]) > 0 and float(c["disposable_income"]) > 0
        assert 2.0 <= float(c["household_size"]) <= 3.5
        if c["as_of"]:
            parse_date(c["as_of"])
    # names name exactly one community (surveys may use them instead of IDs)
    assert all(len(v) == 1 for v in names.values())


def test_activities_rules(small):
    _, acts, _ = read(small, "activities")
    assert len({a["activity_id"] for a in acts}) == len(acts)
    cancelled = 0
    for a in acts:
        st = code("status", a["status"]) if a["status"] else "completed"
        code("target_group", a["target_group"])
        assert a["project"] and 1 <= len(a["activity_id"]) <= 64
        if a["start_time"] or a["end_time"]:
            assert parse_time(a["end_time"]) > parse_time(a["start_time"])
            assert a["hours"] == ""
        else:
            assert 0 < float(a["hours"]) <= 24
        cap, reg, att = int(a["capacity"]), int(a["registered"]), int(a["attended"])
        assert cap >= 0 and reg >= 0 and att >= 0
        if a["online_booked"]:
            assert 0 <= int(a["online_booked"]) <= reg
        if st == "cancelled":
            cancelled += 1
            assert att == 0
            continue
        ch, sp = int(a["children"]), int(a["special_attended"])
        assert 0 <= ch <= att and 0 <= sp <= ch
        assert int(a["staff"]) >= 1 and int(a["volunteers"]) >= 0 and float(a["volunteer_hours"]) >= 0
        assert (a["checks_passed"] == "") == (a["checks_total"] == "")
        assert int(a["checks_total"]) > 0 and 0 <= int(a["checks_passed"]) <= int(a["checks_total"])
        if a["interaction_score"]:
            assert 1 <= float(a["interaction_score"]) <= 7
        assert int(a["incidents"]) >= 0
        for p in re.split(r"[;；、|]", a["partners"]) if a["partners"] else []:
            assert p.strip()
    assert 0 < cancelled < len(acts) / 4


def test_attendance_consistent_with_activities(small):
    _, acts, _ = read(small, "activities")
    _, att, _ = read(small, "attendance")
    by_act = {a["activity_id"]: a for a in acts}
    rows = collections.defaultdict(list)
    keys = set()
    for r in att:
        assert r["activity_id"] in by_act
        assert (r["activity_id"], r["participant_id"]) not in keys
        keys.add((r["activity_id"], r["participant_id"]))
        code("role", r["role"])
        assert r["special"] in BOOL
        rows[r["activity_id"]].append(r)
    for aid, a in by_act.items():
        rs = rows.get(aid, [])
        if code("status", a["status"]) == "cancelled":
            assert rs == []
            continue
        non_vol = [r for r in rs if code("role", r["role"]) != "volunteer"]
        kids = [r for r in rs if code("role", r["role"]) == "child"]
        assert len(non_vol) == int(a["attended"])
        assert len(kids) == int(a["children"])
        assert sum(BOOL[r["special"]] for r in kids) == int(a["special_attended"])
        assert len(rs) - len(non_vol) == int(a["volunteers"])


def test_participants_are_stable(small):
    """The same pseudonymous ID always has the same name, household and role."""
    _, att, _ = read(small, "attendance")
    who = {}
    for r in att:
        ident = (r["name"], r["household_id"], r["role"], r["special"])
        assert who.setdefault(r["participant_id"], ident) == ident
    # people come back: far fewer distinct participants than attendance rows
    assert len(who) < len(att) / 3
    # names are Chinese, with some compound surnames
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n, *_ in who.values())
    assert any(n[:2] in COMPOUND for n, *_ in who.values())
    assert any(BOOL[s] for *_, s in who.values())
    households = collections.Counter(h for _, h, role, _ in who.values() if h)
    assert max(households.values()) >= 2      # a child with a parent or sibling


def test_attendance_ids_unique_across_communities(small):
    _, acts, _ = read(small, "activities")
    comm = {a["activity_id"]: a["community_id"] for a in acts}
    _, att, _ = read(small, "attendance")
    home = {}
    for r in att:
        assert home.setdefault(r["participant_id"], comm[r["activity_id"]]) == comm[r["activity_id"]]


def test_other_kinds_rules(data):
    _, comms, _ = read(data, "communities")
    cids = {c["community_id"] for c in comms}
    cnames = {c["community_name"] for c in comms}
    _, provs, _ = read(data, "providers")
    pids = set()
    for p in provs:
        assert p["provider_id"] not in pids
        pids.add(p["provider_id"])
        assert p["community_id"] in cids
        code("type", p["type"])
        assert p["certified"] in BOOL
        if p["left"]:
            assert parse_date(p["left"]) > parse_date(p["joined"])
    _, trs, _ = read(data, "trainings")
    keys = set()
    for t in trs:
        assert t["provider_id"] in pids
        k = (t["provider_id"], parse_date(t["date"]), t["topic"])
        assert k not in keys
        keys.add(k)
        assert float(t["hours"]) > 0
    _, tbs, _ = read(data, "timebank")
    assert len({t["txn_id"] for t in tbs}) == len(tbs)
    for t in tbs:
        assert t["community_id"] in cids
        code("kind", t["kind"])
        assert float(t["hours"]) > 0
        parse_date(t["date"])
    _, fbs, _ = read(data, "feedback")
    assert len({f["feedback_id"] for f in fbs}) == len(fbs)
    for f in fbs:
        assert f["community_id"] in cids
        if f["responded"]:
            assert parse_date(f["responded"]) >= parse_date(f["received"])
        if f["resolved"]:
            assert f["resolved"] in BOOL
    assert any("," in f["category"] for f in fbs)      # a quoted field
    _, asm, _ = read(data, "assessments")
    keys = set()
    pairs = collections.defaultdict(set)
    for a in asm:
        assert a["community_id"] in cids
        k = (a["participant_id"], code("domain", a["domain"]), code("phase", a["phase"]),
             parse_date(a["date"]))
        assert k not in keys
        keys.add(k)
        assert float(a["score"]) >= 0
        pairs[(a["participant_id"], k[1])].add(k[2])
    both = collections.Counter(d for (p, d), ph in pairs.items() if ph == {"pre", "post"})
    assert both["cognitive"] > 0 and both["social"] > 0
    _, sv, _ = read(data, "surveys")
    assert len({s["response_id"] for s in sv}) == len(sv)
    for s in sv:
        assert s["community_id"] in cids or s["community_id"] in cnames
        code("role", s["role"])
        parse_date(s["date"])


def test_surveys_questions_and_answers(data):
    header, sv, _ = read(data, "surveys")
    questions = [re.sub(r"^\d+、", "", h) for h in header[4:]]
    assert questions[:6] == QUESTIONS
    # the four KANO features of the shipped indicators.ini, functional then dysfunctional
    assert questions[4:] == [
        "如果社区提供延时托管服务，您的感受是？", "如果社区不提供延时托管服务，您的感受是？",
        "如果社区在周末提供亲子活动，您的感受是？", "如果社区在周末不提供亲子活动，您的感受是？",
        "如果社区提供线上预约报名服务，您的感受是？", "如果社区不提供线上预约报名服务，您的感受是？",
        "如果社区开设隔代养育指导课堂，您的感受是？", "如果社区不开设隔代养育指导课堂，您的感受是？"]
    unparseable = 0
    for s in sv:
        for q in QUESTIONS[:3]:
            v = s[q]
            if v == "不好说":
                unparseable += 1
            else:
                assert v == "" or v in LIKERT or v in "12345", v
        assert s[QUESTIONS[3]] in ("", "是", "否", "0", "1")
        for q in questions[4:]:
            assert s[q] in KANO or s[q] in ("1", "2", "3", "4", "5")
    labels = sum(s[QUESTIONS[0]] in LIKERT for s in sv)
    numbers = sum(s[QUESTIONS[0]] in ("1", "2", "3", "4", "5") for s in sv)
    assert labels > 0 and numbers > 0 and unparseable > 0


def test_kano_option_replaces_pairs(tmp_path):
    gen(tmp_path, "--streets", 1, "--communities", 2, "--weeks", 2,
        "--kano", "如果社区提供延时托管服务，您的感受是？|如果社区不提供延时托管服务，您的感受是？",
        "--kano", "如果社区提供周末托管服务，您的感受是？|如果社区不提供周末托管服务，您的感受是？")
    header, sv, _ = read(tmp_path, "surveys")
    assert header[4:] == QUESTIONS[:4] + [
        "如果社区提供延时托管服务，您的感受是？", "如果社区不提供延时托管服务，您的感受是？",
        "如果社区提供周末托管服务，您的感受是？", "如果社区不提供周末托管服务，您的感受是？"]
    assert sv


# ---------------------------------------------------------------- formats

def test_english_headers_and_iso_dates(small):
    for kind, h in HEADERS_EN.items():
        header, rows, raw = read(small, kind)
        assert ",".join(header) == h
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    _, acts, _ = read(small, "activities")
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", a["date"]) for a in acts)
    assert all(re.fullmatch(r"\d{2}:\d{2}", a["start_time"]) for a in acts if a["start_time"])


def test_demo_formats(demo):
    # activities: GB18030 (not valid UTF-8), CRLF, Chinese headers and labels, 9:00 times
    raw = open(os.path.join(demo, "activities-gb18030.csv"), "rb").read()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.count(b"\r\n") == raw.count(b"\n")
    header, acts, _ = read(demo, "activities")
    assert ",".join(header) == HEADERS_ZH["activities"]
    assert {a["status"] for a in acts} == {"已完成", "已取消"}
    assert any(re.fullmatch(r"\d:\d{2}", a["start_time"]) for a in acts)
    assert all(re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", a["date"]) for a in acts
               if a["date"] != "2026-13-45")
    for kind in ("communities", "feedback"):
        header, _, _ = read(demo, kind)
        assert ",".join(header) == HEADERS_ZH[kind]
    header, sv, _ = read(demo, "surveys")
    assert header[:4] == ["答卷编号", "所在社区", "提交答卷时间", "身份"]
    assert header[4] == "1、" + QUESTIONS[0]
    assert any(re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}:\d{2}", s["date"]) for s in sv)
    assert any(not re.fullmatch(r"S\d{3}C\d{2}", s["community_id"]) for s in sv)  # by name
    # partners separated by ; ； and 、, and a character that is four bytes in GB18030
    assert all(any(sep in a["partners"] for a in acts) for sep in (";", "；", "、"))
    assert "𠮷".encode("gb18030") in open(os.path.join(demo, "activities-gb18030.csv"), "rb").read()
    assert len("𠮷".encode("gb18030")) == 4
    raw = open(os.path.join(demo, "timebank.tsv"), "rb").read()
    assert raw.split(b"\n")[0] == HEADERS_EN["timebank"].replace(",", "\t").encode()


def bad_reasons(a):
    """Which rule of docs/inputs/activities.md an activities row breaks (None if valid)."""
    r = []
    if not re.fullmatch(r"S\d{3}C\d{2}", a["community_id"]):
        r.append("community")
    try:
        parse_date(a["date"])
    except (AssertionError, ValueError):
        r.append("date")
    if a["start_time"] and parse_time(a["end_time"]) <= parse_time(a["start_time"]):
        r.append("end_time")
    if int(a["attended"]) < 0:
        r.append("attended")
    if a["children"] and int(a["children"]) > int(a["attended"]):
        r.append("children")
    if a["checks_passed"] and int(a["checks_passed"]) > int(a["checks_total"]):
        r.append("checks")
    if a["interaction_score"] and not 1 <= float(a["interaction_score"]) <= 7:
        r.append("interaction")
    if a["online_booked"] and int(a["online_booked"]) > int(a["registered"]):
        r.append("online")
    return r


def test_demo_bad_rows(demo):
    _, acts, _ = read(demo, "activities")
    bad = [a for a in acts if bad_reasons(a)]
    assert len(bad) == 6
    assert all(len(bad_reasons(a)) == 1 for a in bad)
    assert {bad_reasons(a)[0] for a in bad} == {"attended", "children", "community", "date",
                                               "end_time", "checks"}
    _, att, _ = read(demo, "attendance")
    assert not {a["activity_id"] for a in bad} & {r["activity_id"] for r in att}


def test_small_has_no_bad_rows(small):
    _, acts, _ = read(small, "activities")
    assert [a for a in acts if bad_reasons(a)] == []


# ---------------------------------------------------------------- usage errors

@pytest.mark.parametrize("args,msg", [
    (["--start", "2026-06-30"], "not a Monday"),
    (["--start", "2026-02-30"], "not a date"),
    (["--sessions", "5-3"], "MIN-MAX"),
    (["--streets", "0"], "--streets"),
    (["--zh-headers", "nosuch"], "unknown kind"),
    (["--profile", "huge"], "unknown profile"),
    (["--kano", "no bar"], "FUNCTIONAL|DYSFUNCTIONAL"),
    (["--bogus", "1"], "unknown option"),
])
def test_usage_errors(tmp_path, args, msg):
    p = gen(tmp_path / "x", *args, check=False)
    assert p.returncode == 2
    assert p.stderr.startswith("carecard-gen: ") and msg in p.stderr
    assert not os.path.exists(tmp_path / "x" / "activities.csv")


def test_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    p = gen(blocker / "sub", check=False)
    assert p.returncode == 1 and "carecard-gen: " in p.stderr


def test_survey_columns_match_shipped_catalog(demo):
    """Every [item.*] column and [kano.*] question of indicators.ini is a survey column."""
    ini = os.path.join(ROOT, "indicators.ini")
    wanted, section = [], None
    for line in open(ini, encoding="utf-8"):
        m = re.match(r"\s*\[([^\]]+)\]", line)
        if m:
            section = m.group(1).lower()
            continue
        m = re.match(r"\s*(column|functional|dysfunctional)\s*=\s*(.+?)\s*$", line)
        if m and section and (section.startswith("item.") or section.startswith("kano.")):
            wanted.append(m.group(2).strip('"'))
    assert len(wanted) >= 6
    header, _, _ = read(demo, "surveys")
    have = [re.sub(r"^\d+、", "", h) for h in header[4:]]
    assert [q for q in wanted if q not in have] == []


def peak_rss_kb(out, *args):
    p = subprocess.run(["/usr/bin/time", "-f", "%M", GEN, "--out", str(out), "-q"] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return int(p.stderr.strip().splitlines()[-1])


def test_streaming_memory_does_not_grow_with_weeks(tmp_path):
    """100 times the weeks (about 45 MB of CSV) costs at most the nine fixed 1 MB output
    buffers filling up: rows are streamed, never held."""
    base = ["--streets", 2, "--communities", 5, "--seed", 5]
    short = peak_rss_kb(tmp_path / "short", *base, "--weeks", 4)
    long_ = peak_rss_kb(tmp_path / "long", *base, "--weeks", 400)
    size = sum(os.path.getsize(os.path.join(tmp_path / "long", n)) for n in os.listdir(tmp_path / "long"))
    assert size > 30_000_000
    assert long_ - short < 11 * 1024, (short, long_)


def test_demo_readme_row_counts():
    """The table of fixtures/demo/README.md states the committed files' record counts."""
    d = os.path.join(ROOT, "fixtures", "demo")
    text = open(os.path.join(d, "README.md"), encoding="utf-8").read()
    stated = {m.group(1): int(m.group(2).replace(",", ""))
              for m in re.finditer(r"^\| `([a-z0-9-]+\.(?:csv|tsv))` \| [^|]+ \| ([\d,]+) \|", text, re.M)}
    assert len(stated) == 9
    for name, n in stated.items():
        kind = name.split(".")[0].split("-")[0]
        assert len(read(d, kind)[1]) == n, name


def test_demo_has_special_children_not_served_in_the_quarter(demo):
    """Special children seen in 2026-Q2 (June) but not in 2026-Q3: the 未覆盖困境儿童 list."""
    _, acts, _ = read(demo, "activities")
    day = {}
    for a in acts:
        try:
            day[a["activity_id"]] = parse_date(a["date"])
        except (AssertionError, ValueError):
            pass
    _, att, _ = read(demo, "attendance")
    june, q3 = set(), set()
    for r in att:
        if BOOL[r["special"]]:
            d = day[r["activity_id"]]
            (june if d < datetime.date(2026, 7, 1) else q3 if d <= datetime.date(2026, 9, 30) else set()).add(
                r["participant_id"])
    assert len(june - q3) >= 3
    assert len(q3) > len(june - q3)


# ---------------------------------------------------------------- inbox layout, province

WEEKLY = ["activities", "attendance", "assessments", "trainings"]
MONTHLY = ["surveys", "timebank", "feedback"]


def data_lines(path):
    """The records of a generated UTF-8 CSV file as text lines (no header)."""
    return open(path, encoding="utf-8").read().splitlines()[1:]


def test_inbox_layout_files_and_arrival_order(tmp_path):
    """6 weeks from Mon 2026-06-29 (ISO 2026-W27) to Sun 2026-08-09 (W32): weekly files
    W27..W32; months June (29-30 only), July, August (1-9): June's files arrive with W27
    (the week holding 30 June), July's with W31 (27 July - 2 August), August's with the
    last week, since the range ends before August does."""
    d = tmp_path / "inbox"
    gen(d, "--layout", "inbox", "--weeks", 6, "--start", "2026-06-29")
    lines = (d / "inbox.txt").read_text().splitlines()
    weeks = ["2026-W%02d" % w for w in range(27, 33)]
    want = []
    for w in weeks:
        files = ["communities.csv", "providers.csv"] if w == "2026-W27" else []
        month = {"2026-W27": "2026-06", "2026-W31": "2026-07", "2026-W32": "2026-08"}.get(w)
        for k in KINDS[2:]:                 # in kind order within a week's delivery
            if k in WEEKLY:
                files.append("%s_%s.csv" % (k, w))
            elif month:
                files.append("%s_%s.csv" % (k, month))
        want += ["%s %s" % (w, f) for f in files]
    assert lines == want
    assert sorted(os.listdir(d)) == sorted([l.split()[1] for l in lines] + ["inbox.txt"])


def test_inbox_layout_holds_the_same_rows(tmp_path):
    """The inbox files hold exactly the single layout's rows: weekly kinds in the same
    order when concatenated in arrival order, monthly kinds the same rows; every row's
    date lies in its file's ISO week or month."""
    single, inbox = tmp_path / "single", tmp_path / "inbox"
    args = ["--weeks", 6, "--start", "2026-06-29", "--streets", 3]
    gen(single, *args)
    gen(inbox, "--layout", "inbox", *args)
    order = [l.split()[1] for l in (inbox / "inbox.txt").read_text().splitlines()]
    assert filecmp.cmp(single / "communities.csv", inbox / "communities.csv", shallow=False)
    assert filecmp.cmp(single / "providers.csv", inbox / "providers.csv", shallow=False)
    for k in WEEKLY + MONTHLY:
        files = [f for f in order if f.startswith(k + "_")]
        rows = [r for f in files for r in data_lines(inbox / f)]
        ref = data_lines(single / ("%s.csv" % k))
        assert len(ref) > 0, k
        if k in WEEKLY:
            assert rows == ref, k
        else:
            assert sorted(rows) == sorted(ref), k
        for f in files:
            header = open(inbox / f, encoding="utf-8").readline()
            assert header == open(single / ("%s.csv" % k), encoding="utf-8").readline()
            period = f[len(k) + 1:-4]
            col = {"activities": "date", "assessments": "date", "trainings": "date",
                   "surveys": "date", "timebank": "date", "feedback": "received"}.get(k)
            if not col:
                continue
            for row in csv.DictReader(open(inbox / f, encoding="utf-8", newline="")):
                day = parse_date(row[col])
                if k in WEEKLY:
                    y, w, _ = day.isocalendar()
                    assert "%d-W%02d" % (y, w) == period, (f, row)
                else:
                    assert day.strftime("%Y-%m") == period, (f, row)
    # attendance follows its activities' week
    for f in order:
        if f.startswith("attendance_"):
            w = f[len("attendance_"):-4]
            acts = {r["activity_id"] for r in csv.DictReader(open(inbox / ("activities_%s.csv" % w), encoding="utf-8"))}
            for r in csv.DictReader(open(inbox / f, encoding="utf-8")):
                assert r["activity_id"] in acts


def test_inbox_layout_keeps_formats(tmp_path):
    """The demo profile's format options apply to each inbox file: GB18030 activities,
    tab-separated time bank, Chinese headers of surveys."""
    d = tmp_path / "demo"
    gen(d, "--profile", "demo", "--layout", "inbox")
    names = os.listdir(d)
    assert "activities_2026-W23-gb18030.csv" in names and "timebank_2026-06.tsv" in names
    assert open(d / "activities_2026-W23-gb18030.csv", "rb").read().decode("gb18030").startswith("活动编号,")
    assert open(d / "surveys_2026-06.csv", encoding="utf-8").readline().startswith("答卷编号,")


def test_layout_usage_error(tmp_path):
    p = gen(tmp_path / "x", "--layout", "weekly", check=False)
    assert p.returncode == 2 and "--layout" in p.stderr


def test_more_than_9999_communities_get_wider_ids(tmp_path):
    """Beyond 9,999 communities the community index takes 5 digits in every id and
    beyond 999 streets the street number 4, so ids stay unique; smaller runs keep
    their ids (see test_committed_demo_is_the_demo_profile)."""
    d = tmp_path / "big"
    gen(d, "--streets", 1500, "--communities", 7, "--weeks", 1, "--sessions", "0-0")
    _, comms, _ = read(d, "communities")
    ids = {c["community_id"] for c in comms}
    assert len(ids) == 10500
    assert "S0001C01" in ids and "S1500C07" in ids
    assert len({c["street_id"] for c in comms}) == 1500
    _, provs, _ = read(d, "providers")
    assert len({p["provider_id"] for p in provs}) == len(provs)
    assert all(re.fullmatch(r"W\d{5}\d{2}", p["provider_id"]) for p in provs)
    assert any(p["provider_id"].startswith("W10499") for p in provs)
    for kind, col in (("surveys", "response_id"), ("timebank", "txn_id"), ("feedback", "feedback_id")):
        _, rows, _ = read(d, kind)
        assert len({r[col] for r in rows}) == len(rows), kind
    p = gen(tmp_path / "x", "--streets", 5000, "--communities", 20, check=False)
    assert p.returncode == 2 and "99999 communities" in p.stderr


def test_province_profile(tmp_path):
    """province: 1,500 streets x 20 communities, 13 weeks from 2026-06-29 (one quarter)."""
    p = subprocess.run([GEN, "--out", str(tmp_path / "p"), "--profile", "province",
                        "--weeks", "1", "--sessions", "0-0"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "30000 communities in 1500 streets, 1 weeks from 2026-06-29" in p.stderr
    assert "province (1500x20, 13 weeks" in subprocess.run([GEN, "--help"], capture_output=True, text=True).stdout
