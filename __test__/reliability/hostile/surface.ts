// Every (method, argument position) the hostile corpus is sent through. Domain authors: append
// one entry per string / number / filter / data argument of each new method (and one per field
// of a data or options object worth aiming at), e.g.
//   { name: 'teams.getTeamBySlug(slug)', call: (c, v) => c.storage.teams.getTeamBySlug(v as string) },
// Mark `creates: '<table>'` (or several tables) when a resolved call may insert rows there (one
// per returned row, or per element of a returned array); the suite then checks that exactly
// those rows appeared. The newer domains use `positions(...)` (one entry per argument, valid
// values elsewhere: the fixtures of `c.f`, made by the test's setup and restored after every
// entry) and `fields(...)` (one per field of a data object); a call that may legitimately delete
// or claim rows runs in `inTx` (rolled back) or on `c.queue` (a second storage, not counted).
// Every entry gets the full corpus (~470 entries x ~240 inputs run in under 2 minutes).
import { randomUUID } from 'node:crypto';
import type { AdminPgDB as AdminPgDBClass, PostgresAdminStorage } from '../../../index.js';
import { isWellFormedString } from './corpus';

export interface HostileContext {
  /** The storage under attack, in its own schema (rows may be created there). */
  storage: PostgresAdminStorage;
  /** An existing user of that schema. */
  userId: string;
  /** A fresh, valid, unique email. */
  email: () => string;
  /** The database URL (for constructor entries). */
  url: string;
  AdminPgDB: typeof AdminPgDBClass;
  PostgresAdminStorage: typeof PostgresAdminStorage;
  /** The domain classes (`TeamsPG`, `BuildsPG`, …), to run a call inside a rolled-back transaction. */
  classes: Record<string, new (config: unknown) => unknown>;
  /** Existing rows of the schema under attack (restored after every entry). */
  f: Fixtures;
  /** A second storage whose only deployment holds a pool of queued builds, for `waitForBuild` (which may wait forever without one). */
  queue: PostgresAdminStorage;
  /** The queue storage's project. */
  queueProjectId: string;
  /** A fresh unique token (slugs, keys, hashes). */
  uniq: () => string;
}

export interface Fixtures {
  teamId: string;
  projectId: string;
  envVarId: string;
  deploymentId: string;
  buildId: string;
  serverId: string;
  routeId: string;
  roleId: string;
  inviteId: string;
  tokenId: string;
  installationId: string;
}

export interface HostileEntry {
  /** `method(argument)` as a reader would say it. */
  name: string;
  /** Table(s) in which a resolved call may create rows (per table: one per returned row). */
  creates?: string | string[];
  /** A constructor: may also throw synchronously, with ERR_ADMIN_PG_CONFIG. */
  constructs?: boolean;
  /** Runs the method with the hostile value `v` at this position (valid values elsewhere). */
  call(c: HostileContext, v: unknown): unknown;
  /** Optional check of a resolved call's result (throw to report a wrong answer). */
  verify?(c: HostileContext, v: unknown, result: unknown): void | Promise<void>;
}

// Loosely typed handles: the corpus deliberately breaks the declared parameter types.
type Loose = (...args: unknown[]) => Promise<unknown>;
const users = (c: HostileContext) => c.storage.users as unknown as Record<string, Loose>;
const flat = (c: HostileContext) => c.storage as unknown as Record<string, Loose>;
const db = (c: HostileContext) => c.storage.db as unknown as Record<string, Loose>;
const adminDb = (c: HostileContext) => c.storage.adminDb as unknown as Record<string, Loose>;

/** `{ [v]: x }` when `v` is a string (a hostile field name), else `v` itself as the object. */
const keyed = (v: unknown, rest: Record<string, unknown>, x: unknown = 'x') =>
  typeof v === 'string' ? { ...rest, [v]: x } : v;

/**
 * Runs `fn(t)` inside a transaction that is always rolled back, and settles like `fn(t)` did:
 * for raw SQL text, which may do anything the caller may do.
 */
export function rolledBack(storage: PostgresAdminStorage, fn: (t: Record<string, Loose>) => unknown): Promise<unknown> {
  let inner: { ok: boolean; value: unknown } | undefined;
  const ROLLBACK = new Error('rollback');
  return storage.db
    .tx(async (t) => {
      try {
        inner = { ok: true, value: await fn(t as unknown as Record<string, Loose>) };
      } catch (e) {
        inner = { ok: false, value: e };
      }
      throw ROLLBACK;
    })
    .then(
      () => Promise.reject(new Error('transaction committed')),
      (e) => {
        if (e !== ROLLBACK || !inner) return Promise.reject(e);
        return inner.ok ? inner.value : Promise.reject(inner.value);
      },
    );
}

/** A resolved create stored a well-formed string exactly (read back from the database). */
const storesName = async (c: HostileContext, v: unknown, result: unknown) => {
  if (!isWellFormedString(v)) return;
  const rows = Array.isArray(result) ? result : [result];
  const row = rows[0] as { id: string; name: unknown };
  if (row.name !== v) throw new Error(`returned name differs from the one sent (${String(row.name).length} chars)`);
  const stored = await c.storage.getUser(row.id);
  if (stored?.name !== v) throw new Error('stored name differs from the one sent');
};

// ---- the newer domains: one entry per argument position, built by `positions` ----

type Face = (c: HostileContext) => Record<string, Loose>;
const face = (getter: string): Face => (c) => (c.storage as unknown as Record<string, Record<string, Loose>>)[getter];

/**
 * One entry per argument position of `method`: the hostile value at position i, the valid
 * values of `valid(c)` in every other. `prefix` is `teams.` for a domain object, '' for flat.
 */
function positions(
  prefix: string,
  get: Face,
  method: string,
  argNames: string[],
  valid: (c: HostileContext) => unknown[],
  extra: Partial<HostileEntry> = {},
): HostileEntry[] {
  return argNames.map((arg, i) => ({
    name: `${prefix}${method}(${arg})`,
    ...extra,
    call: (c: HostileContext, v: unknown) => {
      const args = valid(c);
      args[i] = v;
      return get(c)[method](...args);
    },
  }));
}

