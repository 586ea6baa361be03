//! `tables.rs` against the TypeScript copies of its tables:
//! - the result interfaces of `types/header.d.ts` (`User`, `Team`, `Build`, …): a field per
//!   column (camelCase), `| null` exactly where a row may hold NULL (`Column::nullable`), and
//!   the column's type (string, number, boolean, Date, JSON);
//! - any column definitions written out in `__test__/fixtures/seed-schema.ts`: the same
//!   definition as here, and for a table it describes, every column of the seed.

use std::collections::BTreeMap;
use std::path::Path;

use crate::core::tables::{table_by_name, ColType, Table, TABLE_LIST};

/// Result interface → its table, and the fields the domain adds to the row.
const RESULTS: &[(&str, &str, &[&str])] = &[
    ("User", "admin_users", &[]),
    ("Team", "admin_teams", &[]),
    // A member's `createdAt` is its `joined_at` (domains/teams.rs, member_shape).
    ("TeamMember", "admin_team_members", &["createdAt"]),
    ("TeamInvite", "admin_team_invites", &[]),
    ("TeamInstallation", "admin_team_installations", &[]),
    // The project-wide env vars, loaded with the project (domains/projects.rs).
    ("Project", "admin_projects", &["envVars"]),
    ("ProjectEnvVar", "admin_project_env_vars", &[]),
    ("ProjectApiToken", "admin_project_api_tokens", &[]),
    ("Deployment", "admin_deployments", &[]),
    ("Build", "admin_builds", &[]),
    ("RunningServer", "admin_running_servers", &[]),
    ("Role", "admin_roles", &[]),
    ("RoleAssignment", "admin_role_assignments", &[]),
];

/// Tables without a result interface of their own row, and why.
const NOT_ROWS: &[(&str, &str)] = &[(
    "admin_routes",
    "routes return the seed's RouteInfo, a projection of the row (domains/routes.rs, route_info)",
)];

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What a TypeScript type is, as far as a column goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    String,
    Number,
    Boolean,
    Date,
    Json,
}

fn kind_of(ty: ColType) -> Kind {
    match ty {
        ColType::Uuid | ColType::Text => Kind::String,
        ColType::Int4 | ColType::Int8 | ColType::Float4 => Kind::Number,
        ColType::Bool => Kind::Boolean,
        ColType::Timestamptz => Kind::Date,
        ColType::Jsonb => Kind::Json,
    }
}

/// An interface: the one it extends, and its fields (name → type text).
type Interface = (Option<String>, Vec<(String, String)>);

/// The declarations of a `.d.ts` text: type aliases (name → type text) and interfaces.
struct Declarations {
    aliases: BTreeMap<String, String>,
    interfaces: BTreeMap<String, Interface>,
}

fn declarations(text: &str) -> Declarations {
    let mut aliases = BTreeMap::new();
    let mut interfaces = BTreeMap::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("export type ") {
            let Some((name, body)) = rest.split_once(" = ") else {
                continue;
            };
            let mut body = body.to_string();
            // Continued on indented lines (`| 'a'`).
            while lines.peek().is_some_and(|l| l.starts_with("  ")) {
                body.push(' ');
                body.push_str(lines.next().unwrap().trim());
            }
            aliases.insert(name.trim().to_string(), body);
        } else if let Some(rest) = line.strip_prefix("export interface ") {
            let head = rest.trim_end_matches('{').trim();
            let (name, base) = match head.split_once(" extends ") {
                Some((n, b)) => (n.trim(), Some(b.trim().to_string())),
                None => (head, None),
            };
            let mut fields = Vec::new();
            for field in lines.by_ref() {
                if field.starts_with('}') {
                    break;
                }
                let f = field.trim();
                if f.starts_with("/*") || f.starts_with('*') || f.starts_with("//") {
                    continue;
                }
                if let Some((n, ty)) = f.split_once(':') {
                    fields.push((n.trim().to_string(), ty.trim().to_string()));
                }
            }
            interfaces.insert(name.to_string(), (base, fields));
        }
    }
    Declarations {
        aliases,
        interfaces,
    }
}

impl Declarations {
    /// An interface's fields, its base's first.
    fn fields(&self, name: &str) -> Vec<(String, String)> {
        let (base, own) = self
            .interfaces
            .get(name)
            .unwrap_or_else(|| panic!("types/header.d.ts declares no interface {name}"));
        let mut all = base.as_deref().map_or_else(Vec::new, |b| self.fields(b));
        all.extend(own.iter().cloned());
        all
    }

    /// The kinds a type text can be, and whether it admits null.
    fn kinds(&self, ty: &str) -> (Vec<Kind>, bool) {
        let mut kinds = Vec::new();
        let mut nullable = false;
        for part in split_union(ty) {
            match part.as_str() {
                "null" => nullable = true,
                "string" => kinds.push(Kind::String),
                "number" => kinds.push(Kind::Number),
                "boolean" => kinds.push(Kind::Boolean),
                "Date" => kinds.push(Kind::Date),
                p if p.starts_with('\'') => kinds.push(Kind::String),
                p if self.aliases.contains_key(p) => {
                    let (k, n) = self.kinds(&self.aliases[p]);
                    kinds.extend(k);
                    nullable |= n;
                }
                // Records, arrays, object types, interfaces: a JSON document.
                _ => kinds.push(Kind::Json),
            }
        }
        kinds.dedup();
        (kinds, nullable)
    }
}

