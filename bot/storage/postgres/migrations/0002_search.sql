-- Full-text search over title, summary and body (SQLite's 0002 is its FTS5 index): a weighted
-- tsvector kept by the server itself (a generated column, so every write path, COPY and
-- `briefbot db copy` included, keeps it current) and a GIN index.
--
-- The matching sets must be SQLite's (unicode61, remove_diacritics): words are runs of
-- letters and digits, case and accents folded, nothing stemmed, no stop-words. PostgreSQL's
-- own parser would keep "north-korea", "1.5" or "kcna.kp" as extra tokens at their own
-- positions, so "1.5" would not match the word "5" and a phrase across a hyphen would break.
-- briefbot_search_words() therefore leaves letters and digits only (ICU's notion of a letter,
-- whatever the database's locale, and ICU lower case), and the configuration folds accents
-- (unaccent) and keeps every word as is (simple).
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION briefbot_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION briefbot_search
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword,
        hword_asciipart, hword_part, hword_numpart
    WITH unaccent, simple;

CREATE FUNCTION briefbot_search_words(content text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(lower(content COLLATE "und-x-icu"), '[^[:alnum:]]+', ' ', 'g');

-- Weights follow SQLite's bm25 weights (title 10, summary 4, body 1): A, B and C, ranked with
-- {D, C, B, A} = {0.1, 0.1, 0.4, 1.0} (bot/storage/postgres/search.py).
ALTER TABLE entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('briefbot_search', briefbot_search_words(title)), 'A')
    || setweight(to_tsvector('briefbot_search', briefbot_search_words(summary)), 'B')
    || setweight(to_tsvector('briefbot_search', briefbot_search_words(body)), 'C')
) STORED;

CREATE INDEX entries_search ON entries USING gin (search_vector);
