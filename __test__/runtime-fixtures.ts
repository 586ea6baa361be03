// Fixtures for the runtime domains (deployments, builds, servers, routes): the team and
// project rows they hang on, written with raw SQL so these tests do not depend on the
// teams/projects domains.
import { randomUUID } from 'node:crypto';
import type { PostgresAdminStorage } from '../index.js';

/** `"schema".table` for raw SQL against a storage's schema. */
export function qualified(storage: PostgresAdminStorage, table: string): string {
  return `"${storage.schemaName}".${table}`;
}

/** A fresh team and project; returns the project's id. */
export async function makeProject(storage: PostgresAdminStorage): Promise<string> {
  const teamId = randomUUID();
  const projectId = randomUUID();
  await storage.db.none(`insert into ${qualified(storage, 'admin_teams')} (id, name, slug) values ($1, 'Team', $2)`, [
    teamId,
    `team-${teamId}`,
  ]);
  await storage.db.none(
    `insert into ${qualified(storage, 'admin_projects')} (id, team_id, name, slug, source_type, source_config)
     values ($1, $2, 'Project', $3, 'local', '{"path":"/tmp"}')`,
    [projectId, teamId, `project-${projectId}`],
  );
  return projectId;
}

let branchCounter = 0;
/** A deployment of a fresh (or given) project; `overrides` win. */
export async function makeDeployment(
  storage: PostgresAdminStorage,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; projectId: string }> {
  const projectId = (overrides.projectId as string | undefined) ?? (await makeProject(storage));
  branchCounter += 1;
  const branch = `branch-${branchCounter}`;
  const d = await storage.deployments.createDeployment({
    projectId,
    type: 'preview',
    branch,
    slug: branch,
    ...overrides,
  } as Parameters<typeof storage.deployments.createDeployment>[0]);
  return { id: d.id, projectId };
}

/** Expect `p` to reject with this `code`; returns the error for further checks. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<Error & { code: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { code: string };
    if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  throw new Error(`expected a rejection with ${code}, but it resolved`);
}
