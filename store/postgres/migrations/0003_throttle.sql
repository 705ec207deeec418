-- Failed attempts per key (a client ID, an account, a remote address), so
-- that every node sharing the database throttles guessing together. A key
-- without a failure in its window is forgotten; rows are small and
-- overwritten in place.
CREATE TABLE throttle_failures (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    last_failure timestamptz NOT NULL
);