/// The members of a union type, split at top-level `|`.
fn split_union(ty: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in ty.char_indices() {
        match c {
            '<' | '{' | '(' | '[' => depth += 1,
            '>' | '}' | ')' | ']' => depth -= 1,
            '|' if depth == 0 => {
                parts.push(ty[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(ty[start..].trim().to_string());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// What is wrong with one interface against its table.
fn compare(decls: &Declarations, interface: &str, table: &Table, added: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let fields = decls.fields(interface);
    let find = |camel: &str| {
        fields
            .iter()
            .find(|(n, _)| n.trim_end_matches('?') == camel)
    };
    // Internal columns (`Column::internal`) are not fields of the rows.
    for c in table.columns.iter().filter(|c| !c.is_internal()) {
        let Some((_, ty)) = find(c.camel) else {
            problems.push(format!(
                "{interface}: no field {} ({}.{})",
                c.camel, table.name, c.name
            ));
            continue;
        };
        let (kinds, nullable) = decls.kinds(ty);
        let want = kind_of(c.ty);
        if kinds != [want] {
            problems.push(format!(
                "{interface}.{}: `{ty}` is {kinds:?}, the column ({}) is {want:?}",
                c.camel, c.ddl
            ));
        }
        if nullable != c.nullable() {
            problems.push(format!(
                "{interface}.{}: `{ty}` {} null, the column ({}) {}",
                c.camel,
                if nullable { "admits" } else { "does not admit" },
                c.ddl,
                if c.nullable() {
                    "may hold NULL (no NOT NULL, no default)"
                } else {
                    "never holds NULL"
                }
            ));
        }
    }
    for (name, _) in &fields {
        let name = name.trim_end_matches('?');
        if table
            .column(name)
            .is_none_or(|c| c.camel != name || c.is_internal())
            && !added.contains(&name)
        {
            problems.push(format!("{interface}.{name}: no column of {}", table.name));
        }
    }
    problems
}

#[test]
fn result_interfaces_match_the_tables() {
    let decls = declarations(&read("types/header.d.ts"));
    let mut problems = Vec::new();
    for (interface, table, added) in RESULTS {
        let t = table_by_name(table).unwrap();
        problems.extend(compare(&decls, interface, t, added));
    }
    for t in TABLE_LIST {
        let covered = RESULTS.iter().any(|(_, name, _)| *name == t.name)
            || NOT_ROWS.iter().any(|(name, _)| *name == t.name);
        if !covered {
            problems.push(format!("{}: no result interface checked", t.name));
        }
    }
    assert!(
        problems.is_empty(),
        "types/header.d.ts:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_a_disagreement() {
    let decls = declarations(
        "export type Mode = 'a' | 'b'\n\
         export interface Base {\n  createdAt: Date\n}\n\
         export interface User extends Base {\n  id: string\n  /** doc */\n  email: string | null\n  \
         name: Mode\n  externalId?: number\n  metadata: Record<string, unknown>\n  avatarUrl: string | null\n  \
         extra: boolean\n}\n",
    );
    let problems = compare(&decls, "User", table_by_name("admin_users").unwrap(), &[]);
    let has = |s: &str| problems.iter().any(|p| p.contains(s));
    assert!(
        has("User.email: `string | null` admits null"),
        "{problems:?}"
    );
    assert!(has("User.name: `Mode` does not admit null"), "{problems:?}");
    assert!(has("User.externalId: `number` is [Number]"), "{problems:?}");
    assert!(has("no field updatedAt"), "{problems:?}");
    assert!(has("User.extra: no column"), "{problems:?}");
    assert!(!has("createdAt") && !has("User.metadata") && !has("User.avatarUrl"));
}

/// Column definitions in seed-schema.ts: `[TABLES.key]: `…`` blocks of `name TYPE …` lines.
fn seed_definitions(text: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut table: Option<&'static Table> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(key) = l
            .strip_prefix("[TABLES.")
            .and_then(|r| r.split_once(']'))
            .map(|(k, _)| k)
        {
            table = TABLE_LIST.iter().find(|t| t.key == key);
            assert!(table.is_some(), "seed-schema.ts: unknown table key {key}");
            continue;
        }
        let Some(t) = table else { continue };
        if l.starts_with('`') {
            table = None;
            continue;
        }
        let Some((name, def)) = l.split_once(' ') else {
            continue;
        };
        if name.is_empty() || name.starts_with("UNIQUE(") || name.starts_with("//") {
            continue;
        }
        let mut def = def.trim_end_matches(',').to_string();
        for r in TABLE_LIST {
            def = def.replace(&format!("${{TABLES.{}}}", r.key), r.name);
        }
        out.entry(t.name.to_string())
            .or_default()
            .push((name.to_string(), def));
    }
    out
}

#[test]
fn seed_schema_definitions_match_the_tables() {
    let text = read("__test__/fixtures/seed-schema.ts");
    let mut problems = Vec::new();
    for (table, defs) in seed_definitions(&text) {
        let t = table_by_name(&table).unwrap();
        let ours: Vec<(String, String)> = (t.columns.iter().filter(|c| c.since == 0))
            .map(|c| (c.name.to_string(), c.ddl.to_string()))
            .collect();
        if defs != ours {
            problems.push(format!(
                "{table}:\n  seed-schema.ts {defs:?}\n  tables.rs      {ours:?}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "seed-schema.ts:\n{}",
        problems.join("\n")
    );
}

#[test]
fn seed_definitions_are_read() {
    let text =
        "  [TABLES.team_members]: `\n    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),\n    \
                team_id UUID NOT NULL REFERENCES ${TABLES.teams}(id) ON DELETE CASCADE,\n    \
                UNIQUE(team_id, user_id)\n  `,\n";
    let defs = seed_definitions(text);
    assert_eq!(
        defs["admin_team_members"],
        [
            (
                "id".to_string(),
                "UUID PRIMARY KEY DEFAULT gen_random_uuid()".to_string()
            ),
            (
                "team_id".to_string(),
                "UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE".to_string()
            ),
        ]
    );
}
