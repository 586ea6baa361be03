/** Anything with `getTracer` (an OpenTelemetry `TracerProvider`). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): any
}
export interface AdminPgNativeInstrumentationConfig {
  /** Subscribe at construction (default true). */
  enabled?: boolean
  /** Default: the global provider (`trace.getTracer`). */
  tracerProvider?: TracerProviderLike
  /**
   * Put the SQL text of raw SQL calls (`db.one(sql)`, `adminDb.query(sql)`) in `db.query.text`
   * (default false: raw SQL may carry literal values its caller inlined).
   */
  statementText?: boolean
}
/**
 * OpenTelemetry CLIENT spans for every admin-pg-native call, from the `admin-pg-native:query`
 * tracing channel: `db.system.name = postgresql`, `db.operation.name`, `db.collection.name`,
 * `db.namespace` (`database.schema`), `server.address`, `server.port`,
 * `db.response.returned_rows`; on failure `error.type` (the `ERR_ADMIN_PG_*` code),
 * `db.response.status_code` (SQLSTATE) and an error status. Parented to the active context.
 */
export declare class AdminPgNativeInstrumentation {
  constructor(config?: AdminPgNativeInstrumentationConfig)
  readonly instrumentationName: 'admin-pg-native'
  readonly instrumentationVersion: string
  setTracerProvider(provider: TracerProviderLike): void
  setMeterProvider(provider: unknown): void
  getConfig(): AdminPgNativeInstrumentationConfig
  setConfig(config?: AdminPgNativeInstrumentationConfig): void
  enable(): void
  disable(): void
}
