// Read replicas, against a real primary + streaming hot standby (scripts/replica-pair.mjs):
// reads are served by the standby, writes / transactions / dequeue by the primary,
// read-your-writes (per storage and per call with `storage.primary`), a lagging standby is
// skipped, and stopping the standby under load loses no call.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage, User } from '../index.js';
import { cleanupStorages, createStorage, native, thrown } from './helpers';
import { makeDeployment } from './runtime-fixtures';
// @ts-ignore -- a plain .mjs shared with manual runs (no .d.ts); typed just below
import { startReplicaPair as startUntyped } from '../scripts/replica-pair.mjs';

type Pair = {
  primaryUrl: string;
  replicaUrl: string;
  replicaPort: number;
  stopReplica: (mode?: 'fast' | 'immediate') => Promise<void>;
  startReplica: () => Promise<void>;
  waitForReplay: () => Promise<void>;
  pauseReplay: () => Promise<void>;
  resumeReplay: () => Promise<void>;
  stop: () => void;
};
const startReplicaPair: () => Promise<Pair> = startUntyped;

let pair: Pair;
beforeAll(async () => {
  pair = await startReplicaPair();
}, 120_000);
afterAll(async () => {
  await cleanupStorages();
  pair?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const email = () => `r.${Date.now().toString(36)}.${++n}@example.com`;

/** A storage on the pair's primary with the standby as its read replica, initialised. */
async function replicated(opts: Record<string, unknown> = {}): Promise<PostgresAdminStorage> {
  await pair.startReplica(); // a no-op unless a failed test left it stopped
  const s = createStorage({
    connectionString: pair.primaryUrl,
    readReplicas: [{ connectionString: pair.replicaUrl }],
    applicationName: 'replica-test',
    ...opts,
  });
  await s.init();
  await pair.waitForReplay(); // the schema exists on the standby too
  return s;
}

/** Does reads until the replica is usable (checks run in the background, triggered by reads). */
async function untilReplicaUsable(s: PostgresAdminStorage, probe: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (s.replicaStats.replicas[0].usable) return;
    await s.getUser(probe);
    await sleep(25);
  }
  throw new Error(`replica never became usable: ${JSON.stringify(s.replicaStats)}`);
}

/** Does reads until the replica is reported not usable. */
async function untilReplicaSkipped(s: PostgresAdminStorage, probe: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (!s.replicaStats.replicas[0].usable) return;
    await s.getUser(probe);
    await sleep(25);
  }
  throw new Error(`replica still usable: ${JSON.stringify(s.replicaStats)}`);
}

async function onServer<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('config', () => {
  const Storage = () => native().PostgresAdminStorage;

  it('readReplicas must be an array of connection configs; errors name the replica field', () => {
    const base = { connectionString: 'postgres://u@127.0.0.1:1/d' };
    const cases: [unknown, RegExp][] = [
      [{ connectionString: 'x' }, /readReplicas/],
      [[{ connectionString: 'mysql://u:hunter2@h/d' }], /readReplicas\[0\]\.connectionString/],
      [[{ host: 'h', database: 'd', port: 70000 }], /readReplicas\[0\]\.port/],
      [[{ database: 'd' }], /readReplicas\[0\] must have a connectionString or a host/],
      [['postgres://h/d'], /readReplicas\[0\] must be/],
      [[{ connectionString: 'postgres://h/d', max: 0 }], /readReplicas\[0\]\.max/],
    ];
    for (const [readReplicas, msg] of cases) {
      const err = thrown(() => new (Storage())({ ...base, readReplicas } as never));
      expect(err.code).toBe('ERR_ADMIN_PG_CONFIG');
      expect(err.message).toMatch(msg);
      expect(err.message).not.toContain('hunter2');
    }
    const bad = thrown(() => new (Storage())({ ...base, maxReplicaLagMs: -1 }));
    expect(bad.message).toMatch(/maxReplicaLagMs/);
    const ryw = thrown(() => new (Storage())({ ...base, readYourWrites: 'yes' } as never));
    expect(ryw.message).toMatch(/readYourWrites/);
  });

  it('a storage without replicas serves every read from the primary and reports no replica', async () => {
    const s = createStorage();
    await s.init();
    await s.getUser(randomUUID());
    expect(s.replicaStats).toMatchObject({ replicaReads: 0, fallbacks: 0, replicas: [] });
    expect(s.replicaStats.primaryReads).toBe(1);
  });
});

