//! Unit tests of the aligner: identical, reordered, paraphrased and unrelated
//! texts, repeated-token inputs within the work bound, and span validity.

use super::*;

const STORY: &str = "The central bank raised its benchmark interest rate by half a point on \
Tuesday, citing stubborn inflation in food and energy prices. Officials said further increases \
were likely before the end of the year.\n\nMarkets fell sharply after the announcement, with the \
main index closing down three percent. Analysts at several brokers had expected a smaller move.";

fn cfg() -> AlignConfig {
    AlignConfig::default()
}

/// Folded tokens of a slice, as strings (for checking spans).
fn words(s: &str) -> Vec<String> {
    crate::normalize::normalize(s).tokens
}

/// Longest common subsequence length (small inputs only).
fn lcs(x: &[String], y: &[String]) -> usize {
    let mut d = vec![vec![0usize; y.len() + 1]; x.len() + 1];
    for i in 0..x.len() {
        for j in 0..y.len() {
            d[i + 1][j + 1] = if x[i] == y[j] {
                d[i][j] + 1
            } else {
                d[i][j + 1].max(d[i + 1][j])
            };
        }
    }
    d[x.len()][y.len()]
}

/// Every passage's slices hold the same normalized words in order, except
/// the tolerated gaps: the slices share `words` words in order, start and
/// end on the same word, and neither has more than the gaps allow beyond.
fn assert_valid(a: &str, b: &str, al: &Alignment, config: &AlignConfig) {
    let mut total = 0;
    for p in &al.passages {
        let (sa, sb) = (&a[p.a.start..p.a.end], &b[p.b.start..p.b.end]);
        let (wa, wb) = (words(sa), words(sb));
        assert!(p.words >= config.min_run, "{p:?}");
        assert!(lcs(&wa, &wb) >= p.words, "{sa:?} / {sb:?}");
        assert_eq!(wa.first(), wb.first(), "{sa:?} / {sb:?}");
        assert_eq!(wa.last(), wb.last(), "{sa:?} / {sb:?}");
        // Each gap between tiles is at most max_gap words, and tiles are at
        // least SEED_WORDS long, so a passage has few gaps.
        let gaps = p.words / SEED_WORDS;
        assert!(wa.len() <= p.words + gaps * config.max_gap, "{sa:?}");
        assert!(wb.len() <= p.words + gaps * config.max_gap, "{sb:?}");
        total += p.words;
    }
    assert_eq!(total, al.matched);
    assert!(al.matched <= al.words_a && al.matched <= al.words_b);
}

#[test]
fn identical_texts_are_one_passage_covering_both() {
    let al = align(STORY, STORY, &cfg());
    assert_eq!(al.passages.len(), 1);
    assert_eq!(al.aligned_a(), 1.0);
    assert_eq!(al.aligned_b(), 1.0);
    assert_eq!(al.longest_passage(), words(STORY).len());
    let p = al.passages[0];
    assert_eq!(&STORY[p.a.start..p.a.end], STORY.trim_end_matches('.'));
    assert_valid(STORY, STORY, &al, &cfg());
}

#[test]
fn reordered_paragraphs_are_found_in_both_places() {
    let (p1, p2) = STORY.split_once("\n\n").unwrap();
    let b = format!("{p2}\n\n{p1}");
    let al = align(STORY, &b, &cfg());
    assert_eq!(al.passages.len(), 2, "{:?}", al.passages);
    assert_eq!(al.aligned_a(), 1.0);
    assert_eq!(al.aligned_b(), 1.0);
    assert_eq!(al.longest_passage(), words(p1).len());
    // The first passage in A's order is the first paragraph, found second in B.
    let first = al.passages[0];
    assert_eq!(first.a.start, 0);
    assert!(first.b.start > p2.len());
    assert_valid(STORY, &b, &al, &cfg());
}

#[test]
fn a_paraphrase_with_changed_words_keeps_its_runs_across_gaps() {
    let b = "The central bank lifted its benchmark interest rate by half a point on Tuesday, \
citing persistent inflation in food and fuel prices. Officials said further increases were \
probable before the end of the year. Markets dropped sharply after the announcement.";
    let al = align(STORY, b, &cfg());
    assert_valid(STORY, b, &al, &cfg());
    // One changed word inside a run does not split it.
    let first = al.passages[0];
    assert!(STORY[first.a.start..first.a.end].contains("raised"));
    assert!(b[first.b.start..first.b.end].contains("lifted"));
    assert!(al.aligned_b() > 0.8, "{}", al.aligned_b());
    assert!(al.aligned_a() < al.aligned_b());
    // Without gap tolerance the same words are matched, in more passages.
    let strict = AlignConfig {
        max_gap: 0,
        ..cfg()
    };
    let s = align(STORY, b, &strict);
    assert_valid(STORY, b, &s, &strict);
    assert!(s.passages.len() > al.passages.len());
    assert!(s.longest_passage() < al.longest_passage());
}

