-- The top-k search index (bot/storage/search_index.py) lives beside the database, so every
-- change a search can see is also written here, in the same transaction as the change itself:
-- the indexer applies these rows and deletes them; after a crash it replays what is left.
-- AUTOINCREMENT: a sequence number is never reused, so an index that has applied a number the
-- database never reached belongs to a newer copy of it (a restored backup) and is rebuilt.
-- Creating the table and triggers is instant on any archive: the index itself is built by
-- `briefbot db migrate` (with progress) or, failing that, in the background by the bot.
CREATE TABLE search_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id INTEGER NOT NULL
);

CREATE TRIGGER search_outbox_insert AFTER INSERT ON entries BEGIN
    INSERT INTO search_outbox (entry_id) VALUES (new.id);
END;

CREATE TRIGGER search_outbox_update AFTER UPDATE OF title, summary, body, deleted_at ON entries
BEGIN
    INSERT INTO search_outbox (entry_id) VALUES (new.id);
END;

CREATE TRIGGER search_outbox_delete AFTER DELETE ON entries BEGIN
    INSERT INTO search_outbox (entry_id) VALUES (old.id);
END;
