-- Casework (issue 5; docs/casework-design.md, docs/api-casework.md): leads
-- become cases, cases issue procuratorial suggestions (检察建议) and opinions
-- (检察意见), recipients reply and rectify, ignored ones climb the escalation
-- ladder. Every transition is one transaction with its case_events row and
-- its audit entry.

-- Lead triage beyond confirm/dismiss: assignment, a dismiss reason from the
-- dictionary, merging into another lead, and the case a confirmed lead joined.
ALTER TABLE leads ADD COLUMN assignee_id BIGINT REFERENCES users(id);
ALTER TABLE leads ADD COLUMN dismiss_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN merged_into BIGINT REFERENCES leads(id);
ALTER TABLE leads ADD COLUMN case_id BIGINT;
CREATE INDEX leads_assignee ON leads (assignee_id, id);
CREATE INDEX leads_case ON leads (case_id);

-- Numbers: one row per (org, year, sequence); the issuing transaction takes
-- the next number with UPDATE … RETURNING, so a rollback leaves no gap and two
-- replicas never take the same number.
CREATE TABLE doc_sequences (
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	year INTEGER NOT NULL,
	doc_type TEXT NOT NULL,
	last_no INTEGER NOT NULL,
	PRIMARY KEY (org_id, year, doc_type)
);

CREATE TABLE cases (
	id {{ID}},
	case_no TEXT NOT NULL,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	type TEXT NOT NULL,
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	agency_id BIGINT REFERENCES orgs(id),
	status TEXT NOT NULL,
	resume_status TEXT NOT NULL DEFAULT '',
	prosecutor_id BIGINT NOT NULL REFERENCES users(id),
	chief_led BOOLEAN NOT NULL DEFAULT FALSE,
	result TEXT NOT NULL DEFAULT '',
	opened_on {{DATE}} NOT NULL,
	closed_on {{DATE}},
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX cases_no ON cases (case_no);
CREATE INDEX cases_status ON cases (status, id);
CREATE INDEX cases_prosecutor ON cases (prosecutor_id, id);

CREATE TABLE case_members (
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users(id),
	PRIMARY KEY (case_id, user_id)
);

-- Suggestions and opinions. due_on is fixed at delivery from the receipt
-- date (two months, rolled off holidays; urgent: reply_days calendar days).
CREATE TABLE suggestions (
	id {{ID}},
	case_id BIGINT NOT NULL REFERENCES cases(id),
	parent_id BIGINT REFERENCES suggestions(id),
	kind TEXT NOT NULL,
	recipient_org_id BIGINT NOT NULL REFERENCES orgs(id),
	title TEXT NOT NULL,
	facts TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	requests TEXT NOT NULL DEFAULT '',
	urgent BOOLEAN NOT NULL DEFAULT FALSE,
	reply_days INTEGER,
	status TEXT NOT NULL,
	doc_no TEXT,
	issued_on {{DATE}},
	delivery_method TEXT NOT NULL DEFAULT '',
	delivered_on {{DATE}},
	due_on {{DATE}},
	outcome TEXT NOT NULL DEFAULT '',
	escalation_level INTEGER NOT NULL DEFAULT 0,
	-- set when the prosecutor found the rectification inadequate (跟进监督)
	inadequate BOOLEAN NOT NULL DEFAULT FALSE,
	prepared_by BIGINT REFERENCES users(id),
	approved_by BIGINT REFERENCES users(id),
	closed_on {{DATE}},
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX suggestions_doc_no ON suggestions (doc_no);
CREATE INDEX suggestions_case ON suggestions (case_id);
CREATE INDEX suggestions_recipient ON suggestions (recipient_org_id, id);
CREATE INDEX suggestions_due ON suggestions (status, due_on);

CREATE TABLE suggestion_replies (
	id {{ID}},
	suggestion_id BIGINT NOT NULL REFERENCES suggestions(id),
	outcome TEXT NOT NULL,
	reasons TEXT NOT NULL DEFAULT '',
	measures TEXT NOT NULL DEFAULT '',
	replied_on {{DATE}} NOT NULL,
	on_time BOOLEAN NOT NULL,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX suggestion_replies_s ON suggestion_replies (suggestion_id);

CREATE TABLE suggestion_objections (
	id {{ID}},
	suggestion_id BIGINT NOT NULL REFERENCES suggestions(id),
	reasons TEXT NOT NULL,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	decision TEXT NOT NULL DEFAULT '',
	decision_note TEXT NOT NULL DEFAULT '',
	decided_by BIGINT REFERENCES users(id),
	decided_at BIGINT
);
CREATE INDEX suggestion_objections_s ON suggestion_objections (suggestion_id);

CREATE TABLE rectification_reports (
	id {{ID}},
	suggestion_id BIGINT NOT NULL REFERENCES suggestions(id),
	progress TEXT NOT NULL,
	done BOOLEAN NOT NULL DEFAULT FALSE,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX rectification_reports_s ON rectification_reports (suggestion_id);

-- One step of the ladder. level is the step's code; status pending_approval
-- (waiting for the chief) | issued | handled (the justice bureau recorded
-- its handling and result).
CREATE TABLE escalations (
	id {{ID}},
	suggestion_id BIGINT NOT NULL REFERENCES suggestions(id),
	level TEXT NOT NULL,
	step INTEGER NOT NULL,
	status TEXT NOT NULL,
	reason TEXT NOT NULL,
	doc_no TEXT,
	document_id BIGINT,
	requested_by BIGINT REFERENCES users(id),
	approved_by BIGINT REFERENCES users(id),
	issued_at BIGINT,
	handling TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL DEFAULT '',
	handled_by BIGINT REFERENCES users(id),
	handled_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX escalations_step ON escalations (suggestion_id, step);
CREATE UNIQUE INDEX escalations_doc_no ON escalations (doc_no);
CREATE INDEX escalations_level ON escalations (level, id);

-- The timeline of a case and its suggestions.
CREATE TABLE case_events (
	id {{ID}},
	case_id BIGINT NOT NULL REFERENCES cases(id),
	suggestion_id BIGINT REFERENCES suggestions(id),
	action TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	actor_id BIGINT REFERENCES users(id),
	actor_name TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- File contents, stored once per SHA-256 in the database so that every
-- replica and every backup has them; attachments name them. The uploaded
-- name is data only (never a path on disk).
CREATE TABLE file_blobs (
	sha256 TEXT PRIMARY KEY,
	size BIGINT NOT NULL,
	content {{BLOB}} NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE attachments (
	id {{ID}},
	owner_type TEXT NOT NULL,
	owner_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL REFERENCES cases(id),
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL REFERENCES file_blobs(sha256),
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id, id);

-- Inbox messages: to one user, or to every user of an org (optionally of
-- one role). dedup_key makes each reminder go out once, whichever replica's
-- sweeper gets there first.
CREATE TABLE notifications (
	id {{ID}},
	user_id BIGINT REFERENCES users(id),
	org_id BIGINT REFERENCES orgs(id),
	role TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',
	dedup_key TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notifications_dedup ON notifications (dedup_key);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_org ON notifications (org_id, id);

-- Read marks per user (an org-wide message is read per person).
CREATE TABLE notification_reads (
	notification_id BIGINT NOT NULL REFERENCES notifications(id),
	user_id BIGINT NOT NULL REFERENCES users(id),
	read_at BIGINT NOT NULL,
	PRIMARY KEY (notification_id, user_id)
);

-- Settings of the issuing procuratorate (document abbreviation, header,
-- approval role per kind), key → value.
CREATE TABLE casework_settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);
