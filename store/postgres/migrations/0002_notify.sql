-- 0002: every committed update or deletion of what caches keep (tokens,
-- clients and their secrets, APIs, policies, catalogue entries) is
-- announced with NOTIFY on the channel of the
-- table's schema. Triggers queue the notification in the writing
-- transaction, so it is delivered at commit and a rolled-back change
-- announces nothing, whichever statement made the change (cascades
-- included). Payloads are "<kind>:<key>" with an identifier or a token
-- hash as key, never a secret or a token:
--   t:<token hash>   c:<client id>   T:<client id> (any of its tokens)
--   a:<api id>       p:<policy id>   e:<entry id>  * (anything)
-- Insertions are not announced: nothing can have cached a record that did
-- not exist.

-- The channel is left('portaloauth.' || schema, 63); a key longer than
-- 4000 bytes is announced as "*" instead. The functions call nothing of
-- this schema, so that they work whatever the writer's search_path.

-- Tokens: one statement may delete many (revoking a client's tokens, a
-- cascade, a purge). Per client, up to 16 tokens are announced by hash;
-- more as one T:<client id>.
CREATE FUNCTION portaloauth_tokens_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    r record;
    h text;
BEGIN
    FOR r IN SELECT client_id, count(*) AS n, (array_agg(hash))[1:16] AS hashes
             FROM changed GROUP BY client_id LOOP
        IF r.n > 16 THEN
            PERFORM pg_notify(left('portaloauth.' || TG_TABLE_SCHEMA, 63),
                CASE WHEN octet_length(r.client_id) > 4000 THEN '*' ELSE 'T:' || r.client_id END);
        ELSE
            FOREACH h IN ARRAY r.hashes LOOP
                PERFORM pg_notify(left('portaloauth.' || TG_TABLE_SCHEMA, 63),
                    CASE WHEN octet_length(h) > 4000 THEN '*' ELSE 't:' || h END);
            END LOOP;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER tokens_deleted_notify AFTER DELETE ON tokens
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_tokens_changed();
CREATE TRIGGER tokens_updated_notify AFTER UPDATE ON tokens
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_tokens_changed();

-- Other records: one notification per changed row; TG_ARGV[0] is the
-- kind, TG_ARGV[1] the key column.
CREATE FUNCTION portaloauth_row_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    key text := to_jsonb(OLD) ->> TG_ARGV[1];
BEGIN
    PERFORM pg_notify(left('portaloauth.' || TG_TABLE_SCHEMA, 63),
        CASE WHEN octet_length(key) > 4000 THEN '*' ELSE TG_ARGV[0] || ':' || key END);
    RETURN NULL;
END $$;

CREATE TRIGGER clients_notify AFTER UPDATE OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION portaloauth_row_changed('c', 'id');
CREATE TRIGGER client_secrets_notify AFTER UPDATE OR DELETE ON client_secrets
    FOR EACH ROW EXECUTE FUNCTION portaloauth_row_changed('c', 'client_id');
CREATE TRIGGER apis_notify AFTER UPDATE OR DELETE ON apis
    FOR EACH ROW EXECUTE FUNCTION portaloauth_row_changed('a', 'id');
CREATE TRIGGER policies_notify AFTER UPDATE OR DELETE ON policies
    FOR EACH ROW EXECUTE FUNCTION portaloauth_row_changed('p', 'id');
CREATE TRIGGER catalogue_entries_notify AFTER UPDATE OR DELETE ON catalogue_entries
    FOR EACH ROW EXECUTE FUNCTION portaloauth_row_changed('e', 'id');

-- TRUNCATE of any of them drops everything cached.
CREATE FUNCTION portaloauth_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(left('portaloauth.' || TG_TABLE_SCHEMA, 63), '*');
    RETURN NULL;
END $$;

CREATE TRIGGER tokens_truncate_notify AFTER TRUNCATE ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_truncated();
CREATE TRIGGER clients_truncate_notify AFTER TRUNCATE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_truncated();
CREATE TRIGGER client_secrets_truncate_notify AFTER TRUNCATE ON client_secrets
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_truncated();
CREATE TRIGGER apis_truncate_notify AFTER TRUNCATE ON apis
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_truncated();
CREATE TRIGGER policies_truncate_notify AFTER TRUNCATE ON policies
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_truncated();
CREATE TRIGGER catalogue_entries_truncate_notify AFTER TRUNCATE ON catalogue_entries
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_truncated();