describe('routing', () => {
  it('reads are served by the standby: 100% of 200 reads, over its own connections', async () => {
    const s = await replicated();
    const u = await s.createUser({ id: randomUUID(), email: email(), name: 'R' });
    await pair.waitForReplay();
    await untilReplicaUsable(s, u.id);
    const before = s.replicaStats;
    const got = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? s.getUser(u.id) : s.users.listUsers({ limit: 5 }))),
    );
    expect(got.filter((g, i) => (i % 2 ? (g as User).id === u.id : Array.isArray(g))).length).toBe(200);
    const after = s.replicaStats;
    const replicaShare = (after.replicaReads - before.replicaReads) / 200;
    expect(replicaShare).toBe(1);
    expect(after.primaryReads - before.primaryReads).toBe(0);
    expect(after.replicas[0]).toMatchObject({ usable: true, down: false, lastError: null });
    expect(after.replicas[0].lagMs).toBeLessThan(10_000);
    // The standby really holds our connections (it is in recovery: a hot standby).
    const [row] = await onServer<{ n: string; rec: boolean }>(
      pair.replicaUrl,
      "select count(*) as n, pg_is_in_recovery() as rec from pg_stat_activity where application_name = 'replica-test'",
    );
    expect(row.rec).toBe(true);
    expect(Number(row.n)).toBeGreaterThan(0);
  });

  it('round robin over two replicas (a host config and a URL): sequential reads alternate', async () => {
    const s = await replicated({
      readReplicas: [
        { connectionString: pair.replicaUrl },
        { host: '127.0.0.1', port: pair.replicaPort, database: 'test', user: 'postgres' },
      ],
    });
    const u = await s.createUser({ email: email() });
    await pair.waitForReplay();
    for (let i = 0; i < 200 && !s.replicaStats.replicas.every((r) => r.usable); i++) {
      await s.getUser(u.id);
      await sleep(25);
    }
    const before = s.replicaStats.replicas.map((r) => r.reads);
    for (let i = 0; i < 40; i++) expect((await s.getUser(u.id))?.id).toBe(u.id);
    const after = s.replicaStats.replicas.map((r) => r.reads);
    expect(after.map((a, i) => a - before[i])).toEqual([20, 20]);
    expect(s.replicaStats.replicas[1].target).toContain(`127.0.0.1:${pair.replicaPort}`);
  });

  it('a small replica pool (max: 2) under 300 concurrent reads queues, never marks the replica down', async () => {
    const s = await replicated({
      readReplicas: [{ connectionString: pair.replicaUrl, max: 2 }],
      applicationName: 'replica-small',
    });
    const u = await s.createUser({ email: email() });
    await pair.waitForReplay();
    await untilReplicaUsable(s, u.id);
    const before = s.replicaStats;
    const got = await Promise.all(Array.from({ length: 300 }, () => s.getUser(u.id)));
    expect(got.every((g) => g?.id === u.id)).toBe(true);
    const after = s.replicaStats;
    expect(after.replicaReads - before.replicaReads).toBe(300);
    expect(after.replicas[0]).toMatchObject({ down: false, failures: 0 });
    const [row] = await onServer<{ n: string }>(
      pair.replicaUrl,
      "select count(*) as n from pg_stat_activity where application_name = 'replica-small'",
    );
    expect(Number(row.n)).toBeGreaterThan(0);
    expect(Number(row.n)).toBeLessThanOrEqual(3); // 2 pooled + the lag-check probe
  });

  it('a paused standby serves stale reads (proof reads go there); storage.primary reads the primary', async () => {
    const s = await replicated({ maxReplicaLagMs: 60_000 });
    const probe = await s.createUser({ email: email() });
    await pair.waitForReplay();
    await untilReplicaUsable(s, probe.id);
    await pair.pauseReplay();
    try {
      const u = await s.createUser({ id: randomUUID(), email: email() }); // a write: primary
      expect(await s.getUser(u.id)).toBeNull(); // the standby has not replayed it
      expect(await s.users.getUserById(u.id)).toBeNull();
      // Per call: storage.primary (and everything reached from it) reads the primary.
      expect((await s.primary.getUser(u.id))?.id).toBe(u.id);
      expect((await s.primary.users.getUserById(u.id))?.id).toBe(u.id);
      expect((await s.primary.getUserByEmail(u.email))?.id).toBe(u.id);
      // A write then a read in one call (flat update): all on the primary.
      const updated = await s.updateUser(u.id, { name: 'after' });
      expect(updated.name).toBe('after');
      // Transactions stay on the primary, reads inside them included.
      const inTx = await s.db.tx(async (t) => {
        const users = new (native().UsersPG)({ client: t });
        const v = await users.createUser({ email: email() });
        return users.getUserById(v.id);
      });
      expect(inTx).not.toBeNull();
      // Raw db calls go to the primary.
      expect(await s.db.one('select pg_is_in_recovery() as r')).toEqual({ r: false });
    } finally {
      await pair.resumeReplay();
    }
    await pair.waitForReplay();
  });

  it('readYourWrites: true sends every read to the primary: a write is visible at once', async () => {
    const s = await replicated({ readYourWrites: true, maxReplicaLagMs: 60_000 });
    await pair.pauseReplay();
    try {
      for (let i = 0; i < 5; i++) {
        const u = await s.createUser({ email: email() });
        expect((await s.getUser(u.id))?.id).toBe(u.id);
      }
      expect(s.replicaStats.replicaReads).toBe(0);
      expect(s.replicaStats.primaryReads).toBe(5);
    } finally {
      await pair.resumeReplay();
    }
  });

  it('dequeue and the other writes run on the primary while reads use the standby', async () => {
    const s = await replicated();
    const d = await makeDeployment(s);
    const b = await s.builds.enqueue(d.id, 'manual', 'u', 'sha');
    await pair.waitForReplay();
    await untilReplicaUsable(s, randomUUID());
    const before = s.replicaStats.replicaReads;
    expect(await s.builds.getQueuePosition(b.id)).toBe(1); // a read: standby
    expect(await s.builds.getQueueLength()).toBe(1);
    const claimed = await s.builds.dequeue(); // FOR UPDATE: would fail on a standby
    expect(claimed?.id).toBe(b.id);
    expect(claimed?.status).toBe('building');
    expect(s.replicaStats.replicaReads - before).toBe(2);
    expect(s.replicaStats.fallbacks).toBe(0);
    expect((await s.primary.builds.getBuildById(b.id))?.status).toBe('building');
  });
});

