-- Foundation: organisations, users, sessions, API tokens, login log, audit log.
-- Timestamps are Unix milliseconds (BIGINT) in both engines: portable,
-- comparable in SQL, rendered in Asia/Shanghai by the API.

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- 执法领域 dictionary. Codes are stable identifiers; names are shown.
CREATE TABLE domains (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	sort INTEGER NOT NULL
);

INSERT INTO domains (code, name, sort) VALUES
	('public_security', '公安', 10),
	('natural_resources', '自然资源', 20),
	('ecology', '生态环境', 30),
	('market', '市场监管', 40),
	('urban', '城市管理', 50),
	('emergency', '应急管理', 60),
	('agriculture', '农业农村', 70),
	('health', '卫生健康', 80),
	('forestry', '林业', 90),
	('civil_affairs', '民政', 100),
	('hrss', '人力资源社会保障', 110),
	('transport', '交通运输', 120),
	('water', '水务', 130),
	('housing', '住房城乡建设', 140),
	('tax', '税务', 150),
	('culture_tourism', '文化旅游', 160),
	('education', '教育', 170),
	('medical_insurance', '医疗保障', 180),
	('comprehensive', '综合行政执法', 190);

CREATE TABLE orgs (
	id {{ID}},
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	parent_id BIGINT REFERENCES orgs(id),
	uscc TEXT NOT NULL DEFAULT '',
	uscc_valid BOOLEAN NOT NULL DEFAULT TRUE,
	contact TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX orgs_code ON orgs (code);
CREATE UNIQUE INDEX orgs_name ON orgs (name);
CREATE UNIQUE INDEX orgs_uscc ON orgs (uscc) WHERE uscc <> '';
CREATE INDEX orgs_parent ON orgs (parent_id);

CREATE TABLE org_domains (
	org_id BIGINT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	domain TEXT NOT NULL REFERENCES domains(code),
	PRIMARY KEY (org_id, domain)
);

CREATE TABLE users (
	id {{ID}},
	username TEXT NOT NULL,
	display_name TEXT NOT NULL,
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	role TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT,
	last_login_at BIGINT,
	password_changed_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_username ON users (username);
CREATE INDEX users_org ON users (org_id);

-- Sessions are stored by the SHA-256 of the cookie value, so a leaked
-- database does not hand out live sessions.
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Per-agency bearer tokens for machine pushes; only the hash is kept.
CREATE TABLE api_tokens (
	id {{ID}},
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	revoked_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_org ON api_tokens (org_id);

CREATE TABLE login_log (
	id {{ID}},
	at BIGINT NOT NULL,
	username TEXT NOT NULL,
	user_id BIGINT,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	success BOOLEAN NOT NULL,
	reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_log_at ON login_log (at);
CREATE INDEX login_log_username ON login_log (username);

-- Append-only, hash-chained audit log. id is assigned by the appender as
-- head.seq + 1 (gapless, unlike a sequence), and each row's hash covers the
-- previous row's hash, so an edited, deleted or inserted row breaks the chain.
-- audit_head holds the chain's tip; taking its row lock serialises appends
-- across replicas. Triggers (per dialect) refuse UPDATE and DELETE.
CREATE TABLE audit_log (
	id BIGINT PRIMARY KEY,
	at BIGINT NOT NULL,
	user_id BIGINT,
	username TEXT NOT NULL DEFAULT '',
	org_id BIGINT,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL DEFAULT '',
	before_json TEXT,
	after_json TEXT,
	ip TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_user ON audit_log (user_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
