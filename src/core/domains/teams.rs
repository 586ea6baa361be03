//! Teams, their members, invites and source-provider installations (seed Phase 6.3; CONTRACT
//! §5A teams/members/invites, §5B `TeamsPG`). SQL beside the function that runs it; plain
//! inserts and updates go through the generic engine.

use std::sync::Arc;

use sqlx::postgres::PgConnection;
use sqlx::Row as _;

use super::crud::{Entity, TeamInstallations, TeamInvites, TeamMembers, Teams};
use super::fields::{self, Fields};
use super::generic;
use super::page::{self, paged_sql, Page, PageRequest};
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::stmt::parse_id;
use crate::core::pg::value::{Param, Row};

/// Give the unique violations of this domain a sentence naming what collided.
fn describe_unique(err: StoreError, fields: &Fields) -> StoreError {
    err.describe_unique(|constraint| match constraint {
        "admin_teams_slug_key" => fields::text(fields, &["slug"])
            .map(|s| format!("Team with slug {} already exists", truncate(s))),
        "admin_team_members_team_id_user_id_key" => {
            Some("This user is already a member of the team".to_string())
        }
        "admin_team_invites_token_key" => Some("An invite with this token already exists".into()),
        c if c.starts_with("admin_team_installations_team_id_provider") => {
            Some("This installation is already registered for the team".into())
        }
        c if c.ends_with("_pkey") => Some("A row with this id already exists".into()),
        _ => None,
    })
}

// ---------- teams ----------

/// The teams of the user `$1`, as `t`.
macro_rules! teams_of_user {
    () => {
        "{s}.admin_teams t JOIN {s}.admin_team_members m ON m.team_id = t.id WHERE m.user_id = $1"
    };
}

/// Create a team (caller-supplied `id`, or a generated one).
pub async fn create_team(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    generic::create(ctx, conn, Teams::table(), fields)
        .await
        .map_err(|e| describe_unique(e, fields))
}

/// Create a team and its `owner` member in one transaction: both or neither.
pub async fn create_team_with_owner(
    ctx: &Ctx,
    conn: &mut PgConnection,
    fields: &Fields,
    owner_user_id: &str,
) -> Result<Row> {
    let owner = parse_id(owner_user_id).ok_or_else(|| {
        StoreError::invalid(format!(
            "ownerUserId `{}` is not a UUID",
            truncate(owner_user_id)
        ))
    })?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let team = create_team(ctx, &mut tx, fields).await?;
    let team_id = team
        .text("id")
        .and_then(parse_id)
        .ok_or_else(|| StoreError::query("created team has no id"))?;
    ctx.query(
        "INSERT INTO {s}.admin_team_members (team_id, user_id, role) VALUES ($1, $2, 'owner')",
    )
    .bind(team_id)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(team)
}

pub async fn get_team_by_slug(
    ctx: &Ctx,
    conn: &mut PgConnection,
    slug: &str,
) -> Result<Option<Row>> {
    ctx.query("SELECT * FROM {s}.admin_teams WHERE slug = $1")
        .bind(slug)
        .fetch_row(conn)
        .await
}

/// Update; `None` when there is no such team.
pub async fn update_team(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    generic::modify(ctx, conn, Teams::table(), id, fields)
        .await
        .map_err(|e| describe_unique(e, fields))
}

/// The teams a user belongs to, by name (`id` breaks ties).
pub async fn list_teams_for_user(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
) -> Result<Vec<Row>> {
    ctx.query(concat!(
        "SELECT t.* FROM ",
        teams_of_user!(),
        " ORDER BY t.name, t.id"
    ))
    .bind_id(user_id)
    .fetch_rows(conn)
    .await
}

/// One page of `list_teams_for_user`, with the total, in one statement.
pub async fn list_teams_for_user_page(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
    req: PageRequest,
) -> Result<Page> {
    let sql = paged_sql!(select "t.*", from teams_of_user!(), order by "name, id");
    page::fetch(ctx, conn, sql, user_id, req).await
}

// ---------- members ----------

/// Members carry `createdAt` too (MastraAdmin's `TeamMember`): it reports `joined_at`.
fn member_shape(rows: Vec<Row>) -> Vec<Row> {
    let Some(first) = rows.first() else {
        return rows;
    };
    let Some(joined) = first.columns.iter().position(|c| c == "joinedAt") else {
        return rows;
    };
    let mut columns = first.columns.to_vec();
    columns.push("createdAt".into());
    let columns: Arc<[String]> = columns.into();
    rows.into_iter()
        .map(|mut r| {
            let v = r.values[joined].clone();
            r.values.push(v);
            Row {
                columns: columns.clone(),
                values: r.values,
            }
        })
        .collect()
}

