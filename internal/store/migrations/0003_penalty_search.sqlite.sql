-- SQLite: an FTS5 index over party name, document number and facts with the
-- trigram tokenizer (substring search for Chinese, which has no spaces between
-- words). External content: the text is stored once, in penalties, and read
-- through the view below, which ends party name and document number with
-- U+0003. That mark never occurs in stored or searched text; it gives a field
-- that ends with two characters (or is two characters long, like many names)
-- a trigram beginning with them, so that two-character searches can use the
-- index's vocabulary (penalties_fts_vocab). Rowids are penalty ids, so
-- imports append to the index in rowid order.
CREATE VIEW penalties_fts_content AS
	SELECT id, party_name || char(3) AS party_name, doc_no || char(3) AS doc_no, facts FROM penalties;
CREATE VIRTUAL TABLE penalties_fts USING fts5(
	party_name, doc_no, facts,
	content = 'penalties_fts_content', content_rowid = 'id',
	tokenize = 'trigram'
);
CREATE VIRTUAL TABLE penalties_fts_vocab USING fts5vocab(penalties_fts, 'col');
INSERT INTO penalties_fts (penalties_fts) VALUES ('rebuild');

-- The triggers keep the index in step with every insert, update and delete;
-- they must index exactly what the view shows.
CREATE TRIGGER penalties_fts_insert AFTER INSERT ON penalties
BEGIN
	INSERT INTO penalties_fts (rowid, party_name, doc_no, facts)
		VALUES (new.id, new.party_name || char(3), new.doc_no || char(3), new.facts);
END;
CREATE TRIGGER penalties_fts_delete AFTER DELETE ON penalties
BEGIN
	INSERT INTO penalties_fts (penalties_fts, rowid, party_name, doc_no, facts)
		VALUES ('delete', old.id, old.party_name || char(3), old.doc_no || char(3), old.facts);
END;
-- A revision that leaves the indexed text alone (a corrected fine, a date)
-- does not touch the index.
CREATE TRIGGER penalties_fts_update AFTER UPDATE OF party_name, doc_no, facts ON penalties
WHEN old.party_name IS NOT new.party_name OR old.doc_no IS NOT new.doc_no OR old.facts IS NOT new.facts
BEGIN
	INSERT INTO penalties_fts (penalties_fts, rowid, party_name, doc_no, facts)
		VALUES ('delete', old.id, old.party_name || char(3), old.doc_no || char(3), old.facts);
	INSERT INTO penalties_fts (rowid, party_name, doc_no, facts)
		VALUES (new.id, new.party_name || char(3), new.doc_no || char(3), new.facts);
END;
