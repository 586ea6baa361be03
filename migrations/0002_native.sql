-- Version 2: fixes on top of version 1. Runs on a schema made by 0001_initial.sql and on one
-- the TypeScript adapter created earlier (adopted as version 1: possibly without log_path,
-- possibly holding rows). Every statement is safe to run again.
--
-- {{schema}} is replaced by the quoted schema identifier before this file runs.

-- a. Build log file path (older TypeScript-made schemas may lack it).
ALTER TABLE {{schema}}.admin_builds ADD COLUMN IF NOT EXISTS log_path TEXT;

-- b. admin_team_members.updated_at, maintained like the other tables'. Existing members get
--    their joined_at; the backfill only runs when the column is first added, so a second run
--    does not overwrite later updates.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_attribute
    WHERE attrelid = '{{schema}}.admin_team_members'::regclass
      AND attname = 'updated_at' AND NOT attisdropped
  ) THEN
    ALTER TABLE {{schema}}.admin_team_members ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ DEFAULT NOW();
    UPDATE {{schema}}.admin_team_members SET updated_at = joined_at WHERE joined_at IS NOT NULL;
  END IF;
END
$$;

DROP TRIGGER IF EXISTS admin_team_members_updated_at_trigger ON {{schema}}.admin_team_members;
CREATE TRIGGER admin_team_members_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_team_members
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

-- c. NULL-safe uniqueness (seed defect 6: UNIQUE with a NULL column never conflicts).
--
-- c1. Rows the old constraints let through would block the new ones, so merge them first.
--     Each statement is a no-op when there are no such duplicates.
--
--     Roles duplicated on (team_id, name) (in practice system roles, team_id NULL, created by
--     concurrent initializeSystemRoles calls): keep one (system first, then oldest), move the
--     others' assignments onto it, dropping assignments that would then be duplicates, and
--     delete the rest. This also removes assignments duplicated on a NULL resource.
WITH keeper AS (
  SELECT id,
         first_value(id) OVER (PARTITION BY team_id, name
                               ORDER BY is_system DESC NULLS LAST, created_at NULLS LAST, id) AS keep_id
  FROM {{schema}}.admin_roles
), ranked AS (
  SELECT ra.id,
         row_number() OVER (PARTITION BY k.keep_id, ra.user_id, ra.resource_type, ra.resource_id
                            ORDER BY (ra.role_id = k.keep_id) DESC, ra.created_at NULLS LAST, ra.id) AS rn
  FROM {{schema}}.admin_role_assignments ra
  JOIN keeper k ON k.id = ra.role_id
)
DELETE FROM {{schema}}.admin_role_assignments ra
USING ranked r
WHERE ra.id = r.id AND r.rn > 1;

WITH keeper AS (
  SELECT id,
         first_value(id) OVER (PARTITION BY team_id, name
                               ORDER BY is_system DESC NULLS LAST, created_at NULLS LAST, id) AS keep_id
  FROM {{schema}}.admin_roles
)
UPDATE {{schema}}.admin_role_assignments ra
SET role_id = k.keep_id
FROM keeper k
WHERE ra.role_id = k.id AND k.id <> k.keep_id;

WITH keeper AS (
  SELECT id,
         first_value(id) OVER (PARTITION BY team_id, name
                               ORDER BY is_system DESC NULLS LAST, created_at NULLS LAST, id) AS keep_id
  FROM {{schema}}.admin_roles
)
DELETE FROM {{schema}}.admin_roles r
USING keeper k
WHERE r.id = k.id AND k.id <> k.keep_id;

