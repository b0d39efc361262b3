-- PostgreSQL: pg_trgm GIN indexes serve "column ILIKE '%text%'" for text of
-- three or more characters; a GIN index of character pairs serves
-- two-character searches, which no trigram can hold. PostgreSQL keeps both
-- current itself.
--
-- An extension belongs to the whole database, not to a schema of it. If
-- pg_trgm is already installed (by a DBA, in any schema) it is used where it
-- is; otherwise it is created in public, so that dropping one application
-- schema never drops it under another. The advisory lock serialises this step
-- between schemas migrating at the same time (CREATE EXTENSION IF NOT EXISTS
-- is not safe against a concurrent CREATE). Where the database user may not
-- create extensions, run "CREATE EXTENSION pg_trgm" as a superuser once.
DO $$
DECLARE
	ext_schema TEXT;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('xingjian_pg_trgm'));
	SELECT n.nspname INTO ext_schema
		FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_trgm';
	IF ext_schema IS NULL THEN
		CREATE EXTENSION pg_trgm SCHEMA public;
		ext_schema := 'public';
	END IF;
	EXECUTE format('CREATE INDEX penalties_party_name_trgm ON penalties USING gin (party_name %I.gin_trgm_ops)', ext_schema);
	EXECUTE format('CREATE INDEX penalties_doc_no_trgm ON penalties USING gin (doc_no %I.gin_trgm_ops)', ext_schema);
	EXECUTE format('CREATE INDEX penalties_facts_trgm ON penalties USING gin (facts %I.gin_trgm_ops)', ext_schema);
END
$$;

-- The distinct lower-cased character pairs of a text. Search asks for
-- party names and document numbers containing a pair as
-- penalty_pairs(party_name || chr(1) || doc_no) @> ARRAY[lower(text)]; the
-- chr(1) between the fields (never in stored or searched text) keeps a pair
-- from spanning them.
CREATE FUNCTION penalty_pairs(t TEXT) RETURNS TEXT[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN ARRAY(SELECT DISTINCT substr(lower(t), i, 2) FROM generate_series(1, char_length(t) - 1) AS i);
CREATE INDEX penalties_pairs ON penalties USING gin (penalty_pairs(party_name || chr(1) || doc_no));
