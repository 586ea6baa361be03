//! Projects, their environment variables and API tokens (seed Phase 6.4; CONTRACT §5A
//! projects/env vars/API tokens, §5B `ProjectsPG`).
//!
//! A project always comes back with `envVars`: its project-wide variables (`deployment_type`
//! NULL), loaded by the statement that loads the project(s), never by a query per project.
//! `encryptedValue` is stored and returned as given: the application encrypts.

use sqlx::postgres::PgConnection;

use super::crud::{Entity, ProjectApiTokens, ProjectEnvVars, Projects};
use super::fields::{self, Fields};
use super::generic;
use super::page::{self, paged_sql, Page, PageRequest};
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::stmt::parse_id;
use crate::core::pg::value::{Bound, Param, Row, SqlType, Value};

/// The `env_vars` column of a project row aliased `$alias`: its project-wide variables as a
/// JSON array of rows, ordered by key.
macro_rules! env_vars_of {
    ($alias:literal) => {
        concat!(
            "(SELECT coalesce(jsonb_agg(to_jsonb(ev) ORDER BY ev.key, ev.id), '[]'::jsonb) \
             FROM {s}.admin_project_env_vars ev \
             WHERE ev.project_id = ",
            $alias,
            ".id AND ev.deployment_type IS NULL) AS env_vars"
        )
    };
}

/// The `envVars` JSON column as records (camelCase keys, dates).
fn project_shape(mut row: Row) -> Row {
    row.records_from_json("envVars");
    row
}

/// Give the unique violations of this domain a sentence naming what collided.
fn describe_unique(err: StoreError, fields: &Fields) -> StoreError {
    let text = |names: &[&str]| fields::text(fields, names).map(truncate);
    err.describe_unique(|constraint| match constraint {
        "admin_projects_team_id_slug_key" => {
            text(&["slug"]).map(|s| format!("Project with slug {s} already exists in this team"))
        }
        "admin_project_env_vars_scope_key" => text(&["key"])
            .map(|k| format!("Environment variable {k} is set more than once for the same scope")),
        "admin_project_api_tokens_token_hash_key" => {
            Some("An API token with this hash already exists".into())
        }
        c if c.ends_with("_pkey") => Some("A row with this id already exists".into()),
        _ => None,
    })
}

// ---------- projects ----------

/// An environment variable given inside project data (`Project.envVars`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEnvVar {
    pub key: String,
    pub encrypted_value: String,
    pub is_secret: Option<bool>,
}

fn parse_env_var(item: &serde_json::Value, i: usize) -> Result<NewEnvVar> {
    let obj = item
        .as_object()
        .ok_or_else(|| StoreError::invalid(format!("envVars[{i}] must be an object")))?;
    let mut key = None;
    let mut value = None;
    let mut is_secret = None;
    for (k, v) in obj {
        match (k.as_str(), v) {
            ("key", serde_json::Value::String(s)) if !s.is_empty() => key = Some(s.clone()),
            ("encryptedValue", serde_json::Value::String(s)) => value = Some(s.clone()),
            ("isSecret", serde_json::Value::Bool(b)) => is_secret = Some(*b),
            ("isSecret", serde_json::Value::Null) => {}
            // Row bookkeeping a caller may spread back in; the database sets these.
            ("id" | "projectId" | "createdAt" | "updatedAt", _) => {}
            ("deploymentType", serde_json::Value::Null) => {}
            ("key" | "encryptedValue" | "isSecret", _) => {
                return Err(StoreError::invalid(format!(
                    "envVars[{i}].{k} has the wrong type (key: non-empty string, \
                     encryptedValue: string, isSecret: boolean)"
                )))
            }
            (other, _) => {
                return Err(StoreError::invalid(format!(
                    "unknown field `{}` in envVars[{i}] (expected key, encryptedValue, isSecret)",
                    truncate(other)
                )))
            }
        }
    }
    match (key, value) {
        (Some(key), Some(encrypted_value)) => Ok(NewEnvVar {
            key,
            encrypted_value,
            is_secret,
        }),
        (None, _) => Err(StoreError::invalid(format!("envVars[{i}].key is required"))),
        (_, None) => Err(StoreError::invalid(format!(
            "envVars[{i}].encryptedValue is required"
        ))),
    }
}

