-- Shared reference material (issue 3): discretion benchmarks (裁量基准),
-- typical cases (典型案例) and enforcement news / announcements (执法动态 /
-- 通知公告). Civil dates are {{DATE}}; money is BIGINT fen; timestamps are
-- Unix ms.

-- One row per circumstance row of a discretion table: a violation item
-- (violation_code, e.g. "2-1") has several levels (裁量阶次 "1".."5"), and a
-- level may list several circumstances (level_seq 1, 2, … in file order).
-- Supervision models join penalties (violation_code, discretion_level,
-- fine_fen) against (violation_code, level, fine_min_fen, fine_max_fen);
-- fine_min_fen / fine_max_fen are NULL where the standard states no bound
-- (fine_kind says why: max_only, multiple, ratio, none, unparsed).
CREATE TABLE discretion_benchmarks (
	id {{ID}},
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	issuer TEXT NOT NULL,
	domain TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	violation_code TEXT NOT NULL,
	violation_name TEXT NOT NULL,
	legal_basis TEXT NOT NULL DEFAULT '',
	violation_basis TEXT NOT NULL DEFAULT '',
	penalty_basis TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL DEFAULT '',
	level_seq INTEGER NOT NULL DEFAULT 1,
	circumstance TEXT NOT NULL DEFAULT '',
	standard TEXT NOT NULL DEFAULT '',
	fine_kind TEXT NOT NULL DEFAULT '',
	fine_min_fen BIGINT,
	fine_max_fen BIGINT,
	remarks TEXT NOT NULL DEFAULT '',
	source_file TEXT NOT NULL DEFAULT '',
	source_sheet TEXT NOT NULL DEFAULT '',
	source_line INTEGER NOT NULL DEFAULT 0,
	effective_from {{DATE}},
	effective_to {{DATE}},
	content_hash TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
-- The natural key: a re-import of the same table updates in place.
CREATE UNIQUE INDEX discretion_benchmarks_key ON discretion_benchmarks (org_id, issuer, violation_code, level, level_seq);
-- The supervision models' join and the violation filter.
CREATE INDEX discretion_benchmarks_violation ON discretion_benchmarks (violation_code, level);
CREATE INDEX discretion_benchmarks_domain ON discretion_benchmarks (domain, id);

CREATE TABLE typical_cases (
	id {{ID}},
	title TEXT NOT NULL,
	domain TEXT NOT NULL DEFAULT '',
	summary TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	legal_points TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT '',
	published_on {{DATE}},
	agency_id BIGINT REFERENCES orgs(id),
	tags TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX typical_cases_domain ON typical_cases (domain, id);

CREATE TABLE reference_news (
	id {{ID}},
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	org_id BIGINT NOT NULL REFERENCES orgs(id),
	published_at BIGINT NOT NULL,
	pinned BOOLEAN NOT NULL DEFAULT FALSE,
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX reference_news_org ON reference_news (org_id, id);
