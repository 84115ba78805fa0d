import type { Migration } from '../../migration.js';

export const migration003: Migration = {
  version: 3,
  name: 'message bus',
  sql: `
-- durable messages: stored before delivery, deleted when the receiver acknowledges them
CREATE TABLE bus_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  receiver TEXT NOT NULL,
  envelope TEXT NOT NULL,
  deliveries INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX bus_messages_receiver ON bus_messages(receiver, seq);

CREATE TABLE bus_dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL,
  receiver TEXT NOT NULL,
  reason TEXT NOT NULL,
  error TEXT NOT NULL,
  envelope TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX bus_dead_letters_created ON bus_dead_letters(created_at);
`,
};
