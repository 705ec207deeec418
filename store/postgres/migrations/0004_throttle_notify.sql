-- 0004: every committed change of throttle_failures is announced as
-- "f:<key>" on the schema's channel (see 0002), insertions included: a
-- node may keep in memory that a key had no failures (store/cache), and
-- must hear at once when another node records one. Keys are client IDs,
-- accounts and addresses, never a secret.
CREATE FUNCTION portaloauth_failures_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    key text := CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END;
BEGIN
    PERFORM pg_notify(left('portaloauth.' || TG_TABLE_SCHEMA, 63),
        CASE WHEN octet_length(key) > 4000 THEN '*' ELSE 'f:' || key END);
    RETURN NULL;
END $$;

CREATE TRIGGER throttle_failures_notify AFTER INSERT OR UPDATE OR DELETE ON throttle_failures
    FOR EACH ROW EXECUTE FUNCTION portaloauth_failures_changed();
CREATE TRIGGER throttle_failures_truncate_notify AFTER TRUNCATE ON throttle_failures
    FOR EACH STATEMENT EXECUTE FUNCTION portaloauth_truncated();
