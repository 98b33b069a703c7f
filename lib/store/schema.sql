-- carecard database schema, version 9.  (Embedded into lib/store/store.c.)
-- A new database is created from this file at the current version; older
-- databases are brought to it by the migrations in lib/store/store.c.
-- Dates are TEXT 'YYYY-MM-DD'; times TEXT 'HH:MM:SS'; booleans INTEGER 0/1;
-- a missing value is NULL, never 0.  Every data row records the file that last
-- wrote it (file_id) and the physical line it came from.

CREATE TABLE files (
  file_id       INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,          -- basename as given
  path          TEXT NOT NULL,
  sha256        TEXT NOT NULL UNIQUE,
  kind          TEXT NOT NULL,
  encoding      TEXT NOT NULL,
  rows_read     INTEGER NOT NULL,
  rows_accepted INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  ingested_at   TEXT NOT NULL,          -- UTC 'YYYY-MM-DDTHH:MM:SSZ'
  superseded_by INTEGER REFERENCES files(file_id)  -- a later version of the same name
);
CREATE INDEX files_name ON files(name);

CREATE TABLE communities (
  community_id      TEXT NOT NULL,
  as_of             TEXT NOT NULL DEFAULT '0000-01-01',  -- missing as_of = beginning of time
  community_name    TEXT NOT NULL,
  street_id         TEXT NOT NULL,
  street_name       TEXT NOT NULL,
  population        INTEGER NOT NULL,
  children_0_3      INTEGER,
  children_3_12     INTEGER,
  elderly_60        INTEGER,
  eligible_families INTEGER,
  special_children  INTEGER,
  places            INTEGER,
  inclusive_places  INTEGER,
  monthly_fee       REAL,
  disposable_income REAL,
  household_size    REAL,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL,
  PRIMARY KEY (community_id, as_of)
) WITHOUT ROWID;

CREATE TABLE activities (
  activity_id       TEXT PRIMARY KEY,
  community_id      TEXT NOT NULL,
  project           TEXT NOT NULL,
  category          TEXT,
  date              TEXT NOT NULL,
  start_time        TEXT,
  end_time          TEXT,
  hours             REAL,                 -- given, or end - start
  status            TEXT NOT NULL,        -- 'completed' | 'cancelled'
  target_group      TEXT,
  capacity          INTEGER NOT NULL,
  registered        INTEGER NOT NULL,
  attended          INTEGER NOT NULL,
  children          INTEGER,
  special_attended  INTEGER,
  staff             INTEGER,
  volunteers        INTEGER,
  volunteer_hours   REAL,
  provider_id       TEXT,
  partners          TEXT,                 -- as typed; split by text/list.c where read
  checks_passed     INTEGER,
  checks_total      INTEGER,
  interaction_score REAL,
  incidents         INTEGER,
  online_booked     INTEGER,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL
);
CREATE INDEX activities_community_date ON activities(community_id, date);
CREATE INDEX activities_date ON activities(date);

CREATE TABLE attendance (
  activity_id    TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  household_id   TEXT,
  role           TEXT NOT NULL,           -- child parent grandparent elder volunteer other
  special        INTEGER,                 -- 0/1/NULL
  name           TEXT,                    -- personal data
  file_id INTEGER NOT NULL, line INTEGER NOT NULL
);
-- A rowid table: a file's rows are appended in the order they come (a city's
-- rows come week by week, the key's order is activity by activity); the key is
-- a unique index, which a big file rebuilds by sorting (lib/ingest/ingest.c).
CREATE UNIQUE INDEX attendance_key ON attendance(activity_id, participant_id);
-- special children are found without reading every attendance row
CREATE INDEX attendance_special ON attendance(participant_id) WHERE special = 1;

CREATE TABLE survey_responses (
  response_id  TEXT PRIMARY KEY,
  community_id TEXT NOT NULL,
  date         TEXT NOT NULL,
  role         TEXT NOT NULL,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL
);
CREATE INDEX survey_responses_community_date ON survey_responses(community_id, date);
CREATE INDEX survey_responses_date ON survey_responses(date);

-- Long form of the wide question columns: one row per response x question.
-- question = header text with surrounding spaces and a leading question number
-- (12、 12. Q12. Q12、 第12题) removed; answer = the raw cell text, trimmed.
CREATE TABLE survey_answers (
  response_id TEXT NOT NULL,
  question    TEXT NOT NULL,
  answer      TEXT NOT NULL,
  PRIMARY KEY (response_id, question)
) WITHOUT ROWID;