/** An entry per field of a data object: `{ ...valid(c), [field]: v }` at position `at`. */
function fields(
  prefix: string,
  get: Face,
  method: string,
  argName: string,
  names: string[],
  valid: (c: HostileContext) => unknown[],
  at = 0,
  extra: Partial<HostileEntry> = {},
): HostileEntry[] {
  return names.map((field) => ({
    name: `${prefix}${method}(${argName}.${field})`,
    ...extra,
    call: (c: HostileContext, v: unknown) => {
      const args = valid(c);
      args[at] = { ...(args[at] as Record<string, unknown>), [field]: v };
      return get(c)[method](...args);
    },
  }));
}

/**
 * `fn(domain)` on `new <className>({ client: t })` inside a transaction that is always rolled
 * back: for calls that may legitimately delete or claim rows (the suite counts rows). A
 * synchronous throw of the method is reported as such (a rejection without a code).
 */
function inTx(c: HostileContext, className: string, fn: (d: Record<string, Loose>) => unknown): Promise<unknown> {
  return rolledBack(c.storage, (t) => {
    const d = new c.classes[className]({ client: t }) as Record<string, Loose>;
    try {
      return fn(d);
    } catch (e) {
      return Promise.reject(new Error(`threw synchronously: ${e instanceof Error ? e.message : 'non-Error'}`));
    }
  });
}

const teams = face('teams');
const projects = face('projects');
const rbac = face('rbac');
const deployments = face('deployments');
const builds = face('builds');
const servers = face('servers');
const routes = face('routes');
const queueBuilds: Face = (c) => c.queue.builds as unknown as Record<string, Loose>;
const day = () => new Date(Date.now() + 86_400_000);

const newTeam = (c: HostileContext) => ({ name: 'hostile', slug: `t-${c.uniq()}` });
const newProject = (c: HostileContext) => ({ teamId: c.f.teamId, name: 'hostile', slug: `p-${c.uniq()}`, sourceType: 'local', sourceConfig: {} });
const newInvite = (c: HostileContext) => ({ teamId: c.f.teamId, email: c.email(), invitedBy: c.userId, expiresAt: day() });
const newToken = (c: HostileContext) => ({ projectId: c.f.projectId, name: 'hostile', tokenPrefix: 'hx', tokenHash: `h-${c.uniq()}`, createdBy: c.userId });
const newDeployment = (c: HostileContext) => ({ projectId: c.f.projectId, type: 'staging', branch: `b-${c.uniq()}`, slug: `d-${c.uniq()}` });
const newBuild = (c: HostileContext) => ({ deploymentId: c.f.deploymentId, trigger: 'manual', triggeredBy: c.userId, status: 'succeeded' });
const newServer = (c: HostileContext) => ({ deploymentId: c.f.deploymentId, buildId: c.f.buildId, host: '127.0.0.1', port: 3000 });
const newRoute = (c: HostileContext) => ({ deploymentId: c.f.deploymentId, projectId: c.f.projectId, subdomain: `r-${c.uniq()}`, targetHost: '127.0.0.1', targetPort: 3000, publicUrl: 'https://r.example.com' });

