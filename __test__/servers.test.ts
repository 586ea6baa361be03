// Running servers: the seed's RunningServersPG domain object and the flat AdminStorage
// running-server methods.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage, RunningServer } from '../index.js';
import { cleanupStorages, createStorage } from './helpers';
import { makeDeployment, qualified, rejectsWith } from './runtime-fixtures';

let s: PostgresAdminStorage;

beforeAll(async () => {
  s = createStorage({ max: 4 });
  await s.init();
});
afterAll(cleanupStorages);

/** A deployment with one build, ready for servers. */
async function deploymentWithBuild(storage = s): Promise<{ deploymentId: string; buildId: string }> {
  const { id: deploymentId } = await makeDeployment(storage);
  const build = await storage.builds.enqueue(deploymentId, 'manual', 'u');
  return { deploymentId, buildId: build.id };
}

const secondsAgo = (sec: number) => new Date(Date.now() - sec * 1000);
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

describe('RunningServersPG', () => {
  it('registerServer defaults healthStatus to starting and startedAt to now', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const srv = await s.servers.registerServer({ deploymentId, buildId, host: 'localhost', port: 3001, processId: 4242 });
    expect(srv).toMatchObject({
      deploymentId,
      buildId,
      processId: 4242,
      containerId: null,
      host: 'localhost',
      port: 3001,
      healthStatus: 'starting',
      lastHealthCheck: null,
      memoryUsageMb: null,
      cpuPercent: null,
      stoppedAt: null,
    });
    expect(srv.startedAt).toBeInstanceOf(Date);
    await rejectsWith(
      s.servers.registerServer({ deploymentId, buildId: randomUUID(), host: 'h', port: 1 }),
      'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION',
    );
    await rejectsWith(
      s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 'eighty' as never }),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
  });

  it('getServerById finds a server; missing or malformed ids give null', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const srv = await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 1 });
    expect(await s.servers.getServerById(srv.id)).toEqual(srv);
    expect(await s.servers.getServerById(randomUUID())).toBeNull();
    expect(await s.servers.getServerById('bad')).toBeNull();
  });

  it('getServerByDeployment returns the newest live server, ignoring stopped ones', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    expect(await s.servers.getServerByDeployment(deploymentId)).toBeNull();
    await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 1, startedAt: secondsAgo(300) });
    const newestLive = await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 2, startedAt: secondsAgo(200) });
    const stopped = await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 3, startedAt: secondsAgo(100) });
    await s.servers.stopServer(stopped.id);
    expect((await s.servers.getServerByDeployment(deploymentId))?.id).toBe(newestLive.id);
    expect(await s.servers.getServerByDeployment('bad')).toBeNull();
  });

  it('updateServer changes the given fields; a missing server gives null', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const srv = await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 1 });
    const u = await s.servers.updateServer(srv.id, { containerId: 'c-1', port: 8080 });
    expect(u).toMatchObject({ id: srv.id, containerId: 'c-1', port: 8080 });
    expect(await s.servers.updateServer(randomUUID(), { port: 1 })).toBeNull();
  });

  it('updateHealthStatus records the status, lastHealthCheck and the metrics given', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const srv = await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 1 });
    const healthy = (await s.servers.updateHealthStatus(srv.id, 'healthy', { memoryUsageMb: 256.5, cpuPercent: 12.25 }))!;
    expect(healthy).toMatchObject({ healthStatus: 'healthy', memoryUsageMb: 256.5, cpuPercent: 12.25 });
    expect(healthy.lastHealthCheck).toBeInstanceOf(Date);

    const memOnly = (await s.servers.updateHealthStatus(srv.id, 'healthy', { memoryUsageMb: 300 }))!;
    expect(memOnly).toMatchObject({ memoryUsageMb: 300, cpuPercent: 12.25 });
    const noMetrics = (await s.servers.updateHealthStatus(srv.id, 'unhealthy'))!;
    expect(noMetrics).toMatchObject({ healthStatus: 'unhealthy', memoryUsageMb: 300, cpuPercent: 12.25 });
    expect(noMetrics.lastHealthCheck!.getTime()).toBeGreaterThanOrEqual(healthy.lastHealthCheck!.getTime());
    const cleared = (await s.servers.updateHealthStatus(srv.id, 'healthy', { cpuPercent: null }))!;
    expect(cleared).toMatchObject({ memoryUsageMb: 300, cpuPercent: null });

    expect(await s.servers.updateHealthStatus(randomUUID(), 'healthy')).toBeNull();
    await rejectsWith(s.servers.updateHealthStatus(srv.id, 'fine' as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(
      s.servers.updateHealthStatus(srv.id, 'healthy', { diskMb: 1 } as never),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
    await rejectsWith(
      s.servers.updateHealthStatus(srv.id, 'healthy', { cpuPercent: 'high' as never }),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
    await rejectsWith(
      s.servers.updateHealthStatus(srv.id, 'healthy', { cpuPercent: Number.NaN }),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
  });

  it('stopServer sets healthStatus stopping and stoppedAt', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const srv = await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: 1 });
    const stopped = (await s.servers.stopServer(srv.id))!;
    expect(stopped.healthStatus).toBe('stopping');
    expect(stopped.stoppedAt).toBeInstanceOf(Date);
    expect(await s.servers.stopServer(randomUUID())).toBeNull();
  });

  it('listRunningServers lists live servers newest first, for one deployment or all', async () => {
    const a = await deploymentWithBuild();
    const b = await deploymentWithBuild();
    const a1 = await s.servers.registerServer({ deploymentId: a.deploymentId, buildId: a.buildId, host: 'h', port: 1, startedAt: secondsAgo(30) });
    const a2 = await s.servers.registerServer({ deploymentId: a.deploymentId, buildId: a.buildId, host: 'h', port: 2, startedAt: secondsAgo(20) });
    const a3 = await s.servers.registerServer({ deploymentId: a.deploymentId, buildId: a.buildId, host: 'h', port: 3, startedAt: secondsAgo(10) });
    const b1 = await s.servers.registerServer({ deploymentId: b.deploymentId, buildId: b.buildId, host: 'h', port: 4, startedAt: secondsAgo(15) });
    await s.servers.stopServer(a3.id);

    expect(ids(await s.servers.listRunningServers(a.deploymentId))).toEqual([a2.id, a1.id]);
    const all = ids(await s.servers.listRunningServers());
    expect(all.filter((id) => [a1.id, a2.id, a3.id, b1.id].includes(id))).toEqual([b1.id, a2.id, a1.id]);
    expect(await s.servers.listRunningServers('bad')).toEqual([]);
  });

  it('listAllServers includes stopped servers, newest first, with a validated limit', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const made: RunningServer[] = [];
    for (let i = 0; i < 4; i++) {
      made.push(await s.servers.registerServer({ deploymentId, buildId, host: 'h', port: i + 1, startedAt: secondsAgo(100 - i) }));
    }
    await s.servers.stopServer(made[3].id);
    const newestFirst = ids(made).reverse();
    expect(ids(await s.servers.listAllServers(deploymentId))).toEqual(newestFirst);
    expect(ids(await s.servers.listAllServers(deploymentId, { limit: 2 }))).toEqual(newestFirst.slice(0, 2));
    await rejectsWith(s.servers.listAllServers(deploymentId, { limit: -2 }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(await s.servers.listAllServers(randomUUID())).toEqual([]);
  });
});

