-- Supervision models (issue 4; ARCHITECTURE.md "The heart"). Built-in
-- models are embedded YAML written here by supervise.Sync at every start;
-- user models are written from the UI. Each change of a model's spec or
-- parameters is a new version (model_versions); a lead records the version
-- that raised it.
CREATE TABLE models (
	id TEXT PRIMARY KEY,
	builtin BOOLEAN NOT NULL,
	version INTEGER NOT NULL,
	spec TEXT NOT NULL,
	spec_sha TEXT NOT NULL,
	params TEXT NOT NULL DEFAULT '{}',
	enabled BOOLEAN NOT NULL,
	schedule TEXT NOT NULL DEFAULT '',
	next_run_at BIGINT,
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE model_versions (
	model_id TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	version INTEGER NOT NULL,
	spec TEXT NOT NULL,
	params TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	PRIMARY KEY (model_id, version)
);

-- One row per model per run. mode: run (leads), selfcheck (an agency's own
-- data, results in selfcheck_results), backtest (counts only). Runs started
-- together share run_group, which the UI polls for progress.
CREATE TABLE model_runs (
	id {{ID}},
	run_group TEXT NOT NULL,
	model_id TEXT NOT NULL,
	model_version INTEGER NOT NULL,
	mode TEXT NOT NULL,
	agency_id BIGINT REFERENCES orgs(id),
	triggered_by TEXT NOT NULL,
	actor TEXT NOT NULL DEFAULT '',
	as_of {{DATE}} NOT NULL,
	status TEXT NOT NULL,
	started_at BIGINT NOT NULL,
	finished_at BIGINT,
	duration_ms BIGINT NOT NULL DEFAULT 0,
	rows_scanned BIGINT NOT NULL DEFAULT 0,
	hits INTEGER NOT NULL DEFAULT 0,
	new_leads INTEGER NOT NULL DEFAULT 0,
	changed_leads INTEGER NOT NULL DEFAULT 0,
	reopened_leads INTEGER NOT NULL DEFAULT 0,
	error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX model_runs_model ON model_runs (model_id, id);
CREATE INDEX model_runs_group ON model_runs (run_group, id);

-- A replica runs a model only while it holds the model's lease.
CREATE TABLE model_leases (
	model_id TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);

-- Staging of one run's hits (emptied when the run ends): the hits are
-- compared with the existing leads, then merged into them.
CREATE TABLE model_hits (
	run_id BIGINT NOT NULL,
	subject_key TEXT NOT NULL,
	agency_id BIGINT,
	title TEXT NOT NULL,
	evidence TEXT NOT NULL,
	event_date {{DATE}},
	PRIMARY KEY (run_id, subject_key)
);

-- Leads from every source (model, manual entry, transfer): one per (model,
-- subject). evidence is the JSON snapshot of the values that fired, rule and
-- legal_basis the model's text at detection time.
CREATE TABLE leads (
	id {{ID}},
	source TEXT NOT NULL,
	model_id TEXT NOT NULL,
	model_version INTEGER NOT NULL DEFAULT 0,
	subject_key TEXT NOT NULL,
	agency_id BIGINT REFERENCES orgs(id),
	title TEXT NOT NULL,
	severity TEXT NOT NULL DEFAULT 'medium',
	rule TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL,
	event_date {{DATE}},
	status TEXT NOT NULL DEFAULT 'new',
	status_note TEXT NOT NULL DEFAULT '',
	triaged_by BIGINT REFERENCES users(id),
	triaged_at BIGINT,
	reopened INTEGER NOT NULL DEFAULT 0,
	first_run_id BIGINT,
	last_run_id BIGINT,
	created_by BIGINT REFERENCES users(id),
	detected_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX leads_subject ON leads (model_id, subject_key);
CREATE INDEX leads_status ON leads (status, id);
CREATE INDEX leads_agency ON leads (agency_id, id);

-- The evidence a lead had before a re-run changed it.
CREATE TABLE lead_history (
	lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	evidence TEXT NOT NULL,
	status TEXT NOT NULL,
	model_version INTEGER NOT NULL,
	replaced_at BIGINT NOT NULL,
	run_id BIGINT,
	PRIMARY KEY (lead_id, seq)
);

-- An agency's self-check results (以我管促都管): visible to that agency only,
-- replaced by its next self-check of the same model, never leads.
CREATE TABLE selfcheck_results (
	agency_id BIGINT NOT NULL REFERENCES orgs(id),
	model_id TEXT NOT NULL,
	subject_key TEXT NOT NULL,
	model_version INTEGER NOT NULL,
	title TEXT NOT NULL,
	evidence TEXT NOT NULL,
	event_date {{DATE}},
	run_id BIGINT NOT NULL,
	detected_at BIGINT NOT NULL,
	PRIMARY KEY (agency_id, model_id, subject_key)
);

-- Party identity of enforcement records as the models join it (a unit by
-- its credit code, a person by ID number): the same expression as the
-- party_key virtual column of internal/dataset/kinds, so history counts
-- ("≥ 2 penalties of the same party within 2 years") use an index.
CREATE INDEX penalties_party_key ON penalties ((CASE WHEN party_uscc <> '' THEN party_uscc ELSE party_id_no END), decision_date);
