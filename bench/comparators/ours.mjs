// Ours: the native addon's PostgresAdminStorage, called through the flat AdminStorage methods
// (and `adminDb`, `builds` where the workload names them). A method the storage does not have
// yet is left undefined, and the workload prints n/a for it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const name = 'ours';

/** The loaded addon (index.js → admin-pg-native.linux-x64-gnu.node). */
export const addon = () => require('../../index.js');

export async function open({ url, schema, max = 20 }) {
  const { PostgresAdminStorage } = addon();
  const storage = new PostgresAdminStorage({ connectionString: url, schemaName: schema, max });
  const flat = (m) => (typeof storage[m] === 'function' ? storage[m].bind(storage) : undefined);
  const adminDb = storage.adminDb; // a fresh object per getter call: take it once
  const builds = storage.builds; // undefined until the builds domain lands
  return {
    name,
    storage,
    init: () => storage.init(),
    close: () => storage.close(),
    getUser: flat('getUser'),
    createUser: flat('createUser'),
    updateUser: flat('updateUser'),
    listBuildsForDeployment: flat('listBuildsForDeployment'),
    listDeploymentsForProject: flat('listDeploymentsForProject'),
    listProjectsForTeam: flat('listProjectsForTeam'),
    userHasPermission: flat('userHasPermission'),
    batchInsert: (table, rows) => adminDb.batchInsert(table, rows),
    insert: (table, row) => adminDb.insert(table, row),
    dequeue: typeof builds?.dequeue === 'function' ? () => builds.dequeue() : undefined,
    dequeueBatch: typeof builds?.dequeueBatch === 'function' ? (n) => builds.dequeueBatch(n) : undefined,
  };
}
