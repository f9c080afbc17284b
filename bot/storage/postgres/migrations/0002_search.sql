-- Full-text search (SQLite's 0002 is its FTS5 index). Placeholder: the PostgreSQL search
-- (bot/storage/postgres/search.py) scans with ILIKE until the weighted tsvector with its GIN
-- index lands here.
SELECT 1;
