use super::add::{pipeline, Known, Step};
use super::query::QueryOptions;
use super::*;
use crate::boilerplate::MaskConfig;
use crate::corpus::{Corpus, Document, Origin};
use crate::fingerprint::Fingerprinter;
use crate::lsh::{Banding, DEFAULT_THRESHOLD};
use crate::progress::Progress;
use crate::verify::Relation;

fn doc(id: &str, date: Option<&str>, text: &str) -> Document {
    Document {
        id: id.into(),
        title: None,
        source: Some("wire".into()),
        date: date.map(String::from),
        text: text.into(),
        origin: Origin::default(),
    }
}

/// A story of distinct pseudo-words, about 2 KB.
fn story(seed: u64) -> String {
    let mut rng = synth::Rng::new(seed);
    let mut words = Vec::new();
    for _ in 0..300 {
        let x = rng.next_u64();
        let len = 3 + (x % 6) as usize;
        let w: String = (0..len)
            .map(|i| (b'a' + ((x >> (i * 5)) % 26) as u8) as char)
            .collect();
        words.push(w);
    }
    words.join(" ")
}

/// Story `i` as undated document `d{i}`.
fn numbered(i: u64) -> Document {
    doc(&format!("d{i}"), None, &story(i))
}

/// Add options writing `batch_size` documents per transaction.
fn batches_of(batch_size: usize) -> AddOptions {
    AddOptions {
        batch_size,
        ..AddOptions::default()
    }
}

/// Story `i` with a line the desk added: a near-duplicate of it.
fn edited(i: u64) -> String {
    format!("{} and a line the desk added", story(i))
}

/// Query stories with these texts, as undated documents q0, q1...
fn asked(texts: &[String]) -> Corpus {
    corpus(
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| doc(&format!("q{i}"), None, t))
            .collect(),
    )
}

/// The matches of the stories of `q` in `index`, with default options.
fn matches(index: &Index, q: &Corpus) -> Vec<super::query::QueryMatch> {
    index
        .query(q, &QueryOptions::default(), Progress::hidden())
        .unwrap()
        .matches
}

/// Add stories `range` (as `numbered`) to `index`, `batch` per transaction.
fn add_numbered(index: &mut Index, range: std::ops::Range<u64>, batch: usize) {
    index
        .add(
            &corpus(range.map(numbered).collect()),
            batches_of(batch),
            Progress::hidden(),
        )
        .unwrap();
}

fn corpus(docs: Vec<Document>) -> Corpus {
    Corpus {
        docs,
        ..Corpus::default()
    }
}

fn no_mask() -> ParamRequest {
    ParamRequest {
        mask_share: Some(1.0),
        ..ParamRequest::default()
    }
}

#[test]
fn add_then_query_finds_the_copy_and_its_relation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let docs: Vec<Document> = (0..20)
        .map(|i| doc(&format!("d{i}"), Some("2020-01-01"), &story(i)))
        .collect();
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    let options = batches_of(7);
    let stats = index
        .add(&corpus(docs), options, Progress::hidden())
        .unwrap();
    assert_eq!((stats.added, stats.batches), (20, 3));
    drop(index);

    let index = Index::open(&path, &ParamRequest::default(), false).unwrap();
    assert_eq!(index.len().unwrap(), 20);
    let edited = format!("{} and a new closing line from the desk", story(3));
    let q = corpus(vec![
        doc("q-exact", None, &story(5)),
        doc("q-edit", None, &edited),
        doc("q-new", None, &story(99)),
    ]);
    let r = index
        .query(&q, &QueryOptions::default(), Progress::hidden())
        .unwrap();
    let got: Vec<(u32, &str, Relation, bool)> = r
        .matches
        .iter()
        .map(|m| (m.query.0, m.id.as_str(), m.relation, m.estimated))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, "d5", Relation::Exact, false),
            (1, "d3", Relation::NearDuplicate, false)
        ]
    );
    assert_eq!(r.archive_documents, 20);
}

