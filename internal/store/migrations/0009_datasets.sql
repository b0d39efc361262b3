-- Reference datasets (issue 4): the registry of dataset kinds. Built-in
-- kinds are embedded YAML (internal/dataset/kinds) written here by
-- dataset.Sync at every start; an administrator registers more at run time.
-- Each kind's rows live in their own table ds_<name>, created (and widened
-- with new columns) by Sync or by the registration, in the same transaction
-- as the registry row.
CREATE TABLE dataset_kinds (
	name TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	spec TEXT NOT NULL,
	builtin BOOLEAN NOT NULL,
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
