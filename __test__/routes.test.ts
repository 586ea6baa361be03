// Routes: the seed's RoutesPG domain object, answering with the seed's RouteInfo.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage, RouteConfig } from '../index.js';
import { cleanupStorages, createStorage } from './helpers';
import { makeDeployment, qualified, rejectsWith } from './runtime-fixtures';

let s: PostgresAdminStorage;

beforeAll(async () => {
  s = createStorage({ max: 4 });
  await s.init();
});
afterAll(cleanupStorages);

let n = 0;
/** A route config for a fresh deployment, with a unique subdomain. */
async function config(overrides: Partial<RouteConfig> = {}): Promise<RouteConfig & { publicUrl: string }> {
  const d = overrides.deploymentId
    ? { id: overrides.deploymentId, projectId: overrides.projectId! }
    : await makeDeployment(s, overrides.projectId ? { projectId: overrides.projectId } : {});
  n += 1;
  const subdomain = `app-${n}-${randomUUID().slice(0, 8)}`;
  return {
    deploymentId: d.id,
    projectId: d.projectId,
    subdomain,
    targetHost: 'localhost',
    targetPort: 3000 + n,
    publicUrl: `https://${subdomain}.example.com`,
    ...overrides,
  };
}

/** The stored row behind a route, for checks RouteInfo does not show. */
const rowOf = (routeId: string) =>
  s.db.one(`select * from ${qualified(s, 'admin_routes')} where id = $1`, [routeId]);