#[test]
fn duplicates_are_skipped_or_replaced_and_remove_cleans_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    let first = corpus(vec![
        doc("x", Some("2001-05-01"), &story(1)),
        doc("y", None, &story(2)),
    ]);
    index
        .add(&first, AddOptions::default(), Progress::hidden())
        .unwrap();
    let again = corpus(vec![doc("x", Some("2001-05-01"), &story(7))]);
    let s = index
        .add(&again, AddOptions::default(), Progress::hidden())
        .unwrap();
    assert_eq!((s.added, s.skipped.clone()), (0, vec!["x".to_string()]));
    let replace = AddOptions {
        replace: true,
        ..AddOptions::default()
    };
    let s = index.add(&again, replace, Progress::hidden()).unwrap();
    assert_eq!((s.added, s.replaced), (0, 1));
    assert_eq!(index.len().unwrap(), 2);
    // The old text of x is gone from the band table too: it matches nothing.
    let r = index
        .query(
            &corpus(vec![doc("q", None, &story(1))]),
            &QueryOptions::default(),
            Progress::hidden(),
        )
        .unwrap();
    assert!(r.matches.is_empty(), "{:?}", r.matches);
    // Its entries stay in their run, listed as dead, until the run is rewritten.
    let dead: i64 = index
        .conn
        .query_row("SELECT count(*) FROM dead", [], |r| r.get(0))
        .unwrap();
    assert_eq!(dead, 1);

    let s = index
        .remove(&Removal::Before(day_number("2010-01-01").unwrap()), 10)
        .unwrap();
    assert_eq!((s.removed, s.undated), (1, 1));
    let s = index
        .remove(&Removal::Ids(vec!["y".into(), "zz".into()]), 10)
        .unwrap();
    assert_eq!((s.removed, s.missing), (1, vec!["zz".to_string()]));
    let (entries, dead): (i64, i64) = index
        .conn
        .query_row(
            "SELECT (SELECT coalesce(sum(entries), 0) FROM runs), (SELECT count(*) FROM dead)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((entries, dead), (0, 0));
    assert_eq!(index.len().unwrap(), 0);
    assert!(index.check().is_ok(), "{}", index.check().summary());
}