#[test]
fn unrelated_texts_share_nothing() {
    let b = "Heavy snow closed mountain roads across the region overnight, and rescue crews \
searched for two climbers missing since Sunday.";
    let al = align(STORY, b, &cfg());
    assert!(al.passages.is_empty(), "{:?}", al.passages);
    assert_eq!(al.aligned_a(), 0.0);
    assert_eq!(align("", b, &cfg()).aligned_b(), 0.0);
}

#[test]
fn uk_and_us_spelling_and_typography_compare_equal() {
    let a = "The “organisation” said it’s analysing the colour of the harbour.";
    let b = "the \"organization\" said it's analyzing the color of the harbor";
    let al = align(a, b, &cfg());
    assert_eq!(al.passages.len(), 1);
    assert_eq!(al.aligned_a(), 1.0);
    assert_valid(a, b, &al, &cfg());
}

#[test]
fn runs_of_only_frequent_words_are_not_passages() {
    // "it was in the" and "it was" are all the pair shares, and each of
    // their words occurs at least FREQUENT_MIN times in the pair.
    let a = "it was in the hall. it was in the yard. it was in the dark.";
    let b = "they said it was in the end and it was the day it was";
    let off = AlignConfig {
        frequent_share: 0.0,
        ..cfg()
    };
    let chance = align(a, b, &off);
    assert!(chance.longest_passage() >= 4, "{:?}", chance.passages);
    assert!(align(a, b, &cfg()).passages.is_empty());
    // One word that is not frequent keeps a run.
    let b2 = "they said it was in the hall and it was the day it was";
    let kept = align(a, b2, &cfg());
    let first = kept.passages[0];
    assert_eq!(&b2[first.b.start..first.b.start + 18], "it was in the hall");
    assert!(first.words >= 5, "{:?}", kept.passages);
}

#[test]
fn scripts_without_spaces_align_by_character_and_spans_are_bytes() {
    let a = "中国人民银行周二宣布降低存款准备金率。";
    let b = "据报道，中国人民银行周二宣布降低存款准备金率，市场反应积极。";
    let ta = Tokens::of(a);
    assert_eq!(ta.len(), a.chars().filter(|c| c.is_alphanumeric()).count());
    let al = align(a, b, &cfg());
    assert_eq!(al.passages.len(), 1, "{:?}", al.passages);
    let p = al.passages[0];
    assert_eq!(
        &a[p.a.start..p.a.end],
        "中国人民银行周二宣布降低存款准备金率"
    );
    assert_eq!(
        &b[p.b.start..p.b.end],
        "中国人民银行周二宣布降低存款准备金率"
    );
    // Urdu, with letter variants folded.
    let u1 = "وزیر اعظم نے پاکستان کے لیے نئی پالیسی کا اعلان کیا";
    let u2 = "حکومت کے مطابق وزیر اعظم نے پاكستان کے لیے نئی پالیسی کا اعلان کیا ہے";
    let al = align(u1, u2, &cfg());
    assert_eq!(al.aligned_a(), 1.0, "{:?}", al.passages);
    assert_valid(u1, u2, &al, &cfg());
}

#[test]
fn a_megabyte_of_one_repeated_token_stays_within_the_work_bound() {
    let a = "the ".repeat(250_000);
    let b = "the ".repeat(250_001);
    let config = cfg();
    let start = std::time::Instant::now();
    let al = align(&a, &b, &config);
    let n = (al.words_a + al.words_b) as u64;
    // Seeds and extensions stop at the budget (one extension may pass it);
    // tiling then walks at most the runs those found.
    let bound = |n: u64| 2 * (config.work_per_token * n + 4096 + n);
    assert!(al.work <= bound(n), "work {}", al.work);
    // Generous: a quadratic method would take minutes.
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    assert!(al.matched <= al.words_a);
    // Two alternating tokens, and a text against its own repeats.
    let a = "tick tock ".repeat(100_000);
    let al = align(&a, &a, &config);
    let n = (al.words_a + al.words_b) as u64;
    assert!(al.work <= bound(n), "work {}", al.work);
}

