//! The raw members of a one-line JSON object, found without re-encoding it:
//! `dedup --annotate` replaces fields byte for byte, and a numeric id keeps
//! the exact JSON text it was written with (`-0`, `1e3`).

/// One member of a JSON object: its bytes between the braces or commas
/// (whitespace kept), its decoded key, and its value's bytes (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<'a> {
    pub bytes: &'a [u8],
    pub key: Option<String>,
    pub value: &'a [u8],
}

/// The top-level members of the JSON object `line`, in order; `None` when
/// it has no braces. Meant for lines that parsed as an object.
pub fn members(line: &[u8]) -> Option<Vec<Member<'_>>> {
    let open = line.iter().position(|&b| b == b'{')?;
    let close = line.iter().rposition(|&b| b == b'}')?;
    let body = line.get(open + 1..close)?;
    let (mut pieces, mut from, mut depth) = (Vec::new(), 0, 0i32);
    let (mut in_str, mut escaped) = (false, false);
    for (i, &b) in body.iter().enumerate() {
        if in_str {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => {
                pieces.push(&body[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(&body[from..]);
    Some(pieces.into_iter().map(member).collect())
}

fn member(bytes: &[u8]) -> Member<'_> {
    let mut keys = serde_json::Deserializer::from_slice(bytes).into_iter::<String>();
    let key = keys.next().and_then(|k| k.ok());
    let after = keys.byte_offset();
    let rest = bytes.get(after..).unwrap_or_default().trim_ascii_start();
    let value = rest.strip_prefix(b":").unwrap_or_default().trim_ascii();
    Member { bytes, key, value }
}

/// The JSON text of the last top-level member `key` of `line` (the one a
/// parser keeps), as written.
pub(crate) fn raw_value<'a>(line: &'a [u8], key: &str) -> Option<&'a [u8]> {
    members(line)?
        .into_iter()
        .rev()
        .find(|m| m.key.as_deref() == Some(key))
        .map(|m| m.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_split_at_top_level_commas_only() {
        let line = br#" {"a": [1, {"b": "x,}"}], "c\"d" : -0 , "e":"\\"} "#;
        let m = members(line).expect("object");
        let keys: Vec<_> = m
            .iter()
            .map(|m| m.key.clone().unwrap_or_default())
            .collect();
        assert_eq!(keys, ["a", "c\"d", "e"]);
        assert_eq!(m[0].value, br#"[1, {"b": "x,}"}]"#);
        assert_eq!(m[1].bytes, br#" "c\"d" : -0 "#);
        assert_eq!(raw_value(line, "c\"d"), Some(&b"-0"[..]));
        assert_eq!(raw_value(br#"{"id":1,"id":1e3}"#, "id"), Some(&b"1e3"[..]));
        assert_eq!(members(b"{}").expect("empty")[0].key, None);
        assert!(members(b"[1]").is_none());
    }
}
