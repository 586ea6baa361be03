// Build logs (migration 0005): appendBuildLogs writes only the appended bytes (a chunk row),
// every read of a build returns the whole log byte for byte, getBuildLogs tails it by UTF-8
// byte offset, concurrent appenders keep every line in commit order, and logs written before
// 0005 read back unchanged.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, native, sideQuery, viaPgBouncer } from './helpers';
import { makeDeployment, qualified, rejectsWith } from './runtime-fixtures';

afterAll(cleanupStorages);

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

async function newBuild(s: PostgresAdminStorage) {
  const { id: deploymentId } = await makeDeployment(s);
  return s.builds.enqueue(deploymentId, 'manual', 'u');
}

/** `logs` of one build through every read path (all must agree), and `getBuildLogs` of it. */
async function everyRead(s: PostgresAdminStorage, id: string): Promise<(string | null)[]> {
  const b = (await s.builds.getBuildById(id))!;
  const flat = (await s.getBuild(id))!;
  const listed = (await s.builds.listBuilds(b.deploymentId)).find((x) => x.id === id)!;
  const page = (await s.listBuildsForDeployment(b.deploymentId, { perPage: 100 })).data.find((x) => x.id === id)!;
  const generic = (await s.adminDb.findById('admin_builds', id)) as { logs: string };
  const found = (await s.adminDb.findBy('admin_builds', { id })) as { logs: string }[];
  const tail = (await s.builds.getBuildLogs(id))!;
  expect(tail).toEqual({ logs: b.logs ?? '', nextOffset: bytes(b.logs ?? '') });
  return [b.logs, flat.logs, listed.logs, page.logs, generic.logs, found[0].logs];
}

