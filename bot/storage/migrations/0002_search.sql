-- Full-text search over title, summary and body: an external-content FTS5 table kept in
-- sync by triggers, so entries are stored once. Existing rows are indexed by 'rebuild'.
CREATE VIRTUAL TABLE entries_fts USING fts5 (
    title, summary, body,
    content = 'entries',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, title, summary, body)
    VALUES (new.id, new.title, new.summary, new.body);
END;

CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, body)
    VALUES ('delete', old.id, old.title, old.summary, old.body);
END;

CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, summary, body ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, title, summary, body)
    VALUES ('delete', old.id, old.title, old.summary, old.body);
    INSERT INTO entries_fts (rowid, title, summary, body)
    VALUES (new.id, new.title, new.summary, new.body);
END;

INSERT INTO entries_fts (entries_fts) VALUES ('rebuild');
