// `npm run demo`: the package against a real PostgreSQL (DATABASE_URL, else an embedded one).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { resolveDatabaseUrl } from '../scripts/embedded-pg.mjs';

const require = createRequire(import.meta.url);
/** Runs a cleanup step; reports its failure instead of skipping the remaining steps. */
const attempt = async (what, step) => {
  try {
    await step();
    return true;
  } catch (err) {
    console.error(`${what} failed: ${err.message}`);
    return false;
  }
};
const show = (label, value) =>
  console.log(`${`${label}:`.padEnd(34)} ${inspect(value, { depth: 4, breakLength: Infinity, colors: process.stdout.isTTY })}`);

const database = await resolveDatabaseUrl();
console.log(`database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'} at ${new URL(database.url).host}`);

const schema = `demo_${crypto.randomBytes(4).toString('hex')}`;
const users = `"${schema}".admin_users`; // for the raw SQL below
let storage;
try {
  let binding;
  try {
    binding = require('../index.js');
  } catch (err) {
    throw new Error(`the native addon is not built (run \`npm run build\`): ${err.message.split('\n')[0]}`);
  }
  const { PostgresAdminStorage } = binding;

  storage = new PostgresAdminStorage({ connectionString: database.url, schemaName: schema });
  await storage.init();
  show('init', { type: storage.type, schemaName: storage.schemaName });

  // The flat AdminStorage API, as MastraAdmin calls it; ids come from the caller.
  const alice = await storage.createUser({ id: crypto.randomUUID(), email: 'Alice@example.com', name: 'Alice', avatarUrl: null });
  const bob = await storage.createUser({ id: crypto.randomUUID(), email: 'bob@example.com', name: 'Bob', avatarUrl: null });
  show('createUser', alice);
  show('createUser', bob);

  const found = await storage.getUserByEmail(alice.email.toUpperCase());
  show('getUserByEmail (case-insensitive)', found && { id: found.id, email: found.email, sameUser: found.id === alice.id });

  const listed = await storage.users.listUsers({ limit: 10, offset: 0 });
  show('users.listUsers', listed.map((u) => u.email));

  try {
    await storage.createUser({ id: crypto.randomUUID(), email: bob.email, name: 'Bob again', avatarUrl: null });
    show('duplicate email', 'unexpectedly accepted');
  } catch (err) {
    show('duplicate email rejected', { code: err.code, message: err.message });
  }

  show('db.one', await storage.db.one('select $1::int + 1 as n', [41]));

  const renamed = await storage.db.tx(async (t) => {
    await t.none(`update ${users} set name = $1 where id = $2`, ['Alice Liddell', alice.id]);
    return t.one(`select id, name from ${users} where id = $1`, [alice.id]);
  });
  show('db.tx (committed)', renamed);

  try {
    await storage.db.tx(async (t) => {
      await t.none(`update ${users} set name = $1 where id = $2`, ['Mallory', bob.id]);
      throw new Error('changed my mind');
    });
  } catch (err) {
    show('db.tx (callback threw)', err.message);
  }
  show('  row after rollback', await storage.db.one(`select name from ${users} where id = $1`, [bob.id]));
} catch (err) {
  console.error(`demo failed: ${err.code ? `[${err.code}] ` : ''}${err.message}`);
  process.exitCode = 1;
} finally {
  if (storage) {
    const dropped = await attempt('drop schema', () => storage.db.none(`drop schema "${schema}" cascade`));
    const closed = await attempt('close', () => storage.close());
    // Say only what really happened.
    const done = [dropped ? `dropped schema ${schema}` : `schema ${schema} NOT dropped`, closed ? 'closed the storage' : 'close failed'];
    console.log(`${dropped && closed ? 'cleaned up' : 'clean-up incomplete'}: ${done.join(', ')}`);
  }
  await attempt('stopping the database', () => database.stop());
}