/// `envVars` of project data as env var inputs.
pub fn parse_env_vars(p: &Param) -> Result<Vec<NewEnvVar>> {
    match p {
        Param::Null => Ok(Vec::new()),
        Param::Array(items) if items.is_empty() => Ok(Vec::new()),
        Param::JsonText(json) => {
            let parsed: serde_json::Value = serde_json::from_str(json)
                .map_err(|e| StoreError::invalid(format!("envVars is not valid JSON: {e}")))?;
            let items = parsed.as_array().ok_or_else(|| {
                StoreError::invalid("envVars must be an array of { key, encryptedValue, isSecret }")
            })?;
            items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_env_var(item, i))
                .collect()
        }
        _ => Err(StoreError::invalid(
            "envVars must be an array of { key, encryptedValue, isSecret }",
        )),
    }
}

/// Split `envVars` off project data.
fn split_env_vars(fields: &Fields) -> Result<(Fields, Vec<NewEnvVar>)> {
    let mut rest = Vec::with_capacity(fields.len());
    let mut env_vars = Vec::new();
    for (k, v) in fields {
        if k == "envVars" || k == "env_vars" {
            env_vars.extend(parse_env_vars(v)?);
        } else {
            rest.push((k.clone(), v.clone()));
        }
    }
    Ok((rest, env_vars))
}

/// A freshly inserted project has no env vars yet.
fn with_no_env_vars(row: Row) -> Row {
    let mut columns = row.columns.to_vec();
    columns.push("envVars".into());
    let mut values = row.values;
    values.push(Value::Array(Vec::new()));
    Row {
        columns: columns.into(),
        values,
    }
}

/// Create a project; its `envVars` (if any) are stored as project-wide env var rows in the
/// same transaction, and the project comes back with them as stored.
pub async fn create_project(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    let (fields, env_vars) = split_env_vars(fields)?;
    if env_vars.is_empty() {
        return generic::create(ctx, conn, Projects::table(), &fields)
            .await
            .map(with_no_env_vars)
            .map_err(|e| describe_unique(e, &fields));
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let project = generic::create(ctx, &mut tx, Projects::table(), &fields)
        .await
        .map_err(|e| describe_unique(e, &fields))?;
    let id = project
        .text("id")
        .and_then(parse_id)
        .ok_or_else(|| StoreError::query("created project has no id"))?;
    let keys: Vec<&str> = env_vars.iter().map(|e| e.key.as_str()).collect();
    let values: Vec<&str> = env_vars
        .iter()
        .map(|e| e.encrypted_value.as_str())
        .collect();
    let secrets: Vec<Option<bool>> = env_vars.iter().map(|e| e.is_secret).collect();
    ctx.query(
        "INSERT INTO {s}.admin_project_env_vars (project_id, key, encrypted_value, is_secret) \
         SELECT $1, t.key, t.value, coalesce(t.secret, true) \
         FROM UNNEST($2::text[], $3::text[], $4::bool[]) AS t(key, value, secret)",
    )
    .bind(id)
    .bind(keys)
    .bind(values)
    .bind(secrets)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        let key_fields: Fields = env_vars
            .iter()
            .map(|e| ("key".to_string(), Param::Text(e.key.clone())))
            .collect();
        let err: StoreError = e.into();
        match err.pg().and_then(|p| p.constraint.as_deref()) {
            Some("admin_project_env_vars_scope_key") => {
                err.with_message("envVars holds the same key more than once".to_string())
            }
            _ => describe_unique(err, &key_fields),
        }
    })?;
    let row = get_project(ctx, &mut tx, &id.to_string())
        .await?
        .ok_or_else(|| StoreError::query("created project vanished"))?;
    tx.commit().await?;
    Ok(row)
}

/// The project with its env vars, or `None`.
pub async fn get_project(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    let row = ctx
        .query(concat!(
            "SELECT p.*, ",
            env_vars_of!("p"),
            " FROM {s}.admin_projects p WHERE p.id = $1"
        ))
        .bind_id(id)
        .fetch_row(conn)
        .await?;
    Ok(row.map(project_shape))
}

pub async fn get_project_by_slug(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    slug: &str,
) -> Result<Option<Row>> {
    let row = ctx
        .query(concat!(
            "SELECT p.*, ",
            env_vars_of!("p"),
            " FROM {s}.admin_projects p WHERE p.team_id = $1 AND p.slug = $2"
        ))
        .bind_id(team_id)
        .bind(slug)
        .fetch_row(conn)
        .await?;
    Ok(row.map(project_shape))
}

