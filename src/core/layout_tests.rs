//! Checks of the core's shape, read from its source files:
//! - the module dependency graph has no cycle, `pg` never uses `domains`, `tables` uses
//!   neither, and no core module goes through the compat re-exports of `core/mod.rs`;
//! - every statement goes through `ctx.query*` (the statement policy of `pg/stmt.rs`).
//!
//! A dependency is any path naming another core module: `use` declarations (groups
//! expanded) and inline paths (`crate::core::…`, `super::…`, `self::…`), outside comments
//! and `#[cfg(test)]` code. Each path counts for the deepest module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/core`, with its module path (`["pg", "value", "decode"]`).
fn core_files() -> Vec<(Vec<String>, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            out.push((module, path));
        }
    }
    out.sort();
    out
}

/// The code of a file that counts: up to its first `#[cfg(test)]`, comment lines dropped,
/// trailing `// …` comments cut (a `//` inside a string, as in `postgres://`, is kept when
/// a quote follows it on the line).
fn code_of(text: &str) -> String {
    let body = text.split("#[cfg(test)]").next().unwrap_or("");
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| match l.find(" //") {
            Some(i) if !l[i..].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `use` trees expanded into paths: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand_use(tree: &str) -> Vec<String> {
    // One space between words, none next to punctuation: `a::{b as c, d}` → `a::{b as c,d}`.
    let mut tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in ["{", "}", ",", ":"] {
        tree = tree
            .replace(&format!(" {p}"), p)
            .replace(&format!("{p} "), p);
    }
    fn walk(prefix: &str, s: &str, out: &mut Vec<String>) {
        // Split `s` at top-level commas.
        let mut depth = 0;
        let mut start = 0;
        let mut parts = Vec::new();
        for (i, ch) in s.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&s[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&s[start..]);
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let joined = |rest: &str| {
                if prefix.is_empty() {
                    rest.to_string()
                } else {
                    format!("{prefix}::{rest}")
                }
            };
            match part.find('{') {
                Some(i) => {
                    let head = part[..i].trim_end_matches("::");
                    let inner = &part[i + 1..part.len() - 1];
                    walk(&joined(head), inner, out);
                }
                None => {
                    out.push(joined(part.split(" as ").next().unwrap_or(part)));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk("", &tree, &mut out);
    out
}

/// The paths a file's code names: its `use` declarations and inline module paths.
fn paths_of(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = String::new();
    let mut s = code;
    // `use` declarations (also `pub use`, `pub(crate) use`), which may span lines.
    while let Some(i) = find_use(s) {
        rest.push_str(&s[..i]);
        let after = &s[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        paths.extend(expand_use(&after[..end]));
        s = &after[(end + 1).min(after.len())..];
    }
    rest.push_str(s);
    // Inline paths.
    let bytes = rest.as_bytes();
    for start in ["crate::core::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = rest[from..].find(start) {
            let i = from + i;
            from = i + start.len();
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                continue;
            }
            let end = rest[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(rest.len(), |e| i + e);
            paths.push(rest[i..end].trim_end_matches(':').to_string());
        }
    }
    paths
}

/// Where the next `use` declaration starts (at a line start, after optional visibility).
fn find_use(s: &str) -> Option<usize> {
    let mut offset = 0;
    for line in s.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let after_vis = ["pub(crate) ", "pub(super) ", "pub "]
            .iter()
            .find_map(|v| trimmed.strip_prefix(v))
            .unwrap_or(trimmed);
        if after_vis.starts_with("use ") {
            return Some(offset + indent + (trimmed.len() - after_vis.len()));
        }
        offset += line.len();
    }
    None
}

/// The module a path names (the deepest known one), from `module`'s point of view; `None`
/// for paths outside the core (`std::…`, `sqlx::…`).
fn resolve(
    module: &[String],
    path: &str,
    known: &BTreeSet<Vec<String>>,
) -> Option<(Vec<String>, bool)> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let (mut base, rest): (Vec<String>, &[&str]) = match segs.as_slice() {
        ["crate", "core", rest @ ..] => (Vec::new(), rest),
        ["self", rest @ ..] => (module.to_vec(), rest),
        ["super", ..] => {
            let ups = segs.iter().take_while(|s| **s == "super").count();
            let keep = module.len().checked_sub(ups)?;
            (module[..keep].to_vec(), &segs[ups..])
        }
        [first, ..] => {
            // A child module named directly (`pub use decode::…` in `value/mod.rs`).
            let mut child = module.to_vec();
            child.push(first.to_string());
            if !known.contains(&child) {
                return None;
            }
            (module.to_vec(), &segs[..])
        }
        [] => return None,
    };
    let mut deepest = base.clone();
    let mut named_more = false;
    for seg in rest {
        base.push(seg.to_string());
        if known.contains(&base) {
            deepest = base.clone();
        } else {
            named_more = true;
            break;
        }
    }
    // `crate::core::X` where X is no module of the root itself: a compat re-export.
    let via_root_reexport = deepest.is_empty() && named_more;
    Some((deepest, via_root_reexport))
}

type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

fn dependency_graph() -> (Graph, Vec<String>) {
    let files = core_files();
    let known: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = Graph::new();
    let mut problems = Vec::new();
    for (module, path) in &files {
        if module.last().is_some_and(|m| m == "layout_tests") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(path).unwrap());
        let deps = graph.entry(module.clone()).or_default();
        for p in paths_of(&code) {
            let Some((target, via_root)) = resolve(module, &p, &known) else {
                continue;
            };
            if via_root && !module.is_empty() {
                problems.push(format!(
                    "{}: `{p}` goes through a compat re-export of core/mod.rs; name the module",
                    module.join("::")
                ));
            }
            if &target != module && !target.is_empty() {
                deps.insert(target);
            }
        }
    }
    (graph, problems)
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "core".into()
    } else {
        m.join("::")
    }
}

/// A cycle of the graph, if there is one (depth-first search, grey/black marking).
fn find_cycle(graph: &Graph) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        graph: &Graph,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_parser_sees_uses_and_inline_paths() {
    let code = "use super::error::{Result, StoreError};\npub use decode::{a, b as c};\n\
                fn f() { crate::core::pg::value::Param::Null; super::validate::on_create(); }";
    let paths = paths_of(code);
    for p in [
        "super::error::Result",
        "super::error::StoreError",
        "decode::a",
        "decode::b",
        "crate::core::pg::value::Param::Null",
        "super::validate::on_create",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
    }
    let known: BTreeSet<Vec<String>> =
        [vec![], vec!["pg".into()], vec!["pg".into(), "value".into()]]
            .into_iter()
            .collect();
    let here = vec!["pg".to_string(), "stmt".to_string()];
    assert_eq!(
        resolve(&here, "super::value::Bound", &known),
        Some((vec!["pg".into(), "value".into()], false))
    );
    assert_eq!(
        resolve(&here, "crate::core::value::Row", &known),
        Some((vec![], true))
    );
    assert_eq!(resolve(&here, "sqlx::query", &known), None);
}

#[test]
fn modules_form_no_cycle_and_layers_point_one_way() {
    let (graph, mut problems) = dependency_graph();
    // The graph is not trivially empty: the parser saw the engine's own dependencies.
    let edge = |from: &[&str], to: &[&str]| {
        let f: Vec<String> = from.iter().map(|s| s.to_string()).collect();
        let t: Vec<String> = to.iter().map(|s| s.to_string()).collect();
        graph.get(&f).is_some_and(|d| d.contains(&t))
    };
    assert!(edge(&["pg", "store"], &["pg", "ctx"]));
    assert!(edge(&["domains", "users"], &["domains", "generic"]));
    assert!(edge(&["pg", "migrate"], &["tables"]));
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle.iter().map(|m| name(m)).collect();
        problems.push(format!("module cycle: {}", names.join(" → ")));
    }
    for (module, deps) in &graph {
        for dep in deps {
            let layer = |m: &[String]| m.first().cloned().unwrap_or_default();
            let wrong = match layer(module).as_str() {
                "pg" => layer(dep) == "domains",
                "tables" => layer(dep) != "tables",
                _ => false,
            };
            if wrong {
                problems.push(format!("{} must not use {}", name(module), name(dep)));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every statement the core sends must follow the storage's statement policy: domain code
/// uses `ctx.query*` (`pg/stmt.rs`), never sqlx's builders directly, which would prepare
/// named statements even in PgBouncer mode. Only the modules that implement the policy
/// call sqlx's executors themselves.
#[test]
fn statements_go_through_ctx_query() {
    // replicas.rs: its lag probes run on connections of their own, straight to each server.
    let allowed = ["stmt.rs", "raw.rs", "pooler.rs", "store.rs", "replicas.rs"];
    let forbidden = [
        "sqlx::query(",
        "sqlx::query_with(",
        "sqlx::query_as",
        "sqlx::query_scalar",
        "query_scalar(",
        "query_as(",
        "prepare_with(",
    ];
    let mut offenders = Vec::new();
    for (_, path) in core_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if allowed.contains(&name.as_str()) || name == "layout_tests.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if forbidden.iter().any(|f| line.contains(f)) {
                offenders.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use ctx.query / ctx.query_dynamic (src/core/pg/stmt.rs) instead:\n{}",
        offenders.join("\n")
    );
}