#[test]
fn ids_are_found_in_every_run_and_within_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    // Six runs of five, four of them merged: ids in merged and unmerged runs.
    add_numbered(&mut index, 0..30, 5);
    assert_eq!(index.stats().unwrap().runs, 3);
    let mut again: Vec<Document> = (0..30).map(numbered).collect();
    // A new id twice in one batch: the second is a duplicate of the first.
    again.insert(3, doc("new", None, &story(100)));
    again.insert(5, doc("new", None, &story(101)));
    let s = index
        .add(&corpus(again.clone()), batches_of(7), Progress::hidden())
        .unwrap();
    assert_eq!(s.added, 1);
    let mut skipped = s.skipped.clone();
    skipped.sort();
    let mut expected: Vec<String> = (0..30).map(|i| format!("d{i}")).collect();
    expected.push("new".into());
    expected.sort();
    assert_eq!(skipped, expected);
    assert_eq!(index.len().unwrap(), 31);
    let s = index
        .add(
            &corpus(again),
            AddOptions {
                replace: true,
                ..batches_of(7)
            },
            Progress::hidden(),
        )
        .unwrap();
    // Every id replaced once per copy in the feed; the count stays.
    assert_eq!((s.added, s.replaced), (0, 32));
    assert_eq!(index.len().unwrap(), 31);
    let count = |id: &str| -> i64 {
        index
            .conn
            .query_row("SELECT count(*) FROM docs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!((count("new"), count("d7")), (1, 1));

    let add_story = |index: &mut Index, i: u64| {
        index
            .add(
                &corpus(vec![numbered(i)]),
                AddOptions::default(),
                Progress::hidden(),
            )
            .unwrap()
    };
    // A run with no filter (one a merge has not finished) is read.
    index.conn.execute("DELETE FROM filters", []).unwrap();
    let s = add_story(&mut index, 3);
    assert_eq!(s.skipped, vec!["d3".to_string()]);
    // An id whose hash is filed for a document of another id (a collision)
    // is not a match: the stored id text decides.
    index
        .conn
        .execute("UPDATE docs SET id = 'other' WHERE id = 'd4'", [])
        .unwrap();
    let s = add_story(&mut index, 4);
    assert_eq!((s.added, s.skipped.len()), (1, 0));
    let s = index
        .remove(&Removal::Ids(vec!["d4".into(), "other".into()]), 10)
        .unwrap();
    // "other" is filed under d4's hash only: remove finds it no more than add.
    assert_eq!((s.removed, s.missing), (1, vec!["other".to_string()]));
    // The id edited by hand above fails its document's checksum, alone.
    let check = index.check();
    assert_eq!((check.sqlite.as_str(), check.damaged_total), ("ok", 1));
    assert!(
        check.damaged[0].contains("\"other\""),
        "{}",
        check.summary()
    );
}

#[test]
fn compact_merges_every_run_and_queries_answer_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    assert_eq!(
        index.compact(Progress::hidden()).unwrap(),
        CompactStats::default()
    );
    // Six batches: runs of under 4,096 documents merge four at a time, so
    // three runs are left.
    add_numbered(&mut index, 0..30, 5);
    // One removed document whose entries linger in their run.
    index.remove(&Removal::Ids(vec!["d28".into()]), 10).unwrap();
    let dead = |index: &Index| -> i64 {
        index
            .conn
            .query_row("SELECT count(*) FROM dead", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(dead(&index), 1);
    let runs_before = index.stats().unwrap().runs;
    assert!(runs_before > 1, "{runs_before} runs");
    let q = asked(&[story(0), edited(14), edited(29), story(28), story(99)]);
    let before = matches(&index, &q);
    let ids: Vec<&str> = before.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["d0", "d14", "d29"]);

    let stats = index.compact(Progress::hidden()).unwrap();
    assert_eq!(
        stats,
        CompactStats {
            runs_before,
            runs_after: 1,
            stale_documents: 1
        }
    );
    assert_eq!(index.stats().unwrap().runs, 1);
    // The removed document's entries went with the rewrite.
    assert_eq!(dead(&index), 0);
    let entries: i64 = index
        .conn
        .query_row("SELECT entries FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries, 29 * index.run_bands() as i64);
    // One filter, the new run's, holding the 29 live ids.
    let filters = super::ids::stored(&index.conn);
    assert_eq!(filters.len(), 1);
    let run: i64 = index
        .conn
        .query_row("SELECT run FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(filters[0].0, run);
    for id in (0..30).filter(|&i| i != 28).map(|i| format!("d{i}")) {
        assert!(filters[0].1.may_hold(super::ids::key(&id)), "{id}");
    }
    assert_eq!(matches(&index, &q), before);
    assert!(index.check().is_ok(), "{}", index.check().summary());
    // Already one run: nothing to do.
    assert_eq!(
        index.compact(Progress::hidden()).unwrap(),
        CompactStats {
            runs_before: 1,
            runs_after: 1,
            stale_documents: 0
        }
    );
}

#[test]
fn new_archives_have_large_pages_and_small_page_ones_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let page_size = |path: &Path| -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    add_numbered(&mut index, 0..20, 7);
    let q = asked(&[story(4), edited(17), edited(25), story(99)]);
    let before = matches(&index, &q);
    let ids: Vec<&str> = before.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["d4", "d17"]);
    drop(index);
    assert_eq!(page_size(&path), PAGE_SIZE as i64);

    // An archive made before PAGE_SIZE was raised: the same file rewritten
    // with 4 KB pages (a page size changes only outside WAL mode).
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM; PRAGMA journal_mode = WAL;",
        )
        .unwrap();
    assert_eq!(page_size(&path), 4096);
    let mut index = Index::open(&path, &ParamRequest::default(), true).unwrap();
    assert_eq!(matches(&index, &q), before);
    add_numbered(&mut index, 20..30, 4);
    let ids: Vec<String> = matches(&index, &q).into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["d4", "d17", "d25"]);
    assert!(index.check().is_ok(), "{}", index.check().summary());
    drop(index);
    // Its pages stay as they were.
    assert_eq!(page_size(&path), 4096);
}