describe('RunningServersPG thresholds', () => {
  let t: PostgresAdminStorage;
  beforeAll(async () => {
    t = createStorage({ max: 2 });
    await t.init();
  });

  /** Set a column to now() minus some seconds, on the server clock. */
  const backdate = (id: string, column: string, seconds: number) =>
    t.db.none(
      `update ${qualified(t, 'admin_running_servers')} set ${column} = now() - make_interval(secs => $2) where id = $1`,
      [id, seconds],
    );
  const MIN = 60;
  const DAY = 24 * 60 * MIN;

  it('getUnhealthyServers: unhealthy status, or a last check older than the threshold (boundary ±1s)', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild(t);
    const reg = (port: number) => t.servers.registerServer({ deploymentId, buildId, host: 'h', port });
    const fresh = await reg(1); // checked 4m59s ago
    const stale = await reg(2); // checked 5m01s ago
    const reported = await reg(3); // says unhealthy, checked just now
    const neverChecked = await reg(4); // starting, no check yet
    const staleStopped = await reg(5); // stale but stopped
    for (const srv of [fresh, stale, staleStopped]) await t.servers.updateHealthStatus(srv.id, 'healthy');
    await t.servers.updateHealthStatus(reported.id, 'unhealthy');
    await backdate(fresh.id, 'last_health_check', 4 * MIN + 59);
    await backdate(stale.id, 'last_health_check', 5 * MIN + 1);
    await backdate(staleStopped.id, 'last_health_check', 60 * MIN);
    await t.servers.stopServer(staleStopped.id);

    const sorted = (xs: RunningServer[]) => ids(xs).sort();
    expect(sorted(await t.servers.getUnhealthyServers())).toEqual([stale.id, reported.id].sort());
    expect(sorted(await t.servers.getUnhealthyServers(5))).toEqual([stale.id, reported.id].sort());
    expect(sorted(await t.servers.getUnhealthyServers(null as never))).toEqual([stale.id, reported.id].sort());
    expect(sorted(await t.servers.getUnhealthyServers(4.5))).toEqual([fresh.id, stale.id, reported.id].sort());
    expect(sorted(await t.servers.getUnhealthyServers(6))).toEqual([reported.id]);
    expect(sorted(await t.servers.getUnhealthyServers(0))).toEqual([fresh.id, stale.id, reported.id].sort());
    expect(ids(await t.servers.getUnhealthyServers())).not.toContain(neverChecked.id);
  });

  it('getUnhealthyServers rejects a negative, NaN, infinite or string threshold with INVALID_ARGUMENT', async () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5', '5 minutes; drop table x']) {
      const err = await rejectsWith(t.servers.getUnhealthyServers(bad as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
      expect(err.message).toContain('thresholdMinutes');
    }
  });

  it('cleanupStoppedServers deletes servers stopped longer ago than the threshold (boundary ±1 min)', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild(t);
    const reg = (port: number) => t.servers.registerServer({ deploymentId, buildId, host: 'h', port });
    const old = await reg(1);
    const recent = await reg(2);
    const live = await reg(3);
    const ancient = await reg(4);
    for (const srv of [old, recent, ancient]) await t.servers.stopServer(srv.id);
    await backdate(old.id, 'stopped_at', 7 * DAY + MIN);
    await backdate(recent.id, 'stopped_at', 7 * DAY - MIN);
    await backdate(ancient.id, 'stopped_at', 40 * DAY);

    expect(await t.servers.cleanupStoppedServers(30)).toBe(1); // ancient
    expect(await t.servers.getServerById(ancient.id)).toBeNull();
    expect(await t.servers.cleanupStoppedServers()).toBe(1); // old (default 7 days)
    expect(await t.servers.getServerById(old.id)).toBeNull();
    expect(await t.servers.getServerById(recent.id)).not.toBeNull();
    expect(await t.servers.cleanupStoppedServers(7)).toBe(0);
    expect(await t.servers.cleanupStoppedServers(6.99)).toBe(1); // recent: 6d23h59m > 6.99 days
    expect(await t.servers.getServerById(live.id)).not.toBeNull();
    // 0 days: every stopped server goes (here: one stopped by the previous test), live ones stay.
    const stopped = await t.db.one(
      `select count(*)::int as n from ${qualified(t, 'admin_running_servers')} where stopped_at is not null`,
    );
    expect(stopped.n).toBeGreaterThan(0);
    expect(await t.servers.cleanupStoppedServers(0)).toBe(stopped.n);
    expect(await t.servers.getServerById(live.id)).not.toBeNull();
  });

  it('cleanupStoppedServers rejects a negative, NaN or string argument with INVALID_ARGUMENT', async () => {
    for (const bad of [-0.5, Number.NaN, '7', {}]) {
      const err = await rejectsWith(t.servers.cleanupStoppedServers(bad as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
      expect(err.message).toContain('olderThanDays');
    }
  });
});

