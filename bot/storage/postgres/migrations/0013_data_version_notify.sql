-- Every commit that changes what a page of entries shows (entries, their tags, figures,
-- revisions, corrections) sends NOTIFY briefbot_data_version. Bot processes LISTEN on one
-- connection each and move their cached data version when it arrives, so a `/brief latest`
-- needs no round trip to learn whether its cached page is still current. A statement trigger
-- covers every writer: the bot, the CLI, `db copy` (COPY fires INSERT triggers) and psql.
-- PostgreSQL folds identical notifications of one transaction into one, delivered at commit.
CREATE FUNCTION briefbot_notify_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('briefbot_data_version', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER entries_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION briefbot_notify_data_version();
CREATE TRIGGER entry_tags_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entry_tags
    FOR EACH STATEMENT EXECUTE FUNCTION briefbot_notify_data_version();
CREATE TRIGGER figures_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON figures
    FOR EACH STATEMENT EXECUTE FUNCTION briefbot_notify_data_version();
CREATE TRIGGER revisions_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON revisions
    FOR EACH STATEMENT EXECUTE FUNCTION briefbot_notify_data_version();
CREATE TRIGGER correction_notices_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON correction_notices
    FOR EACH STATEMENT EXECUTE FUNCTION briefbot_notify_data_version();
