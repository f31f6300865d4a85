//! Boilerplate words: which words of a normalized stream lie wholly inside
//! masked shingles, found from the positions a shingling pass marks
//! (`Marking`). A passage made of them is a shared template, not shared copy.

/// Which words of a normalized stream are boilerplate: every character of
/// the word lies inside some masked shingle. `masked_at` holds the
/// character offsets in `joined` where masked shingles start, in order (a
/// stream of at most `k` characters is one shingle, at 0); `ends` are the
/// words' end byte offsets. `out` is left empty when no shingle is masked.
/// Passages made of such words are a shared template, not shared copy
/// (`verify::Thresholds::with_alignment`).
pub(crate) fn boilerplate_words(
    joined: &str,
    ends: &[usize],
    masked_at: &[u32],
    k: usize,
    out: &mut Vec<bool>,
) {
    out.clear();
    if masked_at.is_empty() {
        return;
    }
    if joined.is_ascii() {
        // Characters are bytes: merge the masked shingles into covered
        // ranges, and test each word against the first range that does not
        // end before it does.
        let mut covered: Vec<(usize, usize)> = Vec::new();
        for &p in masked_at {
            let (s, e) = (p as usize, p as usize + k);
            match covered.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => covered.push((s, e)),
            }
        }
        let (mut i, mut at) = (0, 0);
        for &end in ends {
            while i < covered.len() && covered[i].1 < end {
                i += 1;
            }
            out.push(at < end && covered.get(i).is_some_and(|r| r.0 <= at));
            at = end;
        }
        return;
    }
    let bytes = joined.as_bytes();
    let mut next = masked_at.iter().map(|&p| p as usize).peekable();
    // Characters before `reach` are inside a masked shingle seen so far.
    let (mut reach, mut c, mut at) = (0usize, 0usize, 0usize);
    for &end in ends {
        let mut all = at < end;
        while at < end {
            while let Some(p) = next.next_if(|&p| p <= c) {
                reach = reach.max(p + k);
            }
            all &= c < reach;
            let lead = bytes[at];
            at += 1 + (lead >= 0xC0) as usize + (lead >= 0xE0) as usize + (lead >= 0xF0) as usize;
            c += 1;
        }
        out.push(all);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_words_lie_inside_masked_shingles() {
        let words = |joined: &str, ends: &[usize], masked_at: &[u32], k| {
            let mut out = vec![true; 9];
            boilerplate_words(joined, ends, masked_at, k, &mut out);
            out
        };
        // "one two three four", shingles of 4: those at 0..=2 cover "onetwo";
        // the one at 7 covers "hree" but not the "t" before it.
        let ends = [3, 6, 11, 15];
        assert_eq!(
            words("onetwothreefour", &ends, &[0, 1, 2, 7], 4),
            [true, true, false, false]
        );
        // The last shingle covers "four".
        assert_eq!(
            words("onetwothreefour", &ends, &[0, 1, 2, 7, 11], 4),
            [true, true, false, true]
        );
        assert!(words("onetwothreefour", &ends, &[], 4).is_empty());
        // Characters, not bytes: one word per character of 3 bytes.
        assert_eq!(
            words("日本語です", &[3, 6, 9, 12, 15], &[0, 3], 2),
            [true, true, false, true, true]
        );
        // A stream shorter than k is one shingle.
        assert_eq!(words("ab", &[1, 2], &[0], 12), [true, true]);
    }

    #[test]
    fn boilerplate_words_match_their_definition_on_any_stream() {
        // Brute force: a word is boilerplate when each of its characters is
        // inside some masked shingle.
        let mut seed = 7u64;
        let mut rand = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for round in 0..400 {
            let letters: &[&str] = if round % 2 == 0 {
                &["a", "b"]
            } else {
                &["a", "é", "日"]
            };
            let (mut joined, mut ends) = (String::new(), Vec::new());
            for _ in 0..1 + rand(12) {
                for _ in 0..1 + rand(5) {
                    joined.push_str(letters[rand(letters.len())]);
                }
                ends.push(joined.len());
            }
            let chars = joined.chars().count();
            let k = 1 + rand(6);
            let shingles = chars.saturating_sub(k) + 1;
            let masked: Vec<u32> = (0..shingles as u32).filter(|_| rand(3) == 0).collect();
            let mut got = Vec::new();
            boilerplate_words(&joined, &ends, &masked, k, &mut got);
            if masked.is_empty() {
                assert!(got.is_empty());
                continue;
            }
            let char_at: Vec<usize> = joined.char_indices().map(|(b, _)| b).collect();
            let covered = |c: usize| {
                masked
                    .iter()
                    .any(|&p| (p as usize) <= c && c < p as usize + k)
            };
            let mut at = 0;
            let want: Vec<bool> = ends
                .iter()
                .map(|&end| {
                    let cs: Vec<usize> = (0..chars)
                        .filter(|&c| char_at[c] >= at && char_at[c] < end)
                        .collect();
                    at = end;
                    cs.iter().all(|&c| covered(c))
                })
                .collect();
            assert_eq!(got, want, "{joined:?} {ends:?} {masked:?} k={k}");
        }
    }
}
