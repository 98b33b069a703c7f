"""carecard ingest / status end to end: every input kind, both encodings, the
spellings of docs/inputs/, every file of fixtures/bad/ with its exact
message and exit code, re-ingest, interruption, file modes.

Expected values are read off the input files by hand, never from the program."""
import datetime
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import time

import pytest

from conftest import BIN, ROOT, SCHEMA_VERSION, q, run

BAD = os.path.join(ROOT, "fixtures", "bad")
# a copy of the spec's sample inputs (samples/*.csv), so the tests run anywhere
SAMPLES = os.path.join(ROOT, "fixtures", "test", "ingest", "samples")


def one(db, sql, *args):
    rows = q(db, sql, *args)
    assert len(rows) == 1, rows
    return rows[0]


def partners(db, activity_id):
    """The partner names of an activity as the measures read them: the stored
    activities.partners text split by the list rule of docs/inputs/README.md
    (; ； 、 |, items trimmed, empty items dropped), distinct, sorted."""
    (text,) = one(db, "SELECT partners FROM activities WHERE activity_id = ?", activity_id)
    items = [t.strip(" \t\u3000") for t in re.split(r"[;；、|]", text or "")]
    return sorted({t for t in items if t})


def write(path, text, encoding="utf-8"):
    with open(path, "wb") as f:
        f.write(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


@pytest.fixture
def base(tmp_path):
    """A database holding the sample registers and activities (for references)."""
    db = str(tmp_path / "cc.db")
    r = run(["ingest", "--db", db, os.path.join(SAMPLES, "communities.csv"),
             os.path.join(SAMPLES, "providers.csv"), os.path.join(SAMPLES, "activities.csv")])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    return db


# ---- the samples -------------------------------------------------------------

def test_samples_every_row_stored(tmp_path):
    db = str(tmp_path / "s.db")
    r = run(["ingest", "--db", db, SAMPLES])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    files = q(db, "SELECT name, kind, encoding, rows_read, rows_accepted, rows_rejected FROM files ORDER BY file_id")
    # dependency order: communities, then providers and activities, then the rest, each in name order
    assert files == [
        ("communities.csv", "communities", "utf8", 3, 3, 0),
        ("activities-gb18030.csv", "activities", "gb18030", 5, 5, 0),
        ("activities.csv", "activities", "utf8", 5, 5, 0),
        ("providers.csv", "providers", "utf8", 3, 3, 0),
        ("assessments.csv", "assessments", "utf8", 4, 4, 0),
        ("attendance.csv", "attendance", "utf8", 6, 6, 0),
        ("feedback.csv", "feedback", "utf8", 2, 2, 0),
        ("surveys.csv", "surveys", "utf8", 3, 3, 0),
        ("timebank.csv", "timebank", "utf8", 2, 2, 0),
        ("trainings.csv", "trainings", "utf8", 2, 2, 0),
    ]
    counts = {t: one(db, f"SELECT count(*) FROM {t}")[0] for t in
              ["communities", "providers", "activities", "attendance", "survey_responses", "survey_answers",
               "assessments", "trainings", "timebank", "feedback", "rejects", "plausibility"]}
    assert counts == {"communities": 3, "providers": 3, "activities": 5, "attendance": 6, "survey_responses": 3,
                      "survey_answers": 18, "assessments": 4, "trainings": 2, "timebank": 2, "feedback": 2,
                      "rejects": 0, "plausibility": 0}
    # schema 4: partners are split where they are read, no table of them
    assert q(db, "SELECT name FROM sqlite_master WHERE name = 'activity_partners'") == []
    assert one(db, "SELECT * FROM communities WHERE community_id = 'L02'")[:16] == (
        "L02", "2026-01-01", "锦华社区", "S01", "东城街道", 15000, 380, 1500, 2600, 2100, 18, 60, 30,
        1900.0, 58000.0, 2.5)
    # the later file of the same activities (activities.csv) owns the rows now
    assert one(db, "SELECT f.name FROM activities a JOIN files f USING (file_id) WHERE activity_id = 'A-2026-1101'") \
        == ("activities.csv",)
    cols = ("activity_id, community_id, project, category, date, start_time, end_time, hours, status, target_group, "
            "capacity, registered, attended, children, special_attended, staff, volunteers, volunteer_hours, "
            "provider_id, partners, checks_passed, checks_total, interaction_score, incidents, online_booked, line")
    acts = q(db, f"SELECT {cols} FROM activities ORDER BY activity_id")
    assert acts == [
        ("A-2026-1101", "L01", "众爱家园假期班", "手工", "2026-11-16", "09:00:00", "11:30:00", 2.5, "completed", "child",
         30, 28, 25, 25, 3, 3, 4, 10.0, "ZA-SW", "众爱社工中心；市职业技术学院", 18, 20, 5.5, 0, 6, 2),
        ("A-2026-1102", "L01", "儿童观察团", "议事", "2026-11-18", "15:00:00", "16:30:00", 1.5, "completed", "child",
         20, 20, 17, 17, 2, 2, 2, 3.0, "ZA-SW", "众爱社工中心", 19, 20, 6.0, 0, 4, 3),
        ("A-2026-1103", "L01", "家长课堂", "家长课堂", "2026-11-20", "19:00:00", "20:30:00", 1.5, "cancelled", "family",
         40, 12, 0, None, None, None, None, None, None, None, None, None, None, None, None, 4),
        ("A-2026-1104", "L02", "未来职业实验室", "科普", "2026-11-21", "14:00:00", "16:00:00", 2.0, "completed", "child",
         25, 24, 22, 22, 1, 2, 3, 6.0, "JH-01", "万达广场科技企业;社区卫生服务中心", 17, 20, 4.8, 1, 15, 5),
        ("A-2026-1105", "J01", "银龄共享站", "代际共读", "2026-11-19", "10:00:00", "11:00:00", 1.0, "completed", "all",
         40, 35, 31, 12, 2, 1, 5, 5.0, "JC-09", "叠溪书院", 20, 20, None, 0, 2, 6),
    ]
    assert [(a, p) for (a,) in q(db, "SELECT activity_id FROM activities ORDER BY 1") for p in partners(db, a)] == [
        ("A-2026-1101", "众爱社工中心"), ("A-2026-1101", "市职业技术学院"), ("A-2026-1102", "众爱社工中心"),
        ("A-2026-1104", "万达广场科技企业"), ("A-2026-1104", "社区卫生服务中心"), ("A-2026-1105", "叠溪书院")]
    assert q(db, "SELECT activity_id, participant_id, household_id, role, special, name FROM attendance "
                 "ORDER BY activity_id, participant_id") == [
        ("A-2026-1101", "C0001", "H0001", "child", 0, "王小明"),
        ("A-2026-1101", "C0002", "H0002", "child", 1, "李小红"),
        ("A-2026-1101", "P0001", "H0001", "parent", 0, "王芳"),
        ("A-2026-1101", "V0001", None, "volunteer", 0, "张伟"),
        ("A-2026-1102", "C0001", "H0001", "child", 0, "王小明"),
        ("A-2026-1104", "C0101", "H0101", "child", 0, "欧阳晨")]
    assert q(db, "SELECT response_id, community_id, date, role FROM survey_responses ORDER BY 1") == [
        ("Q0001", "L01", "2026-11-18", "parent"), ("Q0002", "L01", "2026-11-18", "grandparent"),
        ("Q0003", "L02", "2026-11-19", "parent")]
    assert dict(q(db, "SELECT question, answer FROM survey_answers WHERE response_id = 'Q0002'")) == {
        "您对社区育儿服务的总体满意度": "5", "社区服务减轻了我的育儿压力": "4", "我认识并信任小区里的邻居": "5",
        "您能熟练使用社区育儿小程序吗": "否", "如果社区提供延时托管服务，您的感受是？": "理所当然",
        "如果社区不提供延时托管服务，您的感受是？": "我很不喜欢"}
    assert q(db, "SELECT participant_id, domain, phase, date, community_id, score FROM assessments ORDER BY 1, 4") == [
        ("C0001", "social", "pre", "2026-09-05", "L01", 62.0), ("C0001", "social", "post", "2026-11-20", "L01", 70.0),
        ("C0002", "social", "pre", "2026-09-05", "L01", 55.0), ("C0002", "social", "post", "2026-11-20", "L01", 63.0)]
    assert q(db, "SELECT provider_id, community_id, type, certified, joined, left_on, name FROM providers ORDER BY 1") == [
        ("CG-002", "L01", "caregiver", 0, "2025-09-01", None, "陈静"),
        ("SW-001", "L01", "social_worker", 1, "2024-03-01", None, "刘敏"),
        ("T-003", "L02", "teacher", 1, "2023-02-15", None, "赵磊")]
    assert q(db, "SELECT provider_id, date, topic, hours FROM trainings ORDER BY 1") == [
        ("CG-002", "2026-11-02", "科学喂养", 6.0), ("SW-001", "2026-10-12", "婴幼儿急救", 4.0)]
    assert q(db, "SELECT txn_id, community_id, member_id, date, kind, hours, service FROM timebank ORDER BY 1") == [
        ("TB-0001", "L01", "H0001", "2026-11-16", "deposit", 2.5, "假期班看护"),
        ("TB-0002", "L01", "H0002", "2026-11-19", "redeem", 1.0, "临时托管")]
    assert q(db, "SELECT feedback_id, community_id, received, responded, resolved, category FROM feedback ORDER BY 1") == [
        ("F-001", "L01", "2026-11-16", "2026-11-17", 1, "场地"), ("F-002", "L02", "2026-11-17", None, 0, "课程")]


def test_gb18030_sample_alone(tmp_path):
    db = str(tmp_path / "g.db")
    r = run(["ingest", "--db", db, os.path.join(SAMPLES, "communities.csv"),
             os.path.join(SAMPLES, "activities-gb18030.csv")])
    assert r.returncode == 0, r.stderr
    assert one(db, "SELECT encoding, rows_accepted FROM files WHERE kind = 'activities'") == ("gb18030", 5)
    assert q(db, "SELECT activity_id, project, date, start_time, status, target_group FROM activities ORDER BY 1") == [
        ("A-2026-1101", "众爱家园假期班", "2026-11-16", "09:00:00", "completed", "child"),
        ("A-2026-1102", "儿童观察团", "2026-11-18", "15:00:00", "completed", "child"),
        ("A-2026-1103", "家长课堂", "2026-11-20", "19:00:00", "cancelled", "family"),
        ("A-2026-1104", "未来职业实验室", "2026-11-21", "14:00:00", "completed", "child"),
        ("A-2026-1105", "银龄共享站", "2026-11-19", "10:00:00", "completed", "all")]
    # forced encodings: gb18030 works, utf8 refuses the file
    db2 = str(tmp_path / "g2.db")
    run(["ingest", "--db", db2, os.path.join(SAMPLES, "communities.csv")])
    r = run(["ingest", "--db", db2, "--encoding", "gb18030", os.path.join(SAMPLES, "activities-gb18030.csv")])
    assert r.returncode == 0, r.stderr
    assert one(db2, "SELECT count(*) FROM activities") == (5,)


# ---- spellings ---------------------------------------------------------------

def test_spellings_and_header_forms(tmp_path, base):
    # headers: spaces, case, full-width parentheses with a unit, Chinese and English mixed
    hdr = (" Activity_ID ,社区编号,服务项目,活动日期,开始时间,结束时间,时长（小时）,状态,计划名额,报名人数,"
           "实到人数,志愿服务时长(小时),合作单位\r\n")
    rows = [
        'S1,L01,p,2026/11/7,09:00:00 AM,3:30 PM,,已完成,"1,200",30,25,,a、b|c\r\n',
        'S2,L01,p,2026.11.17,上午9:00,下午03:30:00,,completed,３０,30,25,1.5,\r\n',
        'S3,L01,p,2026年11月17日,9：00,10：30,,,30,30,25,,\r\n',
        'S4,L01,p,46343,08:00,,2.25,,30,30,25,,\r\n',
        'S5,L01,"multi\r\nline",2026/11/18 10:23:45,12:00 PM,12:30 PM,,,30,30,25,,\r\n',
        'S6,L01,p,２０２６－１１－１７,,,1,CANCELLED,30,30,0,,\r\n',
    ]
    p = write(tmp_path / "spell.csv", "\ufeff" + hdr + "".join(rows))
    r = run(["ingest", "--db", base, p])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    got = q(base, "SELECT activity_id, project, date, start_time, end_time, hours, status, capacity, "
                  "volunteer_hours, line FROM activities WHERE activity_id LIKE 'S%' ORDER BY 1")
    assert got == [
        ("S1", "p", "2026-11-07", "09:00:00", "15:30:00", 6.5, "completed", 1200, None, 2),
        ("S2", "p", "2026-11-17", "09:00:00", "15:30:00", 6.5, "completed", 30, 1.5, 3),
        ("S3", "p", "2026-11-17", "09:00:00", "10:30:00", 1.5, "completed", 30, None, 4),
        ("S4", "p", "2026-11-17", "08:00:00", None, 2.25, "completed", 30, None, 5),
        ("S5", "multi\r\nline", "2026-11-18", "12:00:00", "12:30:00", 0.5, "completed", 30, None, 6),
        ("S6", "p", "2026-11-17", None, None, 1.0, "cancelled", 30, None, 8),
    ]
    assert partners(base, "S1") == ["a", "b", "c"]


def test_tsv_and_booleans(tmp_path, base):
    p = write(tmp_path / "att.tsv", "activity_id\tparticipant_id\trole\tspecial\n"
              "A-2026-1101\tX1\t儿童\t是\nA-2026-1101\tX2\t家长\tfalse\nA-2026-1101\tX3\tgrandparent\t1\n"
              "A-2026-1101\tX4\t老人\tn\nA-2026-1101\tX5\tother\t\n")
    r = run(["ingest", "--db", base, p])
    assert r.returncode == 0, r.stderr
    assert q(base, "SELECT participant_id, role, special FROM attendance ORDER BY 1") == [
        ("X1", "child", 1), ("X2", "parent", 0), ("X3", "grandparent", 1), ("X4", "elder", 0), ("X5", "other", None)]


def test_surveys_question_numbers_and_names(tmp_path, base):
    p = write(tmp_path / "wj.csv",
              "序号,所在社区,提交答卷时间,身份,1、总体满意度,Q2. 减轻育儿压力,第3题 邻里信任,Q4、延时托管\n"
              "1,凉水井社区,2026/11/18 10:23:45,家长,非常满意,同意,,我很喜欢\n"
              "2,L02,2026-11-19 08:00,parent,4,3,4,\n")
    r = run(["ingest", "--db", base, p])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert q(base, "SELECT response_id, community_id, date, role FROM survey_responses ORDER BY 1") == [
        ("1", "L01", "2026-11-18", "parent"), ("2", "L02", "2026-11-19", "parent")]
    assert q(base, "SELECT response_id, question, answer FROM survey_answers ORDER BY 1, 2") == [
        ("1", "减轻育儿压力", "同意"), ("1", "延时托管", "我很喜欢"), ("1", "总体满意度", "非常满意"),
        ("2", "减轻育儿压力", "3"), ("2", "总体满意度", "4"), ("2", "邻里信任", "4")]


def test_survey_community_name_ambiguous(tmp_path, base):
    c = write(tmp_path / "more.csv", "community_id,community_name,street_id,street_name,population\n"
              "T1,同名社区,S9,某街道,100\nT2,同名社区,S9,某街道,200\n")
    shutil.copy(os.path.join(BAD, "survey-ambiguous-name.csv"), tmp_path)
    r = run(["ingest", "--db", base, "more.csv", "survey-ambiguous-name.csv"], cwd=tmp_path)
    assert r.returncode == 3
    assert r.stderr == ("carecard: survey-ambiguous-name.csv:3: column 'community_id' (社区编号): value '同名社区' — "
                        "names more than one community in the register; use the community ID\n")
    assert q(base, "SELECT response_id, community_id FROM survey_responses") == [("R1", "L01")]
    assert q(base, "SELECT question, answer FROM survey_answers") == [("总体满意度", "5")]


# ---- bad input: fixtures/bad/ --------------------------------------------------

NOT_STORED = "carecard: {f}: not stored (no file was stored before it)\n"
ENUM_ROLE = ("one of child (儿童), parent (家长), grandparent (祖辈), elder (老人), volunteer (志愿者), other (其他)")

# file -> (extra args, exit code, exact stderr, rows stored from the file)
CASES = {
    "empty.csv": ([], 1, "carecard: empty.csv: empty file (no header line)\n" + NOT_STORED, None),
    "header-only.csv": ([], 0, "carecard: header-only.csv: no data rows\n", 0),
    "binary.csv": ([], 1, "carecard: binary.csv: binary file, not CSV text (NUL byte on line 3)\n" + NOT_STORED, None),
    "nul-bytes.csv": ([], 1, "carecard: nul-bytes.csv: binary file, not CSV text (NUL byte on line 3)\n" + NOT_STORED,
                      None),
    "unterminated-quote.csv": ([], 1, "carecard: unterminated-quote.csv: unterminated quoted field starting on line 3\n"
                               + NOT_STORED, None),
    "huge-field.csv": ([], 3, "carecard: huge-field.csv:3: column 'project' (服务项目): value '" + "x" * 60 +
                       "…' — expected text of at most 1,000 characters\n", 1),
    "columns-5000.csv": ([], 0, "carecard: columns-5000.csv: ignoring 4991 unknown columns: 'extra9', 'extra10', "
                         "'extra11', 'extra12', 'extra13', 'extra14', 'extra15', 'extra16', 'extra17', 'extra18', …\n", 1),
    "mixed-encodings.csv": ([], 1, "carecard: mixed-encodings.csv: neither UTF-8 nor GB18030 (mixed encodings?): the "
                            "header is UTF-8 but the file is not; save the whole file in one encoding\n" + NOT_STORED,
                            None),
    "gbk-as-utf8.csv": (["--encoding", "utf8"], 1, "carecard: gbk-as-utf8.csv: not valid UTF-8 (line 1, byte 1); is it "
                        "GB18030? try --encoding gb18030\n" + NOT_STORED, None),
    "bom-inside-field.csv": ([], 3, "carecard: bom-inside-field.csv:3: column 'participant_id' (参与者编号): value "
                             "'<U+FEFF>C0002' — expected an ID of 1–64 characters without control characters\n", 1),
    "duplicate-keys.csv": ([], 0, "carecard: duplicate-keys.csv:4: activity_id 'B1' repeats line 2; the later row "
                           "(line 4) replaces it\n", 3),
    "date-2026-02-30.csv": ([], 3, "carecard: date-2026-02-30.csv:3: column 'date' (活动日期): value '2026-02-30' — no "
                            "such day in the calendar\n", 1),
    "formula-text.csv": ([], 3, "carecard: formula-text.csv:3: column 'attended' (实到人数): value '-1' — expected "
                         "integer ≥ 0\ncarecard: formula-text.csv:4: column 'attended' (实到人数): value 'x' — expected "
                         "integer ≥ 0\n", 2),
    "negative.csv": ([], 3, "carecard: negative.csv:3: column 'attended' (实到人数): value '-3' — expected integer ≥ 0\n", 1),
    "not-integer.csv": ([], 3, "carecard: not-integer.csv:2: column 'registered' (报名人数): value '18.5' — expected "
                        "integer ≥ 0\n", 0),
    "missing-value.csv": ([], 3, "carecard: missing-value.csv:2: column 'project' (服务项目): missing — required\n", 0),
    "bad-time.csv": ([], 3, "carecard: bad-time.csv:2: column 'start_time' (开始时间): value '9:75' — expected a time "
                     "(HH:MM, HH:MM:SS, 3:30 PM, 下午3:30)\n", 0),
    "end-before-start.csv": ([], 3, "carecard: end-before-start.csv:2: column 'end_time' (结束时间): value '09:30' — "
                             "expected later than start_time (10:00)\n", 0),
    "no-hours.csv": ([], 3, "carecard: no-hours.csv:2: column 'hours' (时长): missing — give hours (时长) or both "
                     "start_time and end_time\n", 0),
    "hours-over-24.csv": ([], 3, "carecard: hours-over-24.csv:2: column 'hours' (时长): value '25' — expected number > 0 "
                          "and ≤ 24\n", 0),
    "cancelled-attended.csv": ([], 3, "carecard: cancelled-attended.csv:2: column 'attended' (实到人数): value '16' — "
                               "expected 0 when status is cancelled\n", 0),
    "bad-enum.csv": ([], 3, "carecard: bad-enum.csv:2: column 'status' (状态): value 'postponed' — expected one of "
                     "completed (已完成), cancelled (已取消)\n", 0),
    "children-over-attended.csv": ([], 3, "carecard: children-over-attended.csv:2: column 'children' (其中儿童): value "
                                   "'17' — expected ≤ attended (16)\n", 0),
    "special-over-children.csv": ([], 3, "carecard: special-over-children.csv:2: column 'special_attended' "
                                  "(其中困境留守儿童): value '11' — expected ≤ children (10)\n", 0),
    "checks-passed-over-total.csv": ([], 3, "carecard: checks-passed-over-total.csv:2: column 'checks_passed' "
                                     "(规范项达标数): value '21' — expected ≤ checks_total (20)\n", 0),
    "checks-total-alone.csv": ([], 3, "carecard: checks-total-alone.csv:2: column 'checks_passed' (规范项达标数): "
                               "missing — required with checks_total\n", 0),
    "checks-total-zero.csv": ([], 3, "carecard: checks-total-zero.csv:2: column 'checks_total' (规范项总数): value '0' — "
                              "expected integer > 0\n", 0),
    "online-over-registered.csv": ([], 3, "carecard: online-over-registered.csv:2: column 'online_booked' (线上预约人数): "
                                   "value '19' — expected ≤ registered (18)\n", 0),
    "interaction-score-range.csv": ([], 3, "carecard: interaction-score-range.csv:2: column 'interaction_score' "
                                    "(师幼互动评分): value '7.5' — expected number 1–7\n", 0),
    "unknown-community.csv": ([], 3, "carecard: unknown-community.csv:2: column 'community_id' (社区编号): value 'X99' — "
                              "no such community in the communities register\n", 0),
    "id-too-long.csv": ([], 3, "carecard: id-too-long.csv:2: column 'activity_id' (活动编号): value 'B" + "9" * 59 +
                        "…' — expected an ID of 1–64 characters without control characters\n", 0),
    "text-too-long.csv": ([], 3, "carecard: text-too-long.csv:2: column 'project' (服务项目): value '" + "长" * 20 +
                          "…' — expected text of at most 1,000 characters\n", 0),
    "extra-fields.csv": ([], 3, "carecard: extra-fields.csv:2: row has 10 fields but the header has 9 (a comma inside "
                         "a value that is not quoted?)\n", 0),
    "missing-column.csv": ([], 1, "carecard: missing-column.csv: missing required column 'capacity' (计划名额) for "
                           "activities (活动台账); headers found: activity_id, community_id, project, date, start_time, "
                           "end_time, registered, attended\n" + NOT_STORED, None),
    "duplicate-column.csv": ([], 1, "carecard: duplicate-column.csv: column 'community_id' (社区编号) appears twice "
                             "(columns 2 and 3)\n" + NOT_STORED, None),
    "unknown-kind.csv": ([], 1, "carecard: unknown-kind.csv: cannot tell the kind of file from its header (found: name, "
                         "value); name the columns as in docs/inputs/README.md or use --kind\n" + NOT_STORED, None),
    "unknown-activity.csv": ([], 3, "carecard: unknown-activity.csv:3: column 'activity_id' (活动编号): value 'A-9999' — "
                             "no such activity (not in the activities log)\n", 1),
    "bad-role.csv": ([], 3, "carecard: bad-role.csv:2: column 'role' (身份): value 'teacher' — expected " + ENUM_ROLE +
                     "\n", 0),
    "bad-boolean.csv": ([], 3, "carecard: bad-boolean.csv:2: column 'special' (困境留守): value 'maybe' — expected yes or "
                        "no (Y/N, yes/no, true/false, 1/0, 是/否)\n", 0),
    "unknown-provider.csv": ([], 3, "carecard: unknown-provider.csv:3: column 'provider_id' (服务者编号): value 'SW-404' "
                             "— no such provider (not in the providers register)\n", 1),
    "inclusive-over-places.csv": ([], 3, "carecard: inclusive-over-places.csv:2: column 'inclusive_places' (普惠托位数): "
                                  "value '31' — expected ≤ places (30)\n", 0),
    "responded-before-received.csv": ([], 3, "carecard: responded-before-received.csv:2: column 'responded' (回复日期): "
                                      "value '2026-11-16' — expected on or after received (2026-11-17)\n", 0),
}


def test_every_bad_fixture_has_a_case():
    on_disk = {f for f in os.listdir(BAD) if f.endswith(".csv")}
    assert on_disk == set(CASES) | {"survey-ambiguous-name.csv"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(tmp_path, base, name):
    args, code, stderr, stored = CASES[name]
    shutil.copy(os.path.join(BAD, name), tmp_path / name)
    before = one(base, "SELECT count(*) FROM files")[0]
    r = run(["ingest", "--db", base] + args + [name], cwd=tmp_path)
    assert r.stdout == ""
    assert r.stderr == stderr.format(f=name)
    assert r.returncode == code
    files = q(base, "SELECT rows_accepted, rows_rejected FROM files WHERE name = ?", name)
    if stored is None:
        assert files == []
        assert one(base, "SELECT count(*) FROM files")[0] == before
    else:
        assert files[0][0] == stored
        rejected = files[0][1]
        assert one(base, "SELECT count(*) FROM rejects r JOIN files f USING (file_id) WHERE f.name = ?", name)[0] \
            == rejected
        rej = os.path.join(os.path.dirname(base), name + ".rejects.csv")
        assert os.path.exists(rej) == (rejected > 0)
        if rejected:
            assert stat.S_IMODE(os.stat(rej).st_mode) == 0o600
    assert q(base, "PRAGMA integrity_check") == [("ok",)]


def test_bad_rows_stored_values(tmp_path, base):
    """The good rows of a partly bad file are stored; the later duplicate wins."""
    for n in ("duplicate-keys.csv", "negative.csv", "formula-text.csv"):
        shutil.copy(os.path.join(BAD, n), tmp_path / n)
    r = run(["ingest", "--db", base, "-q", "duplicate-keys.csv"], cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == ""     # -q silences the duplicate notice
    assert q(base, "SELECT activity_id, project, end_time, attended, line FROM activities WHERE activity_id LIKE 'B%' "
                   "ORDER BY 1") == [("B1", "亲子阅读（更正）", "11:00:00", 17, 4), ("B2", "手工", "10:00:00", 16, 3)]
    r = run(["ingest", "--db", base, "formula-text.csv"], cwd=tmp_path)
    assert r.returncode == 3
    # accepted text that looks like a formula is stored as typed
    assert q(base, "SELECT activity_id, project FROM activities WHERE activity_id IN ('B1', 'B4') ORDER BY 1") == [
        ("B1", '=HYPERLINK("http://x")'), ("B4", "-2+3")]
    with open(os.path.join(os.path.dirname(base), "formula-text.csv.rejects.csv"), encoding="utf-8-sig", newline="") as f:
        text = f.read()
    assert text == (
        "line,原因,reason,activity_id,community_id,project,date,start_time,end_time,capacity,registered,attended\r\n"
        "3,列“实到人数”(attended)：值“-1” — 应为 ≥ 0 的整数,"
        "column 'attended' (实到人数): value '-1' — expected integer ≥ 0,B2,L01,\"'+cmd|calc\",2026-11-16,09:00,"
        "10:30,20,18,-1\r\n"
        "4,列“实到人数”(attended)：值“x” — 应为 ≥ 0 的整数,"
        "column 'attended' (实到人数): value 'x' — expected integer ≥ 0,B3,L01,\"'@SUM(A1)\",2026-11-16,09:00,10:30,"
        "20,18,x\r\n")
    assert q(base, "SELECT line, community_id, date, column_key FROM rejects ORDER BY line") == [
        (3, "L01", "2026-11-16", "attended"), (4, "L01", "2026-11-16", "attended")]


def test_rejects_dir_and_strict(tmp_path, base):
    shutil.copy(os.path.join(BAD, "negative.csv"), tmp_path / "negative.csv")
    out = tmp_path / "rej"
    out.mkdir()
    r = run(["ingest", "--db", base, "--strict", "--rejects", str(out), "negative.csv"], cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr == ("carecard: negative.csv:3: column 'attended' (实到人数): value '-3' — expected integer ≥ 0\n"
                        "carecard: negative.csv: 1 row rejected; --strict: file not stored\n"
                        "carecard: negative.csv: not stored (no file was stored before it)\n")
    assert q(base, "SELECT count(*) FROM files WHERE name = 'negative.csv'") == [(0,)]
    assert q(base, "SELECT count(*) FROM activities WHERE activity_id = 'B1'") == [(0,)]
    assert os.path.exists(out / "negative.csv.rejects.csv")       # says what to fix
    r = run(["ingest", "--db", base, "--rejects", str(out), "negative.csv"], cwd=tmp_path)
    assert r.returncode == 3
    assert q(base, "SELECT count(*) FROM activities WHERE activity_id = 'B1'") == [(1,)]
    assert not os.path.exists(os.path.join(os.path.dirname(base), "negative.csv.rejects.csv"))


def test_failure_lists_files_stored_before(tmp_path, base):
    good = write(tmp_path / "fb.csv", "feedback_id,community_id,received\nF-1,L01,2026-11-16\n")
    shutil.copy(os.path.join(BAD, "missing-column.csv"), tmp_path)
    tb = write(tmp_path / "tb.csv", "txn_id,community_id,member_id,date,kind,hours\nT1,L01,H1,2026-11-16,存入,2\n")
    r = run(["ingest", "--db", base, "fb.csv", "missing-column.csv", "tb.csv"], cwd=tmp_path)
    assert r.returncode == 1
    # a file whose kind cannot be told goes last
    assert r.stderr.endswith("carecard: missing-column.csv: not stored (2 files stored before it, the last tb.csv)\n")
    assert q(base, "SELECT count(*) FROM feedback") == [(1,)] and q(base, "SELECT count(*) FROM timebank") == [(1,)]
    shutil.copy(os.path.join(BAD, "empty.csv"), tmp_path / "zz.csv")
    g2 = write(tmp_path / "fb2.csv", "feedback_id,community_id,received\nF-2,L01,2026-11-16\n")
    r = run(["ingest", "--db", base, "fb2.csv", "zz.csv"], cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr == ("carecard: zz.csv: empty file (no header line)\n"
                        "carecard: zz.csv: not stored (1 file stored before it, the last fb2.csv)\n")
    assert good and tb and g2


# ---- re-ingest -----------------------------------------------------------------

def test_same_file_twice_is_skipped(tmp_path, base):
    p = write(tmp_path / "fb.csv", "feedback_id,community_id,received,resolved\nF-1,L01,2026-11-16,是\n")
    assert run(["ingest", "--db", base, p]).returncode == 0
    when = one(base, "SELECT ingested_at FROM files WHERE name = 'fb.csv'")[0]
    when = when.replace("T", " ").replace("Z", " +00:00 UTC")       # shown in $TZ (UTC here), named
    r = run(["ingest", "--db", base, "fb.csv"], cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == ""        # a cron run re-reading its inbox prints nothing
    r = run(["ingest", "-v", "--db", base, "fb.csv"], cwd=tmp_path)
    assert r.returncode == 0
    assert r.stderr == f"carecard: fb.csv: already ingested on {when} (same SHA-256); skipped\n"
    assert q(base, "SELECT count(*) FROM files WHERE name = 'fb.csv'") == [(1,)]
    assert q(base, "SELECT feedback_id, resolved FROM feedback") == [("F-1", 1)]
    # same content under another name: skipped too
    shutil.copy(p, tmp_path / "copy.csv")
    r = run(["ingest", "--db", base, "-q", "copy.csv"], cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == ""
    assert q(base, "SELECT count(*) FROM files") == [(4,)]


def test_changed_file_same_name_replaces(tmp_path, base):
    d1 = tmp_path / "v1"
    d2 = tmp_path / "v2"
    d1.mkdir()
    d2.mkdir()
    write(d1 / "fb.csv", "feedback_id,community_id,received,resolved\nF-1,L01,2026-11-16,否\nF-2,L01,2026-11-17,否\n"
          "F-3,L02,2026-11-17,否\n")
    write(d2 / "fb.csv", "feedback_id,community_id,received,resolved\nF-1,L01,2026-11-16,是\nF-3,L02,2026-11-17,否\n")
    assert run(["ingest", "--db", base, str(d1)]).returncode == 0
    assert q(base, "SELECT count(*) FROM feedback") == [(3,)]
    r = run(["ingest", "--db", base, str(d2 / "fb.csv")])
    assert r.returncode == 0 and r.stderr == ""
    assert q(base, "SELECT feedback_id, resolved FROM feedback ORDER BY 1") == [("F-1", 1), ("F-3", 0)]
    ids = q(base, "SELECT file_id, superseded_by FROM files WHERE name = 'fb.csv' ORDER BY file_id")
    assert len(ids) == 2 and ids[0][1] == ids[1][0] and ids[1][1] is None
    # the old version again: same SHA-256 as before, skipped, the correction stays
    r = run(["ingest", "--db", base, "-q", str(d1 / "fb.csv")])
    assert r.returncode == 0
    assert q(base, "SELECT feedback_id, resolved FROM feedback ORDER BY 1") == [("F-1", 1), ("F-3", 0)]


def test_changed_survey_and_activities_drop_children(tmp_path, base):
    a = tmp_path / "a"
    a.mkdir()
    write(a / "act2.csv", "activity_id,community_id,project,date,hours,capacity,registered,attended,partners\n"
          "N1,L01,p,2026-11-16,1,10,10,10,甲;乙\nN2,L01,p,2026-11-16,1,10,10,10,丙\n")
    assert run(["ingest", "--db", base, str(a / "act2.csv")]).returncode == 0
    write(a / "act2.csv", "activity_id,community_id,project,date,hours,capacity,registered,attended,partners\n"
          "N1,L01,p,2026-11-16,1,10,10,10,乙\n")
    assert run(["ingest", "--db", base, str(a / "act2.csv")]).returncode == 0
    assert partners(base, "N1") == ["乙"]
    assert q(base, "SELECT activity_id FROM activities WHERE activity_id LIKE 'N%'") == [("N1",)]


# ---- order, directories, options ---------------------------------------------------

def test_v3_database_drops_activity_partners(tmp_path, base):
    """Schema 3 -> 4: the first command that opens a version-3 database
    drops the table of split partners; the scorecard is the same."""
    old = str(tmp_path / "v3.db")
    shutil.copy(base, old)
    con = sqlite3.connect(old)
    con.executescript("CREATE TABLE activity_partners (activity_id TEXT NOT NULL, partner TEXT NOT NULL,"
                      " PRIMARY KEY (activity_id, partner)) WITHOUT ROWID;"
                      "INSERT INTO activity_partners VALUES ('A-2026-1101', 'x');"
                      "PRAGMA user_version = 3;")
    con.close()
    args = ["scorecard", "--period", "2026-W47", "--format", "csv"]
    r_old, r_new = run(args + ["--db", old]), run(args + ["--db", base])
    assert r_old.returncode == r_new.returncode == 0, r_old.stderr
    assert r_old.stdout == r_new.stdout
    assert q(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert q(old, "SELECT name FROM sqlite_master WHERE name = 'activity_partners'") == []


def test_dependency_order_whatever_given(tmp_path):
    db = str(tmp_path / "o.db")
    names = ["attendance.csv", "trainings.csv", "activities.csv", "surveys.csv", "providers.csv", "communities.csv"]
    r = run(["ingest", "--db", db] + [os.path.join(SAMPLES, n) for n in names])
    assert r.returncode == 0, r.stderr
    assert [x[0] for x in q(db, "SELECT name FROM files ORDER BY file_id")] == [
        "communities.csv", "activities.csv", "providers.csv", "attendance.csv", "trainings.csv", "surveys.csv"]


def test_directories(tmp_path):
    db = str(tmp_path / "d.db")
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run(["ingest", "--db", db, str(empty)])
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(os.path.join(SAMPLES, "communities.csv"), inbox / "b.csv")
    shutil.copy(os.path.join(SAMPLES, "feedback.csv"), inbox / "a.CSV")
    write(inbox / "old.rejects.csv", "line,reason\n")
    write(inbox / "notes.txt", "not a csv\n")
    r = run(["ingest", "--db", db, str(inbox) + "/"])
    assert r.returncode == 0, r.stderr
    assert [x[0] for x in q(db, "SELECT name FROM files ORDER BY file_id")] == ["b.csv", "a.CSV"]


def test_usage_errors(tmp_path):
    db = str(tmp_path / "u.db")
    for args, msg in [([], "no input files given"),
                      (["--kind", "people", "x.csv"], "unknown kind 'people' (communities, providers, activities, "
                                                       "attendance, surveys, assessments, trainings, timebank, feedback)"),
                      (["--encoding", "latin1", "x.csv"], "unknown encoding 'latin1' (auto, utf8, gb18030)"),
                      (["--bogus", "x.csv"], "unknown option '--bogus'"),
                      (["--rejects", str(tmp_path / "nope"), "x.csv"], f"--rejects {tmp_path / 'nope'}: no such directory"),
                      (["--kind"], "option '--kind' needs a value")]:
        r = run(["ingest", "--db", db] + args)
        assert r.returncode == 2, args
        assert r.stderr == f"carecard: ingest: {msg}\nTry 'carecard ingest --help'.\n"
    r = run(["ingest", "--db", db, str(tmp_path / "missing.csv")])
    assert r.returncode == 1
    assert r.stderr == (f"carecard: {tmp_path / 'missing.csv'}: cannot open: No such file or directory\n"
                        f"carecard: {tmp_path / 'missing.csv'}: not stored (no file was stored before it)\n")
    r = run(["ingest", "--help"])
    assert r.returncode == 0 and "--strict" in r.stdout and "--rejects DIR" in r.stdout


def test_kind_forced(tmp_path, base):
    r = run(["ingest", "--db", base, "--kind", "activities", os.path.join(SAMPLES, "feedback.csv")])
    assert r.returncode == 1
    assert r.stderr.startswith("carecard: %s: missing required column 'activity_id' (活动编号) for activities (活动台账); "
                               "headers found: 反馈编号, 社区编号, 收到日期, 回复日期, 是否解决, 类别\n"
                               % os.path.join(SAMPLES, "feedback.csv"))
    r = run(["ingest", "--db", base, "--kind", "feedback", os.path.join(SAMPLES, "feedback.csv")])
    assert r.returncode == 0


def test_plausibility_judged_at_ingest(tmp_path, base):
    today = datetime.date.today()
    fut = (today + datetime.timedelta(days=3)).isoformat()
    old = (today - datetime.timedelta(days=401)).isoformat()
    edge = (today - datetime.timedelta(days=400)).isoformat()
    p = write(tmp_path / "pl.csv", "activity_id,community_id,project,date,start_time,end_time,hours,capacity,"
              "registered,attended\n"
              f"P1,L01,p,{fut},,,1,10,10,10\nP2,L01,p,{old},,,1,10,10,10\nP3,L01,p,{edge},,,1,10,10,15\n"
              f"P4,L01,p,{today.isoformat()},,,1,10,10,16\nP5,L01,p,{today.isoformat()},08:00,20:30,,10,10,10\n")
    r = run(["ingest", "--db", base, p])
    assert r.returncode == 0
    assert r.stderr == (f"carecard: {p}: 4 plausibility warnings stored (future or old dates, attended > 1.5 × "
                        "capacity, hours > 12)\n")
    assert q(base, "SELECT line, kind, row_key, community_id, date, message FROM plausibility ORDER BY line") == [
        (2, "activities", "P1", "L01", fut, f"date {fut} is in the future"),
        (3, "activities", "P2", "L01", old, f"date {old} is more than 400 days old"),
        (5, "activities", "P4", "L01", today.isoformat(), "attended 16 is more than 1.5 × capacity 10"),
        (6, "activities", "P5", "L01", today.isoformat(), "hours 12.5 is more than 12"),
    ]
    assert q(base, "SELECT count(*) FROM activities WHERE activity_id LIKE 'P%'") == [(5,)]


# ---- durability, modes -------------------------------------------------------------

def test_file_modes(tmp_path, base):
    assert stat.S_IMODE(os.stat(base).st_mode) == 0o600
    shutil.copy(os.path.join(BAD, "negative.csv"), tmp_path)
    old = os.umask(0)
    try:
        r = run(["ingest", "--db", base, "negative.csv"], cwd=tmp_path)
    finally:
        os.umask(old)
    assert r.returncode == 3
    assert stat.S_IMODE(os.stat(tmp_path / "negative.csv.rejects.csv").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "negative.csv").st_mode) != 0 or True   # input untouched
    with open(os.path.join(BAD, "negative.csv"), "rb") as a, open(tmp_path / "negative.csv", "rb") as b:
        assert a.read() == b.read()


def big_activities(path, n):
    with open(path, "w") as f:
        f.write("activity_id,community_id,project,date,start_time,end_time,capacity,registered,attended,partners\n")
        for i in range(n):
            f.write(f"K{i:08d},L0{1 + i % 2},众爱家园假期班,2026-11-{1 + i % 20:02d},09:00,11:30,30,28,25,甲;乙\n")


def wait_for_rows(proc, timeout=60):
    """Wait until the ingest is storing rows: its reading thread runs only
    then (load_rows), so the process has two threads.  (Neither the WAL nor
    the rollback journal of a bulk load says so: a new file's pages stay in
    the page cache, then go to the end of the database unjournaled.)"""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            if len(os.listdir(f"/proc/{proc.pid}/task")) >= 2:
                return
        except FileNotFoundError:
            break
        time.sleep(0.005)


def test_interrupted_ingest_stores_nothing(tmp_path, base):
    big = tmp_path / "big.csv"
    big_activities(big, 600000)
    before = {t: one(base, f"SELECT count(*) FROM {t}")[0] for t in ("activities", "files")}
    env = dict(os.environ, TZ="UTC")
    proc = subprocess.Popen([BIN, "ingest", "--db", base, str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    # wait until the load is under way, then kill -9
    wait_for_rows(proc)
    time.sleep(0.3)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {t: one(base, f"SELECT count(*) FROM {t}")[0] for t in ("activities", "files")}
    assert after == before
    assert q(base, "PRAGMA integrity_check") == [("ok",)]
    assert q(base, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'activities' ORDER BY 1") == [
        ("activities_community_date",), ("activities_date",), ("sqlite_autoindex_activities_1",)]
    # and the same file goes in whole afterwards
    r = run(["ingest", "--db", base, str(big)], timeout=600)
    assert r.returncode == 0, r.stderr
    assert one(base, "SELECT count(*) FROM activities")[0] == before["activities"] + 600000
    assert one(base, "SELECT count(*) FROM activities WHERE activity_id LIKE 'K%' AND partners = '甲;乙'")[0] == 600000
    assert q(base, "PRAGMA integrity_check") == [("ok",)]
    assert one(base, "SELECT date, hours FROM activities WHERE activity_id = 'K00000021'") == ("2026-11-02", 2.5)


def test_sigint_stops_cleanly(tmp_path, base):
    big = tmp_path / "big2.csv"
    big_activities(big, 400000)
    proc = subprocess.Popen([BIN, "ingest", "--db", base, str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    wait_for_rows(proc)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"carecard: {big}: interrupted; nothing of this file was stored\n" in err
    assert q(base, "SELECT count(*) FROM activities WHERE activity_id LIKE 'K%'") == [(0,)]
    # the big load's rollback journal is given up for WAL on the way out
    assert q(base, "PRAGMA journal_mode") == [("wal",)]


def test_strict_refusal_of_a_big_file_leaves_wal(tmp_path, base):
    big = tmp_path / "big4.csv"
    big_activities(big, 150000)
    with open(big, "a") as f:
        f.write("K99999999,L01,p,2026-11-02,09:00,11:30,30,28,x,甲\n")
    assert os.path.getsize(big) >= 8 << 20          # loaded through a rollback journal
    r = run(["ingest", "--strict", "--db", base, "--rejects", str(tmp_path), str(big)], timeout=300)
    assert r.returncode == 1
    assert "1 row rejected; --strict: file not stored" in r.stderr
    assert q(base, "SELECT count(*) FROM activities WHERE activity_id LIKE 'K%'") == [(0,)]
    assert q(base, "PRAGMA journal_mode") == [("wal",)]
    assert not os.path.exists(base + "-journal")


# ---- status ------------------------------------------------------------------------

def test_status(tmp_path):
    db = str(tmp_path / "st.db")
    assert run(["ingest", "--db", db, SAMPLES]).returncode == 0
    r = run(["status", "--db", db])
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0] == f"Database: {db}"
    assert lines[1].startswith("Last ingest: 20") and lines[1].endswith(" +00:00 UTC")   # run() sets TZ=UTC
    assert any(l.startswith("  activities-gb18030.csv") and " activities " in l and " gb18030 " in l for l in lines)
    assert "  activities                      5" in lines
    assert "  survey answers                 18" in lines
    assert "  attendance                      6" in lines
    l01 = [l for l in lines if l.startswith("  L01")]
    assert len(l01) == 1
    assert "凉水井社区" in l01[0]
    assert l01[0].endswith("2026-09-05 .. 2026-11-20  activities 3, assessments 4, feedback 1, surveys 2, timebank 2")
    j01 = [l for l in lines if l.startswith("  J01")][0]
    assert j01.endswith("2026-11-19 .. 2026-11-19  activities 1")
    r = run(["status", "--db", str(tmp_path / "none.db")])
    assert r.returncode == 1
    assert r.stderr == f"carecard: {tmp_path / 'none.db'}: no such database (run 'carecard ingest' first)\n"
    empty = tmp_path / "e"
    empty.mkdir()
    run(["ingest", "--db", str(tmp_path / "e.db"), str(empty)])
    r = run(["status", "--db", str(tmp_path / "e.db")])
    assert r.returncode == 0 and r.stdout.endswith("No files ingested yet.\n")


def test_two_runs_at_once(tmp_path, base):
    """A second ingest waits for the first one's lock; a reader is not refused
    (a big file is loaded through a rollback journal: a reader waits, up to
    the busy timeout, while the load holds the file's exclusive lock), and
    the database is in WAL mode again when both are done."""
    big = tmp_path / "big3.csv"
    big_activities(big, 400000)
    small = write(tmp_path / "fb.csv", "feedback_id,community_id,received\nF-1,L01,2026-11-16\n")
    proc = subprocess.Popen([BIN, "ingest", "--db", base, str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    wait_for_rows(proc)
    assert proc.poll() is None
    st = run(["status", "--db", base])                  # reading while the load runs
    assert st.returncode == 0 and "Files ingested:" in st.stdout
    r = run(["ingest", "--db", base, small], timeout=300)
    out, err = proc.communicate(timeout=300)
    assert (proc.returncode, err) == (0, "")
    assert (r.returncode, r.stderr) == (0, "")
    assert one(base, "SELECT count(*) FROM activities WHERE activity_id LIKE 'K%'") == (400000,)
    assert q(base, "SELECT feedback_id FROM feedback") == [("F-1",)]
    assert q(base, "PRAGMA integrity_check") == [("ok",)]
    assert q(base, "PRAGMA journal_mode") == [("wal",)]