const DOMAIN_SURFACE: HostileEntry[] = [
  // ---- teams: domain object ----
  ...positions('teams.', teams, 'createTeam', ['data'], (c) => [newTeam(c)], { creates: 'admin_teams' }),
  ...fields('teams.', teams, 'createTeam', 'data', ['name', 'slug', 'settings', 'id'], (c) => [newTeam(c)], 0, { creates: 'admin_teams' }),
  ...positions('teams.', teams, 'createTeamWithOwner', ['team', 'ownerUserId'], (c) => [newTeam(c), c.userId], { creates: ['admin_teams', 'admin_team_members'] }),
  ...positions('teams.', teams, 'getTeamById', ['id'], () => []),
  ...positions('teams.', teams, 'getTeamBySlug', ['slug'], () => []),
  ...positions('teams.', teams, 'updateTeam', ['id', 'data'], (c) => [c.f.teamId, { name: 'x' }]),
  ...fields('teams.', teams, 'updateTeam', 'data', ['name', 'slug', 'settings'], (c) => [c.f.teamId, {}], 1),
  ...positions('teams.', teams, 'deleteTeam', ['id'], () => []),
  ...positions('teams.', teams, 'listTeamsForUser', ['userId'], () => []),
  { name: 'teams.addTeamMember(data)', creates: 'admin_team_members', call: (c, v) => teams(c).addTeamMember(v) },
  { name: 'teams.addTeamMember(data.role), rolled back', call: (c, v) => inTx(c, 'TeamsPG', (d) => d.addTeamMember({ teamId: c.f.teamId, userId: c.userId, role: v })) },
  ...positions('teams.', teams, 'removeTeamMember', ['teamId', 'userId'], (c) => [c.f.teamId, c.userId]),
  ...positions('teams.', teams, 'getTeamMember', ['teamId', 'userId'], (c) => [c.f.teamId, c.userId]),
  ...positions('teams.', teams, 'listTeamMembers', ['teamId'], () => []),
  ...positions('teams.', teams, 'updateTeamMemberRole', ['teamId', 'userId', 'role'], (c) => [c.f.teamId, c.userId, 'owner']),
  ...positions('teams.', teams, 'createInvite', ['data'], (c) => [newInvite(c)], { creates: 'admin_team_invites' }),
  ...fields('teams.', teams, 'createInvite', 'data', ['email', 'role', 'token', 'expiresAt', 'invitedBy'], (c) => [newInvite(c)], 0, { creates: 'admin_team_invites' }),
  ...positions('teams.', teams, 'getInviteByToken', ['token'], () => []),
  ...positions('teams.', teams, 'acceptInvite', ['token'], () => []),
  ...positions('teams.', teams, 'listPendingInvites', ['teamId'], () => []),
  ...positions('teams.', teams, 'deleteInvite', ['id'], () => []),
  ...positions('teams.', teams, 'createInstallation', ['data'], (c) => [{ teamId: c.f.teamId, provider: 'github', installationId: c.uniq() }], { creates: 'admin_team_installations' }),
  ...fields('teams.', teams, 'createInstallation', 'data', ['provider', 'installationId', 'permissions', 'metadata', 'accountName'], (c) => [{ teamId: c.f.teamId, provider: `p-${c.uniq()}`, installationId: c.uniq() }], 0, { creates: 'admin_team_installations' }),
  ...positions('teams.', teams, 'getInstallation', ['teamId', 'provider', 'installationId'], (c) => [c.f.teamId, 'github', 'fixture-installation']),
  ...positions('teams.', teams, 'listInstallations', ['teamId'], () => []),
  ...positions('teams.', teams, 'deleteInstallation', ['id'], () => []),

  // ---- teams: flat face ----
  ...positions('', flat, 'getTeam', ['id'], () => []),
  ...positions('', flat, 'getTeamBySlug', ['slug'], () => []),
  ...positions('', flat, 'listTeamsForUser', ['userId', 'pagination'], (c) => [c.userId, { page: 1, perPage: 5 }]),
  ...fields('', flat, 'listTeamsForUser', 'pagination', ['page', 'perPage'], (c) => [c.userId, {}], 1),
  ...positions('', flat, 'createTeam', ['team'], (c) => [newTeam(c)], { creates: 'admin_teams' }),
  ...fields('', flat, 'createTeam', 'team', ['name', 'slug', 'createdAt'], (c) => [newTeam(c)], 0, { creates: 'admin_teams' }),
  ...positions('', flat, 'updateTeam', ['id', 'updates'], (c) => [c.f.teamId, { name: 'x' }]),
  ...positions('', flat, 'deleteTeam', ['id'], () => []),
  ...positions('', flat, 'getTeamMember', ['teamId', 'userId'], (c) => [c.f.teamId, c.userId]),
  ...positions('', flat, 'listTeamMembers', ['teamId', 'pagination'], (c) => [c.f.teamId, { perPage: 5 }]),
  { name: 'addTeamMember(member)', creates: 'admin_team_members', call: (c, v) => flat(c).addTeamMember(v) },
  { name: 'addTeamMember(member.userId)', creates: 'admin_team_members', call: (c, v) => flat(c).addTeamMember({ teamId: c.f.teamId, userId: v, role: 'viewer' }) },
  ...positions('', flat, 'updateTeamMemberRole', ['teamId', 'userId', 'role'], (c) => [c.f.teamId, c.userId, 'owner']),
  ...positions('', flat, 'removeTeamMember', ['teamId', 'userId'], (c) => [c.f.teamId, c.userId]),
  ...positions('', flat, 'getTeamInvite', ['id'], () => []),
  ...positions('', flat, 'getTeamInviteByEmail', ['teamId', 'email'], (c) => [c.f.teamId, 'invitee@hostile.test']),
  ...positions('', flat, 'listTeamInvites', ['teamId'], () => []),
  ...positions('', flat, 'createTeamInvite', ['invite'], (c) => [newInvite(c)], { creates: 'admin_team_invites' }),
  ...fields('', flat, 'createTeamInvite', 'invite', ['email', 'expiresAt', 'teamId'], (c) => [newInvite(c)], 0, { creates: 'admin_team_invites' }),
  ...positions('', flat, 'deleteTeamInvite', ['id'], () => []),

  // ---- projects: domain object ----
  ...positions('projects.', projects, 'createProject', ['data'], (c) => [newProject(c)], { creates: 'admin_projects' }),
  ...fields('projects.', projects, 'createProject', 'data', ['name', 'slug', 'sourceType', 'sourceConfig', 'defaultBranch', 'settings', 'teamId'], (c) => [newProject(c)], 0, { creates: 'admin_projects' }),
  ...positions('projects.', projects, 'getProjectById', ['id'], () => []),
  ...positions('projects.', projects, 'getProjectBySlug', ['teamId', 'slug'], (c) => [c.f.teamId, 'fixture-project']),
  ...positions('projects.', projects, 'updateProject', ['id', 'data'], (c) => [c.f.projectId, { name: 'x' }]),
  ...fields('projects.', projects, 'updateProject', 'data', ['name', 'sourceConfig', 'envVars'], (c) => [c.f.projectId, {}], 1),
  ...positions('projects.', projects, 'deleteProject', ['id'], () => []),
  ...positions('projects.', projects, 'listProjects', ['teamId'], () => []),
  ...positions('projects.', projects, 'setEnvVar', ['data'], (c) => [{ projectId: c.f.projectId, deploymentType: 'staging', key: `K_${c.uniq()}`, encryptedValue: 'v' }], { creates: 'admin_project_env_vars' }),
  // setEnvVar is an upsert, and a key is bound as text the way node-postgres binds it (-1 and
  // -1n are '-1', every plain object is its JSON, a lone surrogate becomes U+FFFD): hostile
  // keys may legitimately land on one row, so the key entries leave no rows (rolled back /
  // on the queue storage, whose rows are not counted).
  { name: 'projects.setEnvVar(data.key), rolled back', call: (c, v) => inTx(c, 'ProjectsPG', (d) => d.setEnvVar({ projectId: c.f.projectId, deploymentType: 'staging', key: v, encryptedValue: 'v' })) },
  ...fields('projects.', projects, 'setEnvVar', 'data', ['encryptedValue', 'isSecret'], (c) => [{ projectId: c.f.projectId, deploymentType: 'staging', key: `K_${c.uniq()}`, encryptedValue: 'v' }], 0, { creates: 'admin_project_env_vars' }),
  ...fields('projects.', projects, 'setEnvVar', 'data', ['deploymentType'], (c) => [{ projectId: c.f.projectId, key: `K_${c.uniq()}`, encryptedValue: 'v' }], 0, { creates: 'admin_project_env_vars' }),
  ...positions('projects.', projects, 'getEnvVar', ['projectId', 'key', 'deploymentType'], (c) => [c.f.projectId, 'FIXTURE_KEY', null]),
  ...positions('projects.', projects, 'listEnvVars', ['projectId', 'deploymentType'], (c) => [c.f.projectId, 'staging']),
  ...positions('projects.', projects, 'deleteEnvVar', ['id'], () => []),
  ...positions('projects.', projects, 'createApiToken', ['data'], (c) => [newToken(c)], { creates: 'admin_project_api_tokens' }),
  ...fields('projects.', projects, 'createApiToken', 'data', ['name', 'tokenHash', 'scopes', 'expiresAt', 'createdBy'], (c) => [newToken(c)], 0, { creates: 'admin_project_api_tokens' }),
  ...positions('projects.', projects, 'getApiTokenByHash', ['tokenHash'], () => []),
  ...positions('projects.', projects, 'listApiTokens', ['projectId'], () => []),
  ...positions('projects.', projects, 'updateApiTokenLastUsed', ['id'], () => []),
  ...positions('projects.', projects, 'deleteApiToken', ['id'], () => []),

  // ---- projects: flat face ----
  ...positions('', flat, 'getProject', ['id'], () => []),
  ...positions('', flat, 'getProjectBySlug', ['teamId', 'slug'], (c) => [c.f.teamId, 'fixture-project']),
  ...positions('', flat, 'listProjectsForTeam', ['teamId', 'pagination'], (c) => [c.f.teamId, { perPage: 5 }]),
  ...positions('', flat, 'createProject', ['project'], (c) => [newProject(c)], { creates: 'admin_projects' }),
  ...fields('', flat, 'createProject', 'project', ['name', 'sourceConfig'], (c) => [newProject(c)], 0, { creates: 'admin_projects' }),
  ...positions('', flat, 'updateProject', ['id', 'updates'], (c) => [c.f.projectId, { name: 'x' }]),
  ...positions('', flat, 'deleteProject', ['id'], () => []),
  ...positions('', flat, 'getProjectEnvVars', ['projectId'], () => []),
  ...positions('', flat, 'setProjectEnvVar', ['projectId', 'envVar'], (c) => [c.f.projectId, { key: `K_${c.uniq()}`, encryptedValue: 'v' }], { creates: 'admin_project_env_vars' }),
  ...fields('', flat, 'setProjectEnvVar', 'envVar', ['encryptedValue'], (c) => [c.f.projectId, { key: `K_${c.uniq()}`, encryptedValue: 'v' }], 1, { creates: 'admin_project_env_vars' }),
  { name: 'setProjectEnvVar(envVar.key), on the queue storage', call: (c, v) => (c.queue as unknown as Record<string, Loose>).setProjectEnvVar(c.queueProjectId, { key: v, encryptedValue: 'v' }) },
  ...positions('', flat, 'deleteProjectEnvVar', ['projectId', 'key'], (c) => [c.f.projectId, 'NO_SUCH_KEY']),
  ...positions('', flat, 'getProjectApiToken', ['id'], () => []),
  ...positions('', flat, 'getProjectApiTokenByHash', ['tokenHash'], () => []),
  ...positions('', flat, 'listProjectApiTokens', ['projectId'], () => []),
  ...positions('', flat, 'createProjectApiToken', ['token'], (c) => [newToken(c)], { creates: 'admin_project_api_tokens' }),
  ...fields('', flat, 'createProjectApiToken', 'token', ['tokenPrefix', 'scopes'], (c) => [newToken(c)], 0, { creates: 'admin_project_api_tokens' }),
  ...positions('', flat, 'updateProjectApiTokenLastUsed', ['id'], () => []),
  ...positions('', flat, 'deleteProjectApiToken', ['id'], () => []),

  // ---- rbac ----
  ...positions('rbac.', rbac, 'createRole', ['data'], (c) => [{ teamId: c.f.teamId, name: `role-${c.uniq()}`, permissions: ['project:read'] }], { creates: 'admin_roles' }),
  ...fields('rbac.', rbac, 'createRole', 'data', ['name', 'permissions', 'teamId', 'description', 'isSystem'], (c) => [{ teamId: c.f.teamId, name: `role-${c.uniq()}` }], 0, { creates: 'admin_roles' }),
  ...positions('rbac.', rbac, 'getRoleById', ['id'], () => []),
  ...positions('rbac.', rbac, 'getRoleByName', ['teamId', 'name'], (c) => [c.f.teamId, 'fixture-role']),
  ...positions('rbac.', rbac, 'updateRole', ['id', 'data'], (c) => [c.f.roleId, { description: 'x' }]),
  ...fields('rbac.', rbac, 'updateRole', 'data', ['permissions', 'name'], (c) => [c.f.roleId, {}], 1),
  ...positions('rbac.', rbac, 'deleteRole', ['id'], () => []),
  ...positions('rbac.', rbac, 'listRoles', ['teamId'], () => []),
  { name: 'rbac.listSystemRoles(extra argument)', call: (c, v) => rbac(c).listSystemRoles(v) },
  { name: 'rbac.initializeSystemRoles(extra argument), rolled back', call: (c, v) => inTx(c, 'RbacPG', (d) => d.initializeSystemRoles(v)) },
  ...positions('rbac.', rbac, 'assignRole', ['data'], (c) => [{ roleId: c.f.roleId, userId: c.userId, resourceType: 'project', resourceId: c.uniq() }], { creates: 'admin_role_assignments' }),
  ...fields('rbac.', rbac, 'assignRole', 'data', ['resourceId', 'resourceType', 'roleId'], (c) => [{ roleId: c.f.roleId, userId: c.userId, resourceType: 'project', resourceId: c.uniq() }], 0, { creates: 'admin_role_assignments' }),
  ...positions('rbac.', rbac, 'removeRoleAssignment', ['roleId', 'userId', 'resourceType', 'resourceId'], (c) => [c.f.roleId, c.userId, 'project', 'no-such-resource']),
  ...positions('rbac.', rbac, 'getUserRoleAssignments', ['userId'], () => []),
  ...positions('rbac.', rbac, 'getUserRolesForResource', ['userId', 'resourceType', 'resourceId'], (c) => [c.userId, 'project', c.f.projectId]),
  ...positions('rbac.', rbac, 'hasPermission', ['userId', 'permission', 'resourceType', 'resourceId'], (c) => [c.userId, 'project:read', 'project', c.f.projectId]),
  ...positions('', flat, 'getUserPermissionsForTeam', ['userId', 'teamId'], (c) => [c.userId, c.f.teamId]),
  ...positions('', flat, 'userHasPermission', ['userId', 'teamId', 'permission'], (c) => [c.userId, c.f.teamId, 'project:read']),

  // ---- deployments ----
  ...positions('deployments.', deployments, 'createDeployment', ['data'], (c) => [newDeployment(c)], { creates: 'admin_deployments' }),
  ...fields('deployments.', deployments, 'createDeployment', 'data', ['branch', 'slug', 'type', 'envVarOverrides', 'internalPort', 'status'], (c) => [newDeployment(c)], 0, { creates: 'admin_deployments' }),
  ...positions('deployments.', deployments, 'getDeploymentById', ['id'], () => []),
  ...positions('deployments.', deployments, 'getDeployment', ['projectId', 'type', 'branch'], (c) => [c.f.projectId, 'production', 'main']),
  ...positions('deployments.', deployments, 'getProductionDeployment', ['projectId'], () => []),
  ...positions('deployments.', deployments, 'updateDeployment', ['id', 'data'], (c) => [c.f.deploymentId, { publicUrl: 'https://x' }]),
  ...fields('deployments.', deployments, 'updateDeployment', 'data', ['envVarOverrides', 'internalPort', 'expiresAt', 'status'], (c) => [c.f.deploymentId, {}], 1),
  ...positions('deployments.', deployments, 'updateDeploymentStatus', ['id', 'status'], (c) => [c.f.deploymentId, 'running']),
  ...positions('deployments.', deployments, 'setCurrentBuild', ['deploymentId', 'buildId'], (c) => [c.f.deploymentId, c.f.buildId]),
  ...positions('deployments.', deployments, 'deleteDeployment', ['id'], () => []),
  ...positions('deployments.', deployments, 'listDeployments', ['projectId'], () => []),
  ...positions('deployments.', deployments, 'listDeploymentsByType', ['projectId', 'type'], (c) => [c.f.projectId, 'production']),
  ...positions('deployments.', deployments, 'listActiveDeployments', ['projectId'], () => []),
  ...positions('deployments.', deployments, 'listPreviewDeployments', ['projectId'], () => []),
  { name: 'deployments.cleanupExpiredPreviews(extra argument), rolled back', call: (c, v) => inTx(c, 'DeploymentsPG', (d) => d.cleanupExpiredPreviews(v)) },
  ...positions('', flat, 'getDeployment', ['id'], () => []),
  ...positions('', flat, 'getDeploymentBySlug', ['projectId', 'slug'], (c) => [c.f.projectId, 'fixture']),
  ...positions('', flat, 'listDeploymentsForProject', ['projectId', 'pagination'], (c) => [c.f.projectId, { perPage: 5 }]),
  ...positions('', flat, 'createDeployment', ['deployment'], (c) => [newDeployment(c)], { creates: 'admin_deployments' }),
  ...fields('', flat, 'createDeployment', 'deployment', ['branch', 'expiresAt'], (c) => [newDeployment(c)], 0, { creates: 'admin_deployments' }),
  ...positions('', flat, 'updateDeployment', ['id', 'updates'], (c) => [c.f.deploymentId, { publicUrl: 'https://x' }]),
  ...positions('', flat, 'updateDeploymentStatus', ['id', 'status'], (c) => [c.f.deploymentId, 'running']),
  ...positions('', flat, 'deleteDeployment', ['id'], () => []),

  // ---- builds (queue included) ----
  ...positions('builds.', builds, 'createBuild', ['data'], (c) => [newBuild(c)], { creates: 'admin_builds' }),
  ...fields('builds.', builds, 'createBuild', 'data', ['trigger', 'triggeredBy', 'commitSha', 'commitMessage', 'status', 'logs', 'queuedAt'], (c) => [newBuild(c)], 0, { creates: 'admin_builds' }),
  ...positions('builds.', builds, 'getBuildById', ['id'], () => []),
  ...positions('builds.', builds, 'updateBuild', ['id', 'data'], (c) => [c.f.buildId, { commitMessage: 'x' }]),
  ...fields('builds.', builds, 'updateBuild', 'data', ['status', 'logs', 'attempts', 'leaseExpiresAt'], (c) => [c.f.buildId, {}], 1),
  ...positions('builds.', builds, 'updateBuildStatus', ['id', 'status', 'errorMessage'], (c) => [c.f.buildId, 'succeeded', null]),
  ...positions('builds.', builds, 'appendBuildLogs', ['id', 'logs'], (c) => [c.f.buildId, 'line\n']),
  ...positions('builds.', builds, 'setBuildError', ['id', 'errorMessage'], (c) => [c.f.buildId, 'boom']),
  ...positions('builds.', builds, 'deleteBuild', ['id'], () => []),
  ...positions('builds.', builds, 'listBuilds', ['deploymentId', 'options'], (c) => [c.f.deploymentId, { limit: 5 }]),
  ...fields('builds.', builds, 'listBuilds', 'options', ['limit'], (c) => [c.f.deploymentId, {}], 1),
  ...positions('builds.', builds, 'enqueue', ['deploymentId', 'trigger', 'triggeredBy', 'commitSha', 'commitMessage'], (c) => [c.f.deploymentId, 'manual', c.userId, null, null], { creates: 'admin_builds' }),
  { name: 'builds.dequeue(options), rolled back', call: (c, v) => inTx(c, 'BuildsPG', (d) => d.dequeue(v)) },
  ...['workerId', 'leaseMs'].map((k) => ({ name: `builds.dequeue(options.${k}), rolled back`, call: (c: HostileContext, v: unknown) => inTx(c, 'BuildsPG', (d) => d.dequeue({ workerId: 'w', leaseMs: 1000, [k]: v })) })),
  { name: 'builds.dequeueBatch(n), rolled back', call: (c, v) => inTx(c, 'BuildsPG', (d) => d.dequeueBatch(v)) },
  { name: 'builds.dequeueBatch(options), rolled back', call: (c, v) => inTx(c, 'BuildsPG', (d) => d.dequeueBatch(2, v)) },
  // waitForBuild claims from the queue storage's pool (one build per resolved call at most).
  ...positions('builds.', queueBuilds, 'waitForBuild', ['options'], () => [{ timeoutMs: 0 }]),
  ...fields('builds.', queueBuilds, 'waitForBuild', 'options', ['timeoutMs', 'pollIntervalMs', 'signal', 'workerId', 'leaseMs'], () => [{ timeoutMs: 50 }]),
  ...positions('builds.', builds, 'heartbeatBuild', ['id', 'workerId', 'extendMs'], (c) => [c.f.buildId, 'w', 1000]),
  { name: 'builds.reclaimStaleBuilds(options), rolled back', call: (c, v) => inTx(c, 'BuildsPG', (d) => d.reclaimStaleBuilds(v)) },
  { name: 'builds.reclaimStaleBuilds(options.maxAttempts), rolled back', call: (c, v) => inTx(c, 'BuildsPG', (d) => d.reclaimStaleBuilds({ maxAttempts: v })) },
  ...positions('builds.', builds, 'getQueuePosition', ['buildId'], () => []),
  { name: 'builds.getQueueLength(extra argument)', call: (c, v) => builds(c).getQueueLength(v) },
  ...positions('builds.', builds, 'cancelQueuedBuilds', ['deploymentId'], () => []),
  ...positions('builds.', builds, 'getBuildLogs', ['id', 'options'], (c) => [c.f.buildId, { afterOffset: 0 }]),
  ...fields('builds.', builds, 'getBuildLogs', 'options', ['afterOffset'], (c) => [c.f.buildId, {}], 1),
  ...positions('', flat, 'getBuild', ['id'], () => []),
  ...positions('', flat, 'listBuildsForDeployment', ['deploymentId', 'pagination'], (c) => [c.f.deploymentId, { perPage: 5 }]),
  ...fields('', flat, 'listBuildsForDeployment', 'pagination', ['page', 'perPage'], (c) => [c.f.deploymentId, {}], 1),
  ...positions('', flat, 'createBuild', ['build'], (c) => [newBuild(c)], { creates: 'admin_builds' }),
  ...fields('', flat, 'createBuild', 'build', ['deploymentId', 'commitSha'], (c) => [newBuild(c)], 0, { creates: 'admin_builds' }),
  ...positions('', flat, 'updateBuild', ['id', 'updates'], (c) => [c.f.buildId, { commitMessage: 'x' }]),
  ...positions('', flat, 'updateBuildStatus', ['id', 'status', 'errorMessage'], (c) => [c.f.buildId, 'succeeded', null]),
  ...positions('', flat, 'appendBuildLogs', ['id', 'logs'], (c) => [c.f.buildId, 'line\n']),
  { name: 'dequeueNextBuild(extra argument), on the queue storage', call: (c, v) => (c.queue as unknown as Record<string, Loose>).dequeueNextBuild(v) },
  { name: 'listQueuedBuilds(extra argument)', call: (c, v) => flat(c).listQueuedBuilds(v) },

  // ---- observability: stats() and migrate() (init() resolving what it applied) ----
  { name: 'stats(extra argument)', call: (c, v) => flat(c).stats(v) },
  { name: 'migrate(extra argument)', call: (c, v) => flat(c).migrate(v) },

  // ---- running servers ----
  ...positions('servers.', servers, 'registerServer', ['data'], (c) => [newServer(c)], { creates: 'admin_running_servers' }),
  ...fields('servers.', servers, 'registerServer', 'data', ['host', 'port', 'processId', 'containerId', 'healthStatus', 'memoryUsageMb', 'buildId'], (c) => [newServer(c)], 0, { creates: 'admin_running_servers' }),
  ...positions('servers.', servers, 'getServerById', ['id'], () => []),
  ...positions('servers.', servers, 'getServerByDeployment', ['deploymentId'], () => []),
  ...positions('servers.', servers, 'updateServer', ['id', 'data'], (c) => [c.f.serverId, { host: 'h' }]),
  ...fields('servers.', servers, 'updateServer', 'data', ['port', 'cpuPercent', 'lastHealthCheck'], (c) => [c.f.serverId, {}], 1),
  ...positions('servers.', servers, 'updateHealthStatus', ['id', 'status', 'metrics'], (c) => [c.f.serverId, 'healthy', { cpuPercent: 1 }]),
  ...fields('servers.', servers, 'updateHealthStatus', 'metrics', ['memoryUsageMb', 'cpuPercent'], (c) => [c.f.serverId, 'healthy', {}], 2),
  ...positions('servers.', servers, 'stopServer', ['id'], () => []),
  ...positions('servers.', servers, 'listRunningServers', ['deploymentId'], () => []),
  ...positions('servers.', servers, 'listAllServers', ['deploymentId', 'options'], (c) => [c.f.deploymentId, { limit: 5 }]),
  ...positions('servers.', servers, 'getUnhealthyServers', ['thresholdMinutes'], () => []),
  { name: 'servers.cleanupStoppedServers(olderThanDays), rolled back', call: (c, v) => inTx(c, 'RunningServersPG', (d) => d.cleanupStoppedServers(v)) },
  ...positions('', flat, 'getRunningServer', ['id'], () => []),
  ...positions('', flat, 'getRunningServerForDeployment', ['deploymentId'], () => []),
  { name: 'listRunningServers(extra argument)', call: (c, v) => flat(c).listRunningServers(v) },
  ...positions('', flat, 'createRunningServer', ['server'], (c) => [newServer(c)], { creates: 'admin_running_servers' }),
  ...fields('', flat, 'createRunningServer', 'server', ['port', 'host'], (c) => [newServer(c)], 0, { creates: 'admin_running_servers' }),
  ...positions('', flat, 'updateRunningServer', ['id', 'updates'], (c) => [c.f.serverId, { host: 'h' }]),
  ...positions('', flat, 'stopRunningServer', ['id'], () => []),

  // ---- routes ----
  ...positions('routes.', routes, 'createRoute', ['config'], (c) => [newRoute(c)], { creates: 'admin_routes' }),
  ...fields('routes.', routes, 'createRoute', 'config', ['subdomain', 'targetHost', 'targetPort', 'publicUrl', 'tls', 'id'], (c) => [newRoute(c)], 0, { creates: 'admin_routes' }),
  ...positions('routes.', routes, 'getRouteById', ['id'], () => []),
  ...positions('routes.', routes, 'getRouteByDeployment', ['deploymentId'], () => []),
  ...positions('routes.', routes, 'getRouteBySubdomain', ['subdomain'], () => []),
  ...positions('routes.', routes, 'updateRoute', ['id', 'data'], (c) => [c.f.routeId, { targetHost: 'h' }]),
  ...fields('routes.', routes, 'updateRoute', 'data', ['targetPort', 'publicUrl', 'subdomain', 'tls'], (c) => [c.f.routeId, {}], 1),
  ...positions('routes.', routes, 'updateRouteStatus', ['id', 'status'], (c) => [c.f.routeId, 'active']),
  ...positions('routes.', routes, 'updateRouteHealth', ['id', 'healthy'], (c) => [c.f.routeId, true]),
  ...positions('routes.', routes, 'setProviderRouteId', ['id', 'providerRouteId'], (c) => [c.f.routeId, 'prov-1']),
  ...positions('routes.', routes, 'deleteRoute', ['id'], () => []),
  ...positions('routes.', routes, 'listRoutes', ['projectId'], () => []),
  { name: 'routes.listActiveRoutes(extra argument)', call: (c, v) => routes(c).listActiveRoutes(v) },
];

