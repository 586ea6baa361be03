//! Users: the template every other domain follows. SQL beside the function that runs it;
//! plain CRUD goes through the generic engine, hot getters use cached templates.

use sqlx::postgres::PgConnection;

use super::crud::{Entity, Users};
use super::fields::{self, Fields};
use super::generic;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::value::{Param, Row};

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

/// A duplicate email, external id or id, said so.
fn duplicate_message(err: StoreError, email: Option<&str>, fields: &Fields) -> StoreError {
    err.describe_unique(|constraint| {
        if constraint.contains("email") {
            email.map(|e| format!("User with email {e} already exists"))
        } else if constraint.contains("external") {
            fields::text(fields, &["externalId", "external_id"])
                .map(|x| format!("User with externalId {x} already exists"))
        } else if constraint.contains("pkey") {
            Some("User with this id already exists".into())
        } else {
            None
        }
    })
}

/// Create a user (caller-supplied `id`, or a generated one).
pub async fn create(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    let email = check_email(fields, true)?;
    generic::create(ctx, conn, Users::table(), fields)
        .await
        .map_err(|e| duplicate_message(e, email.as_deref(), fields))
}

/// Case-insensitive; an exact-case match wins over other casings.
pub async fn get_by_email(ctx: &Ctx, conn: &mut PgConnection, email: &str) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_users WHERE lower(email) = lower($1) \
         ORDER BY (email = $1) DESC, created_at, id LIMIT 1",
    )
    .bind(email)
    .fetch_row(conn)
    .await
}

pub async fn get_by_external_id(
    ctx: &Ctx,
    conn: &mut PgConnection,
    external_id: &str,
) -> Result<Option<Row>> {
    ctx.query("SELECT * FROM {s}.admin_users WHERE external_id = $1")
        .bind(external_id)
        .fetch_row(conn)
        .await
}

/// Update; `None` when there is no such user.
pub async fn update(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    let email = check_email(fields, false)?;
    generic::modify(ctx, conn, Users::table(), id, fields)
        .await
        .map_err(|e| duplicate_message(e, email.as_deref(), fields))
}

/// Newest first, `id` as tie-break.
pub async fn list(
    ctx: &Ctx,
    conn: &mut PgConnection,
    (limit, offset): (Option<i64>, Option<i64>),
) -> Result<Vec<Row>> {
    ctx.query("SELECT * FROM {s}.admin_users ORDER BY created_at DESC, id LIMIT $1 OFFSET $2")
        .bind(limit)
        .bind(offset.unwrap_or(0))
        .fetch_rows(conn)
        .await
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
