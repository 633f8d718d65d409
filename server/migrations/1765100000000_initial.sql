-- Margins' PostgreSQL schema. Applied at start by node-pg-migrate, under its advisory lock, so
-- instances starting together migrate once (server/src/storage/postgres/migrate.ts). Records are
-- kept as `json` (the text exactly as written; `jsonb` would refuse a \u0000 in a comment), with
-- the columns queries select or order by beside them. `position` keeps the order records were added.

-- Up Migration

CREATE TABLE drafts (
  id text PRIMARY KEY,
  position bigserial NOT NULL,
  record json NOT NULL
);

-- A draft's compacted Yjs state and the journal stored with it, written together.
CREATE TABLE documents (
  draft_id text PRIMARY KEY REFERENCES drafts (id),
  state bytea NOT NULL,
  journal json NOT NULL,
  saved_at text NOT NULL
);

CREATE TABLE users (
  id text PRIMARY KEY,
  position bigserial NOT NULL,
  email text NOT NULL UNIQUE,
  record json NOT NULL
);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  expires_at text NOT NULL,
  record json NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE invites (
  id text PRIMARY KEY,
  position bigserial NOT NULL,
  token_hash text NOT NULL,
  used_at text,
  record json NOT NULL
);
CREATE INDEX invites_token_hash ON invites (token_hash);

CREATE TABLE threads (
  id text PRIMARY KEY,
  position bigserial NOT NULL,
  draft_id text NOT NULL,
  record json NOT NULL
);
CREATE INDEX threads_draft ON threads (draft_id, position);

-- The comments of every discussion: a thread's, and a suggestion's replies.
CREATE TABLE comments (
  id text PRIMARY KEY,
  position bigserial NOT NULL,
  draft_id text NOT NULL,
  record json NOT NULL
);
CREATE INDEX comments_draft ON comments (draft_id, position);

CREATE TABLE suggestions (
  id text PRIMARY KEY,
  position bigserial NOT NULL,
  draft_id text NOT NULL,
  record json NOT NULL
);
CREATE INDEX suggestions_draft ON suggestions (draft_id, position);

-- Each draft's hash-chained change log: the key refuses a second entry with the same seq.
CREATE TABLE change_log (
  draft_id text NOT NULL,
  seq integer NOT NULL CHECK (seq > 0),
  entry json NOT NULL,
  PRIMARY KEY (draft_id, seq)
);

CREATE TABLE versions (
  id text PRIMARY KEY,
  position bigserial NOT NULL,
  draft_id text NOT NULL,
  record json NOT NULL
);
CREATE INDEX versions_draft ON versions (draft_id, position);

-- Down Migration

DROP TABLE versions;
DROP TABLE change_log;
DROP TABLE suggestions;
DROP TABLE comments;
DROP TABLE threads;
DROP TABLE invites;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE documents;
DROP TABLE drafts;
