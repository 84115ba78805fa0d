import type { Migration } from '../../migration.js';

/** Durable messages with owner and lease (SQLite's 003 and 006 together) and dead letters. */
export const migration003: Migration = {
  version: 3,
  name: 'message bus',
  sql: `
CREATE TABLE bus_messages (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  receiver text NOT NULL,
  envelope text NOT NULL,
  deliveries integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  delivered_at bigint,
  owner text,
  lease_until bigint NOT NULL DEFAULT 0
);
CREATE INDEX bus_messages_receiver ON bus_messages(receiver, seq);

CREATE TABLE bus_dead_letters (
  seq bigserial PRIMARY KEY,
  message_id text NOT NULL,
  receiver text NOT NULL,
  reason text NOT NULL,
  error text NOT NULL,
  envelope text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX bus_dead_letters_created ON bus_dead_letters(created_at);
`,
};