/// Deterministic pseudo-random edits of a text: every passage found in the
/// edited copies must hold the same words on both sides.
#[test]
fn passage_spans_are_valid_across_random_edits() {
    let vocab: Vec<&str> = STORY.split_whitespace().collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rnd = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for round in 0..200 {
        let mut b: Vec<String> = vocab.iter().map(|w| w.to_string()).collect();
        for _ in 0..(round % 12) {
            let k = rnd(b.len());
            match rnd(4) {
                0 => b[k] = format!("x{}", rnd(1000)),
                1 => {
                    b.remove(k);
                }
                2 => b.insert(k, format!("new{}", rnd(1000))),
                _ => {
                    let j = rnd(b.len());
                    b.swap(k, j);
                }
            }
        }
        let b = b.join(" ");
        for config in [
            cfg(),
            AlignConfig {
                max_gap: 3,
                min_run: 4,
                ..cfg()
            },
        ] {
            let al = align(STORY, &b, &config);
            assert_valid(STORY, &b, &al, &config);
        }
    }
}

#[test]
fn frequent_tokens_counted_on_demand_agree_with_a_full_count() {
    // A small vocabulary so that many tokens are frequent, and more distinct
    // tokens asked than are counted one by one before the full count.
    let text = |seed: u64| -> String {
        let mut x = seed;
        (0..400)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("w{}", (x % 40) * (x % 3))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (a, b) = (Tokens::of(&text(1)), Tokens::of(&text(2)));
    let mut lazy = Frequent::new(&a.hashes, &b.hashes, 0.01);
    let floor = ((0.01 * (a.len() + b.len()) as f64).ceil() as usize).max(FREQUENT_MIN);
    let mut asked = 0;
    for &h in a.hashes.iter().chain(&b.hashes) {
        let n = a
            .hashes
            .iter()
            .chain(&b.hashes)
            .filter(|&&t| t == h)
            .count();
        assert_eq!(lazy.is_frequent(h), n >= floor);
        asked += 1;
    }
    assert!(asked > LAZY_COUNTS && lazy.all.is_some());
    assert!(!Frequent::new(&a.hashes, &b.hashes, 0.0).is_frequent(a.hashes[0]));
}

#[test]
fn boilerplate_words_matched_are_counted_per_side() {
    let (a, b) = (Tokens::of(STORY), Tokens::of(STORY));
    let n = a.len();
    // A's first ten words are boilerplate; B has none marked.
    let mut flags = vec![false; n];
    flags[..10].fill(true);
    let marked = Tokens {
        boilerplate: flags.clone(),
        ..a
    };
    let al = align_tokens(&marked, &b, &cfg());
    assert_eq!(al.matched, n);
    let c = al.coverage();
    assert_eq!(c.boilerplate.words_a, 10);
    assert_eq!(c.boilerplate.matched_a, 10);
    assert_eq!((c.boilerplate.words_b, c.boilerplate.matched_b), (0, 0));
    assert_eq!(c.fresh_a(), 1.0);
    assert_eq!(c.fresh_matched_a(), n - 10);
    // The in-pass coverage counts the same.
    assert_eq!(coverage(&marked.hashes, &b.hashes, &flags, &[], &cfg()), c);
    // Unmatched boilerplate leaves the fresh share of the rest.
    let other = Tokens::of("Entirely different words about a harbour strike and pensions today.");
    let c = align_tokens(&marked, &other, &cfg()).coverage();
    assert_eq!((c.matched, c.boilerplate.matched_a), (0, 0));
    assert_eq!(c.fresh_a(), 0.0);
}

/// A text against itself: `self_coverage` equals the searched `coverage`,
/// for vocabularies from one token (every seed repeats, the work bound
/// cuts the search) to many, lengths from none to a few hundred words,
/// with and without boilerplate words, and with the frequent-word rule
/// keeping or dropping the passage.
#[test]
fn a_text_against_itself_needs_no_search() {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let configs = [
        cfg(),
        AlignConfig {
            min_run: 5,
            max_seed_hits: 4,
            work_per_token: 2,
            ..cfg()
        },
        AlignConfig {
            frequent_share: 0.3,
            ..cfg()
        },
    ];
    for vocab in [1u64, 2, 5, 50, 5000] {
        for len in [0usize, 1, 2, 3, 7, 40, 300] {
            let hashes: Vec<u64> = (0..len).map(|_| next(vocab) + 1).collect();
            let boiler: Vec<bool> = (0..len).map(|_| next(3) == 0).collect();
            for config in &configs {
                for b in [&[][..], &boiler[..]] {
                    assert_eq!(
                        self_coverage(&hashes, b, config),
                        coverage(&hashes, &hashes, b, b, config),
                        "vocab {vocab} len {len} {config:?}"
                    );
                }
            }
        }
    }
}
