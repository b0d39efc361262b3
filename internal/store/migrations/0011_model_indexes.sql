-- Indexes for the supervision models over a million penalties (issue 4,
-- docs/benchmarks.md "Supervision models"). Each partial index carries, as
-- its WHERE, the exact terms the compiled model writes, so SQLite can match
-- it (PostgreSQL proves the implication itself); each indexes the columns the
-- model then compares, so the index alone decides most rows and the table is
-- read only for the hits.
CREATE INDEX penalties_filed_decided ON penalties (filed_date, decision_date) WHERE filed_date IS NOT NULL;
CREATE INDEX penalties_served_later ON penalties (decision_date, served_date) WHERE served_date > decision_date;
CREATE INDEX penalties_unpaid ON penalties (served_date, fine_fen) WHERE paid_date IS NULL AND court_apply_date IS NULL;
CREATE INDEX penalties_court_applied ON penalties (court_apply_date, served_date) WHERE court_apply_date IS NOT NULL;
CREATE INDEX penalties_act ON penalties (act_date, filed_date, decision_date) WHERE act_date IS NOT NULL;
CREATE INDEX penalties_surcharged ON penalties (surcharge_fen, fine_fen) WHERE surcharge_fen > 0;
CREATE INDEX penalties_simple ON penalties (party_kind, fine_fen) WHERE procedure = 'simple';
CREATE INDEX penalties_no_hearing ON penalties (party_kind, fine_fen, procedure) WHERE hearing_notice = FALSE;
CREATE INDEX penalties_no_remedy ON penalties (remedy_notice) WHERE remedy_notice = FALSE;
CREATE INDEX penalties_violation_code ON penalties (violation_code, transfer_date);
-- The same act fined twice (m22): one ordered pass over this index gives
-- COUNT(*) OVER (PARTITION BY party, violation type, act date).
CREATE INDEX penalties_same_act ON penalties ((CASE WHEN party_uscc <> '' THEN party_uscc ELSE party_id_no END), violation_type, act_date, fine_fen);
