-- Enforcement data, part 1: penalty records, import batches and their rejected
-- rows. Dates are civil dates: {{DATE}} is TEXT 'YYYY-MM-DD' in SQLite (sorts
-- and compares as a date) and DATE in PostgreSQL. Money is BIGINT fen.

CREATE TABLE import_batches (
	id {{ID}},
	kind TEXT NOT NULL,
	agency_id BIGINT NOT NULL REFERENCES orgs(id),
	source TEXT NOT NULL,
	file_name TEXT NOT NULL DEFAULT '',
	file_sha256 TEXT NOT NULL DEFAULT '',
	file_size BIGINT NOT NULL DEFAULT 0,
	rows_total INTEGER NOT NULL DEFAULT 0,
	rows_inserted INTEGER NOT NULL DEFAULT 0,
	rows_updated INTEGER NOT NULL DEFAULT 0,
	rows_unchanged INTEGER NOT NULL DEFAULT 0,
	rows_rejected INTEGER NOT NULL DEFAULT 0,
	rows_flagged INTEGER NOT NULL DEFAULT 0,
	created_by BIGINT REFERENCES users(id),
	token_id BIGINT REFERENCES api_tokens(id),
	actor TEXT NOT NULL DEFAULT '',
	started_at BIGINT NOT NULL,
	finished_at BIGINT NOT NULL
);
CREATE INDEX import_batches_agency ON import_batches (agency_id, id);

CREATE TABLE import_rejects (
	batch_id BIGINT NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	line INTEGER NOT NULL,
	col TEXT NOT NULL DEFAULT '',
	value TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL,
	PRIMARY KEY (batch_id, seq)
);

CREATE TABLE penalties (
	id {{ID}},
	agency_id BIGINT NOT NULL REFERENCES orgs(id),
	doc_no TEXT NOT NULL,
	revision INTEGER NOT NULL DEFAULT 1,
	content_hash TEXT NOT NULL,
	batch_id BIGINT REFERENCES import_batches(id),
	party_name TEXT NOT NULL,
	party_kind TEXT NOT NULL DEFAULT '',
	party_uscc TEXT NOT NULL DEFAULT '',
	party_reg_no TEXT NOT NULL DEFAULT '',
	party_org_code TEXT NOT NULL DEFAULT '',
	party_tax_no TEXT NOT NULL DEFAULT '',
	party_inst_cert TEXT NOT NULL DEFAULT '',
	party_soc_cert TEXT NOT NULL DEFAULT '',
	legal_rep TEXT NOT NULL DEFAULT '',
	legal_rep_id_type TEXT NOT NULL DEFAULT '',
	legal_rep_id_no TEXT NOT NULL DEFAULT '',
	party_id_type TEXT NOT NULL DEFAULT '',
	party_id_no TEXT NOT NULL DEFAULT '',
	violation_type TEXT NOT NULL DEFAULT '',
	facts TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	penalty_kinds TEXT NOT NULL DEFAULT '',
	penalty_content TEXT NOT NULL DEFAULT '',
	fine_fen BIGINT NOT NULL DEFAULT 0,
	confiscate_fen BIGINT NOT NULL DEFAULT 0,
	licence_action TEXT NOT NULL DEFAULT '',
	decision_date {{DATE}} NOT NULL,
	valid_until {{DATE}},
	publish_until {{DATE}},
	agency_name TEXT NOT NULL DEFAULT '',
	agency_uscc TEXT NOT NULL DEFAULT '',
	source_name TEXT NOT NULL DEFAULT '',
	source_uscc TEXT NOT NULL DEFAULT '',
	remarks TEXT NOT NULL DEFAULT '',
	domain TEXT NOT NULL DEFAULT '',
	violation_code TEXT NOT NULL DEFAULT '',
	discretion_level TEXT NOT NULL DEFAULT '',
	procedure TEXT NOT NULL DEFAULT '',
	filed_date {{DATE}},
	served_date {{DATE}},
	payment_due_date {{DATE}},
	paid_date {{DATE}},
	hearing_notice BOOLEAN,
	remedy_notice BOOLEAN,
	transfer_date {{DATE}},
	transfer_receipt TEXT NOT NULL DEFAULT '',
	court_apply_date {{DATE}},
	status TEXT NOT NULL DEFAULT '',
	flags TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX penalties_key ON penalties (agency_id, doc_no);
CREATE INDEX penalties_decision ON penalties (decision_date);
CREATE INDEX penalties_party_uscc ON penalties (party_uscc) WHERE party_uscc <> '';
CREATE INDEX penalties_party_id ON penalties (party_id_no) WHERE party_id_no <> '';
CREATE INDEX penalties_domain ON penalties (domain, decision_date);

-- Superseded versions: when a re-import changes a record, the version it
-- replaces is kept here whole (JSON), so a corrected record keeps its history.
CREATE TABLE penalty_revisions (
	penalty_id BIGINT NOT NULL REFERENCES penalties(id) ON DELETE CASCADE,
	revision INTEGER NOT NULL,
	content_hash TEXT NOT NULL,
	batch_id BIGINT REFERENCES import_batches(id),
	data TEXT NOT NULL,
	replaced_at BIGINT NOT NULL,
	replaced_by_batch BIGINT REFERENCES import_batches(id),
	PRIMARY KEY (penalty_id, revision)
);
