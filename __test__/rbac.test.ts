// RBAC: the seed's RbacPG domain object (CONTRACT §5B) and the flat team-role permission methods
// of AdminStorage (§5A), on a real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage, Role, Team, User } from '../index.js';
import { cleanupStorages, createStorage } from './helpers';

let s: PostgresAdminStorage;

beforeAll(async () => {
  s = createStorage();
  await s.init();
});
afterAll(cleanupStorages);

const unique = () => randomUUID().slice(0, 8);
const newUser = (): Promise<User> => s.createUser({ email: `u-${unique()}@example.com` });
const newTeam = (): Promise<Team> => s.createTeam({ name: `T ${unique()}`, slug: `t-${unique()}` });
const SYSTEM = ['platform_admin', 'team_admin', 'team_member', 'team_owner', 'team_viewer'];

/** Statements the storage sends while `fn` runs. */
async function statementsOf(fn: () => Promise<unknown>): Promise<number> {
  const before = s.statementCount;
  await fn();
  return s.statementCount - before;
}

describe('RbacPG roles', () => {
  it('storage.rbac is an RbacPG', async () => {
    const { RbacPG } = await import('../index.js');
    expect(s.rbac).toBeInstanceOf(RbacPG);
  });

  it('initializeSystemRoles is idempotent, concurrently too: the five system roles exist once', async () => {
    await Promise.all([s.rbac.initializeSystemRoles(), s.rbac.initializeSystemRoles(), s.rbac.initializeSystemRoles()]);
    await s.rbac.initializeSystemRoles();
    const system = await s.rbac.listSystemRoles();
    expect(system.map((r) => r.name)).toEqual(SYSTEM);
    for (const r of system) expect(r).toMatchObject({ isSystem: true, teamId: null });
    expect(system.find((r) => r.name === 'platform_admin')?.permissions).toEqual(['*']);
    expect(system.find((r) => r.name === 'team_viewer')?.permissions).toEqual(['team:read', 'project:read', 'deployment:read', 'build:read']);
  });

  it('createRole, getRoleById, getRoleByName in a team and among global roles (teamId null)', async () => {
    const team = await newTeam();
    const role = await s.rbac.createRole({ teamId: team.id, name: 'deployer', description: 'Deploys', permissions: ['deployment:deploy'] });
    expect(role).toMatchObject({ teamId: team.id, name: 'deployer', description: 'Deploys', permissions: ['deployment:deploy'], isSystem: false });
    expect(role.createdAt).toBeInstanceOf(Date);
    expect(await s.rbac.getRoleById(role.id)).toEqual(role);
    expect(await s.rbac.getRoleByName(team.id, 'deployer')).toEqual(role);
    expect(await s.rbac.getRoleByName(null, 'deployer')).toBeNull();
    expect((await s.rbac.getRoleByName(null, 'team_owner'))?.isSystem).toBe(true);
    expect(await s.rbac.getRoleByName('bad', 'deployer')).toBeNull();
    expect(await s.rbac.getRoleById(randomUUID())).toBeNull();
    expect(await s.rbac.getRoleById('bad')).toBeNull();
  });

  it('the same role name twice in one scope, global (NULL team) included, is a UNIQUE_VIOLATION', async () => {
    const team = await newTeam();
    await s.rbac.createRole({ teamId: team.id, name: 'dup', permissions: [] });
    await expect(s.rbac.createRole({ teamId: team.id, name: 'dup', permissions: [] })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
      constraint: 'admin_roles_team_name_key',
    });
    const name = `global-${unique()}`;
    await s.rbac.createRole({ teamId: null, name, permissions: [] });
    await expect(s.rbac.createRole({ name, permissions: [] })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION' });
    // The same name in another team is fine.
    await s.rbac.createRole({ teamId: (await newTeam()).id, name: 'dup', permissions: [] });
  });

  it('updateRole changes a custom role; a missing role gives null', async () => {
    const role = await s.rbac.createRole({ name: `custom-${unique()}`, permissions: ['a:read'] });
    const updated = await s.rbac.updateRole(role.id, { ...role, name: `${role.name}-2`, permissions: ['a:read', 'a:write'] });
    expect(updated).toMatchObject({ id: role.id, name: `${role.name}-2`, permissions: ['a:read', 'a:write'] });
    expect(await s.rbac.updateRole(randomUUID(), { name: 'x' })).toBeNull();
    expect(await s.rbac.updateRole('bad', { name: 'x' })).toBeNull();
  });

  it('system roles cannot be renamed, moved or made non-system (ERR_ADMIN_PG_SYSTEM_ROLE); other changes are allowed', async () => {
    const viewer = (await s.rbac.getRoleByName(null, 'team_viewer')) as Role;
    await expect(s.rbac.updateRole(viewer.id, { name: 'renamed' })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_SYSTEM_ROLE' });
    await expect(s.rbac.updateRole(viewer.id, { isSystem: false })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_SYSTEM_ROLE' });
    await expect(s.rbac.updateRole(viewer.id, { teamId: (await newTeam()).id })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_SYSTEM_ROLE' });
    expect((await s.rbac.getRoleById(viewer.id))?.name).toBe('team_viewer');
    // Spreading the role back with its own name is not a rename.
    const updated = await s.rbac.updateRole(viewer.id, { ...viewer, description: 'Read-only (edited)' });
    expect(updated).toMatchObject({ name: 'team_viewer', description: 'Read-only (edited)', isSystem: true });
    await s.rbac.updateRole(viewer.id, { description: viewer.description });
  });

  it('deleteRole: system roles → ERR_ADMIN_PG_SYSTEM_ROLE and stay; custom → true; missing → false', async () => {
    for (const name of SYSTEM) {
      const role = (await s.rbac.getRoleByName(null, name)) as Role;
      await expect(s.rbac.deleteRole(role.id)).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_SYSTEM_ROLE' });
    }
    expect((await s.rbac.listSystemRoles()).map((r) => r.name)).toEqual(SYSTEM);
    const role = await s.rbac.createRole({ name: `temp-${unique()}`, permissions: [] });
    const user = await newUser();
    await s.rbac.assignRole({ roleId: role.id, userId: user.id });
    expect(await s.rbac.deleteRole(role.id)).toBe(true);
    expect(await s.rbac.getUserRoleAssignments(user.id)).toEqual([]);
    expect(await s.rbac.deleteRole(role.id)).toBe(false);
    expect(await s.rbac.deleteRole('bad')).toBe(false);
  });

  it('listRoles: with a team, its roles after the system roles; without, every role by name', async () => {
    const team = await newTeam();
    const b = await s.rbac.createRole({ teamId: team.id, name: 'b-role', permissions: [] });
    const a = await s.rbac.createRole({ teamId: team.id, name: 'a-role', permissions: [] });
    await s.rbac.createRole({ teamId: (await newTeam()).id, name: 'elsewhere', permissions: [] });
    const forTeam = await s.rbac.listRoles(team.id);
    expect(forTeam.map((r) => r.name)).toEqual([...SYSTEM, 'a-role', 'b-role']);
    expect(forTeam.slice(-2).map((r) => r.id)).toEqual([a.id, b.id]);
    const all = (await s.rbac.listRoles()).map((r) => r.name);
    // By name (in the database's collation): compare names that sort alike in any collation.
    expect(all.indexOf('a-role')).toBeLessThan(all.indexOf('b-role'));
    expect(all.indexOf('b-role')).toBeLessThan(all.indexOf('elsewhere'));
    expect(all.indexOf('platform_admin')).toBeLessThan(all.indexOf('team_viewer'));
    expect((await s.rbac.listRoles('bad')).map((r) => r.name)).toEqual(SYSTEM);
  });
});

describe('RbacPG assignments and hasPermission', () => {
  let admin: Role;
  let projectWild: Role;
  let reader: Role;
  beforeAll(async () => {
    admin = (await s.rbac.getRoleByName(null, 'platform_admin')) as Role;
    projectWild = await s.rbac.createRole({ name: `project-all-${unique()}`, permissions: ['project:*'] });
    reader = await s.rbac.createRole({ name: `reader-${unique()}`, permissions: ['deployment:read'] });
  });

  it('assignRole globally and per resource; the same assignment twice (NULL resource included) is a UNIQUE_VIOLATION', async () => {
    const user = await newUser();
    const resourceId = randomUUID();
    const global = await s.rbac.assignRole({ roleId: reader.id, userId: user.id });
    expect(global).toMatchObject({ roleId: reader.id, userId: user.id, resourceType: null, resourceId: null });
    const scoped = await s.rbac.assignRole({ roleId: reader.id, userId: user.id, resourceType: 'project', resourceId });
    expect(scoped).toMatchObject({ resourceType: 'project', resourceId });
    await expect(s.rbac.assignRole({ roleId: reader.id, userId: user.id })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
      constraint: 'admin_role_assignments_scope_key',
    });
    await expect(s.rbac.assignRole({ roleId: reader.id, userId: user.id, resourceType: 'project', resourceId })).rejects.toMatchObject({
      code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION',
    });
    await expect(s.rbac.assignRole({ roleId: randomUUID(), userId: user.id })).rejects.toMatchObject({ code: 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION' });
    expect((await s.rbac.getUserRoleAssignments(user.id)).map((a) => a.id)).toEqual([global.id, scoped.id]);
  });

  it('removeRoleAssignment removes exactly the given scope', async () => {
    const user = await newUser();
    const resourceId = randomUUID();
    await s.rbac.assignRole({ roleId: reader.id, userId: user.id });
    const scoped = await s.rbac.assignRole({ roleId: reader.id, userId: user.id, resourceType: 'project', resourceId });
    expect(await s.rbac.removeRoleAssignment(reader.id, user.id)).toBe(true);
    expect(await s.rbac.removeRoleAssignment(reader.id, user.id)).toBe(false);
    expect((await s.rbac.getUserRoleAssignments(user.id)).map((a) => a.id)).toEqual([scoped.id]);
    expect(await s.rbac.removeRoleAssignment(reader.id, user.id, 'project', randomUUID())).toBe(false);
    expect(await s.rbac.removeRoleAssignment(reader.id, user.id, 'project', resourceId)).toBe(true);
    expect(await s.rbac.getUserRoleAssignments(user.id)).toEqual([]);
  });

  it('getUserRolesForResource: global roles and roles on exactly that resource, each once, by name', async () => {
    const user = await newUser();
    const resourceId = randomUUID();
    await s.rbac.assignRole({ roleId: reader.id, userId: user.id });
    await s.rbac.assignRole({ roleId: reader.id, userId: user.id, resourceType: 'project', resourceId });
    await s.rbac.assignRole({ roleId: projectWild.id, userId: user.id, resourceType: 'project', resourceId });
    await s.rbac.assignRole({ roleId: admin.id, userId: user.id, resourceType: 'project', resourceId: randomUUID() });
    const roles = await s.rbac.getUserRolesForResource(user.id, 'project', resourceId);
    expect(roles.map((r) => r.id).sort()).toEqual([reader.id, projectWild.id].sort());
    expect(roles.map((r) => r.name)).toEqual([projectWild.name, reader.name].sort());
    expect((await s.rbac.getUserRolesForResource(user.id, 'project', randomUUID())).map((r) => r.id)).toEqual([reader.id]);
  });

  describe('hasPermission', () => {
    it("'*' grants everything", async () => {
      const user = await newUser();
      await s.rbac.assignRole({ roleId: admin.id, userId: user.id });
      expect(await s.rbac.hasPermission(user.id, 'anything:at:all')).toBe(true);
      expect(await s.rbac.hasPermission(user.id, 'team:delete', 'team', randomUUID())).toBe(true);
    });

    it("'project:*' grants every project permission and nothing else", async () => {
      const user = await newUser();
      await s.rbac.assignRole({ roleId: projectWild.id, userId: user.id });
      expect(await s.rbac.hasPermission(user.id, 'project:read')).toBe(true);
      expect(await s.rbac.hasPermission(user.id, 'project:delete')).toBe(true);
      expect(await s.rbac.hasPermission(user.id, 'projects:read')).toBe(false);
      expect(await s.rbac.hasPermission(user.id, 'deployment:read')).toBe(false);
    });

    it('an exact permission grants itself; anything else is denied', async () => {
      const user = await newUser();
      await s.rbac.assignRole({ roleId: reader.id, userId: user.id });
      expect(await s.rbac.hasPermission(user.id, 'deployment:read')).toBe(true);
      expect(await s.rbac.hasPermission(user.id, 'deployment:deploy')).toBe(false);
    });

    it('a resource-scoped assignment applies to its resource only, and not when no resource is asked about', async () => {
      const user = await newUser();
      const mine = randomUUID();
      await s.rbac.assignRole({ roleId: projectWild.id, userId: user.id, resourceType: 'project', resourceId: mine });
      expect(await s.rbac.hasPermission(user.id, 'project:update', 'project', mine)).toBe(true);
      expect(await s.rbac.hasPermission(user.id, 'project:update', 'project', randomUUID())).toBe(false);
      expect(await s.rbac.hasPermission(user.id, 'project:update', 'deployment', mine)).toBe(false);
      expect(await s.rbac.hasPermission(user.id, 'project:update')).toBe(false);
      expect(await s.rbac.hasPermission(user.id, 'project:update', 'project', 'not-a-uuid')).toBe(false);
    });

    it('global assignments apply when a resource is asked about', async () => {
      const user = await newUser();
      await s.rbac.assignRole({ roleId: reader.id, userId: user.id });
      expect(await s.rbac.hasPermission(user.id, 'deployment:read', 'project', randomUUID())).toBe(true);
    });

    it('a user with no roles (or a malformed id) has no permission', async () => {
      const user = await newUser();
      expect(await s.rbac.hasPermission(user.id, 'team:read')).toBe(false);
      expect(await s.rbac.hasPermission(randomUUID(), 'team:read')).toBe(false);
      expect(await s.rbac.hasPermission('bad', 'team:read')).toBe(false);
    });

    it('is answered in exactly one statement', async () => {
      const user = await newUser();
      await s.rbac.assignRole({ roleId: reader.id, userId: user.id });
      await s.rbac.assignRole({ roleId: projectWild.id, userId: user.id, resourceType: 'project', resourceId: randomUUID() });
      expect(await statementsOf(() => s.rbac.hasPermission(user.id, 'deployment:read'))).toBe(1);
      expect(await statementsOf(() => s.rbac.hasPermission(user.id, 'project:read', 'project', randomUUID()))).toBe(1);
      expect(await statementsOf(() => s.rbac.hasPermission(user.id, 'nope'))).toBe(1);
    });
  });
});

describe('flat team-role permissions', () => {
  let team: Team;
  const members: Record<string, User> = {};
  beforeAll(async () => {
    team = await newTeam();
    for (const role of ['owner', 'admin', 'developer', 'viewer']) {
      members[role] = await newUser();
      await s.addTeamMember({ teamId: team.id, userId: members[role].id, role });
    }
  });

  it('getUserPermissionsForTeam gives the role’s list: owner every resource:action and "*"', async () => {
    const owner = await s.getUserPermissionsForTeam(members.owner.id, team.id);
    expect(owner).toContain('*');
    expect(owner).toHaveLength(8 * 6 + 1);
    expect(owner).toEqual(expect.arrayContaining(['team:delete', 'api_token:manage', 'env_var:deploy']));
    expect((await s.getUserPermissionsForTeam(members.viewer.id, team.id)).sort()).toEqual(
      ['build:read', 'deployment:read', 'member:read', 'project:read', 'team:read'],
    );
    const admin = await s.getUserPermissionsForTeam(members.admin.id, team.id);
    expect(admin).toEqual(expect.arrayContaining(['team:update', 'member:delete', 'deployment:deploy', 'api_token:delete']));
    expect(admin).not.toContain('team:delete');
    expect(admin).not.toContain('*');
    const dev = await s.getUserPermissionsForTeam(members.developer.id, team.id);
    expect(dev).toHaveLength(16);
    expect(dev).toEqual(expect.arrayContaining(['deployment:deploy', 'env_var:update', 'api_token:create']));
    expect(dev).not.toContain('project:delete');
  });

  it('a non-member has no permissions', async () => {
    expect(await s.getUserPermissionsForTeam(randomUUID(), team.id)).toEqual([]);
    expect(await s.getUserPermissionsForTeam(members.owner.id, (await newTeam()).id)).toEqual([]);
    expect(await s.getUserPermissionsForTeam('bad', 'bad')).toEqual([]);
    expect(await s.userHasPermission(randomUUID(), team.id, 'team:read')).toBe(false);
  });

  it('userHasPermission follows the role lists, with wildcards', async () => {
    expect(await s.userHasPermission(members.owner.id, team.id, 'team:delete')).toBe(true);
    expect(await s.userHasPermission(members.owner.id, team.id, 'anything:else')).toBe(true);
    expect(await s.userHasPermission(members.admin.id, team.id, 'deployment:deploy')).toBe(true);
    expect(await s.userHasPermission(members.admin.id, team.id, 'team:delete')).toBe(false);
    expect(await s.userHasPermission(members.developer.id, team.id, 'env_var:update')).toBe(true);
    expect(await s.userHasPermission(members.developer.id, team.id, 'env_var:delete')).toBe(false);
    expect(await s.userHasPermission(members.viewer.id, team.id, 'build:read')).toBe(true);
    expect(await s.userHasPermission(members.viewer.id, team.id, 'build:create')).toBe(false);
  });

  it('a role change takes effect at once', async () => {
    const user = await newUser();
    await s.addTeamMember({ teamId: team.id, userId: user.id, role: 'viewer' });
    expect(await s.userHasPermission(user.id, team.id, 'project:create')).toBe(false);
    await s.updateTeamMemberRole(team.id, user.id, 'developer');
    expect(await s.userHasPermission(user.id, team.id, 'project:create')).toBe(true);
  });

  it('each is one statement', async () => {
    expect(await statementsOf(() => s.getUserPermissionsForTeam(members.admin.id, team.id))).toBe(1);
    expect(await statementsOf(() => s.userHasPermission(members.admin.id, team.id, 'team:read'))).toBe(1);
  });
});