describe('lag', () => {
  it('a standby lagging more than maxReplicaLagMs is skipped; reads fall back to the primary and see the write', async () => {
    const s = await replicated({ maxReplicaLagMs: 1000 });
    const probe = await s.createUser({ email: email() });
    await pair.waitForReplay();
    await untilReplicaUsable(s, probe.id);
    await pair.pauseReplay();
    try {
      const u = await s.createUser({ email: email() });
      await untilReplicaSkipped(s, probe.id);
      const before = s.replicaStats;
      expect((await s.getUser(u.id))?.id).toBe(u.id); // served by the primary
      const after = s.replicaStats;
      expect(after.primaryReads - before.primaryReads).toBe(1);
      expect(after.replicaReads - before.replicaReads).toBe(0);
      expect(after.replicas[0].down).toBe(false); // lagging, not down
      // Reads keep it checked; its measured lag is above the limit.
      for (let i = 0; i < 40 && (s.replicaStats.replicas[0].lagMs ?? 0) <= 1000; i++) {
        await s.getUser(probe.id);
        await sleep(50);
      }
      expect(s.replicaStats.replicas[0].lagMs).toBeGreaterThan(1000);
    } finally {
      await pair.resumeReplay();
    }
    // Caught up again: back in rotation.
    await pair.waitForReplay();
    await untilReplicaUsable(s, probe.id);
    const before = s.replicaStats.replicaReads;
    await s.getUser(probe.id);
    expect(s.replicaStats.replicaReads - before).toBe(1);
  });

  it('an idle primary does not make a caught-up standby look late', async () => {
    const s = await replicated({ maxReplicaLagMs: 1000 });
    const probe = await s.createUser({ email: email() });
    await pair.waitForReplay();
    await untilReplicaUsable(s, probe.id);
    // No writes for 2 s: the last replayed commit gets old, the standby stays current.
    const until = Date.now() + 2000;
    let skipped = 0;
    while (Date.now() < until) {
      await s.getUser(probe.id);
      if (!s.replicaStats.replicas[0].usable) skipped++;
      await sleep(20);
    }
    expect(s.replicaStats.replicas[0].lagMs).toBeLessThan(1000);
    expect(s.replicaStats.replicas[0].usable).toBe(true);
    expect(skipped).toBeLessThan(10);
  });
});