describe('AdminStorage running-server methods (flat)', () => {
  it('createRunningServer keeps the caller-supplied id; getRunningServer reads it back', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const id = randomUUID();
    const srv = await s.createRunningServer({
      id,
      deploymentId,
      buildId,
      processId: null,
      containerId: null,
      host: 'localhost',
      port: 3100,
      healthStatus: 'starting',
      lastHealthCheck: null,
      memoryUsageMb: null,
      cpuPercent: null,
      startedAt: new Date(),
    });
    expect(srv.id).toBe(id);
    expect(await s.getRunningServer(id)).toEqual(srv);
    expect(await s.getRunningServer(randomUUID())).toBeNull();
  });

  it('getRunningServerForDeployment is the newest live server', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    await s.createRunningServer({ deploymentId, buildId, host: 'h', port: 1, startedAt: secondsAgo(60) });
    const newer = await s.createRunningServer({ deploymentId, buildId, host: 'h', port: 2, startedAt: secondsAgo(30) });
    expect((await s.getRunningServerForDeployment(deploymentId))?.id).toBe(newer.id);
    await s.stopRunningServer(newer.id);
    expect((await s.getRunningServerForDeployment(deploymentId))?.port).toBe(1);
  });

  it('listRunningServers lists every live server and no stopped one', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const live = await s.createRunningServer({ deploymentId, buildId, host: 'h', port: 1 });
    const gone = await s.createRunningServer({ deploymentId, buildId, host: 'h', port: 2 });
    await s.stopRunningServer(gone.id);
    const listed = await s.listRunningServers();
    expect(ids(listed)).toContain(live.id);
    expect(ids(listed)).not.toContain(gone.id);
    expect(listed.every((x) => x.stoppedAt === null)).toBe(true);
  });

  it('updateRunningServer returns the row; a missing server is NOT_FOUND', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const srv = await s.createRunningServer({ deploymentId, buildId, host: 'h', port: 1 });
    expect((await s.updateRunningServer(srv.id, { healthStatus: 'healthy' })).healthStatus).toBe('healthy');
    await rejectsWith(s.updateRunningServer(randomUUID(), { port: 2 }), 'ERR_ADMIN_PG_NOT_FOUND');
    await rejectsWith(s.updateRunningServer('bad', { port: 2 }), 'ERR_ADMIN_PG_NOT_FOUND');
  });

  it('stopRunningServer sets stopping and stoppedAt and resolves void; a missing server is NOT_FOUND', async () => {
    const { deploymentId, buildId } = await deploymentWithBuild();
    const srv = await s.createRunningServer({ deploymentId, buildId, host: 'h', port: 1 });
    expect(await s.stopRunningServer(srv.id)).toBeUndefined();
    const stopped = (await s.getRunningServer(srv.id))!;
    expect(stopped.healthStatus).toBe('stopping');
    expect(stopped.stoppedAt).toBeInstanceOf(Date);
    await rejectsWith(s.stopRunningServer(randomUUID()), 'ERR_ADMIN_PG_NOT_FOUND');
  });
});