/// A team's projects by name (`id` breaks ties), env vars included: one statement.
pub async fn list_projects(ctx: &Ctx, conn: &mut PgConnection, team_id: &str) -> Result<Vec<Row>> {
    let rows = ctx
        .query(concat!(
            "SELECT p.*, ",
            env_vars_of!("p"),
            " FROM {s}.admin_projects p WHERE p.team_id = $1 ORDER BY p.name, p.id"
        ))
        .bind_id(team_id)
        .fetch_rows(conn)
        .await?;
    Ok(rows.into_iter().map(project_shape).collect())
}

/// One page of `list_projects` and the total: one statement, env vars loaded only for the
/// rows of the page.
pub async fn list_projects_page(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    req: PageRequest,
) -> Result<Page> {
    let sql = paged_sql!(
        select concat!("p.*, ", env_vars_of!("p")),
        from "{s}.admin_projects p WHERE p.team_id = $1",
        order by "name, id"
    );
    let mut page = page::fetch(ctx, conn, sql, team_id, req).await?;
    page.data = std::mem::take(&mut page.data)
        .into_iter()
        .map(project_shape)
        .collect();
    Ok(page)
}

/// Update; `envVars` in the data are ignored (env vars have their own methods). `None` when
/// there is no such project.
pub async fn update_project(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    let fields: Fields = fields
        .iter()
        .filter(|(k, _)| k != "envVars" && k != "env_vars")
        .cloned()
        .collect();
    // Unknown fields are rejected, as every update does, whatever the id.
    if generic::columns_of(Projects::table(), &fields, true)?.is_empty() || parse_id(id).is_none() {
        return get_project(ctx, conn, id).await;
    }
    let updated = generic::modify(ctx, conn, Projects::table(), id, &fields)
        .await
        .map_err(|e| describe_unique(e, &fields))?;
    match updated {
        None => Ok(None),
        Some(_) => get_project(ctx, conn, id).await,
    }
}

// ---------- environment variables ----------

/// Set an env var: one atomic upsert on (project, deployment type, key), NULL deployment type
/// included. An existing row keeps its `id` and `createdAt`; `isSecret` left out keeps the
/// stored flag (true for a new row). Returns the row.
pub async fn set_env_var(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    let table = ProjectEnvVars::table();
    super::validate::require(table, fields)?;
    // Validates every field name and encodes values by column type; id/createdAt/updatedAt
    // are the database's to keep.
    let cols = generic::columns_of(table, fields, true)?;
    let bound = |name: &str, ty: SqlType| -> Bound {
        cols.iter()
            .find(|(c, _)| c.name == name)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| Bound::null(&ty))
    };
    let row = ctx
        .query(
            "INSERT INTO {s}.admin_project_env_vars AS ev \
               (project_id, deployment_type, key, encrypted_value, is_secret) \
             VALUES ($1, $2, $3, $4, coalesce($5, true)) \
             ON CONFLICT ON CONSTRAINT admin_project_env_vars_scope_key DO UPDATE \
             SET encrypted_value = EXCLUDED.encrypted_value, \
                 is_secret = coalesce($5, ev.is_secret) \
             RETURNING *",
        )
        .bind(bound("project_id", SqlType::Uuid))
        .bind(bound("deployment_type", SqlType::Text))
        .bind(bound("key", SqlType::Text))
        .bind(bound("encrypted_value", SqlType::Text))
        .bind(bound("is_secret", SqlType::Bool))
        .fetch_one_row(conn)
        .await
        .map_err(|e| describe_unique(e, fields))?;
    Ok(row)
}

/// The env var with this key in this scope (`None` deployment type = project-wide).
pub async fn get_env_var(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    key: &str,
    deployment_type: Option<&str>,
) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_project_env_vars \
         WHERE project_id = $1 AND key = $2 AND deployment_type IS NOT DISTINCT FROM $3",
    )
    .bind_id(project_id)
    .bind(key)
    .bind(deployment_type)
    .fetch_row(conn)
    .await
}

/// Which env vars of a project to list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvScope {
    /// Every scope.
    All,
    /// One deployment type; `None` = project-wide only.
    Only(Option<String>),
}

/// A project's env vars by key (project-wide before typed ones, `id` last).
pub async fn list_env_vars(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    scope: &EnvScope,
) -> Result<Vec<Row>> {
    let (all, deployment_type) = match scope {
        EnvScope::All => (true, None),
        EnvScope::Only(t) => (false, t.as_deref()),
    };
    ctx.query(
        "SELECT * FROM {s}.admin_project_env_vars \
         WHERE project_id = $1 AND ($2 OR deployment_type IS NOT DISTINCT FROM $3) \
         ORDER BY key, deployment_type NULLS FIRST, id",
    )
    .bind_id(project_id)
    .bind(all)
    .bind(deployment_type)
    .fetch_rows(conn)
    .await
}

