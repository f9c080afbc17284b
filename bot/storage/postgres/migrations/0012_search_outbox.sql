-- Nothing to do on PostgreSQL: SQLite's 0012 adds the outbox that keeps its top-k search index
-- (tantivy, beside the database file) in step; PostgreSQL searches inside the database
-- (tsvector columns, 0002), so it has no outside index and no outbox. The file exists so both
-- dialects keep the same migration numbers (bot/storage/migration_files.py, db copy).
SELECT 1;