CREATE TABLE assessments (
  participant_id TEXT NOT NULL,
  domain         TEXT NOT NULL,           -- cognitive social emotion language motor
  phase          TEXT NOT NULL,           -- pre | post
  date           TEXT NOT NULL,
  community_id   TEXT NOT NULL,
  score          REAL NOT NULL,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL,
  PRIMARY KEY (participant_id, domain, phase, date)
) WITHOUT ROWID;
CREATE INDEX assessments_community_date ON assessments(community_id, date);

CREATE TABLE providers (
  provider_id  TEXT PRIMARY KEY,
  community_id TEXT NOT NULL,
  type         TEXT NOT NULL,             -- social_worker caregiver teacher volunteer mother
  certified    INTEGER NOT NULL,
  joined       TEXT,
  left_on      TEXT,                      -- the 'left' column
  name         TEXT,                      -- personal data
  file_id INTEGER NOT NULL, line INTEGER NOT NULL
);
CREATE INDEX providers_community ON providers(community_id);

CREATE TABLE trainings (
  provider_id TEXT NOT NULL,
  date        TEXT NOT NULL,
  topic       TEXT NOT NULL,
  hours       REAL NOT NULL,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL,
  PRIMARY KEY (provider_id, date, topic)
) WITHOUT ROWID;
CREATE INDEX trainings_date ON trainings(date);

CREATE TABLE timebank (
  txn_id       TEXT PRIMARY KEY,
  community_id TEXT NOT NULL,
  member_id    TEXT NOT NULL,
  date         TEXT NOT NULL,
  kind         TEXT NOT NULL,             -- deposit | redeem
  hours        REAL NOT NULL,
  service      TEXT,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL
);
CREATE INDEX timebank_community_date ON timebank(community_id, date);

CREATE TABLE feedback (
  feedback_id  TEXT PRIMARY KEY,
  community_id TEXT NOT NULL,
  received     TEXT NOT NULL,
  responded    TEXT,
  resolved     INTEGER,
  category     TEXT,
  file_id INTEGER NOT NULL, line INTEGER NOT NULL
);
CREATE INDEX feedback_community_received ON feedback(community_id, received);

-- Rows refused at ingest (for the data-quality sheet); the rejects CSV has the text.
CREATE TABLE rejects (
  file_id      INTEGER NOT NULL,
  line         INTEGER NOT NULL,
  community_id TEXT,                      -- when it could be read
  date         TEXT,                      -- the row's date when it could be read
  column_key   TEXT,
  message      TEXT NOT NULL
);
CREATE INDEX rejects_community ON rejects(community_id);
CREATE INDEX rejects_date ON rejects(date);

-- Plausibility warnings: the row was kept.  Judged against the ingest time.
CREATE TABLE plausibility (
  file_id      INTEGER NOT NULL,
  line         INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  row_key      TEXT NOT NULL,
  community_id TEXT,
  date         TEXT,
  message      TEXT NOT NULL
);
CREATE INDEX plausibility_community ON plausibility(community_id);
CREATE INDEX plausibility_date ON plausibility(date);

-- Audit record of every report's warnings; replaced per (period, unit).
CREATE TABLE warning_log (
  period_id    TEXT NOT NULL,
  unit_level   TEXT NOT NULL,
  unit_id      TEXT NOT NULL,
  indicator_id TEXT NOT NULL,
  status       TEXT NOT NULL,
  level        TEXT NOT NULL,
  value        REAL,
  target       REAL,
  run          INTEGER NOT NULL,
  rectify      INTEGER NOT NULL,
  change       TEXT,
  explanation  TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  PRIMARY KEY (period_id, unit_level, unit_id, indicator_id)
) WITHOUT ROWID;

-- ---- Attendance rosters (version 3; derived data, kept by lib/store/rollup.c) ----
-- Everything below is rebuilt from activities and attendance: by ingest, in
-- the same transaction as the file, for every week the file touched, and by
-- the migration from version 2.  Never edit it by hand.

-- Participant and household IDs as stable integers (one numbering for both).
CREATE TABLE IF NOT EXISTS ids (
  no INTEGER PRIMARY KEY,                 -- 1, 2, ...; never reused
  id TEXT NOT NULL UNIQUE
);

