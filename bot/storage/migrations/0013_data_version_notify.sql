-- No-op on SQLite: PostgreSQL's 0013 adds NOTIFY triggers for its data version; SQLite's
-- data version is PRAGMA data_version, which moves on every commit by itself. The number is
-- kept so both dialects' schema versions name the same tables (bot/storage/migration_files.py).
SELECT 1;