describe('RoutesPG', () => {
  it('createRoute stores a pending TLS route and answers with exactly the seed RouteInfo', async () => {
    const c = await config();
    const info = await s.routes.createRoute(c);
    expect(Object.keys(info).sort()).toEqual(['createdAt', 'deploymentId', 'publicUrl', 'routeId', 'status']);
    expect(info).toMatchObject({ deploymentId: c.deploymentId, publicUrl: c.publicUrl, status: 'pending' });
    expect(info.routeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.createdAt).toBeInstanceOf(Date);
    expect(info.lastHealthCheck).toBeUndefined();
    const row = await rowOf(info.routeId);
    expect(row).toMatchObject({
      subdomain: c.subdomain,
      target_host: 'localhost',
      target_port: c.targetPort,
      tls_enabled: true,
      provider_route_id: null,
      metadata: {},
      project_id: c.projectId,
    });
  });

  it('createRoute honours tls: false and a caller-supplied id', async () => {
    const id = randomUUID();
    const info = await s.routes.createRoute({ ...(await config()), tls: false, id });
    expect(info.routeId).toBe(id);
    expect((await rowOf(id)).tls_enabled).toBe(false);
  });

  it('a duplicate subdomain is a unique violation', async () => {
    const c = await config();
    await s.routes.createRoute(c);
    const err = (await rejectsWith(
      s.routes.createRoute({ ...(await config()), subdomain: c.subdomain }),
      'ERR_ADMIN_PG_UNIQUE_VIOLATION',
    )) as Error & { pgCode?: string; constraint?: string };
    expect(err.pgCode).toBe('23505');
    expect(err.constraint).toContain('subdomain');
  });

  it('createRoute rejects unknown or missing config fields with INVALID_ARGUMENT', async () => {
    const c = await config();
    const unknown = await rejectsWith(
      s.routes.createRoute({ ...c, healthPath: '/health' } as never),
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
    expect(unknown.message).toContain('healthPath');
    const { publicUrl: _omit, ...noUrl } = c;
    const missing = await rejectsWith(s.routes.createRoute(noUrl as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(missing.message).toContain('publicUrl');
    await rejectsWith(s.routes.createRoute({ ...c, targetPort: 'x' as never }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('getRouteById / getRouteBySubdomain / getRouteByDeployment find the route; unknown keys give null', async () => {
    const c = await config();
    const info = await s.routes.createRoute(c);
    expect(await s.routes.getRouteById(info.routeId)).toEqual(info);
    expect(await s.routes.getRouteBySubdomain(c.subdomain)).toEqual(info);
    expect(await s.routes.getRouteByDeployment(c.deploymentId)).toEqual(info);
    expect(await s.routes.getRouteById(randomUUID())).toBeNull();
    expect(await s.routes.getRouteById('bad')).toBeNull();
    expect(await s.routes.getRouteBySubdomain('nope')).toBeNull();
    expect(await s.routes.getRouteByDeployment(randomUUID())).toBeNull();
  });

  it('getRouteByDeployment returns the newest route of the deployment', async () => {
    const first = await config();
    await s.routes.createRoute(first);
    await new Promise((r) => setTimeout(r, 5));
    const second = await s.routes.createRoute(
      await config({ deploymentId: first.deploymentId, projectId: first.projectId }),
    );
    expect((await s.routes.getRouteByDeployment(first.deploymentId))?.routeId).toBe(second.routeId);
  });

  it('updateRoute changes route fields (tls maps to tlsEnabled); a missing route gives null', async () => {
    const info = await s.routes.createRoute(await config());
    const updated = await s.routes.updateRoute(info.routeId, {
      targetPort: 9999,
      targetHost: '10.0.0.2',
      tls: false,
      publicUrl: 'https://moved.example.com',
    });
    expect(updated).toMatchObject({ routeId: info.routeId, publicUrl: 'https://moved.example.com' });
    expect(await rowOf(info.routeId)).toMatchObject({ target_port: 9999, target_host: '10.0.0.2', tls_enabled: false });
    expect(await s.routes.updateRoute(randomUUID(), { targetPort: 1 })).toBeNull();
    await rejectsWith(s.routes.updateRoute(info.routeId, { nope: 1 } as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('updateRouteStatus sets a valid status; an unknown one is INVALID_ARGUMENT', async () => {
    const info = await s.routes.createRoute(await config());
    expect((await s.routes.updateRouteStatus(info.routeId, 'error'))?.status).toBe('error');
    expect(await s.routes.updateRouteStatus(randomUUID(), 'active')).toBeNull();
    await rejectsWith(s.routes.updateRouteStatus(info.routeId, 'up' as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('updateRouteHealth marks active or unhealthy and records lastHealthCheck', async () => {
    const info = await s.routes.createRoute(await config());
    const up = (await s.routes.updateRouteHealth(info.routeId, true))!;
    expect(up.status).toBe('active');
    expect(up.lastHealthCheck).toBeInstanceOf(Date);
    const down = (await s.routes.updateRouteHealth(info.routeId, false))!;
    expect(down.status).toBe('unhealthy');
    expect(down.lastHealthCheck!.getTime()).toBeGreaterThanOrEqual(up.lastHealthCheck!.getTime());
    expect(await s.routes.updateRouteHealth(randomUUID(), true)).toBeNull();
    await rejectsWith(s.routes.updateRouteHealth(info.routeId, 'yes' as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('setProviderRouteId stores the provider id', async () => {
    const info = await s.routes.createRoute(await config());
    expect((await s.routes.setProviderRouteId(info.routeId, 'cf-123'))?.routeId).toBe(info.routeId);
    expect((await rowOf(info.routeId)).provider_route_id).toBe('cf-123');
    expect(await s.routes.setProviderRouteId(randomUUID(), 'x')).toBeNull();
  });

  it('deleteRoute says whether it deleted', async () => {
    const info = await s.routes.createRoute(await config());
    expect(await s.routes.deleteRoute(info.routeId)).toBe(true);
    expect(await s.routes.deleteRoute(info.routeId)).toBe(false);
    expect(await s.routes.deleteRoute('bad')).toBe(false);
  });

  it('listRoutes lists a project routes newest first, each in RouteInfo shape', async () => {
    const first = await config();
    const a = await s.routes.createRoute(first);
    await new Promise((r) => setTimeout(r, 5));
    const b = await s.routes.createRoute(await config({ projectId: first.projectId }));
    await s.routes.updateRouteHealth(a.routeId, true);
    await s.routes.createRoute(await config()); // another project

    const listed = await s.routes.listRoutes(first.projectId);
    expect(listed.map((r) => r.routeId)).toEqual([b.routeId, a.routeId]);
    expect('lastHealthCheck' in listed[0]).toBe(false);
    expect(listed[1].lastHealthCheck).toBeInstanceOf(Date);
    expect(listed[1].status).toBe('active');
    expect(await s.routes.listRoutes(randomUUID())).toEqual([]);
    expect(await s.routes.listRoutes('bad')).toEqual([]);
  });

  it('listActiveRoutes lists every active route by subdomain', async () => {
    const mk = async (subdomain: string, healthy: boolean | null) => {
      const info = await s.routes.createRoute({ ...(await config()), subdomain: `${subdomain}-${n}` });
      if (healthy !== null) await s.routes.updateRouteHealth(info.routeId, healthy);
      return info.routeId;
    };
    const zed = await mk('zzz-active', true);
    const abc = await mk('aaa-active', true);
    const sick = await mk('mmm-sick', false);
    const pending = await mk('bbb-pending', null);
    const active = (await s.routes.listActiveRoutes()).map((r) => r.routeId);
    expect(active.indexOf(abc)).toBeGreaterThanOrEqual(0);
    expect(active.indexOf(abc)).toBeLessThan(active.indexOf(zed));
    expect(active).not.toContain(sick);
    expect(active).not.toContain(pending);
    const all = await s.routes.listActiveRoutes();
    expect(all.every((r) => r.status === 'active' && r.lastHealthCheck instanceof Date)).toBe(true);
  });
});
