-- Browse and search over penalties (issue 3): btree indexes for the filters
-- and the list order, newest decision first (decision_date DESC, id DESC).
-- The substring indexes differ per engine and live in the companion files:
-- SQLite FTS5 with the trigram tokenizer, PostgreSQL pg_trgm GIN indexes.

-- The list order and its keyset cursor (decision_date, id). Replaces the
-- single-column index of 0002, which PostgreSQL could not use for the id
-- tie-break or the row-value cursor comparison.
DROP INDEX penalties_decision;
CREATE INDEX penalties_order ON penalties (decision_date, id);

-- An agency's own records (the liaison's scope and the agency filter) in list
-- order.
CREATE INDEX penalties_agency_order ON penalties (agency_id, decision_date, id);

-- Amount ranges ("fines of 100,000 yuan and more").
CREATE INDEX penalties_fine ON penalties (fine_fen, decision_date);

-- Flagged records are a small share; the flag filter walks only them, in list
-- order, and tests the flags from the index itself. Search adds
-- "flags <> ''" to its condition so that both planners pick this index.
CREATE INDEX penalties_flagged ON penalties (decision_date, id, flags) WHERE flags <> '';
