// Deployments: the seed's DeploymentsPG domain object and the flat AdminStorage deployment
// methods, over one core.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage } from './helpers';
import { makeDeployment, makeProject, qualified, rejectsWith } from './runtime-fixtures';

let s: PostgresAdminStorage;

beforeAll(async () => {
  s = createStorage();
  await s.init();
});
afterAll(cleanupStorages);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('DeploymentsPG', () => {
  it('createDeployment stores every column and returns the whole row with defaults', async () => {
    const projectId = await makeProject(s);
    const overrides = [{ key: 'API_KEY', encryptedValue: 'enc:abc', isSecret: true }];
    const d = await s.deployments.createDeployment({
      projectId,
      type: 'production',
      branch: 'main',
      slug: 'main--app',
      internalPort: 3001,
      envVarOverrides: overrides,
    });
    expect(d).toMatchObject({
      projectId,
      type: 'production',
      branch: 'main',
      slug: 'main--app',
      status: 'pending',
      currentBuildId: null,
      publicUrl: null,
      internalHost: null,
      internalPort: 3001,
      envVarOverrides: overrides,
      autoShutdown: false,
      expiresAt: null,
    });
    expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.createdAt).toBeInstanceOf(Date);
    expect(d.updatedAt).toBeInstanceOf(Date);
    expect(Object.keys(d).sort()).toEqual(
      [
        'autoShutdown',
        'branch',
        'createdAt',
        'currentBuildId',
        'envVarOverrides',
        'expiresAt',
        'id',
        'internalHost',
        'internalPort',
        'projectId',
        'publicUrl',
        'slug',
        'status',
        'type',
        'updatedAt',
      ].sort(),
    );
    // Stored as a JSON array, not a string.
    const raw = await s.db.one(
      `select jsonb_typeof(env_var_overrides) as t from ${qualified(s, 'admin_deployments')} where id = $1`,
      [d.id],
    );
    expect(raw.t).toBe('array');
  });

  it('a second deployment for the same (project, type, branch) is a unique violation', async () => {
    const { projectId } = await makeDeployment(s, { type: 'staging', branch: 'dup', slug: 'dup' });
    await rejectsWith(
      s.deployments.createDeployment({ projectId, type: 'staging', branch: 'dup', slug: 'dup-2' }),
      'ERR_ADMIN_PG_UNIQUE_VIOLATION',
    );
  });

  it('rejects unknown fields and malformed ids in the data with INVALID_ARGUMENT', async () => {
    const projectId = await makeProject(s);
    const err = await rejectsWith(
      s.deployments.createDeployment({ projectId, type: 'preview', branch: 'x', slug: 'x', bogus: 1 } as never),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
    expect(err.message).toContain('bogus');
    await rejectsWith(
      s.deployments.createDeployment({ projectId: 'not-a-uuid', type: 'preview', branch: 'x', slug: 'x' }),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
  });

  it('getDeploymentById finds a deployment; a missing or malformed id gives null', async () => {
    const { id } = await makeDeployment(s);
    expect((await s.deployments.getDeploymentById(id))?.id).toBe(id);
    expect(await s.deployments.getDeploymentById(randomUUID())).toBeNull();
    expect(await s.deployments.getDeploymentById('nope')).toBeNull();
  });

  it('getDeployment finds the deployment of (project, type, branch)', async () => {
    const { id, projectId } = await makeDeployment(s, { type: 'staging', branch: 'staging', slug: 'stg' });
    expect((await s.deployments.getDeployment(projectId, 'staging', 'staging'))?.id).toBe(id);
    expect(await s.deployments.getDeployment(projectId, 'production', 'staging')).toBeNull();
    expect(await s.deployments.getDeployment(projectId, 'staging', 'other')).toBeNull();
    expect(await s.deployments.getDeployment('bad', 'staging', 'staging')).toBeNull();
  });

  it('getProductionDeployment returns the newest of two production deployments', async () => {
    const projectId = await makeProject(s);
    const older = await s.deployments.createDeployment({
      projectId,
      type: 'production',
      branch: 'main',
      slug: 'a',
      createdAt: minutesAgo(10),
    });
    const newer = await s.deployments.createDeployment({
      projectId,
      type: 'production',
      branch: 'release',
      slug: 'b',
      createdAt: minutesAgo(1),
    });
    await s.deployments.createDeployment({ projectId, type: 'preview', branch: 'pr', slug: 'c' });
    expect(older.id).not.toBe(newer.id);
    expect((await s.deployments.getProductionDeployment(projectId))?.id).toBe(newer.id);
    expect(await s.deployments.getProductionDeployment(await makeProject(s))).toBeNull();
  });

  it('updateDeployment changes the given fields, ignores id/createdAt, bumps updatedAt; missing → null', async () => {
    const { id } = await makeDeployment(s);
    const before = (await s.deployments.getDeploymentById(id))!;
    const updated = await s.deployments.updateDeployment(id, {
      ...before,
      id: randomUUID(),
      createdAt: new Date(0),
      publicUrl: 'https://x.example.com',
      internalHost: 'localhost',
      internalPort: 4000,
      autoShutdown: true,
    });
    expect(updated).toMatchObject({
      id,
      createdAt: before.createdAt,
      publicUrl: 'https://x.example.com',
      internalHost: 'localhost',
      internalPort: 4000,
      autoShutdown: true,
    });
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect(await s.deployments.updateDeployment(randomUUID(), { slug: 'x' })).toBeNull();
    expect(await s.deployments.updateDeployment('bad', { slug: 'x' })).toBeNull();
  });

  it('updateDeploymentStatus sets a valid status; an unknown status is INVALID_ARGUMENT', async () => {
    const { id } = await makeDeployment(s);
    expect((await s.deployments.updateDeploymentStatus(id, 'running'))?.status).toBe('running');
    expect(await s.deployments.updateDeploymentStatus(randomUUID(), 'running')).toBeNull();
    const err = await rejectsWith(
      s.deployments.updateDeploymentStatus(id, 'runing' as never),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
    expect(err.message).toContain('status must be one of');
  });

  it('setCurrentBuild points the deployment at a build', async () => {
    const { id } = await makeDeployment(s);
    const build = await s.builds.enqueue(id, 'manual', 'user-1');
    expect((await s.deployments.setCurrentBuild(id, build.id))?.currentBuildId).toBe(build.id);
    expect(await s.deployments.setCurrentBuild(randomUUID(), build.id)).toBeNull();
    await rejectsWith(s.deployments.setCurrentBuild(id, 'not-a-uuid'), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('deleteDeployment says whether it deleted', async () => {
    const { id } = await makeDeployment(s);
    expect(await s.deployments.deleteDeployment(id)).toBe(true);
    expect(await s.deployments.deleteDeployment(id)).toBe(false);
    expect(await s.deployments.deleteDeployment('bad')).toBe(false);
  });

  it('deleting a deployment cascades to its builds, running servers and routes', async () => {
    const { id, projectId } = await makeDeployment(s);
    const other = await makeDeployment(s, { projectId, type: 'staging' });
    const b1 = await s.builds.enqueue(id, 'manual', 'u');
    const b2 = await s.builds.enqueue(id, 'webhook', 'u');
    await s.servers.registerServer({ deploymentId: id, buildId: b1.id, host: 'localhost', port: 3001 });
    await s.servers.registerServer({ deploymentId: id, buildId: b2.id, host: 'localhost', port: 3002 });
    await s.routes.createRoute({
      deploymentId: id,
      projectId,
      subdomain: `cascade-${id}`,
      targetHost: 'localhost',
      targetPort: 3001,
      publicUrl: 'https://c.example.com',
    });
    const otherBuild = await s.builds.enqueue(other.id, 'manual', 'u');

    expect(await s.deployments.deleteDeployment(id)).toBe(true);
    const counts = await s.db.one(
      `select (select count(*) from ${qualified(s, 'admin_builds')} where deployment_id = $1) as builds,
              (select count(*) from ${qualified(s, 'admin_running_servers')} where deployment_id = $1) as servers,
              (select count(*) from ${qualified(s, 'admin_routes')} where deployment_id = $1) as routes`,
      [id],
    );
    expect(counts).toEqual({ builds: 0, servers: 0, routes: 0 });
    expect((await s.builds.getBuildById(otherBuild.id))?.id).toBe(otherBuild.id);
  });

  it('the lists are newest first, filtered by type, by active status, and by preview', async () => {
    const projectId = await makeProject(s);
    const mk = (type: string, branch: string, status: string, age: number) =>
      s.deployments.createDeployment({
        projectId,
        type: type as 'preview',
        branch,
        slug: branch,
        status: status as 'pending',
        createdAt: minutesAgo(age),
      });
    const prod = await mk('production', 'main', 'running', 50);
    const stg = await mk('staging', 'staging', 'stopped', 40);
    const pr1 = await mk('preview', 'pr-1', 'failed', 30);
    const pr2 = await mk('preview', 'pr-2', 'building', 20);
    const pr3 = await mk('preview', 'pr-3', 'pending', 10);
    const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

    expect(ids(await s.deployments.listDeployments(projectId))).toEqual([pr3.id, pr2.id, pr1.id, stg.id, prod.id]);
    expect(ids(await s.deployments.listDeploymentsByType(projectId, 'preview'))).toEqual([pr3.id, pr2.id, pr1.id]);
    expect(ids(await s.deployments.listDeploymentsByType(projectId, 'staging'))).toEqual([stg.id]);
    expect(ids(await s.deployments.listPreviewDeployments(projectId))).toEqual([pr3.id, pr2.id, pr1.id]);
    expect(ids(await s.deployments.listActiveDeployments(projectId))).toEqual([pr3.id, pr2.id, prod.id]);
    expect(await s.deployments.listDeployments('bad')).toEqual([]);
    expect(await s.deployments.listDeployments(randomUUID())).toEqual([]);
  });

  it('lists break created_at ties by id', async () => {
    const projectId = await makeProject(s);
    const at = new Date('2024-01-01T00:00:00Z');
    const made = [];
    for (let i = 0; i < 4; i++) {
      made.push(
        await s.deployments.createDeployment({ projectId, type: 'preview', branch: `t${i}`, slug: `t${i}`, createdAt: at }),
      );
    }
    const expected = made.map((d) => d.id).sort();
    expect((await s.deployments.listDeployments(projectId)).map((d) => d.id)).toEqual(expected);
  });

  it('cleanupExpiredPreviews deletes only preview deployments whose expiry has passed', async () => {
    const projectId = await makeProject(s);
    const mk = (type: string, branch: string, expiresAt: Date | null) =>
      s.deployments.createDeployment({ projectId, type: type as 'preview', branch, slug: branch, expiresAt });
    const expired1 = await mk('preview', 'old-1', minutesAgo(5));
    const expired2 = await mk('preview', 'old-2', minutesAgo(60 * 24));
    const future = await mk('preview', 'future', minutesAgo(-60));
    const noExpiry = await mk('preview', 'forever', null);
    const expiredProd = await mk('production', 'main', minutesAgo(5));
    const expiredStaging = await mk('staging', 'staging', minutesAgo(5));
    const build = await s.builds.enqueue(expired1.id, 'manual', 'u');

    const before = await s.db.one(
      `select count(*)::int as n from ${qualified(s, 'admin_deployments')} where type = 'preview' and expires_at < now()`,
    );
    expect(await s.deployments.cleanupExpiredPreviews()).toBe(before.n);
    const left = (await s.deployments.listDeployments(projectId)).map((d) => d.id).sort();
    expect(left).toEqual([future.id, noExpiry.id, expiredProd.id, expiredStaging.id].sort());
    expect(left).not.toContain(expired2.id);
    expect(await s.builds.getBuildById(build.id)).toBeNull();
    expect(await s.deployments.cleanupExpiredPreviews()).toBe(0);
  });
});

describe('AdminStorage deployment methods (flat)', () => {
  it('createDeployment keeps the caller-supplied id; getDeployment reads it back', async () => {
    const projectId = await makeProject(s);
    const id = randomUUID();
    const d = await s.createDeployment({ id, projectId, type: 'production', branch: 'main', slug: 'flat-main' });
    expect(d.id).toBe(id);
    expect(await s.getDeployment(id)).toEqual(d);
    expect(await s.getDeployment(randomUUID())).toBeNull();
    expect(await s.getDeployment('bad')).toBeNull();
  });

  it('getDeploymentBySlug finds the project deployment by slug (the newest if several)', async () => {
    const projectId = await makeProject(s);
    await s.createDeployment({ projectId, type: 'preview', branch: 'a', slug: 'same', createdAt: minutesAgo(5) });
    const newer = await s.createDeployment({ projectId, type: 'preview', branch: 'b', slug: 'same' });
    expect((await s.getDeploymentBySlug(projectId, 'same'))?.id).toBe(newer.id);
    expect(await s.getDeploymentBySlug(projectId, 'missing')).toBeNull();
    expect(await s.getDeploymentBySlug(await makeProject(s), 'same')).toBeNull();
  });

  it('listDeploymentsForProject pages newest first in one round trip', async () => {
    const projectId = await makeProject(s);
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await s.createDeployment({ projectId, type: 'preview', branch: `p${i}`, slug: `p${i}`, createdAt: minutesAgo(100 - i) }),
      );
    }
    const newestFirst = made.map((d) => d.id).reverse();

    const before = s.statementCount;
    const p1 = await s.listDeploymentsForProject(projectId, { page: 1, perPage: 3 });
    expect(s.statementCount - before).toBe(1);
    expect(p1).toMatchObject({ total: 7, page: 1, perPage: 3, hasMore: true });
    expect(p1.data.map((d) => d.id)).toEqual(newestFirst.slice(0, 3));
    expect(p1.data[0].createdAt).toBeInstanceOf(Date);

    const p3 = await s.listDeploymentsForProject(projectId, { page: 3, perPage: 3 });
    expect(p3).toMatchObject({ total: 7, hasMore: false });
    expect(p3.data.map((d) => d.id)).toEqual(newestFirst.slice(6));

    const past = await s.listDeploymentsForProject(projectId, { page: 9, perPage: 3 });
    expect(past).toEqual({ data: [], total: 7, page: 9, perPage: 3, hasMore: false });

    const defaults = await s.listDeploymentsForProject(projectId);
    expect(defaults).toMatchObject({ total: 7, page: 1, perPage: 20, hasMore: false });
    expect(defaults.data).toHaveLength(7);

    expect(await s.listDeploymentsForProject(randomUUID())).toEqual({
      data: [],
      total: 0,
      page: 1,
      perPage: 20,
      hasMore: false,
    });
    await rejectsWith(s.listDeploymentsForProject(projectId, { page: 0 }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.listDeploymentsForProject(projectId, { perPage: 1.5 }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(
      s.listDeploymentsForProject(projectId, 'page 2' as never),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
  });

  it('updateDeployment and updateDeploymentStatus return the row; a missing one is NOT_FOUND', async () => {
    const { id } = await makeDeployment(s);
    expect((await s.updateDeployment(id, { publicUrl: 'https://u.example.com' })).publicUrl).toBe(
      'https://u.example.com',
    );
    expect((await s.updateDeployment(id, {})).id).toBe(id);
    expect((await s.updateDeploymentStatus(id, 'stopped')).status).toBe('stopped');
    await rejectsWith(s.updateDeployment(randomUUID(), { slug: 'x' }), 'ERR_ADMIN_PG_NOT_FOUND');
    await rejectsWith(s.updateDeployment('bad', { slug: 'x' }), 'ERR_ADMIN_PG_NOT_FOUND');
    await rejectsWith(s.updateDeployment(randomUUID(), {}), 'ERR_ADMIN_PG_NOT_FOUND');
    await rejectsWith(s.updateDeploymentStatus(randomUUID(), 'running'), 'ERR_ADMIN_PG_NOT_FOUND');
    await rejectsWith(s.updateDeploymentStatus(id, 'bogus' as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('deleteDeployment resolves void; a missing one is NOT_FOUND', async () => {
    const { id } = await makeDeployment(s);
    expect(await s.deleteDeployment(id)).toBeUndefined();
    await rejectsWith(s.deleteDeployment(id), 'ERR_ADMIN_PG_NOT_FOUND');
    await rejectsWith(s.deleteDeployment('bad'), 'ERR_ADMIN_PG_NOT_FOUND');
  });

  it('wrong argument types reject with INVALID_ARGUMENT instead of throwing', async () => {
    await rejectsWith(s.getDeployment(42 as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.createDeployment('x' as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    await rejectsWith(s.deployments.listDeployments(undefined as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });
});
