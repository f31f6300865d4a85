//! The word signatures of an archive: a paraphrase is found as `scan`
//! finds it, an archive without them is queried and grown without them,
//! and removed documents leave no word candidates.

use super::*;

/// Story `i` paraphrased: every third word replaced by another, so most
/// content words stay but hardly a 12-character shingle does.
fn paraphrased(i: u64) -> String {
    let fresh: Vec<String> = story(1_000 + i)
        .split(' ')
        .map(|w| format!("{w}x"))
        .collect();
    story(i)
        .split(' ')
        .enumerate()
        .map(|(n, w)| if n % 3 == 2 { fresh[n].as_str() } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_paraphrase_is_found_through_the_word_signature_as_scan_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    assert!(index.has_word_signatures());
    add_numbered(&mut index, 0..30, 8);
    drop(index);
    let index = Index::open(&path, &ParamRequest::default(), false).unwrap();
    let q = asked(&[paraphrased(7), story(99)]);
    let r = index
        .query(&q, &QueryOptions::default(), Progress::hidden())
        .unwrap();
    assert!(r.word_candidates);
    let got: Vec<(u32, &str, Relation)> = r
        .matches
        .iter()
        .map(|m| (m.query.0, m.id.as_str(), m.relation))
        .collect();
    assert_eq!(got, vec![(0, "d7", Relation::Rewrite)]);
    let m = &r.matches[0];
    // Few shingles shared: the character bands alone miss it...
    assert!(m.scores.jaccard < 0.1, "{:?}", m.scores);
    assert!(m.alignment.derivation() >= 0.4 && !m.estimated);
    assert!(r.stats.word_candidates >= 1 && r.stats.candidates >= r.stats.word_candidates);
    // ...as a query without the word signature shows.
    let off = QueryOptions {
        words: false,
        ..QueryOptions::default()
    };
    let r = index.query(&q, &off, Progress::hidden()).unwrap();
    assert!(r.matches.is_empty() && !r.word_candidates);
    assert_eq!(r.stats.word_candidates, 0);

    // `scan` over the archived stories and the paraphrase pairs them too.
    let mut docs: Vec<Document> = (0..30).map(numbered).collect();
    docs.push(doc("q0", None, &paraphrased(7)));
    let found = crate::scan::scan(
        &corpus(docs),
        &crate::scan::ScanConfig::default(),
        Progress::hidden(),
    );
    let pairs: Vec<(u32, u32, Relation)> = found
        .matches
        .iter()
        .map(|m| (m.pair.a.0, m.pair.b.0, m.relation))
        .collect();
    assert_eq!(pairs, vec![(7, 30, Relation::Rewrite)]);
    assert!(found.stats.word_candidates >= 1);
}

#[test]
fn an_archive_without_word_signatures_is_queried_and_grown_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let req = ParamRequest {
        words: Some(false),
        ..no_mask()
    };
    let mut index = Index::create(&path, IndexParams::new(&req), &[]).unwrap();
    assert!(!index.has_word_signatures());
    add_numbered(&mut index, 0..12, 5);
    drop(index);
    // Made format 5, as a reprint before word signatures wrote it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(include_str!("../../../tests/data/format5.sql"))
        .unwrap();
    drop(conn);
    let q = asked(&[paraphrased(3), edited(4)]);
    let want = vec![(1, "d4".to_string(), Relation::NearDuplicate)];
    let got = |index: &Index| -> Vec<(u32, String, Relation)> {
        let r = index
            .query(&q, &QueryOptions::default(), Progress::hidden())
            .unwrap();
        assert!(!r.word_candidates);
        r.matches
            .iter()
            .map(|m| (m.query.0, m.id.clone(), m.relation))
            .collect()
    };
    let index = Index::open(&path, &ParamRequest::default(), false).unwrap();
    assert_eq!(index.params.format_version, 5);
    assert!(!index.has_word_signatures());
    assert_eq!(got(&index), want);
    drop(index);
    // A write upgrades it to the current format, still without them.
    let mut index = Index::open(&path, &ParamRequest::default(), true).unwrap();
    add_numbered(&mut index, 12..20, 5);
    assert!(index.check().is_ok(), "{}", index.check().summary());
    drop(index);
    let index = Index::open(&path, &ParamRequest::default(), false).unwrap();
    assert_eq!(index.params.format_version, FORMAT_VERSION);
    assert_eq!(index.len().unwrap(), 20);
    assert_eq!(got(&index), want);
    // --no-word-candidates is refused by an archive that keeps them.
    let with = dir.path().join("b.db");
    Index::create(&with, IndexParams::new(&no_mask()), &[]).unwrap();
    assert!(Index::open(&with, &req, true).is_err());
    assert!(Index::open(&path, &req, true).is_ok());
}

#[test]
fn removed_and_replaced_documents_leave_no_word_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    add_numbered(&mut index, 0..10, 4);
    let q = asked(&[paraphrased(2)]);
    assert_eq!(matches(&index, &q).len(), 1);
    index.remove(&Removal::Ids(vec!["d2".into()]), 100).unwrap();
    let r = index
        .query(&q, &QueryOptions::default(), Progress::hidden())
        .unwrap();
    assert!(r.matches.is_empty());
    assert_eq!(r.stats.word_candidates, 0);
    let rows: i64 = index
        .conn
        .query_row("SELECT count(*) FROM words", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 9);
}
