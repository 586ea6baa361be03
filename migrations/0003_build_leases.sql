-- Version 3: build leases. A claimed build records which worker holds it (locked_by), until
-- when (lease_expires_at), and how many times it has been claimed (attempts), so builds whose
-- worker died can be found and requeued. Nullable or defaulted: existing rows stay valid (no
-- lease, no attempts yet), and writers that don't know these columns (the TypeScript adapter)
-- keep working.
--
-- {{schema}} is replaced by the quoted schema identifier before this file runs.

ALTER TABLE {{schema}}.admin_builds
  ADD COLUMN IF NOT EXISTS locked_by TEXT,
  ADD COLUMN IF NOT EXISTS lease_expires_at TIMESTAMPTZ,
  ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0;
