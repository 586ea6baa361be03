//! Users: the template every other domain follows. SQL beside the function that runs it;
//! plain CRUD goes through the generic engine, hot getters use cached templates.

use sqlx::postgres::PgConnection;

use super::fields::Fields;
use super::generic::{self, parse_id};
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::value::{decode_one, decode_rows, Naming, Param, Row};
use crate::core::tables::{table_by_name, Table};

fn table() -> &'static Table {
    table_by_name("admin_users").expect("admin_users is a known table")
}

/// `something@something.tld`: one `@`, no spaces, a dot inside the domain.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
}

fn check_email(fields: &Fields, required: bool) -> Result<Option<String>> {
    match fields.iter().find(|(k, _)| k == "email") {
        Some((_, Param::Text(e))) if is_valid_email(e) => Ok(Some(e.clone())),
        Some((_, Param::Text(e))) => Err(StoreError::invalid(format!(
            "invalid email `{}`: expected an address like name@example.com",
            truncate(e)
        ))),
        Some(_) => Err(StoreError::invalid("email must be a string")),
        None if required => Err(StoreError::invalid("email is required")),
        None => Ok(None),
    }
}

fn duplicate_message(err: StoreError, email: Option<&str>, fields: &Fields) -> StoreError {
    let constraint = err
        .pg()
        .and_then(|p| p.constraint.clone())
        .unwrap_or_default();
    if !matches!(err, StoreError::UniqueViolation { .. }) {
        return err;
    }
    if constraint.contains("email") {
        if let Some(email) = email {
            return err.with_message(format!("User with email {email} already exists"));
        }
    }
    if constraint.contains("external") {
        if let Some((_, Param::Text(x))) = fields
            .iter()
            .find(|(k, _)| k == "externalId" || k == "external_id")
        {
            return err.with_message(format!("User with externalId {x} already exists"));
        }
    }
    if constraint.contains("pkey") {
        return err.with_message("User with this id already exists".into());
    }
    err
}

/// Create a user (caller-supplied `id`, or a generated one).
pub async fn create(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    let email = check_email(fields, true)?;
    generic::create(ctx, conn, table(), fields)
        .await
        .map_err(|e| duplicate_message(e, email.as_deref(), fields))
}

pub async fn get_by_id(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    let Some(id) = parse_id(id) else {
        return Ok(None);
    };
    let row = ctx
        .query("SELECT * FROM {s}.admin_users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// Case-insensitive; an exact-case match wins over other casings.
pub async fn get_by_email(ctx: &Ctx, conn: &mut PgConnection, email: &str) -> Result<Option<Row>> {
    let row = ctx
        .query(
            "SELECT * FROM {s}.admin_users WHERE lower(email) = lower($1) \
             ORDER BY (email = $1) DESC, created_at, id LIMIT 1",
        )
        .bind(email)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

pub async fn get_by_external_id(
    ctx: &Ctx,
    conn: &mut PgConnection,
    external_id: &str,
) -> Result<Option<Row>> {
    let row = ctx
        .query("SELECT * FROM {s}.admin_users WHERE external_id = $1")
        .bind(external_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// Update; `None` when there is no such user.
pub async fn update(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    let email = check_email(fields, false)?;
    generic::modify(ctx, conn, table(), id, fields)
        .await
        .map_err(|e| duplicate_message(e, email.as_deref(), fields))
}

pub async fn delete(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<bool> {
    generic::delete(ctx, conn, table(), id).await
}

/// Newest first, `id` as tie-break.
pub async fn list(
    ctx: &Ctx,
    conn: &mut PgConnection,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Vec<Row>> {
    let rows = ctx
        .query(
            "SELECT * FROM {s}.admin_users ORDER BY created_at DESC, id \
             LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset.unwrap_or(0))
        .fetch_all(&mut *conn)
        .await?;
    decode_rows(&rows, Naming::Camel)
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn emails() {
        assert!(is_valid_email("a@b.co"));
        assert!(is_valid_email("first.last+tag@sub.example.com"));
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
