import type { PostgresAdminStorage } from './index.js'

/** A prom-client `Registry` (what the collector uses of it). */
export interface RegistryLike {
  registerMetric(metric: any): void
  removeSingleMetric(name: string): void
}
export interface StorageMetricsOptions {
  /** Default: prom-client's global `register`. */
  registry?: RegistryLike
  /** Labels added to every sample, e.g. `{ storage: 'main' }`. */
  labels?: Record<string, string>
}
/**
 * Register the storage's `stats()` on a prom-client registry (read once per scrape):
 * `admin_pg_native_pool_connections{state}`, `admin_pg_native_pool_connections_max`,
 * `admin_pg_native_pool_pending_requests`, `admin_pg_native_call_duration_seconds{class,method}`
 * (histogram), `admin_pg_native_call_errors_total{class,method}`,
 * `admin_pg_native_replica_reads_total{served_by}`, `admin_pg_native_replica_fallbacks_total`,
 * `admin_pg_native_replica_usable{replica}`, `admin_pg_native_replica_lag_seconds{replica}`,
 * `admin_pg_native_build_queue_builds{status}`, `admin_pg_native_build_queue_oldest_age_seconds`,
 * `admin_pg_native_build_queue_leases_expired`.
 */
export declare function collectStorageMetrics(
  storage: PostgresAdminStorage,
  options?: StorageMetricsOptions,
): { metrics: Array<{ name: string }>; unregister(): void }
/** The histogram's bucket bounds in milliseconds (`le` labels are these in seconds). */
export declare const BUCKETS_MS: readonly number[]
