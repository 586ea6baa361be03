// Projects, env vars and API tokens: the flat AdminStorage face (CONTRACT §5A) and the seed's
// ProjectsPG domain object (§5B), on a real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewProject, PostgresAdminStorage, Project, Team, User } from '../index.js';
import { cleanupStorages, createStorage, pgClient } from './helpers';

let s: PostgresAdminStorage;
let team: Team;
let user: User;

beforeAll(async () => {
  s = createStorage();
  await s.init();
  user = await s.createUser({ email: `owner-${randomUUID()}@example.com` });
  team = await s.createTeam({ name: 'Projects team', slug: `pt-${randomUUID()}` });
});
afterAll(cleanupStorages);

const unique = () => randomUUID().slice(0, 8);
const projectData = (over: Partial<NewProject> = {}): NewProject => ({
  id: randomUUID(),
  teamId: team.id,
  name: `Project ${unique()}`,
  slug: `p-${unique()}`,
  sourceType: 'github',
  sourceConfig: { repo: 'acme/app' },
  defaultBranch: 'main',
  ...over,
});
const newProject = (over: Partial<NewProject> = {}): Promise<Project> => s.createProject(projectData(over));

/** Statements the storage sends while `fn` runs. */
async function statementsOf(fn: () => Promise<unknown>): Promise<number> {
  const before = s.statementCount;
  await fn();
  return s.statementCount - before;
}