--     Env vars duplicated on (project_id, deployment_type, key) (deployment_type NULL, from the
--     seed's non-atomic delete + insert): keep the most recently written one.
WITH ranked AS (
  SELECT id,
         row_number() OVER (PARTITION BY project_id, deployment_type, key
                            ORDER BY updated_at DESC NULLS LAST, created_at DESC NULLS LAST, id DESC) AS rn
  FROM {{schema}}.admin_project_env_vars
)
DELETE FROM {{schema}}.admin_project_env_vars ev
USING ranked r
WHERE ev.id = r.id AND r.rn > 1;

-- c2. Replace the plain UNIQUE constraints (auto-named by PostgreSQL, found by their columns)
--     with named UNIQUE NULLS NOT DISTINCT ones (PostgreSQL 15+). Plain (NULLS DISTINCT) unique
--     indexes on the same columns, such as the ones the TypeScript adapter's DEFAULT_INDEXES
--     created, are weaker than the new constraint and are dropped with it. Skipped for a table
--     whose named constraint already exists.
DO $$
DECLARE
  spec record;
  old record;
BEGIN
  FOR spec IN
    SELECT * FROM (VALUES
      ('{{schema}}.admin_project_env_vars'::regclass, 'admin_project_env_vars_scope_key',
       ARRAY['project_id', 'deployment_type', 'key']),
      ('{{schema}}.admin_roles'::regclass, 'admin_roles_team_name_key',
       ARRAY['team_id', 'name']),
      ('{{schema}}.admin_role_assignments'::regclass, 'admin_role_assignments_scope_key',
       ARRAY['role_id', 'user_id', 'resource_type', 'resource_id'])
    ) AS s(rel, conname, cols)
  LOOP
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM pg_constraint WHERE conrelid = spec.rel AND conname = spec.conname
    );

    -- Unique constraints on exactly these columns (in any order).
    FOR old IN
      SELECT c.conname
      FROM pg_constraint c
      WHERE c.conrelid = spec.rel
        AND c.contype = 'u'
        AND cardinality(c.conkey) = cardinality(spec.cols)
        AND (SELECT array_agg(a.attname::text)
             FROM pg_attribute a
             WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)) @> spec.cols
    LOOP
      EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', spec.rel, old.conname);
    END LOOP;

    -- Stand-alone NULLS DISTINCT unique indexes on exactly these columns.
    FOR old IN
      SELECT i.indexrelid::regclass AS idx
      FROM pg_index i
      WHERE i.indrelid = spec.rel
        AND i.indisunique
        AND NOT i.indisprimary
        AND NOT i.indnullsnotdistinct
        AND i.indexprs IS NULL
        AND i.indpred IS NULL
        AND i.indnkeyatts = cardinality(spec.cols)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        AND (SELECT array_agg(a.attname::text)
             FROM pg_attribute a
             WHERE a.attrelid = i.indrelid
               AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])) @> spec.cols
    LOOP
      EXECUTE format('DROP INDEX %s', old.idx);
    END LOOP;

    EXECUTE format(
      'ALTER TABLE %s ADD CONSTRAINT %I UNIQUE NULLS NOT DISTINCT (%s)',
      spec.rel,
      spec.conname,
      (SELECT string_agg(quote_ident(col), ', ' ORDER BY ord)
       FROM unnest(spec.cols) WITH ORDINALITY AS u(col, ord))
    );
  END LOOP;
END
$$;

-- d. The seed's system roles (initializeSystemRoles), exactly one of each.
INSERT INTO {{schema}}.admin_roles (team_id, name, description, permissions, is_system)
VALUES
  (NULL, 'platform_admin', 'Full platform administration access',
   '["*"]'::jsonb, true),
  (NULL, 'team_owner', 'Full team access including member management',
   '["team:read", "team:update", "team:delete", "team:members:read", "team:members:write", "project:*", "deployment:*", "build:*"]'::jsonb,
   true),
  (NULL, 'team_admin', 'Team administration without deletion',
   '["team:read", "team:update", "team:members:read", "team:members:write", "project:*", "deployment:*", "build:*"]'::jsonb,
   true),
  (NULL, 'team_member', 'Standard team member access',
   '["team:read", "project:read", "project:create", "project:update", "deployment:read", "deployment:create", "build:read", "build:create"]'::jsonb,
   true),
  (NULL, 'team_viewer', 'Read-only team access',
   '["team:read", "project:read", "deployment:read", "build:read"]'::jsonb,
   true)
ON CONFLICT ON CONSTRAINT admin_roles_team_name_key DO NOTHING;