#[test]
fn other_parameters_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    Index::create(&path, IndexParams::new(&ParamRequest::default()), &[]).unwrap();
    let req = ParamRequest {
        num_perm: Some(128),
        ..ParamRequest::default()
    };
    let err = Index::open(&path, &req, false).err().unwrap();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--num-perm 256"), "{err}");
    let same = ParamRequest {
        num_perm: Some(256),
        ..ParamRequest::default()
    };
    assert!(Index::open(&path, &same, false).is_ok());

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello ".repeat(100)).unwrap();
    let err = Index::open(&text, &same, false).err().unwrap();
    assert!(err.to_string().contains("not a reprint index"), "{err}");
    assert_eq!(
        std::fs::read(&text).unwrap(),
        "hello ".repeat(100).as_bytes()
    );
}

#[test]
fn without_text_scores_are_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    let docs = corpus((0..5).map(numbered).collect());
    let options = AddOptions {
        store_text: false,
        ..AddOptions::default()
    };
    index.add(&docs, options, Progress::hidden()).unwrap();
    let edited = format!("{} and a new closing line from the desk", story(2));
    let r = index
        .query(
            &corpus(vec![doc("q", None, &edited)]),
            &QueryOptions::default(),
            Progress::hidden(),
        )
        .unwrap();
    assert_eq!(r.matches.len(), 1);
    let m = &r.matches[0];
    assert!(m.estimated);
    assert_eq!(m.id, "d2");
    assert!(m.scores.jaccard > 0.8, "{:?}", m.scores);
}

#[test]
fn days_count_from_1970() {
    assert_eq!(day_number("1970-01-01"), Some(0));
    assert_eq!(day_number("2000-03-01T10:00:00Z"), Some(11_017));
    assert_eq!(day_number("2024-02-30"), day_number("2024-03-01"));
    assert_eq!(day_number("21 Nov 2026"), None);
    assert_eq!(day_number("2026-13-01"), None);
}

#[test]
fn warming_reads_every_item_on_connections_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let items: Vec<u32> = (0..100).collect();
    index.warm(&items, |conn, &i| {
        // Each reader has a working connection to the archive.
        let n: i64 = conn
            .query_row("SELECT count(*) FROM meta", [], |r| r.get(0))
            .unwrap();
        assert!(n > 0);
        seen.lock().unwrap().push(i);
    });
    let mut seen = seen.into_inner().unwrap();
    seen.sort_unstable();
    assert_eq!(seen, items);
    // One item is left to the caller.
    let few = std::sync::atomic::AtomicUsize::new(0);
    index.warm(&items[..1], |_, _| {
        few.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(few.into_inner(), 0);
}

/// A new archive where two more document numbers fit in the bucket
/// entries' u32: a third added document fails its batch.
fn two_documents_short_of_full(path: &Path) -> Index {
    let index = Index::create(path, IndexParams::new(&no_mask()), &[]).unwrap();
    index
        .conn
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'next_doc'",
            [(1i64 << 32) - 2],
        )
        .unwrap();
    index
}