async function envVarRows(projectId: string): Promise<number> {
  const client = await pgClient();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n from ${client.escapeIdentifier(s.schemaName)}.admin_project_env_vars where project_id = $1`,
      [projectId],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

describe('flat projects', () => {
  it('createProject stores envVars in the same transaction and returns them as stored, ordered by key', async () => {
    const data = projectData({
      envVars: [
        { key: 'ZED', encryptedValue: 'enc-z', isSecret: false },
        { key: 'API_KEY', encryptedValue: 'enc-a', isSecret: true },
      ],
    });
    const project = await s.createProject(data);
    expect(project).toMatchObject({
      id: data.id,
      teamId: team.id,
      name: data.name,
      slug: data.slug,
      sourceType: 'github',
      sourceConfig: { repo: 'acme/app' },
      defaultBranch: 'main',
    });
    expect(project.createdAt).toBeInstanceOf(Date);
    expect(project.envVars.map((e) => [e.key, e.encryptedValue, e.isSecret])).toEqual([
      ['API_KEY', 'enc-a', true],
      ['ZED', 'enc-z', false],
    ]);
    for (const e of project.envVars) {
      expect(e.createdAt).toBeInstanceOf(Date);
      expect(e.updatedAt).toBeInstanceOf(Date);
      expect(e.deploymentType).toBeNull();
    }
    expect(await s.getProject(project.id)).toEqual(project);
    expect(await s.getProjectBySlug(team.id, project.slug)).toEqual(project);
  });

  it('createProject without envVars gives envVars: []', async () => {
    const project = await newProject();
    expect(project.envVars).toEqual([]);
    expect(await s.getProject(project.id)).toEqual(project);
  });

  it('createProject rolls back the project when an env var cannot be stored', async () => {
    const data = projectData({
      envVars: [
        { key: 'A', encryptedValue: '1' },
        { key: 'A', encryptedValue: '2' },
      ],
    });
    await expect(s.createProject(data)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION' });
    expect(await s.getProject(data.id!)).toBeNull();
  });

  it('createProject rejects malformed envVars by name before writing anything', async () => {
    const data = projectData({ envVars: [{ key: 'A' } as never] });
    await expect(s.createProject(data)).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_INVALID_ARGUMENT',
      message: expect.stringContaining('encryptedValue'),
    });
    expect(await s.getProject(data.id!)).toBeNull();
  });

  it('a duplicate slug in a team rejects with ERR_ADMIN_PG_UNIQUE_VIOLATION; a missing team with FOREIGN_KEY_VIOLATION', async () => {
    const project = await newProject();
    await expect(newProject({ slug: project.slug })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION' });
    await expect(newProject({ teamId: randomUUID() })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION' });
  });

  it('getters give null for missing or malformed ids', async () => {
    expect(await s.getProject(randomUUID())).toBeNull();
    expect(await s.getProject('x')).toBeNull();
    expect(await s.getProjectBySlug(team.id, 'none')).toBeNull();
    expect(await s.getProjectBySlug('x', 'none')).toBeNull();
  });

  it('updateProject ignores envVars in the updates and returns the project with its env vars', async () => {
    const project = await newProject({ envVars: [{ key: 'K', encryptedValue: 'v' }] });
    const updated = await s.updateProject(project.id, {
      ...project,
      name: 'Renamed',
      envVars: [],
    });
    expect(updated).toMatchObject({ id: project.id, name: 'Renamed' });
    expect(updated.envVars.map((e) => e.key)).toEqual(['K']);
    expect(await s.updateProject(project.id, { envVars: [] })).toEqual(updated);
  });

  it('updateProject / deleteProject of a missing project reject with ERR_ADMIN_PG_NOT_FOUND', async () => {
    await expect(s.updateProject(randomUUID(), { name: 'x' })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
    await expect(s.updateProject('bad', {})).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
    await expect(s.deleteProject(randomUUID())).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
    const project = await newProject();
    expect(await s.deleteProject(project.id)).toBeUndefined();
    expect(await s.getProject(project.id)).toBeNull();
  });

  describe('listProjectsForTeam', () => {
    let big: Team;
    beforeAll(async () => {
      big = await s.createTeam({ name: 'Big', slug: `big-${unique()}` });
      for (let i = 0; i < 50; i++) {
        await s.createProject({
          teamId: big.id,
          name: `Project ${String(i).padStart(2, '0')}`,
          slug: `p${i}`,
          sourceType: 'local',
          sourceConfig: { path: `/p${i}` },
          envVars: [
            { key: `KEY_B_${i}`, encryptedValue: `b${i}` },
            { key: `KEY_A_${i}`, encryptedValue: `a${i}` },
          ],
        });
      }
    });

    it('loads 50 projects with their env vars in one statement', async () => {
      let page!: Awaited<ReturnType<typeof s.listProjectsForTeam>>;
      expect(await statementsOf(async () => (page = await s.listProjectsForTeam(big.id, { perPage: 50 })))).toBe(1);
      expect(page).toMatchObject({ total: 50, page: 1, perPage: 50, hasMore: false });
      expect(page.data).toHaveLength(50);
      page.data.forEach((p, i) => {
        expect(p.name).toBe(`Project ${String(i).padStart(2, '0')}`);
        expect(p.envVars.map((e) => [e.key, e.encryptedValue])).toEqual([
          [`KEY_A_${i}`, `a${i}`],
          [`KEY_B_${i}`, `b${i}`],
        ]);
        expect(p.envVars[0].createdAt).toBeInstanceOf(Date);
      });
      // The statement count does not grow with the page size.
      expect(await statementsOf(() => s.listProjectsForTeam(big.id, { perPage: 5 }))).toBe(1);
    });

    it('pages by name with totals, hasMore, perPage 1 and a page beyond the end', async () => {
      const p2 = await s.listProjectsForTeam(big.id, { page: 2, perPage: 20 });
      expect(p2).toMatchObject({ total: 50, page: 2, perPage: 20, hasMore: true });
      expect(p2.data[0].name).toBe('Project 20');
      const p3 = await s.listProjectsForTeam(big.id, { page: 3, perPage: 20 });
      expect(p3.data).toHaveLength(10);
      expect(p3.hasMore).toBe(false);
      const one = await s.listProjectsForTeam(big.id, { page: 50, perPage: 1 });
      expect(one.data.map((p) => p.name)).toEqual(['Project 49']);
      expect(one.hasMore).toBe(false);
      expect(await s.listProjectsForTeam(big.id, { page: 51, perPage: 1 })).toEqual({
        data: [],
        total: 50,
        page: 51,
        perPage: 1,
        hasMore: false,
      });
      const defaults = await s.listProjectsForTeam(big.id);
      expect(defaults).toMatchObject({ page: 1, perPage: 20, hasMore: true });
      expect(await s.listProjectsForTeam(randomUUID())).toMatchObject({ data: [], total: 0, hasMore: false });
      await expect(s.listProjectsForTeam(big.id, { perPage: 0 })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_INVALID_ARGUMENT' });
    });
  });
});

describe('flat env vars', () => {
  it('getProjectEnvVars lists the project-wide variables ordered by key', async () => {
    const project = await newProject({
      envVars: [
        { key: 'B', encryptedValue: 'b' },
        { key: 'A', encryptedValue: 'a' },
      ],
    });
    await s.projects.setEnvVar({ projectId: project.id, deploymentType: 'preview', key: 'C', encryptedValue: 'c' });
    expect((await s.getProjectEnvVars(project.id)).map((e) => e.key)).toEqual(['A', 'B']);
    expect(await s.getProjectEnvVars(randomUUID())).toEqual([]);
  });

  it('setProjectEnvVar upserts atomically: one row, id and createdAt kept, value updated', async () => {
    const project = await newProject();
    const first = await s.setProjectEnvVar(project.id, { key: 'TOKEN', encryptedValue: 'v1', isSecret: true });
    expect(first).toMatchObject({ projectId: project.id, key: 'TOKEN', encryptedValue: 'v1', isSecret: true, deploymentType: null });
    let second!: Awaited<ReturnType<typeof s.setProjectEnvVar>>;
    expect(await statementsOf(async () => (second = await s.setProjectEnvVar(project.id, { key: 'TOKEN', encryptedValue: 'v2', isSecret: false })))).toBe(1);
    expect(second).toMatchObject({ id: first.id, encryptedValue: 'v2', isSecret: false, createdAt: first.createdAt });
    expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
    expect(await envVarRows(project.id)).toBe(1);
    expect((await s.getProject(project.id))?.envVars.map((e) => e.encryptedValue)).toEqual(['v2']);
  });

  it('setProjectEnvVar on a missing project rejects with FOREIGN_KEY_VIOLATION; a deploymentType is refused', async () => {
    await expect(s.setProjectEnvVar(randomUUID(), { key: 'K', encryptedValue: 'v', isSecret: true })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION',
    });
    const project = await newProject();
    await expect(
      s.setProjectEnvVar(project.id, { key: 'K', encryptedValue: 'v', deploymentType: 'preview' } as never),
    ).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_INVALID_ARGUMENT' });
  });

  it('deleteProjectEnvVar removes the key; a missing key rejects with ERR_ADMIN_PG_NOT_FOUND', async () => {
    const project = await newProject({ envVars: [{ key: 'GONE', encryptedValue: 'x' }] });
    expect(await s.deleteProjectEnvVar(project.id, 'GONE')).toBeUndefined();
    expect(await s.getProjectEnvVars(project.id)).toEqual([]);
    await expect(s.deleteProjectEnvVar(project.id, 'GONE')).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
  });
});

describe('flat API tokens', () => {
  it('create, get by id and hash, list newest first; scopes stay a JSON array', async () => {
    const project = await newProject();
    const id = randomUUID();
    const token = await s.createProjectApiToken({
      id,
      projectId: project.id,
      name: 'CI',
      tokenPrefix: 'mk_abc',
      tokenHash: `hash-${unique()}`,
      scopes: ['deploy', 'read'],
      createdBy: user.id,
      createdAt: new Date('2024-01-01'),
    });
    expect(token).toMatchObject({ id, projectId: project.id, name: 'CI', scopes: ['deploy', 'read'], lastUsedAt: null, expiresAt: null, createdBy: user.id });
    const newer = await s.createProjectApiToken({ projectId: project.id, name: 'Newer', tokenPrefix: 'mk_def', tokenHash: `hash-${unique()}`, createdBy: user.id });
    expect(newer.scopes).toEqual([]);
    expect(await s.getProjectApiToken(id)).toEqual(token);
    expect(await s.getProjectApiTokenByHash(token.tokenHash)).toEqual(token);
    expect(await s.getProjectApiTokenByHash('nope')).toBeNull();
    expect(await s.getProjectApiToken('bad')).toBeNull();
    expect((await s.listProjectApiTokens(project.id)).map((t) => t.id)).toEqual([newer.id, id]);
  });

  it('a duplicate hash rejects with ERR_ADMIN_PG_UNIQUE_VIOLATION', async () => {
    const project = await newProject();
    const tokenHash = `dup-${unique()}`;
    await s.createProjectApiToken({ projectId: project.id, name: 'a', tokenPrefix: 'p', tokenHash, createdBy: user.id });
    await expect(s.createProjectApiToken({ projectId: project.id, name: 'b', tokenPrefix: 'p', tokenHash, createdBy: user.id })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
    });
  });

  it('updateProjectApiTokenLastUsed stamps lastUsedAt and resolves quietly for a missing id', async () => {
    const project = await newProject();
    const token = await s.createProjectApiToken({ projectId: project.id, name: 'a', tokenPrefix: 'p', tokenHash: `h-${unique()}`, createdBy: user.id });
    expect(await s.updateProjectApiTokenLastUsed(token.id)).toBeUndefined();
    expect((await s.getProjectApiToken(token.id))?.lastUsedAt).toBeInstanceOf(Date);
    await expect(s.updateProjectApiTokenLastUsed(randomUUID())).resolves.toBeUndefined();
    await expect(s.updateProjectApiTokenLastUsed('bad')).resolves.toBeUndefined();
  });

  it('deleteProjectApiToken resolves void; a missing token rejects with ERR_ADMIN_PG_NOT_FOUND', async () => {
    const project = await newProject();
    const token = await s.createProjectApiToken({ projectId: project.id, name: 'a', tokenPrefix: 'p', tokenHash: `h-${unique()}`, createdBy: user.id });
    expect(await s.deleteProjectApiToken(token.id)).toBeUndefined();
    await expect(s.deleteProjectApiToken(token.id)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_NOT_FOUND' });
  });
});

describe('ProjectsPG', () => {
  it('storage.projects is a ProjectsPG', async () => {
    const { ProjectsPG } = await import('../index.js');
    expect(s.projects).toBeInstanceOf(ProjectsPG);
  });

  it('project CRUD follows the seed: null / false for missing rows, lists by name then id', async () => {
    const p = s.projects;
    const t = await s.createTeam({ name: 'Seed', slug: `seed-${unique()}` });
    const b = await p.createProject({ teamId: t.id, name: 'Same', slug: 'b', sourceType: 'local', sourceConfig: {} });
    const a = await p.createProject({ teamId: t.id, name: 'Same', slug: 'a', sourceType: 'local', sourceConfig: {} });
    const first = await p.createProject({ teamId: t.id, name: 'Alpha', slug: 'c', sourceType: 'local', sourceConfig: {} });
    expect(await p.getProjectById(a.id)).toEqual(a);
    expect(await p.getProjectBySlug(t.id, 'b')).toEqual(b);
    expect((await p.listProjects(t.id)).map((x) => x.id)).toEqual([first.id, ...[a.id, b.id].sort()]);
    expect(await p.updateProject(a.id, { defaultBranch: 'dev' })).toMatchObject({ defaultBranch: 'dev', envVars: [] });
    expect(await p.updateProject(randomUUID(), { defaultBranch: 'dev' })).toBeNull();
    expect(await p.updateProject('bad', { defaultBranch: 'dev' })).toBeNull();
    await expect(p.updateProject(a.id, { colour: 'red' } as never)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_INVALID_ARGUMENT' });
    expect(await p.deleteProject(a.id)).toBe(true);
    expect(await p.deleteProject(a.id)).toBe(false);
    expect(await p.getProjectById(a.id)).toBeNull();
    expect(await p.listProjects('bad')).toEqual([]);
  });

  describe('setEnvVar', () => {
    it('twice with a NULL deployment type: one row, same id and createdAt, value updated, one statement each', async () => {
      const project = await newProject();
      const first = await s.projects.setEnvVar({ projectId: project.id, key: 'K', encryptedValue: 'v1' });
      expect(first).toMatchObject({ deploymentType: null, isSecret: true, encryptedValue: 'v1' });
      let second!: Awaited<ReturnType<typeof s.projects.setEnvVar>>;
      expect(
        await statementsOf(async () => (second = await s.projects.setEnvVar({ projectId: project.id, deploymentType: null, key: 'K', encryptedValue: 'v2' }))),
      ).toBe(1);
      expect(second).toMatchObject({ id: first.id, createdAt: first.createdAt, encryptedValue: 'v2', isSecret: true });
      expect(await envVarRows(project.id)).toBe(1);
    });

    it('twice with a deployment type: one row for that type, beside the project-wide one', async () => {
      const project = await newProject();
      const wide = await s.projects.setEnvVar({ projectId: project.id, key: 'K', encryptedValue: 'wide' });
      const first = await s.projects.setEnvVar({ projectId: project.id, deploymentType: 'production', key: 'K', encryptedValue: 'p1', isSecret: false });
      const second = await s.projects.setEnvVar({ projectId: project.id, deploymentType: 'production', key: 'K', encryptedValue: 'p2' });
      expect(second).toMatchObject({ id: first.id, createdAt: first.createdAt, encryptedValue: 'p2', deploymentType: 'production' });
      // isSecret left out keeps the stored flag.
      expect(second.isSecret).toBe(false);
      expect(await envVarRows(project.id)).toBe(2);
      expect(await s.projects.getEnvVar(project.id, 'K')).toEqual(wide);
      expect(await s.projects.getEnvVar(project.id, 'K', 'production')).toEqual(second);
      expect(await s.projects.getEnvVar(project.id, 'K', 'staging')).toBeNull();
    });

    it('20 concurrent setEnvVar calls on one key leave exactly one row', async () => {
      const project = await newProject();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.projects.setEnvVar({ projectId: project.id, key: 'RACE', encryptedValue: `v${i}` })),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(await envVarRows(project.id)).toBe(1);
      const typed = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.projects.setEnvVar({ projectId: project.id, deploymentType: 'preview', key: 'RACE', encryptedValue: `t${i}` }),
        ),
      );
      expect(new Set(typed.map((r) => r.id)).size).toBe(1);
      expect(await envVarRows(project.id)).toBe(2);
    });

    it('rejects missing required fields and unknown fields by name; a missing project → FOREIGN_KEY_VIOLATION', async () => {
      const project = await newProject();
      await expect(s.projects.setEnvVar({ projectId: project.id, key: 'K' } as never)).rejects.toMatchObject({
        code: 'ERR_ADMIN_PG_INVALID_ARGUMENT',
        message: expect.stringContaining('encryptedValue'),
      });
      await expect(s.projects.setEnvVar({ projectId: project.id, key: 'K', encryptedValue: 'v', colour: 1 } as never)).rejects.toMatchObject({
        code: 'ERR_ADMIN_PG_INVALID_ARGUMENT',
        message: expect.stringContaining('colour'),
      });
      await expect(s.projects.setEnvVar({ projectId: randomUUID(), key: 'K', encryptedValue: 'v' })).rejects.toMatchObject({
        code: 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION',
      });
    });
  });

  it('listEnvVars: every scope when no type is given, project-wide only for null, one type for a string', async () => {
    const project = await newProject();
    await s.projects.setEnvVar({ projectId: project.id, deploymentType: 'preview', key: 'A', encryptedValue: '1' });
    await s.projects.setEnvVar({ projectId: project.id, key: 'B', encryptedValue: '2' });
    await s.projects.setEnvVar({ projectId: project.id, key: 'A', encryptedValue: '3' });
    const all = await s.projects.listEnvVars(project.id);
    expect(all.map((e) => [e.key, e.deploymentType])).toEqual([
      ['A', null],
      ['A', 'preview'],
      ['B', null],
    ]);
    expect((await s.projects.listEnvVars(project.id, null)).map((e) => e.key)).toEqual(['A', 'B']);
    expect((await s.projects.listEnvVars(project.id, 'preview')).map((e) => e.encryptedValue)).toEqual(['1']);
    expect(await s.projects.listEnvVars(project.id, 'staging')).toEqual([]);
    expect(await s.projects.listEnvVars('bad')).toEqual([]);
  });

  it('deleteEnvVar → boolean', async () => {
    const project = await newProject();
    const ev = await s.projects.setEnvVar({ projectId: project.id, key: 'X', encryptedValue: 'x' });
    expect(await s.projects.deleteEnvVar(ev.id)).toBe(true);
    expect(await s.projects.deleteEnvVar(ev.id)).toBe(false);
    expect(await s.projects.getEnvVar(project.id, 'X')).toBeNull();
  });

  it('API tokens: create, get by hash, list, updateApiTokenLastUsed, delete → boolean', async () => {
    const p = s.projects;
    const project = await newProject();
    const expiresAt = new Date(Date.now() + 86_400_000);
    const token = await p.createApiToken({ projectId: project.id, name: 'deploy', tokenPrefix: 'mk_1', tokenHash: `h-${unique()}`, scopes: ['deploy'], expiresAt, createdBy: user.id });
    expect(token).toMatchObject({ scopes: ['deploy'], expiresAt, lastUsedAt: null });
    expect(await p.getApiTokenByHash(token.tokenHash)).toEqual(token);
    expect(await p.listApiTokens(project.id)).toEqual([token]);
    await p.updateApiTokenLastUsed(token.id);
    const used = await p.getApiTokenByHash(token.tokenHash);
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
    await expect(p.updateApiTokenLastUsed(randomUUID())).resolves.toBeUndefined();
    expect(await p.deleteApiToken(token.id)).toBe(true);
    expect(await p.deleteApiToken(token.id)).toBe(false);
    expect(await p.listApiTokens(project.id)).toEqual([]);
  });

  it('deleting a project cascades to its env vars and tokens', async () => {
    const project = await newProject({ envVars: [{ key: 'A', encryptedValue: 'a' }] });
    const token = await s.projects.createApiToken({ projectId: project.id, name: 't', tokenPrefix: 'p', tokenHash: `h-${unique()}`, createdBy: user.id });
    expect(await s.projects.deleteProject(project.id)).toBe(true);
    expect(await envVarRows(project.id)).toBe(0);
    expect(await s.getProjectApiToken(token.id)).toBeNull();
  });
});
