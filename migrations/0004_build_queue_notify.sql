-- Version 4: a NOTIFY whenever a build becomes queued, so waiting workers wake at once instead
-- of polling (BuildsPG.waitForBuild). A trigger rather than a NOTIFY in each statement: every
-- way a build gets queued is covered (enqueue, createBuild, updateBuildStatus('queued'),
-- reclaimStaleBuilds, raw SQL, the TypeScript adapter writing the same schema).
--
-- The channel is per schema: `admin_pg_native_builds_<schema>`, or, when that would exceed
-- PostgreSQL's 63-byte identifier limit, `admin_pg_native_builds_<md5(schema)>` (the same rule
-- as `builds_channel` in src/core/queue_listener.rs). The payload is empty, so PostgreSQL folds
-- the notifications of one transaction into one: a batch of 1,000 queued builds is one wake-up.
-- Notifications are sent at commit, never for a rolled-back insert.
--
-- {{schema}} is replaced by the quoted schema identifier before this file runs.

CREATE OR REPLACE FUNCTION {{schema}}.admin_builds_notify_queued() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  channel text := 'admin_pg_native_builds_' || TG_TABLE_SCHEMA;
BEGIN
  IF octet_length(channel) > 63 THEN
    channel := 'admin_pg_native_builds_' || md5(TG_TABLE_SCHEMA);
  END IF;
  PERFORM pg_notify(channel, '');
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS admin_builds_queued_insert_notify ON {{schema}}.admin_builds;
CREATE TRIGGER admin_builds_queued_insert_notify
AFTER INSERT ON {{schema}}.admin_builds
FOR EACH ROW WHEN (NEW.status = 'queued')
EXECUTE FUNCTION {{schema}}.admin_builds_notify_queued();

DROP TRIGGER IF EXISTS admin_builds_queued_update_notify ON {{schema}}.admin_builds;
CREATE TRIGGER admin_builds_queued_update_notify
AFTER UPDATE OF status ON {{schema}}.admin_builds
FOR EACH ROW WHEN (NEW.status = 'queued' AND OLD.status IS DISTINCT FROM 'queued')
EXECUTE FUNCTION {{schema}}.admin_builds_notify_queued();
