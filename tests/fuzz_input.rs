//! Bounded fuzzing (proptest, a few seconds inside `cargo test`) of the JSONL
//! reader and the normalizer: no panic on any bytes, and every input line is
//! accounted for, as a document, a diagnostic naming it, or a blank line.

use proptest::prelude::*;
use reprint::corpus::LeanCorpus;
use reprint::corpus::{read_each, Item, ReadOptions};
use reprint::normalize::{normalize, normalize_joined_into};
use std::collections::BTreeSet;

/// One line of a hostile feed: records good and bad, junk, blank lines.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let id = prop_oneof![
        "[a-c]{0,2}".prop_map(|s| format!("{s:?}")),
        Just("-0".to_string()),
        Just("1e3".to_string()),
        Just("null".to_string()),
    ];
    let text = prop_oneof![
        "[a-z ]{0,40}",
        "\\PC{0,40}",
        Just("🎉!!".to_string()),
        Just("   ".to_string()),
    ];
    let record = (id, text).prop_map(|(id, text)| {
        format!(
            "{{\"id\":{id},\"text\":{},\"cluster\":1}}",
            serde_json::Value::String(text)
        )
        .into_bytes()
    });
    prop_oneof![
        4 => record,
        1 => proptest::collection::vec(any::<u8>(), 0..30)
            .prop_map(|b| b.into_iter().filter(|&c| c != b'\n').collect()),
        1 => "[ \t\r]{0,3}".prop_map(String::into_bytes),
        1 => Just(b"[1,2]".to_vec()),
        1 => Just(b"{\"text\":5}".to_vec()),
    ]
}

/// The line number a diagnostic names (`FILE:LINE`), if any.
fn line_of(location: &str, name: &str) -> Option<usize> {
    location.strip_prefix(name)?.strip_prefix(':')?.parse().ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_jsonl_line_is_a_document_a_diagnostic_or_blank(
        lines in proptest::collection::vec(line(), 0..24),
        bom in any::<bool>(),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f.jsonl");
        let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
        let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        for (i, l) in lines.iter().enumerate() {
            bytes.extend_from_slice(l);
            if i + 1 < lines.len() || final_newline {
                bytes.extend_from_slice(end);
            }
        }
        std::fs::write(&path, &bytes).expect("write");
        let name = path.display().to_string();
        let inputs = vec![path];
        let opts = ReadOptions::default();
        let mut seen = BTreeSet::new();
        let mut docs = Vec::new();
        read_each(&inputs, &opts, |item| {
            match item {
                Item::Doc(d) => {
                    seen.insert(d.origin.line as usize);
                    docs.push(d.id);
                }
                Item::Problem(p) => {
                    let n = line_of(&p.location, &name);
                    assert!(n.is_some(), "a diagnostic names its line: {p}");
                    seen.extend(n);
                }
                Item::File(_) => {}
            }
            true
        })
        .expect("read");
        let want: BTreeSet<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
            .map(|(i, _)| i + 1)
            .collect();
        prop_assert_eq!(&seen, &want);
        // The lean reader (dedup's) sees the same documents.
        let lean = LeanCorpus::read(&inputs, &opts).expect("lean read");
        prop_assert_eq!(lean.len(), docs.len());
    }

    #[test]
    fn normalizing_any_text_does_not_panic_and_agrees_with_itself(text in "\\PC{0,200}") {
        let tokens = normalize(&text);
        let mut joined = String::new();
        normalize_joined_into(&text, &mut joined);
        prop_assert_eq!(joined, tokens.joined());
    }

    #[test]
    fn normalizing_arbitrary_bytes_decoded_lossily_does_not_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..200)
    ) {
        let text = String::from_utf8_lossy(&bytes);
        let mut joined = String::new();
        normalize_joined_into(&text, &mut joined);
        prop_assert_eq!(joined, normalize(&text).joined());
    }
}