// Both statement modes: prepared (default) and PgBouncer's simple protocol with inline values
// (`pgbouncer: true` also works straight against PostgreSQL).
describe.each([
  { mode: 'default', opts: {} },
  { mode: 'pgbouncer: true', opts: { pgbouncer: true } },
])('build logs ($mode)', ({ opts }) => {
  let s: PostgresAdminStorage;
  beforeAll(async () => {
    s = createStorage({ max: 10, ...(viaPgBouncer() ? {} : opts) });
    await s.init();
  });

  it('8 concurrent writers × 50 lines: every line once, each writer in its own order, every read path identical', async () => {
    const b = await newBuild(s);
    const writers = 8;
    const lines = 50;
    const line = (w: number, i: number) => `[w${w} #${String(i).padStart(2, '0')}] ${'·'.repeat((w * 7 + i) % 23)}\n`;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < lines; i++) await s.appendBuildLogs(b.id, line(w, i));
      }),
    );
    const reads = await everyRead(s, b.id);
    for (const r of reads) expect(r).toBe(reads[0]);
    const logs = reads[0]!;
    const got = logs.split('\n').slice(0, -1).map((l) => `${l}\n`);
    expect(got).toHaveLength(writers * lines);
    expect(new Set(got).size).toBe(writers * lines);
    for (let w = 0; w < writers; w++) {
      expect(got.filter((l) => l.startsWith(`[w${w} `))).toEqual(Array.from({ length: lines }, (_, i) => line(w, i)));
    }
    expect(bytes(logs)).toBe((await s.builds.getBuildLogs(b.id))!.nextOffset);
  });

  it('a tailer polling getBuildLogs while 8 writers append reassembles the final log byte for byte', async () => {
    const b = await newBuild(s);
    let done = false;
    let tailed = '';
    let offset = 0;
    let polls = 0;
    const tailer = (async () => {
      for (;;) {
        const finished = done; // read before the call: the last poll sees every append
        const part = (await s.builds.getBuildLogs(b.id, { afterOffset: offset }))!;
        expect(part.nextOffset).toBe(offset + bytes(part.logs));
        tailed += part.logs;
        offset = part.nextOffset;
        polls += 1;
        if (finished) return;
      }
    })();
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 50; i++) await s.builds.appendBuildLogs(b.id, `w${w}-${i} ✓\n`);
      }),
    );
    done = true;
    await tailer;
    expect(polls).toBeGreaterThan(1);
    expect(tailed).toBe((await s.builds.getBuildById(b.id))!.logs);
    expect(offset).toBe(bytes(tailed));
  });

  it('appends are ordered as they commit: a transaction holding an append keeps its place before later appenders', async () => {
    const b = await newBuild(s);
    await s.appendBuildLogs(b.id, 'first\n');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appendedInTx!: () => void;
    const inTx = new Promise<void>((r) => (appendedInTx = r));
    const tx = s.db.tx(async (t) => {
      const builds = new (native().BuildsPG)({ client: t });
      await builds.appendBuildLogs(b.id, 'in transaction\n');
      appendedInTx();
      await gate; // holds the build's row lock until commit
      await builds.appendBuildLogs(b.id, 'in transaction, again\n');
    });
    await inTx;
    const outside = s.appendBuildLogs(b.id, 'after the transaction\n'); // waits for the commit
    await new Promise((r) => setTimeout(r, 100));
    // Not committed yet: readers see only the first line.
    expect((await s.getBuild(b.id))!.logs).toBe('first\n');
    release();
    await Promise.all([tx, outside]);
    expect((await s.getBuild(b.id))!.logs).toBe('first\nin transaction\nin transaction, again\nafter the transaction\n');
  });

  it('a rolled-back append leaves nothing behind', async () => {
    const b = await newBuild(s);
    await s.appendBuildLogs(b.id, 'kept\n');
    await expect(
      s.db.tx(async (t) => {
        await new (native().BuildsPG)({ client: t }).appendBuildLogs(b.id, 'rolled back\n');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await s.appendBuildLogs(b.id, 'next\n');
    expect((await s.getBuild(b.id))!.logs).toBe('kept\nnext\n');
    expect((await s.builds.getBuildLogs(b.id))!.nextOffset).toBe(bytes('kept\nnext\n'));
  });

  it('multibyte text reads back byte for byte; offsets count UTF-8 bytes; an offset inside a character starts at the next one', async () => {
    const b = await newBuild(s);
    const parts = ['héllo ', '日本語 ', '🚀 launch\n', 'Ω', '', 'ß\u00a0end\n'];
    for (const p of parts) await s.appendBuildLogs(b.id, p);
    const whole = parts.join('');
    for (const r of await everyRead(s, b.id)) expect(r).toBe(whole);
    const all = (await s.builds.getBuildLogs(b.id))!;
    expect(all).toEqual({ logs: whole, nextOffset: bytes(whole) });
    // Every offset at a character boundary gives exactly the bytes after it.
    const buf = Buffer.from(whole, 'utf8');
    for (let at = 0; at <= buf.length; at++) {
      const part = (await s.builds.getBuildLogs(b.id, { afterOffset: at }))!;
      expect(part.nextOffset).toBe(buf.length);
      const boundary = at === buf.length || (buf[at] & 0xc0) !== 0x80;
      let next = at;
      while (next < buf.length && (buf[next] & 0xc0) === 0x80) next++;
      expect(part.logs).toBe(buf.subarray(next).toString('utf8'));
      if (boundary) expect(bytes(part.logs)).toBe(buf.length - at);
    }
    // The rocket: 4 bytes in UTF-8, 2 UTF-16 units in JS.
    const rocket = bytes('héllo 日本語 ');
    expect((await s.builds.getBuildLogs(b.id, { afterOffset: rocket + 1 }))!.logs).toBe(' launch\nΩß\u00a0end\n');
  });

  it('getBuildLogs tails: nextOffset round-trips, nothing new reads "", past the end reads "" at the end', async () => {
    const b = await newBuild(s);
    expect(await s.builds.getBuildLogs(b.id)).toEqual({ logs: '', nextOffset: 0 });
    await s.appendBuildLogs(b.id, 'one\n');
    const a = (await s.builds.getBuildLogs(b.id, {}))!;
    expect(a).toEqual({ logs: 'one\n', nextOffset: 4 });
    expect(await s.builds.getBuildLogs(b.id, { afterOffset: a.nextOffset })).toEqual({ logs: '', nextOffset: 4 });
    await s.appendBuildLogs(b.id, 'two\n');
    await s.appendBuildLogs(b.id, 'three\n');
    expect(await s.builds.getBuildLogs(b.id, { afterOffset: a.nextOffset })).toEqual({ logs: 'two\nthree\n', nextOffset: 14 });
    expect(await s.builds.getBuildLogs(b.id, { afterOffset: 6 })).toEqual({ logs: 'o\nthree\n', nextOffset: 14 });
    expect(await s.builds.getBuildLogs(b.id, { afterOffset: 1000 })).toEqual({ logs: '', nextOffset: 14 });
    expect(await s.builds.getBuildLogs(b.id, { afterOffset: undefined })).toEqual({ logs: 'one\ntwo\nthree\n', nextOffset: 14 });
    expect(await s.builds.getBuildLogs(b.id, null as never)).toEqual({ logs: 'one\ntwo\nthree\n', nextOffset: 14 });
  });

  it('getBuildLogs: a missing or malformed id is null, like getBuildById; bad options reject with ERR_ADMIN_PG_INVALID_ARGUMENT', async () => {
    const b = await newBuild(s);
    expect(await s.builds.getBuildLogs(randomUUID())).toBeNull();
    expect(await s.builds.getBuildLogs('not-a-uuid')).toBeNull();
    for (const bad of [-1, 1.5, Number.NaN, Infinity, '3', true]) {
      await rejectsWith(s.builds.getBuildLogs(b.id, { afterOffset: bad as never }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    }
    await rejectsWith(s.builds.getBuildLogs(b.id, 5 as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.builds.getBuildLogs(42 as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('writing logs itself replaces the whole log (chunks go); a spread build written back keeps it; NULL then append reads the append', async () => {
    const b = await newBuild(s);
    await s.appendBuildLogs(b.id, 'a\n');
    await s.appendBuildLogs(b.id, 'b\n');
    const current = (await s.builds.getBuildById(b.id))!;
    // Callers spread whole entities back into updates: the log stays what they read.
    const spread = (await s.builds.updateBuild(b.id, { ...current, commitMessage: 'm' }))!;
    expect(spread.logs).toBe('a\nb\n');
    await s.appendBuildLogs(b.id, 'c\n');
    expect((await s.getBuild(b.id))!.logs).toBe('a\nb\nc\n');
    expect((await s.updateBuild(b.id, { logs: 'replaced\n' })).logs).toBe('replaced\n');
    expect((await s.getBuild(b.id))!.logs).toBe('replaced\n');
    await s.appendBuildLogs(b.id, 'then\n');
    expect(await s.builds.getBuildLogs(b.id, { afterOffset: 9 })).toEqual({ logs: 'then\n', nextOffset: 14 });
    await s.adminDb.update('admin_builds', b.id, { logs: null });
    expect((await s.getBuild(b.id))!.logs).toBeNull();
    expect(await s.builds.getBuildLogs(b.id)).toEqual({ logs: '', nextOffset: 0 });
    await s.appendBuildLogs(b.id, '');
    expect((await s.getBuild(b.id))!.logs).toBe(''); // COALESCE(NULL, '') || '', as before
    await s.appendBuildLogs(b.id, 'after null');
    expect((await s.getBuild(b.id))!.logs).toBe('after null');
    // Raw SQL writing the column replaces the log too.
    await s.db.none(`update ${qualified(s, 'admin_builds')} set logs = 'raw' where id = $1`, [b.id]);
    expect((await s.getBuild(b.id))!.logs).toBe('raw');
    const [{ n }] = await sideQuery(`select count(*)::int as n from ${qualified(s, 'admin_build_log_chunks')} where build_id = $1`, [b.id]);
    expect(n).toBe(0);
  });

  it('every way of returning a build carries the whole log: updateBuildStatus, setBuildError, heartbeat, dequeue, listQueuedBuilds', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.appendBuildLogs(b.id, 'queued and logging\n');
    expect((await s.listQueuedBuilds()).find((x) => x.id === b.id)?.logs).toBe('queued and logging\n');
    const updated = (await s.builds.updateBuildStatus(b.id, 'queued'))!;
    expect(updated.logs).toBe('queued and logging\n');
    expect(Object.keys(updated)).not.toContain('logChunkBytes');
    // Claim it (inside a transaction, so other tests' queued builds are left alone).
    const claimed = await s.db.tx(async (t) => {
      const builds = new (native().BuildsPG)({ client: t });
      for (;;) {
        const c = await builds.dequeue({ workerId: 'w1' });
        if (!c || c.id === b.id) return c;
      }
    });
    expect(claimed?.logs).toBe('queued and logging\n');
    expect((await s.builds.heartbeatBuild(b.id, 'w1', 60_000))?.logs).toBe('queued and logging\n');
    expect((await s.builds.setBuildError(b.id, 'boom'))?.logs).toBe('queued and logging\n');
    const keys = Object.keys((await s.getBuild(b.id))!);
    expect(keys).not.toContain('logChunkBytes');
    expect(keys.sort()).toEqual(Object.keys(b).sort());
  });

  it('AdminPgDB filters and orders on the whole log; deleting a build deletes its chunks', async () => {
    const b = await newBuild(s);
    const marker = `needle-${randomUUID()}`;
    await s.appendBuildLogs(b.id, `start\n${marker}\n`);
    expect(((await s.adminDb.findBy('admin_builds', { logs: { like: `%${marker}%` } })) as { id: string }[]).map((r) => r.id)).toEqual([b.id]);
    expect(await s.adminDb.count('admin_builds', { logs: { like: `%${marker}%` } })).toBe(1);
    expect(((await s.adminDb.findBy('admin_builds', { id: b.id }, { orderBy: 'logs desc' })) as unknown[]).length).toBe(1);
    expect(await s.builds.deleteBuild(b.id)).toBe(true);
    const [{ n }] = await sideQuery(`select count(*)::int as n from ${qualified(s, 'admin_build_log_chunks')} where build_id = $1`, [b.id]);
    expect(n).toBe(0);
    expect(await s.builds.getBuildLogs(b.id)).toBeNull();
  });

  it('an append writes only its bytes: the TOASTed logs column is not rewritten, however long the log', async () => {
    const b = await newBuild(s);
    const base = randomBytes(512 * 1024).toString('hex'); // 1 MiB that does not compress
    await s.updateBuild(b.id, { logs: base });
    const toast = async () =>
      Number(
        (
          await sideQuery(
            `select pg_relation_size(reltoastrelid) as n from pg_class where oid = '${qualified(s, 'admin_builds')}'::regclass`,
          )
        )[0].n,
      );
    const before = await toast();
    expect(before).toBeGreaterThanOrEqual(1024 * 1024);
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}\n`);
    for (const l of lines) await s.appendBuildLogs(b.id, l);
    // The old `logs || $2` wrote a new 1 MiB value per append (+20 MiB here).
    expect(await toast()).toBe(before);
    expect((await s.getBuild(b.id))!.logs).toBe(base + lines.join(''));
    expect((await s.builds.getBuildLogs(b.id, { afterOffset: bytes(base) }))!.logs).toBe(lines.join(''));
  });
});

describe('logs written before migration 0005', () => {
  it('a schema at version 4 with logs in the column (written by the old append) reads back identical after init; appends then follow them', async () => {
    // Make a schema, then take it back to its version-4 state (as an older release left it).
    const setup = createStorage();
    await setup.init();
    const schema = setup.schemaName;
    await setup.close();
    const q = `"${schema}"`;
    await sideQuery(`drop table ${q}.admin_build_log_chunks`);
    await sideQuery(`drop trigger admin_builds_logs_replaced on ${q}.admin_builds`);
    await sideQuery(`drop function ${q}.admin_builds_logs_replaced()`);
    await sideQuery(`alter table ${q}.admin_builds drop column log_chunk_bytes`);
    await sideQuery(`delete from ${q}.admin_pg_native_migrations where version = 5`);

    const teamId = randomUUID();
    const projectId = randomUUID();
    const deploymentId = randomUUID();
    await sideQuery(`insert into ${q}.admin_teams (id, name, slug) values ($1, 'T', $2)`, [teamId, `t-${teamId}`]);
    await sideQuery(
      `insert into ${q}.admin_projects (id, team_id, name, slug, source_type, source_config) values ($1, $2, 'P', $3, 'local', '{}')`,
      [projectId, teamId, `p-${projectId}`],
    );
    await sideQuery(`insert into ${q}.admin_deployments (id, project_id, type, branch, slug) values ($1, $2, 'preview', 'b', 'b')`, [
      deploymentId,
      projectId,
    ]);
    const ids = { big: randomUUID(), empty: randomUUID(), nul: randomUUID(), small: randomUUID() };
    for (const id of Object.values(ids)) {
      await sideQuery(`insert into ${q}.admin_builds (id, deployment_id, trigger, triggered_by) values ($1, $2, 'manual', 'me')`, [id, deploymentId]);
    }
    await sideQuery(`update ${q}.admin_builds set logs = null where id = $1`, [ids.nul]);
    // The pre-0005 statement, exactly as the old appendBuildLogs ran it.
    const old = `update ${q}.admin_builds set logs = coalesce(logs, '') || $2 where id = $1`;
    const legacy: string[] = [];
    for (let i = 0; i < 300; i++) {
      const l = `${i} ${'日志🚀é'.repeat(i % 40)} ${'x'.repeat(900)}\n`;
      legacy.push(l);
      await sideQuery(old, [ids.big, l]);
    }
    await sideQuery(old, [ids.small, 'legacy line\n']);
    const legacyText = legacy.join('');
    const raw = await sideQuery<{ id: string; logs: string | null }>(`select id, logs from ${q}.admin_builds`);

    const s = createStorage({ schemaName: schema });
    await s.init();
    expect(await s.migrationStatus()).toMatchObject({ pending: [] });
    const expected: Record<string, string | null> = { big: legacyText, empty: '', nul: null, small: 'legacy line\n' };
    for (const [k, id] of Object.entries(ids)) {
      expect(raw.find((r) => r.id === id)!.logs).toBe(expected[k]);
      for (const r of await everyRead(s, id)) expect(r).toBe(expected[k]);
    }
    // The column itself was not rewritten by the migration.
    expect(await sideQuery<{ id: string; logs: string | null }>(`select id, logs from ${q}.admin_builds`)).toEqual(raw);

    // Appends go after the legacy text; tailing crosses from the column into the chunks.
    await s.appendBuildLogs(ids.big, 'new 1 ✓\n');
    await s.appendBuildLogs(ids.big, 'new 2 ✓\n');
    const full = legacyText + 'new 1 ✓\nnew 2 ✓\n';
    for (const r of await everyRead(s, ids.big)) expect(r).toBe(full);
    const legacyBytes = bytes(legacyText);
    expect(await s.builds.getBuildLogs(ids.big, { afterOffset: legacyBytes })).toEqual({ logs: 'new 1 ✓\nnew 2 ✓\n', nextOffset: bytes(full) });
    const tail = (await s.builds.getBuildLogs(ids.big, { afterOffset: legacyBytes - 10 }))!;
    expect(tail.logs).toBe(legacyText.slice(-10) + 'new 1 ✓\nnew 2 ✓\n');
    await s.appendBuildLogs(ids.nul, 'first');
    expect((await s.getBuild(ids.nul))!.logs).toBe('first');
  });
});
