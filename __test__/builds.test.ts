// Builds: the seed's BuildsPG domain object (minus the queue, see builds.queue.test.ts) and
// the flat AdminStorage build methods.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Build, PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage } from './helpers';
import { makeDeployment, rejectsWith } from './runtime-fixtures';

let s: PostgresAdminStorage;

beforeAll(async () => {
  s = createStorage();
  await s.init();
});
afterAll(cleanupStorages);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('BuildsPG', () => {
  it('createBuild defaults status to queued, queuedAt to now, logs to empty', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const t0 = Date.now();
    const b = await s.builds.createBuild({ deploymentId, trigger: 'manual', triggeredBy: 'user-1', commitSha: 'abc123' });
    expect(b).toMatchObject({
      deploymentId,
      trigger: 'manual',
      triggeredBy: 'user-1',
      commitSha: 'abc123',
      commitMessage: null,
      status: 'queued',
      logs: '',
      logPath: null,
      errorMessage: null,
      startedAt: null,
      completedAt: null,
    });
    expect(b.queuedAt).toBeInstanceOf(Date);
    expect(Math.abs(b.queuedAt.getTime() - t0)).toBeLessThan(60_000);
    expect(b.createdAt).toBeInstanceOf(Date);
  });

  it('createBuild rejects a deployment that does not exist (foreign key) and unknown fields', async () => {
    await rejectsWith(
      s.builds.createBuild({ deploymentId: randomUUID(), trigger: 'manual', triggeredBy: 'u' }),
      'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION',
    );
    const { id: deploymentId } = await makeDeployment(s);
    await rejectsWith(
      s.builds.createBuild({ deploymentId, trigger: 'manual', triggeredBy: 'u', nope: 1 } as never),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
  });

  it('getBuildById finds a build; missing or malformed ids give null', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(await s.builds.getBuildById(b.id)).toEqual(b);
    expect(await s.builds.getBuildById(randomUUID())).toBeNull();
    expect(await s.builds.getBuildById('x')).toBeNull();
  });

  it('updateBuild changes the given fields; a missing build gives null', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const u = await s.builds.updateBuild(b.id, { logPath: '/var/log/b.log', commitMessage: 'fix' });
    expect(u).toMatchObject({ id: b.id, logPath: '/var/log/b.log', commitMessage: 'fix', status: 'queued' });
    expect(await s.builds.updateBuild(randomUUID(), { commitMessage: 'x' })).toBeNull();
  });

  it('status transitions set the right timestamps', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(b.startedAt).toBeNull();

    const building = (await s.builds.updateBuildStatus(b.id, 'building'))!;
    expect(building.status).toBe('building');
    expect(building.startedAt).toBeInstanceOf(Date);
    expect(building.completedAt).toBeNull();

    const deploying = (await s.builds.updateBuildStatus(b.id, 'deploying'))!;
    expect(deploying.startedAt).toEqual(building.startedAt);
    expect(deploying.completedAt).toBeNull();

    const succeeded = (await s.builds.updateBuildStatus(b.id, 'succeeded'))!;
    expect(succeeded.completedAt).toBeInstanceOf(Date);
    expect(succeeded.startedAt).toEqual(building.startedAt);
    expect(succeeded.completedAt!.getTime()).toBeGreaterThanOrEqual(building.startedAt!.getTime());

    for (const final of ['failed', 'cancelled'] as const) {
      const other = await s.builds.enqueue(deploymentId, 'manual', 'u');
      const done = (await s.builds.updateBuildStatus(other.id, final))!;
      expect(done.status).toBe(final);
      expect(done.completedAt).toBeInstanceOf(Date);
      expect(done.startedAt).toBeNull();
    }
    const queuedAgain = (await s.builds.updateBuildStatus(b.id, 'queued'))!;
    expect(queuedAgain.completedAt).toEqual(succeeded.completedAt);

    expect(await s.builds.updateBuildStatus(randomUUID(), 'building')).toBeNull();
    await rejectsWith(s.builds.updateBuildStatus(b.id, 'done' as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('updateBuildStatus stores an errorMessage when given and keeps it when not', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect((await s.builds.updateBuildStatus(b.id, 'failed', 'npm install failed'))!.errorMessage).toBe(
      'npm install failed',
    );
    expect((await s.builds.updateBuildStatus(b.id, 'failed'))!.errorMessage).toBe('npm install failed');
    expect((await s.builds.updateBuildStatus(b.id, 'queued', null))!.errorMessage).toBeNull();
  });

  it('setBuildError marks the build failed with the message, completed now', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const f = (await s.builds.setBuildError(b.id, 'boom'))!;
    expect(f).toMatchObject({ status: 'failed', errorMessage: 'boom' });
    expect(f.completedAt).toBeInstanceOf(Date);
    expect(await s.builds.setBuildError(randomUUID(), 'boom')).toBeNull();
  });

  it('appendBuildLogs appends in place; a missing build is ignored', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.builds.appendBuildLogs(b.id, 'line 1\n');
    await s.builds.appendBuildLogs(b.id, 'line 2\n');
    expect((await s.builds.getBuildById(b.id))!.logs).toBe('line 1\nline 2\n');
    // A NULL log (written by someone else) is appended to as if empty.
    await s.builds.updateBuild(b.id, { logs: null as never });
    await s.builds.appendBuildLogs(b.id, 'after null');
    expect((await s.builds.getBuildById(b.id))!.logs).toBe('after null');
    await expect(s.builds.appendBuildLogs(randomUUID(), 'x')).resolves.toBeUndefined();
    await expect(s.builds.appendBuildLogs('bad', 'x')).resolves.toBeUndefined();
  });

  it('50 concurrent appendBuildLogs lose no chunk', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const chunks = Array.from({ length: 50 }, (_, i) => `<chunk-${i}:${'x'.repeat(i)}>\n`);
    await Promise.all(chunks.map((c) => s.builds.appendBuildLogs(b.id, c)));
    const logs = (await s.builds.getBuildById(b.id))!.logs;
    expect(logs.length).toBe(chunks.reduce((n, c) => n + c.length, 0));
    for (const c of chunks) expect(logs.split(c).length - 1).toBe(1);
  });

  it('appendBuildLogs handles multi-megabyte logs', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const mb = 'a'.repeat(1024 * 1024);
    for (let i = 0; i < 4; i++) await s.builds.appendBuildLogs(b.id, mb.slice(1) + String(i));
    const logs = (await s.builds.getBuildById(b.id))!.logs;
    expect(logs.length).toBe(4 * 1024 * 1024);
    expect([logs[1024 * 1024 - 1], logs[4 * 1024 * 1024 - 1]]).toEqual(['0', '3']);
  });

  it('deleteBuild says whether it deleted; a build a running server uses cannot be deleted', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(await s.builds.deleteBuild(b.id)).toBe(true);
    expect(await s.builds.deleteBuild(b.id)).toBe(false);
    expect(await s.builds.deleteBuild('bad')).toBe(false);

    const used = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.servers.registerServer({ deploymentId, buildId: used.id, host: 'h', port: 1 });
    await rejectsWith(s.builds.deleteBuild(used.id), 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION');
  });

  it('listBuilds is newest first with an optional limit (validated)', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const made: Build[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await s.builds.createBuild({ deploymentId, trigger: 'manual', triggeredBy: 'u', createdAt: minutesAgo(10 - i) }),
      );
    }
    const newestFirst = made.map((b) => b.id).reverse();
    expect((await s.builds.listBuilds(deploymentId)).map((b) => b.id)).toEqual(newestFirst);
    expect((await s.builds.listBuilds(deploymentId, { limit: 2 })).map((b) => b.id)).toEqual(newestFirst.slice(0, 2));
    expect(await s.builds.listBuilds(deploymentId, { limit: 0 })).toEqual([]);
    expect(await s.builds.listBuilds(randomUUID())).toEqual([]);
    await rejectsWith(s.builds.listBuilds(deploymentId, { limit: -1 }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.builds.listBuilds(deploymentId, { limit: 1.5 }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.builds.listBuilds(deploymentId, { limit: '2' as never }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('enqueue creates a queued build with the commit details', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'webhook', 'github', 'deadbeef', 'Fix the thing');
    expect(b).toMatchObject({
      deploymentId,
      trigger: 'webhook',
      triggeredBy: 'github',
      commitSha: 'deadbeef',
      commitMessage: 'Fix the thing',
      status: 'queued',
      logs: '',
      startedAt: null,
    });
    const bare = await s.builds.enqueue(deploymentId, 'rollback', 'u');
    expect(bare).toMatchObject({ commitSha: null, commitMessage: null });
    await rejectsWith(s.builds.enqueue(deploymentId, 'cron' as never, 'u'), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.builds.enqueue('nope', 'manual', 'u'), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.builds.enqueue(randomUUID(), 'manual', 'u'), 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION');
  });
});

describe('AdminStorage build methods (flat)', () => {
  it('createBuild keeps the caller-supplied id; getBuild reads it back', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const id = randomUUID();
    const b = await s.createBuild({
      id,
      deploymentId,
      trigger: 'manual',
      triggeredBy: 'user-1',
      commitSha: 'abc',
      commitMessage: null,
      status: 'queued',
      logs: '',
      queuedAt: new Date(),
      errorMessage: null,
    });
    expect(b.id).toBe(id);
    expect(await s.getBuild(id)).toEqual(b);
    expect(await s.getBuild(randomUUID())).toBeNull();
  });

  it('listBuildsForDeployment pages newest first in one round trip', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const made: Build[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(await s.createBuild({ deploymentId, trigger: 'manual', triggeredBy: 'u', createdAt: minutesAgo(10 - i) }));
    }
    const newestFirst = made.map((b) => b.id).reverse();
    const before = s.statementCount;
    const p = await s.listBuildsForDeployment(deploymentId, { page: 2, perPage: 2 });
    expect(s.statementCount - before).toBe(1);
    expect(p).toMatchObject({ total: 5, page: 2, perPage: 2, hasMore: true });
    expect(p.data.map((b) => b.id)).toEqual(newestFirst.slice(2, 4));
    expect((await s.listBuildsForDeployment(deploymentId, { page: 3, perPage: 2 })).hasMore).toBe(false);
    expect((await s.listBuildsForDeployment(deploymentId)).data.map((b) => b.id)).toEqual(newestFirst);
    expect((await s.listBuildsForDeployment('bad')).total).toBe(0);
  });

  it('updateBuild returns the row; a missing build is NOT_FOUND', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect((await s.updateBuild(b.id, { logPath: '/l' })).logPath).toBe('/l');
    await rejectsWith(s.updateBuild(randomUUID(), { logPath: '/l' }), 'ERR_ADMIN_PG_NOT_FOUND');
  });

  it('updateBuildStatus sets the timestamps and errorMessage; a missing build is NOT_FOUND', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const building = await s.updateBuildStatus(b.id, 'building');
    expect(building.startedAt).toBeInstanceOf(Date);
    const failed = await s.updateBuildStatus(b.id, 'failed', 'exit code 1');
    expect(failed).toMatchObject({ status: 'failed', errorMessage: 'exit code 1' });
    expect(failed.completedAt).toBeInstanceOf(Date);
    await rejectsWith(s.updateBuildStatus(randomUUID(), 'failed', 'x'), 'ERR_ADMIN_PG_NOT_FOUND');
    await rejectsWith(s.updateBuildStatus(b.id, 'failed', 42 as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('appendBuildLogs appends; a missing build resolves quietly', async () => {
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.appendBuildLogs(b.id, 'hello ');
    await s.appendBuildLogs(b.id, 'world');
    expect((await s.getBuild(b.id))!.logs).toBe('hello world');
    await expect(s.appendBuildLogs(randomUUID(), 'x')).resolves.toBeUndefined();
  });
});