-- One row per community and week (Monday to Sunday) with attendance of a
-- completed activity.  roster = entries of 10 bytes, sorted by (participant,
-- household, flags), one per distinct (participant, household, flags):
--   bytes 0-3  participant no (ids.no), little-endian
--   bytes 4-7  household no, 0 = NULL household_id
--   byte  8    flags: 1 role child, 2 role volunteer, 4 special = 1,
--              8 special known (not NULL)
--   byte  9    days: bit d = attended on Monday + d (d = 0..6)
CREATE TABLE IF NOT EXISTS attendance_weeks (
  week         TEXT NOT NULL,             -- the Monday, 'YYYY-MM-DD'
  community_id TEXT NOT NULL,
  roster       BLOB NOT NULL,
  PRIMARY KEY (week, community_id)
) WITHOUT ROWID;

-- ---- The rectification ledger (version 6; lib/store/ledger.c) ----------------
-- ledger_items: no longer written nor read (items are recomputed from the
-- data and ledger_entries at every report, lib/score/ledger.c); kept so that
-- databases of version 6 keep their shape.
CREATE TABLE IF NOT EXISTS ledger_items (
  item_id      TEXT PRIMARY KEY,          -- <community_id>-<indicator_id>-<first period of the run>
  period_kind  TEXT NOT NULL,             -- week | month | quarter
  community_id TEXT NOT NULL,
  indicator_id TEXT NOT NULL,
  opened       TEXT NOT NULL,             -- the period in which it first needed action
  deadline     TEXT NOT NULL,             -- 'YYYY-MM-DD'
  level        TEXT NOT NULL,             -- red | yellow
  state        TEXT,                      -- 整改中 ... as of the last report that recorded it
  closed       TEXT,                      -- the day it closed (已见效, 已解除), NULL while open
  recorded_at  TEXT NOT NULL
) WITHOUT ROWID;

-- ledger_entries: what a street office filled in, one row per item: the
-- columns of the last ledger file that gave each a value (a blank cell keeps
-- the value stored before).  file_id/line: the file that last changed the row.
CREATE TABLE IF NOT EXISTS ledger_entries (
  item_id   TEXT PRIMARY KEY,
  measures  TEXT,                         -- 整改措施
  owner     TEXT,                         -- 责任人
  planned   TEXT,                         -- 计划完成日期
  progress  TEXT,                         -- 完成情况: 未开始 | 进行中 | 已完成
  done      TEXT,                         -- 完成日期
  note      TEXT,                         -- 备注
  file_id INTEGER NOT NULL, line INTEGER NOT NULL
) WITHOUT ROWID;

-- ---- Raw statuses kept between runs (version 7; lib/store/raw_status.c) -------
-- Derived data: the raw status of every community and indicator of a past
-- period, as a scorecard computes it, so that the rectification items'
-- look-back does not compute a year of periods at every run.  config: a
-- SHA-256 of the configuration, the registers' files and which communities
-- ever had rows of each kind; a period's rows are forgotten by every ingest
-- that changes a row dated on or before its last day.  Never edit it by hand;
-- deleting its rows is always safe (they are computed again).
CREATE TABLE IF NOT EXISTS raw_statuses (
  period_to    TEXT NOT NULL,             -- 'YYYY-MM-DD', the period's last day
  period_kind  INTEGER NOT NULL,          -- 0 week, 1 month, 2 quarter, ...
  period_from  TEXT NOT NULL,
  config       BLOB NOT NULL,
  statuses     BLOB NOT NULL,             -- per community, by ID: ID length (1 byte), ID,
                                          -- one status byte per indicator
  UNIQUE (period_to, period_kind, period_from, config)
);                                        -- (version 9: a rowid table, the key in an index of
                                          -- its own, so that finding a period never reads the
                                          -- blobs beside it)

-- The values of the measures over each window of a past period, as a
-- scorecard computes them (every measure but the ledger's), kept and
-- forgotten with its raw statuses under the same key, so that a scorecard
-- computes only the periods whose rows changed.  Never edit it by hand;
-- deleting its rows is always safe.
CREATE TABLE IF NOT EXISTS period_values (
  period_to    TEXT NOT NULL,
  period_kind  INTEGER NOT NULL,
  period_from  TEXT NOT NULL,
  config       BLOB NOT NULL,
  vals         BLOB NOT NULL,             -- the units' IDs, the windows and their measures'
                                          -- names, then the values (score/period.c)
  UNIQUE (period_to, period_kind, period_from, config)
);