fn member_one(row: Row) -> Row {
    member_shape(vec![row])
        .pop()
        .expect("one row in, one row out")
}

/// `createdAt` in member data means `joined_at` (the table has no `created_at`);
/// an explicit `joinedAt` wins.
fn member_fields(fields: &Fields) -> Fields {
    let has_joined = fields
        .iter()
        .any(|(k, _)| k == "joinedAt" || k == "joined_at");
    fields
        .iter()
        .filter_map(|(k, v)| match k.as_str() {
            "createdAt" | "created_at" if has_joined => None,
            "createdAt" | "created_at" => Some(("joinedAt".to_string(), v.clone())),
            _ => Some((k.clone(), v.clone())),
        })
        .collect()
}

/// Add a member. Duplicate → unique violation; missing team or user → foreign key violation.
pub async fn add_member(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    let fields = member_fields(fields);
    generic::create(ctx, conn, TeamMembers::table(), &fields)
        .await
        .map(member_one)
        .map_err(|e| describe_unique(e, &fields))
}

pub async fn get_member(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    user_id: &str,
) -> Result<Option<Row>> {
    let row = ctx
        .query("SELECT * FROM {s}.admin_team_members WHERE team_id = $1 AND user_id = $2")
        .bind_id(team_id)
        .bind_id(user_id)
        .fetch_row(conn)
        .await?;
    Ok(row.map(member_one))
}

/// Members of a team, in joining order (`id` breaks ties).
pub async fn list_members(ctx: &Ctx, conn: &mut PgConnection, team_id: &str) -> Result<Vec<Row>> {
    let rows = ctx
        .query("SELECT * FROM {s}.admin_team_members WHERE team_id = $1 ORDER BY joined_at, id")
        .bind_id(team_id)
        .fetch_rows(conn)
        .await?;
    Ok(member_shape(rows))
}

/// One page of members, each joined with its `user`, and the total: one statement.
pub async fn list_members_page(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    req: PageRequest,
) -> Result<Page> {
    let sql = paged_sql!(
        select "b.*, (SELECT to_jsonb(u) FROM {s}.admin_users u WHERE u.id = b.user_id) AS \"user\"",
        from "{s}.admin_team_members b WHERE b.team_id = $1",
        order by "joined_at, id"
    );
    let mut page = page::fetch(ctx, conn, sql, team_id, req).await?;
    page.data = member_shape(std::mem::take(&mut page.data));
    for row in &mut page.data {
        row.records_from_json("user");
    }
    Ok(page)
}

/// Change a member's role; `None` when the user is not a member of the team.
pub async fn update_member_role(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    user_id: &str,
    role: &str,
) -> Result<Option<Row>> {
    let row = ctx
        .query(
            "UPDATE {s}.admin_team_members SET role = $3 \
             WHERE team_id = $1 AND user_id = $2 RETURNING *",
        )
        .bind_id(team_id)
        .bind_id(user_id)
        .bind(role)
        .fetch_row(conn)
        .await?;
    Ok(row.map(member_one))
}

/// Whether a membership was removed.
pub async fn remove_member(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    user_id: &str,
) -> Result<bool> {
    let removed = ctx
        .query("DELETE FROM {s}.admin_team_members WHERE team_id = $1 AND user_id = $2")
        .bind_id(team_id)
        .bind_id(user_id)
        .rows_affected(conn)
        .await?;
    Ok(removed > 0)
}

// ---------- invites ----------

/// An unguessable invite token: 64 hex digits from two random (v4) UUIDs, 244 random bits.
pub fn generate_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Create an invite; a `token` is generated when none is given.
pub async fn create_invite(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    let mut fields = fields.clone();
    let has_token = fields
        .iter()
        .any(|(k, v)| k == "token" && !matches!(v, Param::Null));
    if !has_token {
        fields.retain(|(k, _)| k != "token");
        fields.push(("token".into(), Param::Text(generate_token())));
    }
    generic::create(ctx, conn, TeamInvites::table(), &fields)
        .await
        .map_err(|e| describe_unique(e, &fields))
}

pub async fn get_invite_by_token(
    ctx: &Ctx,
    conn: &mut PgConnection,
    token: &str,
) -> Result<Option<Row>> {
    ctx.query("SELECT * FROM {s}.admin_team_invites WHERE token = $1")
        .bind(token)
        .fetch_row(conn)
        .await
}

