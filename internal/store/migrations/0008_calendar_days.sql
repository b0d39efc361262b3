-- Working days as data (ARCHITECTURE.md "The heart"; DOMAIN.md §1.8, §5):
-- one row per day of every year whose State Council holiday notice is
-- loaded, so "N working days after D" is a join on working_day_seq in any
-- SQL. Rebuilt at every start by caldb.SyncDays from the embedded
-- holiday-cn files merged with the years in calendar_sources.
--
-- working_day_seq: the number of working days from the first row's day up
-- to and including this day. A working day carries its own ordinal (the
-- first working day is 1); a weekend or holiday carries the value of the
-- working day before it (0 before the first). Hence the N-th working day
-- after D (D not counted, D itself working or not) is the working day whose
-- seq is D's seq + N. The covered years are always consecutive.
CREATE TABLE calendar_days (
    day             {{DATE}} PRIMARY KEY,
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('workday', 'weekend', 'holiday', 'makeup_workday')),
    name            TEXT NOT NULL DEFAULT '',
    is_working_day  BOOLEAN NOT NULL,
    working_day_seq INTEGER NOT NULL,
    source          TEXT NOT NULL
);
CREATE INDEX calendar_days_seq ON calendar_days (working_day_seq, is_working_day);

-- Holiday notices loaded at run time (xingjian calendar load), one
-- holiday-cn JSON file per year, kept verbatim; a year here wins over the
-- file embedded in the binary.
CREATE TABLE calendar_sources (
    year      INTEGER PRIMARY KEY,
    json      TEXT NOT NULL,
    loaded_at BIGINT NOT NULL,
    loaded_by TEXT NOT NULL
);