#[test]
fn a_failing_batch_ends_the_add_with_its_error_and_keeps_earlier_batches() {
    let dir = tempfile::tempdir().unwrap();
    // The third batch fails while the fingerprinting thread has more
    // batches to hand.
    let mut index = two_documents_short_of_full(&dir.path().join("a.db"));
    let docs: Vec<Document> = (0..8).map(numbered).collect();
    let options = batches_of(1);
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let r = index.add(&corpus(docs), options, Progress::hidden());
        let _ = done.send((r.map(|s| s.added), index.len().unwrap()));
    });
    let (result, stored) = finished
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("add returned");
    let err = result.unwrap_err().to_string();
    assert!(err.contains("2^32"), "{err}");
    assert_eq!(stored, 2);
}

#[test]
fn a_feed_is_written_while_it_is_still_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    let options = batches_of(4);
    let reader_path = path.clone();
    let mut seen_while_feeding = None;
    let seen = &mut seen_while_feeding;
    let stats = index
        .add_feed(
            move |sink: &mut dyn FnMut(Document) -> bool| {
                for i in 0..40u64 {
                    if i == 13 {
                        // Three batches are handed over: the writer has
                        // taken the second, so the first is committed.
                        let r = Index::open(&reader_path, &no_mask(), false).unwrap();
                        *seen = Some(r.len().unwrap());
                    }
                    if !sink(numbered(i)) {
                        break;
                    }
                }
                Ok(())
            },
            options,
            Progress::hidden(),
        )
        .unwrap();
    assert_eq!(stats.added, 40);
    assert_eq!(stats.batches, 10);
    let seen = seen_while_feeding.expect("checked");
    assert!((4..13).contains(&seen), "{seen} documents committed");
    assert_eq!(index.len().unwrap(), 40);
}

