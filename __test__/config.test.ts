// Proves CONTRACT §1 (config): every config variant connects, defaults apply, and every bad
// config throws synchronously with ERR_ADMIN_PG_CONFIG naming the field, never leaking secrets.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupStorages, createStorage, databaseUrl, native, randomSchema, rejection, thrown } from './helpers';

const { PostgresAdminStorage } = native();
type Config = ConstructorParameters<typeof PostgresAdminStorage>[0];

afterAll(cleanupStorages);

/** The DATABASE_URL split into the `{ host, port, database, user, password }` variant. */
function hostConfig(): { host: string; port: number; database: string; user: string; password?: string } {
  const u = new URL(databaseUrl());
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
    ...(password !== undefined ? { password } : {}),
  };
}

/** Constructs with `config`, expecting a synchronous ERR_ADMIN_PG_CONFIG; returns its message. */
function configError(config: unknown): string {
  const err = thrown(() => new PostgresAdminStorage(config as Config));
  expect(err).toBeInstanceOf(Error);
  expect(err.code).toBe('ERR_ADMIN_PG_CONFIG');
  return err.message;
}

describe('config variants', () => {
  it('{ connectionString } connects and answers a query', async () => {
    const s = createStorage({ connectionString: databaseUrl() });
    expect(await s.db.one('select 1 as one')).toEqual({ one: 1 });
  });

  it('{ host, port, database, user, password? } (from DATABASE_URL) connects and answers a query', async () => {
    const s = createStorage(hostConfig());
    expect(await s.db.one('select current_database() as db, current_user as usr')).toEqual({
      db: hostConfig().database,
      usr: hostConfig().user,
    });
  });

  it('{ host, database, user } without a port uses 5432 semantics (port is optional)', () => {
    const { host, database, user } = hostConfig();
    expect(() => new PostgresAdminStorage({ host, database, user, schemaName: randomSchema() })).not.toThrow();
  });

  it('{ pool } with a real pg.Pool: rawPool is that same object, queries work, close() leaves the pool usable', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
    try {
      const s = createStorage({ pool });
      expect(s.rawPool).toBe(pool);
      expect(await s.db.one('select 2 as two')).toEqual({ two: 2 });
      await s.close();
      const { rows } = await pool.query('select 3 as three');
      expect(rows).toEqual([{ three: 3 }]);
      expect((await rejection(s.db.one('select 1'))).code).toBe('ERR_ADMIN_PG_CLOSED');
    } finally {
      await pool.end();
    }
  });

  it('{ pool } built from host options (no connectionString) also works', async () => {
    const pool = new pg.Pool({ ...hostConfig(), max: 1 });
    try {
      const s = createStorage({ pool });
      expect(s.rawPool).toBe(pool);
      expect(await s.db.one('select 4 as four')).toEqual({ four: 4 });
    } finally {
      await pool.end();
    }
  });

  it('rawPool without a { pool } config: a real pg.Pool on the same settings, made on first access, ended by close()', async () => {
    const s = createStorage();
    const raw = s.rawPool;
    expect(raw).toBeInstanceOf(pg.Pool);
    expect(s.rawPool).toBe(raw);
    const r = await raw!.query('select current_database() as db');
    expect(r.rows[0].db).toBe(new URL(databaseUrl()).pathname.slice(1));
    await s.close();
    expect((raw as pg.Pool & { ended: boolean }).ended).toBe(true);
  });

  it('schemaName defaults to mastra_admin (nothing is created by the constructor)', () => {
    const s = new PostgresAdminStorage({ connectionString: databaseUrl() });
    expect(s.schemaName).toBe('mastra_admin');
    expect(s.type).toBe('postgres');
  });

  it('a given schemaName is kept as is', () => {
    const name = randomSchema('cfg');
    expect(createStorage({ schemaName: name }).schemaName).toBe(name);
    expect(createStorage({ schemaName: 'Mixed_Case_1' }).schemaName).toBe('Mixed_Case_1');
  });

  it('pool tuning options are accepted (max, timeouts, statementTimeoutMillis, applicationName)', async () => {
    const s = createStorage({
      max: 3,
      idleTimeoutMillis: 1000,
      connectionTimeoutMillis: 5000,
      statementTimeoutMillis: 1234,
      applicationName: 'admin-pg-config-test',
    });
    const row = await s.db.one(
      "select current_setting('statement_timeout') as st, current_setting('application_name') as app",
    );
    expect(row).toEqual({ st: '1234ms', app: 'admin-pg-config-test' });
  });

  it('statementTimeoutMillis cancels a long statement with ERR_ADMIN_PG_TIMEOUT', async () => {
    const s = createStorage({ statementTimeoutMillis: 100 });
    const err = await rejection(s.db.none('select pg_sleep(2)'));
    expect(err.code).toBe('ERR_ADMIN_PG_TIMEOUT');
    expect(err.pgCode).toBe('57014');
  });

  it('ssl: false and ssl: true are accepted by the constructor', () => {
    expect(() => new PostgresAdminStorage({ connectionString: databaseUrl(), ssl: false })).not.toThrow();
    expect(() => new PostgresAdminStorage({ ...hostConfig(), ssl: true })).not.toThrow();
    expect(() => new PostgresAdminStorage({ ...hostConfig(), ssl: { rejectUnauthorized: false } })).not.toThrow();
  });
});

