-- Several instances on one database (issue 14). Every accepted update of a live draft is appended
-- to its update log, with a per-draft `seq` taken from `document_heads` under that row's lock:
-- appends of one draft commit in seq order, so an instance that has applied every seq up to n
-- knows exactly what it lacks. A save compacts: it writes the state, notes the seq it covers
-- (`documents.state_seq`) and deletes exactly the rows up to it. Journals (open edit bursts,
-- pending server changes) are kept per instance; a live instance renews its row in `instances`.

-- Up Migration

ALTER TABLE documents ADD COLUMN state_seq bigint NOT NULL DEFAULT 0;

CREATE TABLE document_heads (
  draft_id text PRIMARY KEY REFERENCES drafts (id),
  seq bigint NOT NULL
);
INSERT INTO document_heads (draft_id, seq) SELECT draft_id, 0 FROM documents;

CREATE TABLE document_updates (
  draft_id text NOT NULL,
  seq bigint NOT NULL,
  "update" bytea NOT NULL,
  -- Who wrote it (null for the server's own changes), so edit bursts can be rebuilt.
  user_id text,
  instance_id text NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (draft_id, seq)
);

-- One row: this deployment's id. Instances on the same database share it, and it names their
-- Redis channels, so deployments sharing a Redis never hear each other.
CREATE TABLE deployment (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  id text NOT NULL
);
INSERT INTO deployment (id) VALUES (gen_random_uuid()::text);

CREATE TABLE instances (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE document_journals (
  draft_id text NOT NULL REFERENCES drafts (id),
  instance_id text NOT NULL,
  journal json NOT NULL,
  PRIMARY KEY (draft_id, instance_id)
);
-- The journal once kept in the document's row becomes an instance's that no longer runs.
INSERT INTO document_journals (draft_id, instance_id, journal)
  SELECT draft_id, 'before-update-log', journal FROM documents;
ALTER TABLE documents DROP COLUMN journal;

-- Down Migration

ALTER TABLE documents ADD COLUMN journal json NOT NULL DEFAULT '{"authors":{},"bursts":[],"intents":[]}';
DROP TABLE document_journals;
DROP TABLE instances;
DROP TABLE deployment;
DROP TABLE document_updates;
DROP TABLE document_heads;
ALTER TABLE documents DROP COLUMN state_seq;
