-- 0001: the initial schema. Identifiers and hashes use the "C" collation so
-- that ORDER BY ... id sorts by bytes, as the in-memory store does. Only
-- hashes of secrets, tokens and registration access tokens are stored.

CREATE TABLE developers (
    id            text COLLATE "C" PRIMARY KEY,
    email         text NOT NULL,
    -- email_key is the email case-folded by the Go code (simple Unicode
    -- folding, as strings.EqualFold), independent of the database locale.
    email_key     text NOT NULL,
    name          text NOT NULL,
    status        text NOT NULL,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    version       bigint NOT NULL
);
CREATE UNIQUE INDEX developers_email_key_key ON developers (email_key);
CREATE INDEX developers_created_at_idx ON developers (created_at, id);

-- A client cannot outlive its developer; a client without a developer
-- (developer_id NULL) is an unowned client, e.g. one registered through
-- RFC 7591 dynamic registration.
CREATE TABLE clients (
    id                         text COLLATE "C" PRIMARY KEY,
    developer_id               text COLLATE "C" REFERENCES developers (id) ON DELETE CASCADE,
    api_ids                    text[],
    policy_id                  text NOT NULL,
    description                text NOT NULL,
    status                     text NOT NULL,
    redirect_uris              text[],
    token_endpoint_auth_method text NOT NULL,
    grant_types                text[],
    response_types             text[],
    client_name                text NOT NULL,
    client_uri                 text NOT NULL,
    logo_uri                   text NOT NULL,
    scope                      text NOT NULL,
    contacts                   text[],
    tos_uri                    text NOT NULL,
    policy_uri                 text NOT NULL,
    software_id                text NOT NULL,
    software_version           text NOT NULL,
    -- extra keeps extension metadata byte for byte (json, not jsonb).
    extra                      json,
    registration_token_hash    text NOT NULL,
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    version                    bigint NOT NULL
);
CREATE INDEX clients_developer_idx ON clients (developer_id, created_at, id);
CREATE INDEX clients_created_at_idx ON clients (created_at, id);

CREATE TABLE client_secrets (
    client_id  text COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    position   integer NOT NULL,
    id         text NOT NULL,
    hash       text NOT NULL,
    hint       text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz, -- NULL: no expiry
    PRIMARY KEY (client_id, position)
);

-- A token cannot outlive its client.
CREATE TABLE tokens (
    hash       text COLLATE "C" PRIMARY KEY,
    kind       text NOT NULL,
    client_id  text COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    grant_id   text NOT NULL,
    subject    text NOT NULL,
    policy_id  text NOT NULL,
    scope      text NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    consumed   boolean NOT NULL,
    code       jsonb -- authorization codes only
);
CREATE INDEX tokens_client_idx ON tokens (client_id, issued_at, hash);
CREATE INDEX tokens_grant_idx ON tokens (client_id, grant_id);
CREATE INDEX tokens_expires_at_idx ON tokens (expires_at);

-- The catalogue has no foreign keys: its rules (an entry's API exists and
-- is OAuth-eligible, ...) are checked by the catalogue package, and a
-- catalogue record may be deleted while clients still name it.
CREATE TABLE apis (
    id         text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    auth_mode  text NOT NULL,
    active     boolean NOT NULL,
    created_at timestamptz NOT NULL,
    version    bigint NOT NULL
);
CREATE INDEX apis_created_at_idx ON apis (created_at, id);

CREATE TABLE policies (
    id            text COLLATE "C" PRIMARY KEY,
    name          text NOT NULL,
    access_rights jsonb,
    scopes        text[],
    active        boolean NOT NULL,
    created_at    timestamptz NOT NULL,
    version       bigint NOT NULL
);
CREATE INDEX policies_created_at_idx ON policies (created_at, id);

CREATE TABLE catalogue_entries (
    id                text COLLATE "C" PRIMARY KEY,
    api_id            text NOT NULL,
    display_name      text NOT NULL,
    description       text NOT NULL,
    policy_ids        text[],
    visible           boolean NOT NULL,
    requires_approval boolean NOT NULL,
    client_limit      integer NOT NULL,
    created_at        timestamptz NOT NULL,
    version           bigint NOT NULL
);
CREATE INDEX catalogue_entries_created_at_idx ON catalogue_entries (created_at, id);