/// Delete a project-wide env var by key; whether one was deleted.
pub async fn delete_env_var_by_key(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    key: &str,
) -> Result<bool> {
    let deleted = ctx
        .query(
            "DELETE FROM {s}.admin_project_env_vars \
             WHERE project_id = $1 AND key = $2 AND deployment_type IS NULL",
        )
        .bind_id(project_id)
        .bind(key)
        .rows_affected(conn)
        .await?;
    Ok(deleted > 0)
}

// ---------- API tokens ----------

/// Store an API token (its hash and prefix; `scopes` a JSON array).
pub async fn create_api_token(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    generic::create(ctx, conn, ProjectApiTokens::table(), fields)
        .await
        .map_err(|e| describe_unique(e, fields))
}

pub async fn get_api_token_by_hash(
    ctx: &Ctx,
    conn: &mut PgConnection,
    token_hash: &str,
) -> Result<Option<Row>> {
    ctx.query("SELECT * FROM {s}.admin_project_api_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_row(conn)
        .await
}

/// A project's tokens, newest first (`id` breaks ties).
pub async fn list_api_tokens(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_project_api_tokens WHERE project_id = $1 \
         ORDER BY created_at DESC, id",
    )
    .bind_id(project_id)
    .fetch_rows(conn)
    .await
}

/// Stamp `last_used_at` with the server clock; whether the token exists.
pub async fn touch_api_token(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<bool> {
    let touched = ctx
        .query("UPDATE {s}.admin_project_api_tokens SET last_used_at = now() WHERE id = $1")
        .bind_id(id)
        .rows_affected(conn)
        .await?;
    Ok(touched > 0)
}

/// The project-wide env vars (no deployment type), as `AdminStorage.getProjectEnvVars` lists them.
pub async fn list_project_env_vars(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
) -> Result<Vec<Row>> {
    list_env_vars(ctx, conn, project_id, &EnvScope::Only(None)).await
}

/// `AdminStorage.setProjectEnvVar(projectId, envVar)`: a project-wide variable (a
/// `deploymentType` in `envVar` is refused; `projectId` in it is replaced by the argument).
pub async fn set_project_env_var(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    env_var: &Fields,
) -> Result<Row> {
    if env_var
        .iter()
        .any(|(k, v)| (k == "deploymentType" || k == "deployment_type") && *v != Param::Null)
    {
        return Err(StoreError::invalid(
            "setProjectEnvVar sets project-wide variables: use projects.setEnvVar for a deploymentType",
        ));
    }
    let mut fields: Fields = env_var
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "projectId" | "project_id" | "deploymentType" | "deployment_type"
            )
        })
        .cloned()
        .collect();
    fields.push(("projectId".into(), Param::Text(project_id.into())));
    set_env_var(ctx, conn, &fields).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_vars_in_project_data() {
        let p = Param::JsonText(
            r#"[{"key":"A","encryptedValue":"x","isSecret":false,"createdAt":"2024-01-01"},
                {"key":"B","encryptedValue":"y"}]"#
                .into(),
        );
        let v = parse_env_vars(&p).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].is_secret, Some(false));
        assert_eq!(v[1].is_secret, None);
        assert!(parse_env_vars(&Param::Array(vec![])).unwrap().is_empty());
        assert!(parse_env_vars(&Param::Null).unwrap().is_empty());
    }

    #[test]
    fn bad_env_vars_are_rejected_by_name() {
        for bad in [
            r#"[{"key":"A"}]"#,
            r#"[{"encryptedValue":"x"}]"#,
            r#"[{"key":"A","encryptedValue":1}]"#,
            r#"[{"key":"A","encryptedValue":"x","colour":"red"}]"#,
            r#"{"key":"A"}"#,
        ] {
            let err = parse_env_vars(&Param::JsonText(bad.into())).unwrap_err();
            assert_eq!(err.code(), "ERR_ADMIN_PG_INVALID_ARGUMENT", "{bad}");
        }
        let err = parse_env_vars(&Param::JsonText(
            r#"[{"key":"A","encryptedValue":"x","colour":"red"}]"#.into(),
        ))
        .unwrap_err();
        assert!(err.to_string().contains("colour"));
        assert!(parse_env_vars(&Param::Text("x".into())).is_err());
    }
}
