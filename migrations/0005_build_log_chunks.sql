-- Version 5: build logs appended in O(appended bytes). `appendBuildLogs` used to run
-- `logs = COALESCE(logs, '') || $2`, which rewrites (detoasts, recompresses, writes again) the
-- whole log on every append: tens of ms per 1 KiB line once a log reaches 8 MiB. From here on an
-- append inserts one row into admin_build_log_chunks and bumps a small counter in the build's
-- row; the TOASTed `logs` value is not touched, so an append costs the same at any log size.
--
-- A build's log, as every read of this package returns it, is
--   admin_builds.logs (the base: whatever was written into the column itself: logs from before
--   this migration, createBuild/updateBuild({ logs }), raw SQL)
--   followed by its chunks in `end_offset` order (everything appendBuildLogs added since).
-- Reads of a build with no chunks (log_chunk_bytes = 0) use the column alone, as before.
--
-- Existing logs stay where they are, as the base: nothing is copied, and this migration is
-- instant on any table size (ADD COLUMN with a constant default does not rewrite the table).
--
-- {{schema}} is replaced by the quoted schema identifier before this file runs.

-- a. How many bytes (UTF-8) the build's chunks hold; 0 = no chunks, the column is the log.
ALTER TABLE {{schema}}.admin_builds
  ADD COLUMN IF NOT EXISTS log_chunk_bytes BIGINT NOT NULL DEFAULT 0;

-- b. The appended chunks. `end_offset` is the chunk's end, in UTF-8 bytes, counted from the end
--    of the base: appends run under the build's row lock (the counter's UPDATE), so offsets grow
--    in commit order, and a tail read (`getBuildLogs`) is one index range scan. Empty appends
--    insert nothing, so offsets are strictly increasing and the key is unique.
CREATE TABLE IF NOT EXISTS {{schema}}.admin_build_log_chunks (
  build_id UUID NOT NULL REFERENCES {{schema}}.admin_builds(id) ON DELETE CASCADE,
  end_offset BIGINT NOT NULL,
  chunk TEXT NOT NULL,
  PRIMARY KEY (build_id, end_offset)
);

-- c. Writing the column itself (updateBuild({ logs }), AdminPgDB, raw SQL) sets the whole log,
--    as it always did: the build's chunks go. (An append written as `logs = logs || $1` into a
--    build that has chunks therefore replaces them; this package no longer writes one.)
CREATE OR REPLACE FUNCTION {{schema}}.admin_builds_logs_replaced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {{schema}}.admin_build_log_chunks WHERE build_id = OLD.id;
  NEW.log_chunk_bytes := 0;
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS admin_builds_logs_replaced ON {{schema}}.admin_builds;
CREATE TRIGGER admin_builds_logs_replaced
BEFORE UPDATE OF logs ON {{schema}}.admin_builds
FOR EACH ROW WHEN (OLD.log_chunk_bytes > 0)
EXECUTE FUNCTION {{schema}}.admin_builds_logs_replaced();