describe('bad configs throw synchronously with ERR_ADMIN_PG_CONFIG naming the field', () => {
  const url = () => databaseUrl();

  it('undefined config', () => {
    expect(configError(undefined)).toMatch(/config/);
  });

  it('no variant at all', () => {
    expect(configError({})).toMatch(/connectionString|host|pool/);
    expect(configError({ schemaName: 'x' })).toMatch(/connectionString|host|pool/);
  });

  it('non-object configs', () => {
    expect(configError('postgres://x@y/z')).toMatch(/config/);
    expect(configError(null)).toMatch(/config/);
  });

  it.each(['a-b', 'x"; drop', '1abc', '', 'a b', 'x'.repeat(64)])('schemaName %j', (schemaName) => {
    expect(configError({ connectionString: url(), schemaName })).toMatch(/schemaName/);
  });

  it('schemaName of the wrong type', () => {
    expect(configError({ connectionString: url(), schemaName: 42 })).toMatch(/schemaName/);
  });

  it('empty connectionString', () => {
    expect(configError({ connectionString: '' })).toMatch(/connectionString/);
    expect(configError({ connectionString: '   ' })).toMatch(/connectionString/);
  });

  it('connectionString of the wrong type', () => {
    expect(configError({ connectionString: 5 })).toMatch(/connectionString/);
  });

  it('non-postgres URL', () => {
    expect(configError({ connectionString: 'mysql://u:p@localhost/db' })).toMatch(/connectionString/);
    expect(configError({ connectionString: 'not a url' })).toMatch(/connectionString/);
  });

  it.each([0, -1, 'abc', 65536, 1.5, Number.NaN])('port %j', (port) => {
    expect(configError({ ...hostConfig(), port })).toMatch(/port/);
  });

  it('missing database', () => {
    const { database: _omit, ...rest } = hostConfig();
    expect(configError(rest)).toMatch(/database/);
    expect(configError({ ...rest, database: '' })).toMatch(/database/);
  });

  it('empty host', () => {
    expect(configError({ ...hostConfig(), host: '' })).toMatch(/host/);
  });

  it('password of the wrong type', () => {
    expect(configError({ ...hostConfig(), password: 1234 })).toMatch(/password/);
  });

  it.each([42, 'yes', [true]])('ssl of the wrong type: %j', (ssl) => {
    expect(configError({ connectionString: url(), ssl })).toMatch(/ssl/);
    expect(configError({ ...hostConfig(), ssl })).toMatch(/ssl/);
  });

  it('ssl object with a wrong-typed field', () => {
    expect(configError({ ...hostConfig(), ssl: { rejectUnauthorized: 'no' } })).toMatch(/rejectUnauthorized/);
    expect(configError({ ...hostConfig(), ssl: { ca: 5 } })).toMatch(/ca/);
  });

  it.each([0, -5, 2.5, 'ten'])('max %j', (max) => {
    expect(configError({ connectionString: url(), max })).toMatch(/max/);
  });

  it.each([
    ['idleTimeoutMillis', -1],
    ['connectionTimeoutMillis', 'soon'],
    ['statementTimeoutMillis', -10],
  ])('%s %j', (field, value) => {
    expect(configError({ connectionString: url(), [field]: value })).toMatch(new RegExp(field));
  });

  it.each(['disableInit', 'skipDefaultIndexes'])('%s of the wrong type', (field) => {
    expect(configError({ connectionString: url(), [field]: 'yes' })).toMatch(new RegExp(field));
  });

  it('pool that is not a pg.Pool', () => {
    expect(configError({ pool: 42 })).toMatch(/pool/);
    expect(configError({ pool: 'postgres://x@y/z' })).toMatch(/pool/);
  });
});

describe('secrets never appear in errors', () => {
  const password = 'S3cr3t-Pa55word-xyz';

  it('a bad connectionString holding a password is not echoed', () => {
    const bad = `mysql://admin:${password}@db.example.com:3306/app`;
    const msg = configError({ connectionString: bad });
    expect(msg).not.toContain(password);
    expect(msg).not.toContain(bad);
  });

  it('an unparsable postgres URL holding a password is not echoed', () => {
    const bad = `postgres://admin:${password}@db.example.com:notaport/app`;
    const msg = configError({ connectionString: bad });
    expect(msg).not.toContain(password);
    expect(msg).not.toContain(bad);
  });

  it('a connection failure (nothing listening) names host:port but not the password or the URL', async () => {
    const bad = `postgres://admin:${password}@127.0.0.1:1/app`;
    const s = createStorage({ connectionString: bad, connectionTimeoutMillis: 3000 });
    const err = await rejection(s.db.one('select 1'));
    expect(err.code).toBe('ERR_ADMIN_PG_CONNECTION');
    expect(err.message).toContain('127.0.0.1:1');
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(password);
    expect(err.message).not.toContain(bad);
  });

  it('a wrong password (or, on a trust-auth server, a missing database) fails without leaking the password', async () => {
    const u = new URL(databaseUrl());
    u.password = password;
    // Under `trust` authentication the password is not checked: the missing database makes the
    // connection fail either way.
    u.pathname = '/no_such_database_admin_pg';
    const s = createStorage({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
    const err = await rejection(s.db.one('select 1'));
    expect(err.code).toBe('ERR_ADMIN_PG_CONNECTION');
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(password);
    expect(err.message).not.toContain(u.toString());
  });

  it('the host variant with a password: connection errors do not contain it', async () => {
    const s = createStorage({ host: '127.0.0.1', port: 1, database: 'x', user: 'u', password, connectionTimeoutMillis: 3000 });
    const err = await rejection(s.db.one('select 1'));
    expect(err.code).toBe('ERR_ADMIN_PG_CONNECTION');
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(password);
  });
});
