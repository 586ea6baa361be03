//! The array text parser: a PostgreSQL array in its text form (`{1,2}`,
//! `{{"a b",NULL},{c,d}}`, `[0:1]={x,y}`), as simple-protocol results give it, into nested
//! element texts. What an element text means is the decoder's business (`decode::decode_text`).

/// A parsed text array: nested arrays of element texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextArray {
    /// An unquoted `NULL` (a quoted `"NULL"` is the text `NULL`).
    Null,
    /// One element's text, unquoted and unescaped.
    Item(String),
    Array(Vec<TextArray>),
}

/// The array in `s`; `None` when `s` is not one.
pub fn parse(s: &str) -> Option<TextArray> {
    let s = match s.strip_prefix('[') {
        // Explicit bounds: the elements are what follows `=`.
        Some(_) => s.split_once('=')?.1,
        None => s,
    };
    let b = s.as_bytes();
    let mut i = 0;
    let v = parse_level(s, b, &mut i)?;
    (i == b.len()).then_some(v)
}

fn parse_level(s: &str, b: &[u8], i: &mut usize) -> Option<TextArray> {
    if b.get(*i) != Some(&b'{') {
        return None;
    }
    *i += 1;
    let mut items = Vec::new();
    if b.get(*i) == Some(&b'}') {
        *i += 1;
        return Some(TextArray::Array(items));
    }
    loop {
        match b.get(*i)? {
            b'{' => items.push(parse_level(s, b, i)?),
            b'"' => {
                *i += 1;
                let mut text = Vec::new();
                loop {
                    match *b.get(*i)? {
                        b'\\' => {
                            text.push(*b.get(*i + 1)?);
                            *i += 2;
                        }
                        b'"' => {
                            *i += 1;
                            break;
                        }
                        c => {
                            text.push(c);
                            *i += 1;
                        }
                    }
                }
                items.push(TextArray::Item(String::from_utf8(text).ok()?));
            }
            _ => {
                let start = *i;
                while !matches!(b.get(*i)?, b',' | b'}') {
                    *i += 1;
                }
                let raw = s[start..*i].trim();
                items.push(if raw.eq_ignore_ascii_case("NULL") {
                    TextArray::Null
                } else {
                    TextArray::Item(raw.to_string())
                });
            }
        }
        match b.get(*i)? {
            b',' => *i += 1,
            b'}' => {
                *i += 1;
                return Some(TextArray::Array(items));
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(s: &str) -> TextArray {
        TextArray::Item(s.into())
    }

    #[test]
    fn quoting_nesting_nulls_and_bounds() {
        assert_eq!(
            parse(r#"{a,"b c","q\"d",NULL,"NULL"}"#),
            Some(TextArray::Array(vec![
                item("a"),
                item("b c"),
                item("q\"d"),
                TextArray::Null,
                item("NULL"),
            ]))
        );
        assert_eq!(
            parse("{{1,2},{}}"),
            Some(TextArray::Array(vec![
                TextArray::Array(vec![item("1"), item("2")]),
                TextArray::Array(vec![]),
            ]))
        );
        assert_eq!(
            parse("[0:1]={5,6}"),
            Some(TextArray::Array(vec![item("5"), item("6")]))
        );
        for bad in ["", "1", "{1,2", "{1,2}x", "{\"a}", "[0:1]"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
