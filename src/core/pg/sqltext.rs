//! Just enough of PostgreSQL's lexer to find the `$n` parameter markers of a SQL text and
//! whether it holds more than one statement, skipping everything quoted or commented out:
//! `'…'` (and `E'…'` with backslash escapes), `"…"`, `$tag$…$tag$`, `-- …` and nested
//! `/* … */`. Used by the PgBouncer mode, which sends parameters inline (see `stmt.rs`).
//!
//! Plain `'…'` strings are read with `standard_conforming_strings = on` (the default since
//! PostgreSQL 9.1): a backslash there is an ordinary character.

/// What the scan found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// `(byte start, byte end, n)` of every `$n` outside quotes and comments, in order.
    pub markers: Vec<(usize, usize, usize)>,
    /// The highest `n` (PostgreSQL's parameter count for the text).
    pub max_param: usize,
    /// A `;` is followed by more than whitespace and comments.
    pub multiple: bool,
    /// Byte length of the text without trailing `;`, whitespace and comments after the last
    /// statement (the statement body to embed elsewhere).
    pub body_end: usize,
    /// A quote or comment is left open at the end of the text.
    pub unterminated: bool,
    /// A plain `'…'` string holds a backslash: it ends elsewhere if the server runs with
    /// `standard_conforming_strings = off` (then scan again with `scan_with(sql, false)`).
    pub plain_backslash: bool,
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

/// A quoted string or identifier starting at `b[start]` (the quote): where it ends (after the
/// closing quote), whether it was closed, whether a backslash stood in it. A doubled quote is
/// one quote character; with `escapes`, a backslash escapes the next byte.
struct Quoted {
    end: usize,
    closed: bool,
    backslash: bool,
}

