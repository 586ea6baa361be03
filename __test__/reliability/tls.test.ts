// Item 9: TLS against a server with a certificate the test makes (openssl CLI): our own CA, and
// a server certificate for localhost / 127.0.0.1. sqlx verifies with rustls (webpki): names are
// checked against the subjectAltName only (a CN-only certificate is not valid for any name).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addon, codeOf, figure, settle, startEmbeddedPostgres, type EmbeddedServer } from './support';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-tls-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

/** A CA (key + self-signed certificate). */
function makeCa(name: string) {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

/** A server certificate signed by `ca`, with the given extensions (SAN or none). */
function makeLeaf(name: string, ca: string, cn: string, extensions: string[]) {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  fs.writeFileSync(path.join(dir, `${name}.ext`), [
    'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', ...extensions,
  ].join('\n'));
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`);
}

let server: EmbeddedServer;
let ca: string;
let otherCa: string;

beforeAll(async () => {
  makeCa('ca');
  makeCa('other-ca');
  makeLeaf('server', 'ca', 'localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1']);
  makeLeaf('cn-only', 'ca', 'localhost', []);
  ca = read('ca.crt');
  otherCa = read('other-ca.crt');
  server = await startEmbeddedPostgres({
    tls: { cert: read('server.crt'), key: read('server.key') },
    // A second loopback address that is not in the certificate (for the name check).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1,127.0.0.2'],
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function storageWith(ssl: unknown, host = '127.0.0.1') {
  const { PostgresAdminStorage } = addon();
  return new PostgresAdminStorage({
    host,
    port: server.port,
    database: 'test',
    user: server.user,
    password: server.password,
    ssl,
    connectionTimeoutMillis: 5000,
  } as never);
}

/** Whether our own connection is encrypted (asked of the server). */
async function encrypted(ssl: unknown, host?: string): Promise<boolean> {
  const storage = storageWith(ssl, host);
  try {
    const row = await storage.db.one<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
    return row.ssl;
  } finally {
    await storage.close();
  }
}

async function failure(ssl: unknown, host?: string) {
  const storage = storageWith(ssl, host);
  const r = await settle(storage.db.one('select 1'), 10_000);
  await storage.close();
  expect(r.status).toBe('rejected');
  const error = (r as { error: any }).error;
  return { code: codeOf(error), message: String(error.message), ms: r.ms };
}

describe('TLS', () => {
  it('without ssl the connection is plain (the server also accepts TLS)', async () => {
    expect(await encrypted(undefined)).toBe(false);
  });

  it('ssl: true encrypts without verifying the certificate (like node-postgres)', async () => {
    expect(await encrypted(true)).toBe(true);
  });

  it('ssl: { ca } encrypts and checks the chain against that CA', async () => {
    expect(await encrypted({ ca })).toBe(true);
    expect(await encrypted({ ca: Buffer.from(ca) })).toBe(true);
  });

  it('ssl: { ca, rejectUnauthorized: true } also checks the name: 127.0.0.1 (IP SAN) and localhost (DNS SAN) pass', async () => {
    expect(await encrypted({ ca, rejectUnauthorized: true }, '127.0.0.1')).toBe(true);
    expect(await encrypted({ ca, rejectUnauthorized: true }, 'localhost')).toBe(true);
  });

  it('ssl: { rejectUnauthorized: true } without the CA fails fast with ERR_ADMIN_PG_CONNECTION naming the certificate problem', async () => {
    const f = await failure({ rejectUnauthorized: true });
    expect(f.code).toBe('ERR_ADMIN_PG_CONNECTION');
    expect(f.message).toMatch(/TLS/);
    expect(f.message).toMatch(/certificate/i);
    expect(f.message).toContain(`127.0.0.1:${server.port}`);
    expect(f.ms).toBeLessThan(3000);
    figure('TLS without the CA', f);
  });

  it('a certificate from another CA fails, with or without the name check', async () => {
    for (const ssl of [{ ca: otherCa, rejectUnauthorized: true }, { ca: otherCa }]) {
      const f = await failure(ssl);
      expect(f.code).toBe('ERR_ADMIN_PG_CONNECTION');
      expect(f.message).toMatch(/certificate/i);
    }
  });

  it('a host name that is not in the certificate fails the name check, but passes the CA-only check', async () => {
    const f = await failure({ ca, rejectUnauthorized: true }, '127.0.0.2');
    expect(f.code).toBe('ERR_ADMIN_PG_CONNECTION');
    expect(f.message).toMatch(/certificate/i);
    expect(await encrypted({ ca }, '127.0.0.2')).toBe(true);
    figure('TLS name mismatch', f);
  });

  it('ssl: { rejectUnauthorized: false } accepts any certificate', async () => {
    expect(await encrypted({ rejectUnauthorized: false })).toBe(true);
    expect(await encrypted({ rejectUnauthorized: false, ca: otherCa })).toBe(true);
  });

  it('a connection string with sslmode=require / verify-full works', async () => {
    const { PostgresAdminStorage } = addon();
    const base = `postgres://${server.user}:${encodeURIComponent(server.password)}@localhost:${server.port}/test`;
    for (const query of ['sslmode=require', `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(dir, 'ca.crt'))}`]) {
      const storage = new PostgresAdminStorage({ connectionString: `${base}?${query}` });
      expect(await storage.db.one('select ssl from pg_stat_ssl where pid = pg_backend_pid()')).toEqual({ ssl: true });
      await storage.close();
    }
  });

  it('rustls checks names against subjectAltName only: a CN-only certificate fails the name check (CA-only check passes)', async () => {
    const certDir = path.dirname(server.dataDir);
    fs.writeFileSync(path.join(certDir, 'server.crt'), read('cn-only.crt'));
    fs.writeFileSync(path.join(certDir, 'server.key'), read('cn-only.key'));
    await server.restart('fast');
    try {
      const f = await failure({ ca, rejectUnauthorized: true }, 'localhost');
      expect(f.code).toBe('ERR_ADMIN_PG_CONNECTION');
      figure('TLS CN-only certificate, verify-full', f);
      expect(await encrypted({ ca }, 'localhost')).toBe(true);
    } finally {
      fs.writeFileSync(path.join(certDir, 'server.crt'), read('server.crt'));
      fs.writeFileSync(path.join(certDir, 'server.key'), read('server.key'));
      await server.restart('fast');
    }
  });
});
