// Build leases: a claim records its worker (lockedBy), lease expiry (leaseExpiresAt) and claim
// count (attempts); the holder extends it with heartbeatBuild; reclaimStaleBuilds requeues the
// builds of dead workers (keeping their place) or fails them after maxAttempts; finishing a
// build ends its lease. And a worker process killed mid-build: another one finishes it, once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Build, PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, databaseUrl, runNodeWithin, sideQuery, viaPgBouncer } from './helpers';
import { makeDeployment, qualified, rejectsWith } from './runtime-fixtures';

// LISTEN/NOTIFY needs a session of its own, which a transaction pooler cannot give (README,
// "PgBouncer"): when the suite runs through PgBouncer, these storages connect directly.
const direct = () => (viaPgBouncer() ? { connectionString: databaseUrl(), pgbouncer: false } : {});

afterAll(cleanupStorages);

async function freshStorage(opts: Record<string, unknown> = {}): Promise<PostgresAdminStorage> {
  const s = createStorage({ max: 4, idleTimeoutMillis: 1000, ...direct(), ...opts });
  await s.init();
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's clock, so lease expiries are compared with the clock that set them. */
async function serverNow(): Promise<number> {
  const [{ now }] = await sideQuery<{ now: Date }>('select now() as now');
  return now.getTime();
}

/** Expires a build's lease now (instead of sleeping through it). */
async function expireLease(s: PostgresAdminStorage, id: string): Promise<void> {
  await sideQuery(`update ${qualified(s, 'admin_builds')} set lease_expires_at = now() - interval '1 second' where id = $1`, [id]);
}

describe('claims carry a lease', () => {
  it('dequeue() without options claims as before: no worker, no lease, attempts 1', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const queued = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(queued).toMatchObject({ lockedBy: null, leaseExpiresAt: null, attempts: 0 });
    const b = (await s.builds.dequeue())!;
    expect(b).toMatchObject({ id: queued.id, status: 'building', lockedBy: null, leaseExpiresAt: null, attempts: 1 });
    const flat = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(await s.dequeueNextBuild()).toMatchObject({ id: flat.id, lockedBy: null, leaseExpiresAt: null, attempts: 1 });
  });

  it('dequeue({ workerId, leaseMs }) sets lockedBy, leaseExpiresAt = now + leaseMs and attempts, in one statement', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    await s.builds.enqueue(deploymentId, 'manual', 'u');
    const before = s.statementCount;
    const t0 = await serverNow();
    const b = (await s.builds.dequeue({ workerId: 'worker-1', leaseMs: 5000 }))!;
    expect(s.statementCount - before).toBe(1);
    expect(b).toMatchObject({ status: 'building', lockedBy: 'worker-1', attempts: 1 });
    expect(b.leaseExpiresAt).toBeInstanceOf(Date);
    const ahead = b.leaseExpiresAt!.getTime() - t0;
    expect(ahead).toBeGreaterThanOrEqual(4900);
    expect(ahead).toBeLessThan(6000);
  });

  it('a workerId alone gets the default 60 s lease; leaseMs alone leases without a worker', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    for (let i = 0; i < 2; i++) await s.builds.enqueue(deploymentId, 'manual', 'u');
    const t0 = await serverNow();
    const a = (await s.builds.dequeue({ workerId: 'w' }))!;
    expect(a.leaseExpiresAt!.getTime() - t0).toBeGreaterThanOrEqual(59_000);
    expect(a.leaseExpiresAt!.getTime() - t0).toBeLessThan(61_000);
    const b = (await s.builds.dequeue({ leaseMs: 1000 }))!;
    expect(b.lockedBy).toBeNull();
    expect(b.leaseExpiresAt).toBeInstanceOf(Date);
  });

  it('dequeueBatch and waitForBuild take the same options', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    for (let i = 0; i < 3; i++) await s.builds.enqueue(deploymentId, 'manual', 'u');
    const batch = await s.builds.dequeueBatch(2, { workerId: 'batcher', leaseMs: 2000 });
    expect(batch).toHaveLength(2);
    for (const b of batch) expect(b).toMatchObject({ lockedBy: 'batcher', attempts: 1, status: 'building' });
    const waited = (await s.builds.waitForBuild({ workerId: 'waiter', leaseMs: 2000, timeoutMs: 1000 }))!;
    expect(waited).toMatchObject({ lockedBy: 'waiter', attempts: 1 });
    expect(waited.leaseExpiresAt).toBeInstanceOf(Date);
  });

  it('rejects bad claim options with ERR_ADMIN_PG_INVALID_ARGUMENT', async () => {
    const s = await freshStorage();
    for (const bad of [{ leaseMs: 0 }, { leaseMs: -5 }, { leaseMs: 1.5 }, { leaseMs: '10' }, { workerId: '' }, { workerId: 1 }, 'w']) {
      await rejectsWith(s.builds.dequeue(bad as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
      await rejectsWith(s.builds.dequeueBatch(1, bad as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    }
  });
});

describe('heartbeatBuild', () => {
  it('extends the lease of the worker that holds it; any other worker gets null and changes nothing', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    await s.builds.enqueue(deploymentId, 'manual', 'u');
    const b = (await s.builds.dequeue({ workerId: 'owner', leaseMs: 1000 }))!;
    const t0 = await serverNow();
    const beat = (await s.builds.heartbeatBuild(b.id, 'owner', 30_000))!;
    expect(beat).toMatchObject({ id: b.id, lockedBy: 'owner', status: 'building', attempts: 1 });
    expect(beat.leaseExpiresAt!.getTime() - t0).toBeGreaterThanOrEqual(29_000);
    expect(await s.builds.heartbeatBuild(b.id, 'intruder', 90_000)).toBeNull();
    expect((await s.builds.getBuildById(b.id))!.leaseExpiresAt).toEqual(beat.leaseExpiresAt);
  });

  it('gives null for a build without a lease holder, a missing or malformed id, and rejects bad arguments', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    await s.builds.enqueue(deploymentId, 'manual', 'u');
    const b = (await s.builds.dequeue())!;
    expect(await s.builds.heartbeatBuild(b.id, 'anyone', 1000)).toBeNull();
    expect(await s.builds.heartbeatBuild('00000000-0000-4000-8000-000000000000', 'w', 1000)).toBeNull();
    expect(await s.builds.heartbeatBuild('nope', 'w', 1000)).toBeNull();
    for (const ms of [0, -1, 1.5, '1000', undefined]) {
      await rejectsWith(s.builds.heartbeatBuild(b.id, 'w', ms as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    }
    await rejectsWith(s.builds.heartbeatBuild(b.id, 5 as never, 1000), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('finishing a build (succeeded, failed, cancelled, setError) ends its lease; deploying keeps it', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    for (let i = 0; i < 4; i++) await s.builds.enqueue(deploymentId, 'manual', 'u');
    const claimed = await s.builds.dequeueBatch(4, { workerId: 'w', leaseMs: 60_000 });
    const deploying = await s.updateBuildStatus(claimed[0].id, 'deploying');
    expect(deploying).toMatchObject({ lockedBy: 'w', status: 'deploying' });
    expect(deploying.leaseExpiresAt).toBeInstanceOf(Date);
    expect(await s.builds.heartbeatBuild(claimed[0].id, 'w', 60_000)).not.toBeNull();
    const done = [
      await s.updateBuildStatus(claimed[0].id, 'succeeded'),
      await s.updateBuildStatus(claimed[1].id, 'failed', 'boom'),
      (await s.builds.updateBuildStatus(claimed[2].id, 'cancelled'))!,
      (await s.builds.setBuildError(claimed[3].id, 'broken'))!,
    ];
    for (const d of done) {
      expect(d).toMatchObject({ lockedBy: null, leaseExpiresAt: null, attempts: 1 });
      expect(d.completedAt).toBeInstanceOf(Date);
      expect(await s.builds.heartbeatBuild(d.id, 'w', 1000)).toBeNull();
    }
  });
});

describe('reclaimStaleBuilds', () => {
  it('requeues builds whose lease expired, lease cleared, keeping their original place in the queue', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const first = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const live = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const unleased = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect((await s.builds.dequeue({ workerId: 'dead', leaseMs: 60_000 }))!.id).toBe(first.id);
    expect((await s.builds.dequeue({ workerId: 'alive', leaseMs: 60_000 }))!.id).toBe(live.id);
    expect((await s.builds.dequeue())!.id).toBe(unleased.id);
    const later = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await expireLease(s, first.id);

    const before = s.statementCount;
    expect(await s.builds.reclaimStaleBuilds()).toEqual({ requeued: 1, failed: 0 });
    expect(s.statementCount - before).toBe(1);
    const back = (await s.builds.getBuildById(first.id))!;
    expect(back).toMatchObject({ status: 'queued', lockedBy: null, leaseExpiresAt: null, attempts: 1, startedAt: null });
    expect(back.queuedAt).toEqual(first.queuedAt);
    // Ahead of the build queued after it.
    expect((await s.listQueuedBuilds()).map((b) => b.id)).toEqual([first.id, later.id]);
    expect(await s.builds.getQueuePosition(first.id)).toBe(1);
    // The dead worker lost it; the live and lease-less claims were not touched.
    expect(await s.builds.heartbeatBuild(first.id, 'dead', 1000)).toBeNull();
    expect((await s.builds.getBuildById(live.id))!).toMatchObject({ status: 'building', lockedBy: 'alive' });
    expect((await s.builds.getBuildById(unleased.id))!.status).toBe('building');
    // Claimed again: attempts counts claims.
    expect(await s.builds.dequeue({ workerId: 'next' })).toMatchObject({ id: first.id, attempts: 2, lockedBy: 'next' });
    expect(await s.builds.reclaimStaleBuilds()).toEqual({ requeued: 0, failed: 0 });
  });

  it('fails a build whose lease expired after maxAttempts claims (errorMessage, completedAt), default 3', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const claimed = (await s.builds.dequeue({ workerId: `w${attempt}`, leaseMs: 60_000 }))!;
      expect(claimed).toMatchObject({ id: b.id, attempts: attempt });
      await expireLease(s, b.id);
      const expected = attempt < 3 ? { requeued: 1, failed: 0 } : { requeued: 0, failed: 1 };
      expect(await s.builds.reclaimStaleBuilds()).toEqual(expected);
    }
    const failed = (await s.builds.getBuildById(b.id))!;
    expect(failed).toMatchObject({ status: 'failed', lockedBy: null, leaseExpiresAt: null, attempts: 3 });
    expect(failed.errorMessage).toMatch(/lease expired 3 times.*w3/);
    expect(failed.completedAt).toBeInstanceOf(Date);
    expect(await s.builds.dequeue()).toBeNull();
  });

  it('maxAttempts: 1 fails at the first expiry; bad maxAttempts is rejected', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.builds.dequeue({ workerId: 'w' });
    await expireLease(s, b.id);
    expect(await s.builds.reclaimStaleBuilds({ maxAttempts: 5 })).toEqual({ requeued: 1, failed: 0 });
    await s.builds.dequeue({ workerId: 'w' });
    await expireLease(s, b.id);
    expect(await s.builds.reclaimStaleBuilds({ maxAttempts: 1 })).toEqual({ requeued: 0, failed: 1 });
    for (const bad of [{ maxAttempts: 0 }, { maxAttempts: -1 }, { maxAttempts: 1.5 }, { maxAttempts: '3' }, 'x']) {
      await rejectsWith(s.builds.reclaimStaleBuilds(bad as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    }
  });

  it('a real expiry (no clock tricks): a 300 ms lease is reclaimed once it runs out, not before', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.builds.dequeue({ workerId: 'w', leaseMs: 300 });
    expect(await s.builds.reclaimStaleBuilds()).toEqual({ requeued: 0, failed: 0 });
    await sleep(400);
    expect(await s.builds.reclaimStaleBuilds()).toEqual({ requeued: 1, failed: 0 });
  });

  it('a requeued build wakes a waiting worker (the NOTIFY trigger fires on the way back to queued)', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.builds.dequeue({ workerId: 'dead' });
    await expireLease(s, b.id);
    const waiting = s.builds.waitForBuild({ workerId: 'rescuer', timeoutMs: 5000, pollIntervalMs: 30_000 });
    await sleep(100);
    const t0 = performance.now();
    await s.builds.reclaimStaleBuilds();
    expect(await waiting).toMatchObject({ id: b.id, lockedBy: 'rescuer', attempts: 2 });
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('a worker killed mid-build', () => {
  const worker = path.join(__dirname, 'fixtures', 'lease-worker.cjs');

  it('SIGKILLed while holding a build: another worker reclaims it and finishes it, exactly once', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const LEASE_MS = 1000;

    // Worker A claims the build and "builds" forever, heartbeating.
    const a = spawn(process.execPath, [worker, s.schemaName, 'A', 'hang', String(LEASE_MS)], {
      env: { ...process.env, DATABASE_URL: databaseUrl() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let aOut = '';
    let aErr = '';
    a.stderr.setEncoding('utf8').on('data', (d: string) => (aErr += d));
    const aClaimed = new Promise<string>((resolve, reject) => {
      a.stdout.setEncoding('utf8').on('data', (d: string) => {
        aOut += d;
        const m = /claimed (\S+) (\d+)/.exec(aOut);
        if (m) resolve(m[1]);
      });
      a.on('exit', () => reject(new Error(`worker A exited early: ${aErr}`)));
    });
    const aExited = new Promise<NodeJS.Signals | null>((resolve) => a.on('exit', (_code, signal) => resolve(signal)));
    const queued = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(await aClaimed).toBe(queued.id);

    // Let A heartbeat past its first lease, proving the heartbeat keeps the build A's.
    await sleep(LEASE_MS * 1.5);
    expect(await s.builds.getBuildById(queued.id)).toMatchObject({ status: 'building', lockedBy: 'A', attempts: 1 });
    expect(await s.builds.reclaimStaleBuilds()).toEqual({ requeued: 0, failed: 0 });

    // Worker B reclaims stale builds every 100 ms and waits for one.
    const b = runNodeWithin(20_000, worker, [s.schemaName, 'B', 'finish', String(LEASE_MS)]);
    await sleep(300);
    a.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await aExited).toBe('SIGKILL');

    const bDone = await b;
    expect({ code: bDone.code, stderr: bDone.stderr }).toEqual({ code: 0, stderr: '' });
    const m = /claimed (\S+) (\d+)/.exec(bDone.stdout)!;
    expect(m[1]).toBe(queued.id);
    const reclaimMs = Number(m[2]) - killedAt;
    console.log(`[leases] killed worker's build claimed by another ${reclaimMs} ms after SIGKILL (lease ${LEASE_MS} ms)`);
    expect(reclaimMs).toBeLessThan(LEASE_MS + 1500);

    const done = (await s.builds.getBuildById(queued.id)) as Build;
    expect(done).toMatchObject({ status: 'succeeded', lockedBy: null, leaseExpiresAt: null, attempts: 2 });
    expect(done.completedAt).toBeInstanceOf(Date);
    expect(done.logs).toBe('started by A\nfinished by B\n');
    expect(await s.builds.getQueueLength()).toBe(0);
  });
});