/// The team's invite for this email, matched case-insensitively: an exact-case match first,
/// then a pending one, then the newest.
pub async fn get_invite_by_email(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    email: &str,
) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_team_invites \
         WHERE team_id = $1 AND lower(email) = lower($2) \
         ORDER BY (email = $2) DESC, (accepted_at IS NULL) DESC, created_at DESC, id \
         LIMIT 1",
    )
    .bind_id(team_id)
    .bind(email)
    .fetch_row(conn)
    .await
}

/// Invites neither accepted nor expired, newest first (`id` breaks ties).
pub async fn list_pending_invites(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_team_invites \
         WHERE team_id = $1 AND accepted_at IS NULL AND expires_at > now() \
         ORDER BY created_at DESC, id",
    )
    .bind_id(team_id)
    .fetch_rows(conn)
    .await
}

/// Accept an invite in one transaction: the invite row is locked, so of two concurrent
/// accepts exactly one succeeds and the other sees it accepted. Sets `accepted_at` and adds
/// the user with the invite's email (if one exists; exact-case email first) as a member with
/// the invite's role; an existing membership is kept as it is. `None` for an unknown token.
pub async fn accept_invite(ctx: &Ctx, conn: &mut PgConnection, token: &str) -> Result<Option<Row>> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let found = ctx
        .query(
            "SELECT id, accepted_at IS NOT NULL AS accepted, expires_at <= now() AS expired \
             FROM {s}.admin_team_invites WHERE token = $1 FOR UPDATE",
        )
        .bind(token)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let id: uuid::Uuid = found.try_get("id")?;
    if found.try_get::<bool, _>("accepted")? {
        return Err(StoreError::InviteAccepted(
            "This invite has already been accepted".into(),
        ));
    }
    if found
        .try_get::<Option<bool>, _>("expired")?
        .unwrap_or(false)
    {
        return Err(StoreError::InviteExpired("This invite has expired".into()));
    }
    let row = ctx
        .query(
            "WITH inv AS ( \
               UPDATE {s}.admin_team_invites SET accepted_at = now() WHERE id = $1 RETURNING *), \
             joined AS ( \
               INSERT INTO {s}.admin_team_members (team_id, user_id, role) \
               SELECT inv.team_id, u.id, inv.role FROM inv \
               CROSS JOIN LATERAL ( \
                 SELECT id FROM {s}.admin_users WHERE lower(email) = lower(inv.email) \
                 ORDER BY (email = inv.email) DESC, created_at, id LIMIT 1) u \
               ON CONFLICT (team_id, user_id) DO NOTHING) \
             SELECT * FROM inv",
        )
        .bind(id)
        .fetch_one_row(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(row))
}

// ---------- installations ----------

/// Register a provider installation; the same (team, provider, installation id) twice is a
/// unique violation.
pub async fn create_installation(
    ctx: &Ctx,
    conn: &mut PgConnection,
    fields: &Fields,
) -> Result<Row> {
    generic::create(ctx, conn, TeamInstallations::table(), fields)
        .await
        .map_err(|e| describe_unique(e, fields))
}

pub async fn get_installation(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
    provider: &str,
    installation_id: &str,
) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_team_installations \
         WHERE team_id = $1 AND provider = $2 AND installation_id = $3",
    )
    .bind_id(team_id)
    .bind(provider)
    .bind(installation_id)
    .fetch_row(conn)
    .await
}

/// A team's installations, oldest first (`id` breaks ties).
pub async fn list_installations(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_team_installations WHERE team_id = $1 \
         ORDER BY created_at, id",
    )
    .bind_id(team_id)
    .fetch_rows(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pg::value::Value;

    #[test]
    fn tokens_are_long_random_hex() {
        let a = generate_token();
        let b = generate_token();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn member_created_at_reports_joined_at() {
        let t = Value::Text("2024-01-01".into());
        let row = Row {
            columns: vec!["id".to_string(), "joinedAt".to_string()].into(),
            values: vec![Value::Text("x".into()), t.clone()],
        };
        let row = member_one(row);
        assert_eq!(row.get("createdAt"), Some(&t));
    }

    #[test]
    fn created_at_in_member_data_means_joined_at() {
        let f: Fields = vec![
            ("teamId".into(), Param::Text("a".into())),
            ("createdAt".into(), Param::Text("2024-01-01".into())),
        ];
        let out = member_fields(&f);
        assert!(out.iter().any(|(k, _)| k == "joinedAt"));
        assert!(!out.iter().any(|(k, _)| k == "createdAt"));
        let both: Fields = vec![
            ("joinedAt".into(), Param::Text("2024-01-02".into())),
            ("createdAt".into(), Param::Text("2024-01-01".into())),
        ];
        assert_eq!(member_fields(&both).len(), 1);
    }
}
