-- +goose Up
-- One row per push subscription. Times are Unix seconds. sealed holds the
-- push subscription, the university access and the snapshot's key, sealed
-- with the session keys; snapshot is encrypted with that key.
CREATE TABLE subscriptions (
    id                TEXT PRIMARY KEY,
    owner             TEXT NOT NULL,
    endpoint_hash     TEXT NOT NULL UNIQUE,
    provider          TEXT NOT NULL,
    language          TEXT NOT NULL,
    reminders_minutes INTEGER NOT NULL DEFAULT 0,
    sealed            TEXT NOT NULL,
    snapshot          BLOB,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    next_check        INTEGER NOT NULL,
    failures          INTEGER NOT NULL DEFAULT 0,
    lease_until       INTEGER NOT NULL DEFAULT 0,
    lease_token       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subscriptions_owner ON subscriptions (owner);
CREATE INDEX subscriptions_next_check ON subscriptions (next_check);

-- +goose Down
DROP TABLE subscriptions;