const CAST_TYPES = ['text', 'int4', 'int8', 'float8', 'numeric', 'bool', 'json', 'jsonb', 'uuid', 'timestamptz', 'date', 'bytea', 'text[]', 'int4[]'];

export const HOSTILE_SURFACE: HostileEntry[] = [
  // ---- users: domain object (storage.users / UsersPG) ----
  { name: 'users.createUser(data)', creates: 'admin_users', call: (c, v) => users(c).createUser(v) },
  { name: 'users.createUser(data.email)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: v }) },
  { name: 'users.createUser(data.name)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: c.email(), name: v }), verify: storesName },
  { name: 'users.createUser(data.id)', creates: 'admin_users', call: (c, v) => users(c).createUser({ id: v, email: c.email() }) },
  { name: 'users.createUser(data.metadata)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: c.email(), metadata: v }) },
  { name: 'users.createUser(data.externalId)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: c.email(), externalId: v }) },
  { name: 'users.createUser(data[key])', creates: 'admin_users', call: (c, v) => users(c).createUser(keyed(v, { email: c.email() })) },
  { name: 'users.getUserById(id)', call: (c, v) => users(c).getUserById(v) },
  { name: 'users.getUserByEmail(email)', call: (c, v) => users(c).getUserByEmail(v) },
  { name: 'users.getUserByExternalId(externalId)', call: (c, v) => users(c).getUserByExternalId(v) },
  { name: 'users.updateUser(id)', call: (c, v) => users(c).updateUser(v, { name: 'x' }) },
  { name: 'users.updateUser(data)', call: (c, v) => users(c).updateUser(c.userId, v) },
  { name: 'users.updateUser(data.name)', call: (c, v) => users(c).updateUser(c.userId, { name: v }) },
  { name: 'users.updateUser(data.metadata)', call: (c, v) => users(c).updateUser(c.userId, { metadata: v }) },
  { name: 'users.updateUser(data.email)', call: (c, v) => users(c).updateUser(c.userId, { email: v }) },
  { name: 'users.updateUser(data[key])', call: (c, v) => users(c).updateUser(c.userId, keyed(v, {})) },
  { name: 'users.deleteUser(id)', call: (c, v) => users(c).deleteUser(v) },
  { name: 'users.listUsers(options)', call: (c, v) => users(c).listUsers(v) },
  { name: 'users.listUsers(options.limit)', call: (c, v) => users(c).listUsers({ limit: v }) },
  { name: 'users.listUsers(options.offset)', call: (c, v) => users(c).listUsers({ limit: 1, offset: v }) },

  // ---- users: flat AdminStorage face ----
  { name: 'getUser(id)', call: (c, v) => flat(c).getUser(v) },
  { name: 'getUserByEmail(email)', call: (c, v) => flat(c).getUserByEmail(v) },
  { name: 'createUser(user)', creates: 'admin_users', call: (c, v) => flat(c).createUser(v) },
  { name: 'createUser(user.avatarUrl)', creates: 'admin_users', call: (c, v) => flat(c).createUser({ id: randomUUID(), email: c.email(), avatarUrl: v }) },
  { name: 'updateUser(id)', call: (c, v) => flat(c).updateUser(v, { name: 'x' }) },
  { name: 'updateUser(updates)', call: (c, v) => flat(c).updateUser(c.userId, v) },
  { name: 'updateUser(updates.avatarUrl)', call: (c, v) => flat(c).updateUser(c.userId, { avatarUrl: v }) },

  // ---- DbClient (storage.db): values bound like node-postgres ----
  { name: 'db.one(sql, values)', call: (c, v) => db(c).one('select $1::text as v', v) },
  { name: 'db.any(sql, [untyped])', call: (c, v) => db(c).any('select $1 as v', [v]) },
  ...CAST_TYPES.map((type) => ({
    name: `db.oneOrNone(sql, [::${type}])`,
    call: (c: HostileContext, v: unknown) => db(c).oneOrNone(`select $1::${type} as v`, [v]),
  })),
  { name: 'db.query(sql, [$1, $2])', call: (c, v) => db(c).query('select $1::text as a, $2::jsonb as b', [v, v]) },
  { name: 'db.manyOrNone(sql, values) with a LIKE', call: (c, v) => db(c).manyOrNone('select 1 as x where $1::text like $1::text', [v]) },
  { name: 'db.many(sql, values) with a comparison', call: (c, v) => db(c).many('select 1 as x where $1::text is distinct from $2', [v, v]) },
  { name: 'db.none(sql, [value]) inserting', call: (c, v) => rolledBack(c.storage, (t) => t.none(`insert into ${c.storage.schemaName}.admin_users (email, name) values ($1, $2)`, [c.email(), v])) },
  { name: 'db.query(sql)', call: (c, v) => rolledBack(c.storage, (t) => t.query(v)) },
  { name: 'db.any(sql, [])', call: (c, v) => rolledBack(c.storage, (t) => t.any(v, [])) },
  { name: 'db.batch(promises)', call: (c, v) => db(c).batch(v) },

  // ---- AdminPgDB (storage.adminDb / new AdminPgDB({ client })) ----
  { name: 'adminDb.insert(table)', creates: 'admin_users', call: (c, v) => adminDb(c).insert(v, { email: c.email() }) },
  { name: 'adminDb.insert(data)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', v) },
  { name: 'adminDb.insert(data.name)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', { email: c.email(), name: v }), verify: storesName },
  { name: 'adminDb.insert(data.metadata)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', { email: c.email(), metadata: v }) },
  { name: 'adminDb.insert(data.createdAt)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', { email: c.email(), createdAt: v }) },
  { name: 'adminDb.insert(data[key])', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', keyed(v, { email: c.email() })) },
  { name: 'adminDb.batchInsert(table)', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert(v, [{ email: c.email() }]) },
  { name: 'adminDb.batchInsert(records)', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', v) },
  { name: 'adminDb.batchInsert(records[0])', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', [v]) },
  { name: 'adminDb.batchInsert(records[i].name)', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', [{ email: c.email(), name: v }, { email: c.email(), name: 'plain' }]), verify: storesName },
  { name: 'adminDb.batchInsert(records[i].metadata), uneven records', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', [{ email: c.email(), metadata: v }, { email: c.email() }]) },
  { name: 'adminDb.update(table)', call: (c, v) => adminDb(c).update(v, c.userId, { name: 'x' }) },
  { name: 'adminDb.update(id)', call: (c, v) => adminDb(c).update('admin_users', v, { name: 'x' }) },
  { name: 'adminDb.update(data)', call: (c, v) => adminDb(c).update('admin_users', c.userId, v) },
  { name: 'adminDb.update(data.name)', call: (c, v) => adminDb(c).update('admin_users', c.userId, { name: v }) },
  { name: 'adminDb.delete(table)', call: (c, v) => adminDb(c).delete(v, randomUUID()) },
  { name: 'adminDb.delete(id)', call: (c, v) => adminDb(c).delete('admin_users', v) },
  { name: 'adminDb.findById(table)', call: (c, v) => adminDb(c).findById(v, c.userId) },
  { name: 'adminDb.findById(id)', call: (c, v) => adminDb(c).findById('admin_users', v) },
  { name: 'adminDb.findBy(table)', call: (c, v) => adminDb(c).findBy(v, {}, { limit: 1 }) },
  { name: 'adminDb.findBy(conditions)', call: (c, v) => adminDb(c).findBy('admin_users', v, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.email)', call: (c, v) => adminDb(c).findBy('admin_users', { email: v }) },
  { name: 'adminDb.findBy(conditions.id)', call: (c, v) => adminDb(c).findBy('admin_users', { id: v }) },
  { name: 'adminDb.findBy(conditions.createdAt)', call: (c, v) => adminDb(c).findBy('admin_users', { createdAt: v }) },
  { name: 'adminDb.findBy(conditions.metadata)', call: (c, v) => adminDb(c).findBy('admin_users', { metadata: v }) },
  { name: 'adminDb.findBy(conditions[key])', call: (c, v) => adminDb(c).findBy('admin_users', keyed(v, {}, 1)) },
  { name: 'adminDb.findBy(conditions.email.like)', call: (c, v) => adminDb(c).findBy('admin_users', { email: { like: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.name.ilike)', call: (c, v) => adminDb(c).findBy('admin_users', { name: { ilike: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.createdAt.gte)', call: (c, v) => adminDb(c).findBy('admin_users', { createdAt: { gte: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.id.ne)', call: (c, v) => adminDb(c).findBy('admin_users', { id: { ne: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.email[operator])', call: (c, v) => adminDb(c).findBy('admin_users', { email: keyed(v, {}) }) },
  { name: 'adminDb.findBy(conditions.email in [v])', call: (c, v) => adminDb(c).findBy('admin_users', { email: [v, 'x@y.co'] }) },
  { name: 'adminDb.findBy(options)', call: (c, v) => adminDb(c).findBy('admin_users', { id: c.userId }, v) },
  { name: 'adminDb.findBy(options.orderBy)', call: (c, v) => adminDb(c).findBy('admin_users', {}, { orderBy: v, limit: 3 }) },
  { name: 'adminDb.findBy(options.limit)', call: (c, v) => adminDb(c).findBy('admin_users', { id: c.userId }, { limit: v }) },
  { name: 'adminDb.findBy(options.offset)', call: (c, v) => adminDb(c).findBy('admin_users', {}, { limit: 1, offset: v }) },
  { name: 'adminDb.findOneBy(table)', call: (c, v) => adminDb(c).findOneBy(v, { id: c.userId }) },
  { name: 'adminDb.findOneBy(conditions)', call: (c, v) => adminDb(c).findOneBy('admin_users', v) },
  { name: 'adminDb.findOneBy(conditions.email)', call: (c, v) => adminDb(c).findOneBy('admin_users', { email: v }) },
  { name: 'adminDb.count(table)', call: (c, v) => adminDb(c).count(v) },
  { name: 'adminDb.count(conditions)', call: (c, v) => adminDb(c).count('admin_users', v) },
  { name: 'adminDb.count(conditions.name)', call: (c, v) => adminDb(c).count('admin_users', { name: v }) },
  { name: 'adminDb.query(sql)', call: (c, v) => rolledBack(c.storage, (t) => new c.AdminPgDB({ client: t as never }).query(v as never)) },
  { name: 'adminDb.query(values)', call: (c, v) => adminDb(c).query('select $1::text as v', v) },
  { name: 'adminDb.query(values[0])', call: (c, v) => adminDb(c).query('select $1 as the_value', [v]) },
  {
    name: 'new AdminPgDB({ client }).findBy(conditions) inside transaction(cb)',
    call: (c, v) =>
      rolledBack(c.storage, (t) => new c.AdminPgDB({ client: t as never }).findBy('admin_users' as never, v as never)),
  },

  // ---- constructors: may throw synchronously, but only with ERR_ADMIN_PG_CONFIG ----
  { name: 'new AdminPgDB(config)', constructs: true, call: (c, v) => new c.AdminPgDB(v as never) },
  { name: 'new AdminPgDB(config.client)', constructs: true, call: (c, v) => new c.AdminPgDB({ client: v as never }) },
  { name: 'new AdminPgDB(config.schemaName)', constructs: true, call: (c, v) => new c.AdminPgDB({ client: c.storage.db, schemaName: v as never }) },
  { name: 'new PostgresAdminStorage(config)', constructs: true, call: (c, v) => new c.PostgresAdminStorage(v as never) },
  ...(['connectionString', 'schemaName', 'max', 'idleTimeoutMillis', 'connectionTimeoutMillis', 'statementTimeoutMillis', 'applicationName', 'ssl', 'disableInit'] as const).map((field) => ({
    name: `new PostgresAdminStorage(config.${field})`,
    constructs: true,
    call: (c: HostileContext, v: unknown) => new c.PostgresAdminStorage({ connectionString: c.url, [field]: v } as never),
  })),
  ...(['host', 'port', 'database', 'user', 'password'] as const).map((field) => ({
    name: `new PostgresAdminStorage(config.${field})`,
    constructs: true,
    call: (c: HostileContext, v: unknown) =>
      new c.PostgresAdminStorage({ host: '127.0.0.1', port: 5432, database: 'test', user: 'u', [field]: v } as never),
  })),
  ...DOMAIN_SURFACE,
];
