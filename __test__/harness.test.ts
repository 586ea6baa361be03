// Proves the test harness itself: the provided database answers and the helpers behave.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseUrl, dropSchema, pgClient, randomSchema, runNode } from './helpers';

describe('test harness', () => {
  it('provides a database URL that answers `select 1`', async () => {
    expect(databaseUrl()).toMatch(/^postgres(ql)?:\/\//);
    const client = await pgClient();
    try {
      const { rows } = await client.query('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('randomSchema gives distinct, valid lowercase identifiers', () => {
    const names = Array.from({ length: 200 }, () => randomSchema());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(name.length).toBeLessThanOrEqual(63); // PostgreSQL's identifier limit
    }
    expect(randomSchema('users')).toMatch(/^users_/);
    expect(() => randomSchema('Bad-Prefix')).toThrow();
  });

  it('a random schema can be created and dropped', async () => {
    const schema = randomSchema('harness');
    const client = await pgClient();
    try {
      await client.query(`create schema ${schema}`);
      await dropSchema(schema);
      const { rowCount } = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
      expect(rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('runNode runs a script in a child process with DATABASE_URL set', async () => {
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harness-')), 'child.js');
    fs.writeFileSync(script, 'console.log(process.env.DATABASE_URL); console.error(process.argv[2]); process.exit(7);');
    const { code, stdout, stderr } = await runNode(script, ['hello']);
    fs.rmSync(path.dirname(script), { recursive: true, force: true });
    expect({ code, stdout: stdout.trim(), stderr: stderr.trim() }).toEqual({ code: 7, stdout: databaseUrl(), stderr: 'hello' });
  });
});