fn skip_quoted(b: &[u8], start: usize, quote: u8, escapes: bool) -> Quoted {
    let mut i = start + 1;
    let mut backslash = false;
    while i < b.len() {
        if b[i] == b'\\' {
            backslash = true;
            if escapes {
                i += 2;
                continue;
            }
        }
        if b[i] == quote {
            if b.get(i + 1) != Some(&quote) {
                return Quoted {
                    end: i + 1,
                    closed: true,
                    backslash,
                };
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    Quoted {
        end: i,
        closed: false,
        backslash,
    }
}

/// Scan `sql` (see the module comment), with `standard_conforming_strings = on`.
pub fn scan(sql: &str) -> Scan {
    scan_with(sql, true)
}

/// Scan `sql`; `standard_strings = false` reads a backslash in a plain `'…'` string as an
/// escape, as a server with `standard_conforming_strings = off` does.
pub fn scan_with(sql: &str, standard_strings: bool) -> Scan {
    let b = sql.as_bytes();
    let n = b.len();
    let mut out = Scan::default();
    let mut i = 0;
    // Where the last token of the current statement ended; `None` right after a `;`.
    let mut content_end: Option<usize> = None;
    let mut after_semicolon = false;
    let mut last_semicolon_body_end = 0;
    while i < n {
        let c = b[i];
        let prev_ident = i > 0 && is_ident(b[i - 1]);
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < n && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                i += 2;
                while i < n && depth > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                if depth > 0 {
                    out.unterminated = true;
                }
                continue;
            }
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            _ => {}
        }
        // Something that belongs to a statement.
        if after_semicolon {
            out.multiple = true;
        }
        let start = i;
        match c {
            b';' => {
                after_semicolon = true;
                last_semicolon_body_end = content_end.unwrap_or(0);
                i += 1;
                continue;
            }
            b'\'' => {
                // E'…' / e'…': backslash escapes (the E is the previous byte, not part of a word).
                let escape_string =
                    i > 0 && matches!(b[i - 1], b'E' | b'e') && !(i > 1 && is_ident(b[i - 2]));
                let escapes = escape_string || !standard_strings;
                let quoted = skip_quoted(b, i, b'\'', escapes);
                i = quoted.end;
                out.plain_backslash |= quoted.backslash && !escape_string;
                out.unterminated |= !quoted.closed;
            }
            b'"' => {
                let quoted = skip_quoted(b, i, b'"', false);
                i = quoted.end;
                out.unterminated |= !quoted.closed;
            }
            b'$' if !prev_ident => {
                let mut j = i + 1;
                if j < n && b[j].is_ascii_digit() {
                    while j < n && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    let num: usize = sql[i + 1..j].parse().unwrap_or(usize::MAX);
                    out.markers.push((i, j, num));
                    out.max_param = out.max_param.max(num);
                    i = j;
                } else {
                    // $tag$ … $tag$ (the tag may be empty).
                    if j < n && is_ident_start(b[j]) {
                        while j < n && is_ident(b[j]) && b[j] != b'$' {
                            j += 1;
                        }
                    }
                    if j < n && b[j] == b'$' {
                        let tag = &sql[i..=j];
                        match sql[j + 1..].find(tag) {
                            Some(k) => i = j + 1 + k + tag.len(),
                            None => {
                                out.unterminated = true;
                                i = n;
                            }
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            _ if is_ident(c) => {
                while i < n && is_ident(b[i]) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        let _ = start;
        after_semicolon = false;
        content_end = Some(i);
    }
    out.body_end = match content_end {
        Some(end) if !after_semicolon => end,
        Some(_) => last_semicolon_body_end,
        None => 0,
    };
    out
}

/// `sql` with every marker replaced by `values[n - 1]`. Each value must be a complete,
/// self-delimiting SQL expression (a parenthesized literal).
pub fn inline(sql: &str, scan: &Scan, values: &[String]) -> String {
    let extra: usize = values.iter().map(String::len).sum();
    let mut out = String::with_capacity(sql.len() + extra);
    let mut at = 0;
    for &(start, end, n) in &scan.markers {
        out.push_str(&sql[at..start]);
        match values.get(n.wrapping_sub(1)) {
            Some(v) => out.push_str(v),
            None => out.push_str(&sql[start..end]),
        }
        at = end;
    }
    out.push_str(&sql[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(sql: &str) -> Vec<usize> {
        scan(sql).markers.iter().map(|m| m.2).collect()
    }

    #[test]
    fn finds_markers_outside_quotes_and_comments() {
        assert_eq!(params("SELECT $1, $2::int + $10"), vec![1, 2, 10]);
        assert_eq!(
            params("SELECT '$1', \"$2\", $3 -- $4\n, /* $5 /* $6 */ $7 */ $8"),
            vec![3, 8]
        );
        assert_eq!(params("SELECT $$ $1 $$, $tag$ $2 $tag$, $3"), vec![3]);
        assert_eq!(params("SELECT E'it\\'s $1', 'a''$2', $3"), vec![3]);
        // A backslash in a standard string is plain: the string ends at the next quote.
        assert_eq!(params("SELECT 'a\\', $1"), vec![1]);
        // `$` inside an identifier is not a marker, nor a dollar quote.
        assert_eq!(params("SELECT a$1, b$x$ FROM t WHERE c = $2"), vec![2]);
        // The E of a word is not an escape-string prefix.
        assert_eq!(params("SELECT typE'x\\', $1"), vec![1]);
        assert_eq!(scan("SELECT $2").max_param, 2);
    }

    #[test]
    fn tells_multiple_statements() {
        assert!(!scan("SELECT 1").multiple);
        assert!(!scan("SELECT 1;").multiple);
        assert!(!scan("SELECT 1 ; -- done\n /* x */ ").multiple);
        assert!(scan("SELECT 1; SELECT 2").multiple);
        assert!(!scan("SELECT ';'; ").multiple);
        assert!(!scan("SELECT $$;$$").multiple);
        assert!(scan("SELECT 1;;SELECT 2").multiple);
        let s = scan("SELECT 1 ; -- x\n");
        assert_eq!(&"SELECT 1 ; -- x\n"[..s.body_end], "SELECT 1");
        let s = scan("SELECT 1 -- x");
        assert_eq!(s.body_end, 8);
    }

    #[test]
    fn backslashes_in_plain_strings_follow_the_server_setting() {
        let sql = r"SELECT 'it\'s $1', $2";
        let on = scan(sql);
        assert!(on.plain_backslash);
        assert_eq!(on.markers.iter().map(|m| m.2).collect::<Vec<_>>(), vec![1]);
        let off = scan_with(sql, false);
        assert_eq!(off.markers.iter().map(|m| m.2).collect::<Vec<_>>(), vec![2]);
        assert!(!scan(r"SELECT E'a\'b', $1").plain_backslash);
    }

    #[test]
    fn unterminated_is_reported() {
        assert!(scan("SELECT 'abc").unterminated);
        assert!(scan("SELECT $$abc").unterminated);
        assert!(scan("SELECT /* x").unterminated);
        assert!(!scan("SELECT 'a'").unterminated);
    }

    #[test]
    fn inline_replaces_markers() {
        let sql = "SELECT $1, '$1', $2";
        let s = scan(sql);
        let out = inline(sql, &s, &["(1)".into(), "('x')".into()]);
        assert_eq!(out, "SELECT (1), '$1', ('x')");
    }
}