#[test]
fn a_failed_add_stops_its_feed_and_a_feed_error_ends_the_add() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = two_documents_short_of_full(&dir.path().join("a.db"));
    let options = batches_of(1);
    let mut handed = 0;
    let fed = &mut handed;
    let err = index
        .add_feed(
            move |sink: &mut dyn FnMut(Document) -> bool| {
                for i in 0..1000u64 {
                    *fed += 1;
                    if !sink(numbered(i)) {
                        break;
                    }
                }
                Ok(())
            },
            options,
            Progress::hidden(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("2^32"), "{err}");
    assert!(handed < 10, "the feed went on to document {handed}");
    assert_eq!(index.len().unwrap(), 2);

    // A feed that fails after two documents: both are kept, its error returned.
    let path = dir.path().join("b.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    let err = index
        .add_feed(
            |sink: &mut dyn FnMut(Document) -> bool| {
                sink(doc("x", None, &story(1)));
                sink(doc("y", None, &story(2)));
                Err(Error::Usage("feed broke".into()))
            },
            AddOptions::default(),
            Progress::hidden(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("feed broke"), "{err}");
    assert_eq!(index.len().unwrap(), 2);
}

#[test]
fn a_new_archive_takes_its_mask_from_the_first_documents() {
    // The first 60 stories carry one footer, the last 40 another. With a
    // mask sample of 60, the mask is settled from the first 60 documents
    // (so it masks the first footer only) and sent before any batch.
    let footers = [
        " Copyright Beacon Wire Services all rights reserved do not redistribute",
        " Distributed by Harbour Syndicate for subscribers of the evening edition",
    ];
    let docs: Vec<Document> = (0..100)
        .map(|i| {
            let footer = footers[usize::from(i >= 60)];
            doc(&format!("d{i}"), None, &format!("{}{footer}", story(i)))
        })
        .collect();
    let config = MaskConfig {
        share: 0.5,
        min_docs: 10,
        sample: 60,
    };
    let fp = Fingerprinter::default();
    let banding = Banding::optimal(DEFAULT_THRESHOLD, fp.minhasher.num_perm);
    let expected = |n: usize| {
        let texts: Vec<&str> = docs[..n].iter().map(|d| d.text.as_str()).collect();
        Mask::build(&texts, &fp.shingler, &config)
    };
    let feed_docs = docs.clone();
    let mut steps = Vec::new();
    // No archive there: the checkpointer finds nothing to open.
    let dir = tempfile::tempdir().unwrap();
    let stats = pipeline(
        &dir.path().join("none.db"),
        Known::Nothing(None),
        &config,
        &fp,
        banding,
        move |sink: &mut dyn FnMut(Document) -> bool| {
            feed_docs.into_iter().all(sink);
            Ok(())
        },
        batches_of(25),
        Progress::hidden(),
        |step, _| {
            steps.push(step);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(stats.batches, 4);
    let Some(Step::Mask(mask, None)) = steps.first() else {
        panic!("the mask comes first");
    };
    let masks = |footer: &str| {
        let joined = crate::normalize::normalize(footer).joined();
        let hashes = fp.shingler.hashes(&joined);
        hashes.iter().all(|&h| mask.contains(h))
    };
    assert!(masks(footers[0]) && !masks(footers[1]));
    assert!(*mask == expected(60), "the mask of the first 60 documents");
    let sizes: Vec<usize> = steps[1..]
        .iter()
        .map(|s| match s {
            Step::Batch(d, p) => {
                assert_eq!(d.len(), p.len());
                d.len()
            }
            Step::Mask(..) => panic!("one mask"),
        })
        .collect();
    assert_eq!(sizes, [25, 25, 25, 25]);

    // A new archive whose feed is smaller than its sample: the mask of all
    // of it, stored, and every document.
    let req = ParamRequest {
        mask_share: Some(0.5),
        mask_min_docs: Some(10),
        ..ParamRequest::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let few = docs[..30].to_vec();
    let (index, stats) = Index::create_from_feed(
        &path,
        IndexParams::new(&req),
        move |sink: &mut dyn FnMut(Document) -> bool| {
            few.into_iter().all(sink);
            Ok(())
        },
        AddOptions::default(),
        Progress::hidden(),
    )
    .unwrap();
    assert_eq!(stats.added, 30);
    let texts: Vec<&str> = docs[..30].iter().map(|d| d.text.as_str()).collect();
    let all = Mask::build(
        &texts,
        &index.fingerprinter.shingler,
        &index.params.mask_config(),
    );
    assert!(!all.is_empty());
    assert!(index.mask == all, "the mask of all 30 documents");
    let again = Index::open(&path, &req, false).unwrap();
    assert!(again.mask == all, "stored");
    assert_eq!(again.len().unwrap(), 30);
}

#[test]
fn an_add_checkpoints_as_it_goes_and_its_wal_starts_over() {
    // Checkpoints run on a thread of their own while the writer goes on; a
    // WAL that is never wholly copied when a batch begins is never started
    // over and would grow to hold every batch of the add.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut index = Index::create(&path, IndexParams::new(&no_mask()), &[]).unwrap();
    // Stories of 8 KB, so that most pages written are new rows rather than
    // the bucket runs that merges rewrite.
    let docs: Vec<Document> = (0..800)
        .map(|i| {
            doc(
                &format!("d{i}"),
                None,
                &[story(i), story(i + 1000)].join(" ").repeat(2),
            )
        })
        .collect();
    let stats = index
        .add(&corpus(docs), batches_of(20), Progress::hidden())
        .unwrap();
    assert_eq!((stats.added, stats.batches), (800, 40));
    let pages: i64 = index
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let page_size: i64 = index
        .conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    let wal = std::fs::metadata(dir.path().join("a.db-wal"))
        .unwrap()
        .len() as i64;
    // A WAL frame is a page and its 24-byte header.
    let wal_pages = wal / (page_size + 24);
    assert!(
        wal_pages * 2 < pages,
        "WAL of {wal_pages} pages for an archive of {pages}"
    );
    // Everything committed is in the archive file itself.
    let (log, copied): (i64, i64) = index
        .conn
        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(log, copied);
    assert_eq!(index.len().unwrap(), 800);
    assert!(index.check().is_ok(), "{}", index.check().summary());
}

mod words;