describe('failover', () => {
  it('stopping the standby with 100 reads in flight loses no call; it rejoins when back', async () => {
    const s = await replicated();
    const users = await Promise.all(Array.from({ length: 10 }, () => s.createUser({ email: email() })));
    await pair.waitForReplay();
    await untilReplicaUsable(s, users[0].id);

    let stop = false;
    let calls = 0;
    const failures: unknown[] = [];
    let wrong = 0;
    // 100 concurrent readers, each reading in a loop until told to stop.
    const readers = Array.from({ length: 100 }, async (_, i) => {
      while (!stop) {
        const u = users[i % users.length];
        try {
          const got = i % 3 === 0 ? await s.users.listUsers({ limit: 3 }) : await s.getUser(u.id);
          if (i % 3 !== 0 && (got as User | null)?.id !== u.id) wrong++;
          calls++;
        } catch (e) {
          failures.push(e);
        }
      }
    });
    await sleep(400);
    const servedBeforeStop = s.replicaStats.replicaReads;
    try {
      await pair.stopReplica('fast'); // backends terminated mid-query, then connections refused
      await sleep(1000);
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    const stats = s.replicaStats;
    expect(failures).toEqual([]);
    expect(wrong).toBe(0);
    expect(calls).toBeGreaterThan(200);
    expect(servedBeforeStop).toBeGreaterThan(0);
    expect(stats.replicas[0].down).toBe(true);
    expect(stats.primaryReads).toBeGreaterThan(0);
    console.log(
      `[replicas] ${calls} reads, 0 lost; replica served ${stats.replicaReads}, primary ${stats.primaryReads}, ` +
        `fallbacks ${stats.fallbacks}`,
    );

    // While it is down, reads go straight to the primary.
    const p0 = s.replicaStats.primaryReads;
    await Promise.all(users.map((u) => s.getUser(u.id)));
    expect(s.replicaStats.primaryReads - p0).toBe(users.length);

    // Back up: checks find it healthy again and reads return to it.
    await pair.startReplica();
    await pair.waitForReplay();
    await untilReplicaUsable(s, users[0].id);
    const r0 = s.replicaStats.replicaReads;
    await s.getUser(users[0].id);
    expect(s.replicaStats.replicaReads - r0).toBe(1);
  });

  it('an immediate stop (like a crash) mid-load loses no call either', async () => {
    const s = await replicated();
    const u = await s.createUser({ email: email() });
    await pair.waitForReplay();
    await untilReplicaUsable(s, u.id);
    const inFlight = Array.from({ length: 100 }, () => s.getUser(u.id));
    const stopped = pair.stopReplica('immediate');
    const more = Array.from({ length: 100 }, () => s.getUser(u.id));
    const results = await Promise.allSettled([...inFlight, ...more]);
    await stopped;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value?.id === u.id)).toBe(true);
    // After the stop, reads are served by the primary.
    await s.getUser(u.id);
    const p0 = s.replicaStats.primaryReads;
    await s.getUser(u.id);
    expect(s.replicaStats.primaryReads - p0).toBe(1);
    await pair.startReplica();
    await pair.waitForReplay();
  });
});
