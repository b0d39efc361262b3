-- Enforcement data, part 2: inspections (行政检查) and compulsory measures
-- (行政强制措施), imported and pushed like penalties (import_batches.kind
-- 'inspection' / 'measure'). Natural key: agency + document number; a changed
-- row becomes the next revision and the replaced version is kept whole (JSON)
-- in the *_revisions table. Civil dates are {{DATE}}; money is BIGINT fen.
-- Search over these two kinds is a plain LIKE on party name / document
-- number, narrowed by the btree indexes below (no text index).

CREATE TABLE inspections (
	id {{ID}},
	agency_id BIGINT NOT NULL REFERENCES orgs(id),
	doc_no TEXT NOT NULL,
	revision INTEGER NOT NULL DEFAULT 1,
	content_hash TEXT NOT NULL,
	batch_id BIGINT REFERENCES import_batches(id),
	party_name TEXT NOT NULL,
	party_kind TEXT NOT NULL DEFAULT '',
	party_uscc TEXT NOT NULL DEFAULT '',
	party_id_type TEXT NOT NULL DEFAULT '',
	party_id_no TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	inspection_date {{DATE}} NOT NULL,
	inspection_kind TEXT NOT NULL DEFAULT '',
	items TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	inspectors TEXT NOT NULL DEFAULT '',
	inspector_certs TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL DEFAULT '',
	rectify_deadline {{DATE}},
	followup_doc_no TEXT NOT NULL DEFAULT '',
	domain TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	remarks TEXT NOT NULL DEFAULT '',
	flags TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX inspections_key ON inspections (agency_id, doc_no);
CREATE INDEX inspections_order ON inspections (inspection_date, id);
CREATE INDEX inspections_agency_order ON inspections (agency_id, inspection_date, id);
CREATE INDEX inspections_domain ON inspections (domain, inspection_date);
CREATE INDEX inspections_party_uscc ON inspections (party_uscc) WHERE party_uscc <> '';
CREATE INDEX inspections_party_id ON inspections (party_id_no) WHERE party_id_no <> '';
CREATE INDEX inspections_followup ON inspections (followup_doc_no) WHERE followup_doc_no <> '';

CREATE TABLE inspection_revisions (
	inspection_id BIGINT NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
	revision INTEGER NOT NULL,
	content_hash TEXT NOT NULL,
	batch_id BIGINT REFERENCES import_batches(id),
	data TEXT NOT NULL,
	replaced_at BIGINT NOT NULL,
	replaced_by_batch BIGINT REFERENCES import_batches(id),
	PRIMARY KEY (inspection_id, revision)
);

CREATE TABLE measures (
	id {{ID}},
	agency_id BIGINT NOT NULL REFERENCES orgs(id),
	doc_no TEXT NOT NULL,
	revision INTEGER NOT NULL DEFAULT 1,
	content_hash TEXT NOT NULL,
	batch_id BIGINT REFERENCES import_batches(id),
	party_name TEXT NOT NULL,
	party_kind TEXT NOT NULL DEFAULT '',
	party_uscc TEXT NOT NULL DEFAULT '',
	party_id_type TEXT NOT NULL DEFAULT '',
	party_id_no TEXT NOT NULL DEFAULT '',
	measure_kind TEXT NOT NULL DEFAULT '',
	object TEXT NOT NULL DEFAULT '',
	value_fen BIGINT NOT NULL DEFAULT 0,
	legal_basis TEXT NOT NULL DEFAULT '',
	approved_by TEXT NOT NULL DEFAULT '',
	approval_date {{DATE}},
	start_date {{DATE}} NOT NULL,
	period_days INTEGER,
	extended BOOLEAN,
	extension_date {{DATE}},
	extension_days INTEGER,
	end_date {{DATE}},
	outcome TEXT NOT NULL DEFAULT '',
	rights_notice BOOLEAN,
	onsite_record BOOLEAN,
	domain TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	remarks TEXT NOT NULL DEFAULT '',
	flags TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX measures_key ON measures (agency_id, doc_no);
CREATE INDEX measures_order ON measures (start_date, id);
CREATE INDEX measures_agency_order ON measures (agency_id, start_date, id);
CREATE INDEX measures_domain ON measures (domain, start_date);
CREATE INDEX measures_party_uscc ON measures (party_uscc) WHERE party_uscc <> '';
CREATE INDEX measures_party_id ON measures (party_id_no) WHERE party_id_no <> '';
CREATE INDEX measures_flagged ON measures (start_date, id, flags) WHERE flags <> '';

CREATE TABLE measure_revisions (
	measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
	revision INTEGER NOT NULL,
	content_hash TEXT NOT NULL,
	batch_id BIGINT REFERENCES import_batches(id),
	data TEXT NOT NULL,
	replaced_at BIGINT NOT NULL,
	replaced_by_batch BIGINT REFERENCES import_batches(id),
	PRIMARY KEY (measure_id, revision)
);
