import type { Migration } from '../../migration.js';

export const migration006: Migration = {
  version: 6,
  name: 'bus message leases',
  sql: `
-- durable messages get an owner and a lease, so that of several processes hosting a role only one
-- loads each message, and another takes it over once the owner stops renewing (a crash)
ALTER TABLE bus_messages ADD COLUMN owner TEXT;
ALTER TABLE bus_messages ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
`,
};
