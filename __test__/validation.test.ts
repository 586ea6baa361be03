// Input validation before SQL (required and enumerated fields, one message shape, both faces),
// the TypeScript adapter's not-found wording, and errors that carry the caller's stack.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage } from './helpers';
import { makeDeployment, makeProject, rejectsWith } from './runtime-fixtures';

let s: PostgresAdminStorage;
const INVALID = 'ERR_ADMIN_PG_INVALID_ARGUMENT';
const any = (x: unknown) => x as never;

beforeAll(async () => {
  s = createStorage();
  await s.init();
});
afterAll(cleanupStorages);

describe('required fields are named in camelCase before any SQL, on both faces', () => {
  it('projects: a missing sourceType is INVALID_ARGUMENT naming sourceType (not a NOT NULL error)', async () => {
    const team = await s.createTeam({ name: 'V', slug: `v-${randomUUID()}` });
    const data = { teamId: team.id, name: 'P', slug: `p-${randomUUID()}`, sourceConfig: {} };
    const flat = await rejectsWith(s.createProject(any(data)), INVALID);
    expect(flat.message).toBe('sourceType is required');
    const domain = await rejectsWith(s.projects.createProject(any(data)), INVALID);
    expect(domain.message).toBe('sourceType is required');
  });

  it('deployments: a missing branch is INVALID_ARGUMENT naming branch', async () => {
    const projectId = await makeProject(s);
    const data = { projectId, type: 'preview', slug: 'x' };
    expect((await rejectsWith(s.createDeployment(any(data)), INVALID)).message).toBe('branch is required');
    expect((await rejectsWith(s.deployments.createDeployment(any(data)), INVALID)).message).toBe('branch is required');
  });

  it('users: a missing email keeps its message', async () => {
    expect((await rejectsWith(s.createUser(any({ name: 'x' })), INVALID)).message).toBe('email is required');
  });

  it('a required field set to null on update is refused', async () => {
    const { id } = await makeDeployment(s);
    const e = await rejectsWith(s.deployments.updateDeployment(id, any({ branch: null })), INVALID);
    expect(e.message).toBe('branch cannot be null');
  });
});

describe('enumerated fields are checked on create and update', () => {
  it("deployment type 'prod' is refused (both faces), nothing stored", async () => {
    const projectId = await makeProject(s);
    const data = { projectId, type: 'prod', branch: 'main', slug: 'main' };
    const e = await rejectsWith(s.createDeployment(any(data)), INVALID);
    expect(e.message).toBe('type must be one of production, staging, preview, got `prod`');
    await rejectsWith(s.deployments.createDeployment(any(data)), INVALID);
    expect(await s.deployments.listDeployments(projectId)).toHaveLength(0);
  });

  it('deployment status on update, build trigger and status on create, health status on update', async () => {
    const { id } = await makeDeployment(s);
    expect((await rejectsWith(s.deployments.updateDeployment(id, any({ status: 'up' })), INVALID)).message).toMatch(
      /^status must be one of pending, building, running, stopped, failed/,
    );
    const b = { deploymentId: id, trigger: 'push', triggeredBy: 'me', commitSha: 'abc' };
    expect((await rejectsWith(s.builds.createBuild(any(b)), INVALID)).message).toMatch(/^trigger must be one of manual/);
    await rejectsWith(s.builds.createBuild(any({ ...b, trigger: 'manual', status: 'done' })), INVALID);
    const build = await s.builds.createBuild(any({ ...b, trigger: 'manual' }));
    expect(build.status).toBe('queued');
  });

  it('member and invite roles must be one of owner, admin, developer, viewer', async () => {
    const team = await s.createTeam({ name: 'R', slug: `r-${randomUUID()}` });
    const user = await s.createUser({ email: `${randomUUID()}@v.test`, name: 'u' });
    const e = await rejectsWith(s.teams.addTeamMember(any({ teamId: team.id, userId: user.id, role: 'boss' })), INVALID);
    expect(e.message).toBe('role must be one of owner, admin, developer, viewer, got `boss`');
  });
});

describe("not-found messages use the TypeScript adapter's wording", () => {
  it('User not found: <id>, Deployment not found: <id>, with code NOT_FOUND', async () => {
    const id = randomUUID();
    const u = await rejectsWith(s.updateUser(id, { name: 'x' }), 'ERR_ADMIN_PG_NOT_FOUND');
    expect(u.message).toBe(`User not found: ${id}`);
    expect(u.message).toMatch(/User not found/);
    const d = await rejectsWith(s.updateDeployment(id, any({ branch: 'x' })), 'ERR_ADMIN_PG_NOT_FOUND');
    expect(d.message).toBe(`Deployment not found: ${id}`);
  });
});

describe('errors carry the caller stack', () => {
  it("a rejected call's stack names the function that awaited it", async () => {
    async function callerOfCreateUser() {
      return await s.createUser(any({ name: 'no email' }));
    }
    const e = await callerOfCreateUser().then(
      () => null,
      (err: Error) => err,
    );
    expect(e).toBeInstanceOf(Error);
    expect(e!.stack).toContain('callerOfCreateUser');
    expect(e!.stack).toContain('validation.test.ts');
  });
});

describe('configuration and connection errors say what happened', () => {
  it('connectionString: undefined (an unset environment variable) is named as undefined', async () => {
    const { PostgresAdminStorage } = await import('../index.js');
    let err: (Error & { code?: string }) | undefined;
    try {
      new PostgresAdminStorage({ connectionString: undefined as unknown as string });
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err?.code).toBe('ERR_ADMIN_PG_CONFIG');
    expect(err?.message).toContain('connectionString is undefined');
  });

  it('a port that answers but is not PostgreSQL says so', async () => {
    const net = await import('node:net');
    const server = net.createServer((sock) => {
      sock.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const { PostgresAdminStorage } = await import('../index.js');
    const st = new PostgresAdminStorage({ connectionString: `postgres://u@127.0.0.1:${port}/db`, connectionTimeoutMillis: 2000 } as never);
    try {
      const e = await rejectsWith(st.init(), 'ERR_ADMIN_PG_CONNECTION');
      expect(e.message).toMatch(/PostgreSQL protocol|is a PostgreSQL server listening/);
    } finally {
      await st.close();
      server.close();
    }
  });
});
