//! UK/US spelling folded to one form: a list of variant words and suffix
//! rules (British to American) with their exceptions, looked up through
//! tables keyed by a token's last bytes so that most tokens skip the rules.

/// UK/US spelling variant pairs that suffix rules cannot reach.
const SPELLING_WORDS: &[(&str, &str)] = &[
    ("programme", "program"),
    ("programmes", "programs"),
    ("grey", "gray"),
    ("tyre", "tire"),
    ("tyres", "tires"),
    ("cheque", "check"),
    ("cheques", "checks"),
    ("kerb", "curb"),
    ("plough", "plow"),
    ("aluminium", "aluminum"),
    ("sceptical", "skeptical"),
    ("manoeuvre", "maneuver"),
    ("manoeuvres", "maneuvers"),
    ("pyjamas", "pajamas"),
    ("storey", "story"),
    ("draught", "draft"),
    ("gaol", "jail"),
    ("jewellery", "jewelry"),
    ("mum", "mom"),
    ("whilst", "while"),
    ("amongst", "among"),
    ("ageing", "aging"),
    ("judgement", "judgment"),
    ("acknowledgement", "acknowledgment"),
    ("fulfil", "fulfill"),
    ("enrol", "enroll"),
    ("instil", "instill"),
    ("licence", "license"),
    ("practise", "practice"),
    ("cosy", "cozy"),
    ("cosier", "cozier"),
    ("cosying", "cozying"),
    ("cosied", "cozied"),
    ("cosies", "cozies"),
];

/// Suffix rules taking British forms to American ones. Applied to both sides
/// of every comparison, so an over-eager rule only merges two rare words; it
/// never splits a pair that should match.
const SPELLING_SUFFIXES: &[(&str, &str)] = &[
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ise", "ize"),
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("yse", "yze"),
    ("ours", "ors"),
    ("our", "or"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("ourite", "orite"),
    ("ourable", "orable"),
    ("tres", "ters"),
    ("tre", "ter"),
    ("bre", "ber"),
    ("ence", "ense"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("eller", "eler"),
    ("elled", "eled"),
    ("alled", "aled"),
    ("alling", "aling"),
    ("ogue", "og"),
    ("ogues", "ogs"),
    ("aemia", "emia"),
    ("oeuvre", "euver"),
];

/// Fold a lowercase token's British spelling to the American one.
pub fn fold_spelling(token: String) -> String {
    match fold_parts(&token) {
        (stem, "") if stem.len() == token.len() => token,
        (stem, suffix) => format!("{stem}{suffix}"),
    }
}

/// Slot of a token ending in bytes `a`, `b` in `RULES_BY_END` (low five bits of
/// each: letters are exact, digits share slots with letters, which only makes
/// the filter pass a little more).
const fn end_key(a: u8, b: u8) -> usize {
    ((a & 31) as usize) << 5 | (b & 31) as usize
}

/// No rule, in `RULES_BY_END`.
const NO_RULE: u8 = u8::MAX;
/// Rule numbers at or above this are `SPELLING_SUFFIXES[n - SUFFIX_RULE]`;
/// below, `SPELLING_WORDS[n]`.
const SUFFIX_RULE: u8 = 64;

/// How many rules there are: the spelling words, then the suffixes.
const RULES: usize = SPELLING_WORDS.len() + SPELLING_SUFFIXES.len();

/// The `i`-th rule (of `RULES`): its British form and its rule number
/// (`i` for a word, `SUFFIX_RULE + j` for suffix `j`); what the rule tables
/// below are built from.
const fn nth_rule(i: usize) -> (&'static [u8], u8) {
    if i < SPELLING_WORDS.len() {
        (SPELLING_WORDS[i].0.as_bytes(), i as u8)
    } else {
        let j = i - SPELLING_WORDS.len();
        (SPELLING_SUFFIXES[j].0.as_bytes(), SUFFIX_RULE + j as u8)
    }
}

/// For each token ending (`end_key` of its last two bytes), the spelling
/// words and then the suffix rules ending so, in table order, padded with
/// `NO_RULE`: a token is checked against a handful of rules, most against
/// none.
const RULES_BY_END: [[u8; 8]; 1024] = {
    let mut t = [[NO_RULE; 8]; 1024];
    let mut i = 0;
    while i < RULES {
        let (w, rule) = nth_rule(i);
        let slot = &mut t[end_key(w[w.len() - 2], w[w.len() - 1])];
        let mut k = 0;
        while slot[k] != NO_RULE {
            k += 1; // panics at compile time if a slot overflows
        }
        slot[k] = rule;
        i += 1;
    }
    t
};

/// Slot of a token ending in bytes `a`, `b`, `c` in `RULES_BY_END3` (low
/// five bits of each, as `end_key`).
const fn end3_key(a: u8, b: u8, c: u8) -> usize {
    ((a & 31) as usize) << 10 | ((b & 31) as usize) << 5 | (c & 31) as usize
}

/// One bit per three-byte token ending that some spelling word or suffix
/// rule ends with (every rule is at least three bytes long): most tokens
/// fail this 4 KB filter and skip the rule tables.
const RULES_BY_END3: [u64; 512] = {
    let mut t = [0u64; 512];
    let mut i = 0;
    while i < RULES {
        let (w, _) = nth_rule(i);
        let n = w.len();
        let k = end3_key(w[n - 3], w[n - 2], w[n - 1]);
        t[k >> 6] |= 1 << (k & 63);
        i += 1;
    }
    t
};

/// Whether a token ending in bytes `a`, `b`, `c` may have a spelling rule.
#[inline(always)]
pub(super) fn may_fold(a: u8, b: u8, c: u8) -> bool {
    let k = end3_key(a, b, c);
    RULES_BY_END3[k >> 6] & (1 << (k & 63)) != 0
}

/// A token's folded form as (kept prefix of the token, new ending): the
/// token itself is `(token, "")`.
pub(super) fn fold_parts(token: &str) -> (&str, &'static str) {
    let bytes = token.as_bytes();
    let n = bytes.len();
    if n < 4 || !may_fold(bytes[n - 3], bytes[n - 2], bytes[n - 1]) {
        return (token, "");
    }
    // Not empty: the rule that passed `may_fold` ends in the same two bytes.
    let rules = &RULES_BY_END[end_key(bytes[n - 2], bytes[n - 1])];
    // Most tokens here match no rule: test all of the slot's rules at once,
    // without a branch per rule (the endings vary, so those mispredict).
    let tail = tail_bytes(bytes);
    let mut hits = 0u32;
    for (i, &rule) in rules.iter().enumerate() {
        let r = &RULE_TAILS[rule as usize];
        let hit = (tail & r.mask == r.ending) & (n >= r.min_len) & (n <= r.max_len);
        hits |= (hit as u32) << i;
    }
    // Only ASCII tokens are folded; asked only of the few that hit a rule,
    // as the loop over a token's bytes ends at a different count each time.
    if hits != 0 && !token.is_ascii() {
        return (token, "");
    }
    while hits != 0 {
        let rule = rules[hits.trailing_zeros() as usize];
        hits &= hits - 1;
        if rule < SUFFIX_RULE {
            // Only the last eight bytes and the length were compared.
            let (uk, us) = SPELLING_WORDS[rule as usize];
            if uk == token {
                return ("", us);
            }
            continue;
        }
        let (uk, us) = SPELLING_SUFFIXES[(rule - SUFFIX_RULE) as usize];
        if EXCEPTIONS.binary_search(&token).is_ok() {
            return (token, "");
        }
        return (&token[..n - uk.len()], us);
    }
    (token, "")
}

/// The last (up to) eight bytes of a token as one number, the last byte
/// lowest: a rule is then a mask and a compare (`RULE_TAILS`), not a
/// `memcmp` call; a tenth of all tokens reach the rules. Tokens are at least
/// four bytes here: two four-byte reads (overlapping under eight bytes,
/// where the OR meets equal bytes) make it without a loop on the length.
#[inline(always)]
fn tail_bytes(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    debug_assert!(n >= 4);
    let four =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let high_at = n.max(8) - 8;
    let shift = 8 * (n.min(8) - 4);
    (four(high_at) as u64) << shift | four(n - 4) as u64
}

/// What `fold_parts` tests of one rule before looking closer: a token may
/// match it only if its `tail_bytes` under `mask` are `ending` and its length
/// is in `min_len..=max_len`.
struct RuleTail {
    ending: u64,
    mask: u64,
    min_len: usize,
    max_len: usize,
}

/// `RuleTail` of each rule number (`NO_RULE` and unused numbers: never).
const RULE_TAILS: [RuleTail; 256] = {
    const NEVER: RuleTail = RuleTail {
        ending: 1,
        mask: 0,
        min_len: 0,
        max_len: 0,
    };
    let mut t = [NEVER; 256];
    let mut i = 0;
    while i < RULES {
        let (w, rule) = nth_rule(i);
        let whole = rule < SUFFIX_RULE;
        assert!(
            whole || w.len() <= 8,
            "a suffix rule longer than tail_bytes holds"
        );
        let last = if w.len() > 8 { w.len() - 8 } else { 0 };
        let mut ending = 0u64;
        let mut j = last;
        while j < w.len() {
            ending = ending << 8 | w[j] as u64;
            j += 1;
        }
        let kept = w.len() - last;
        t[rule as usize] = RuleTail {
            ending,
            mask: if kept == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * kept)) - 1
            },
            // A suffix needs a stem of two bytes or more: short stems
            // ("rise", "wise", "our", "four", "hour") stay as they are.
            min_len: if whole { w.len() } else { w.len() + 2 },
            max_len: if whole { w.len() } else { usize::MAX },
        };
        i += 1;
    }
    t
};

/// Words the suffix rules would change but that have no spelling variant.
/// Harmless to fold either way; listed so folded text still reads sensibly.
/// Kept in byte order: `fold_parts` looks a word up by binary search.
const EXCEPTIONS: &[&str] = &[
    "advertise",
    "advertised",
    "arise",
    "bruise",
    "causes",
    "chaise",
    "clockwise",
    "comprise",
    "comprised",
    "compromise",
    "compromises",
    "concise",
    "cruise",
    "cruises",
    "despise",
    "devise",
    "devised",
    "disguise",
    "enterprise",
    "enterprises",
    "excise",
    "exercise",
    "exercises",
    "expertise",
    "franchise",
    "houses",
    "improvise",
    "incise",
    "likewise",
    "merchandise",
    "mortise",
    "noise",
    "otherwise",
    "paradise",
    "poise",
    "praise",
    "praises",
    "precise",
    "premise",
    "premises",
    "promise",
    "promised",
    "promises",
    "raise",
    "raised",
    "raises",
    "reprise",
    "revise",
    "revised",
    "rises",
    "sunrise",
    "supervise",
    "supervised",
    "surprise",
    "surprised",
    "surprises",
    "televise",
    "televised",
    "treatise",
    "valise",
];

/// Whether two tokens are UK/US spelling variants of one word (used by diff).
pub fn is_spelling_variant(a: &str, b: &str) -> bool {
    let (la, lb) = (a.to_lowercase(), b.to_lowercase());
    la != lb && fold_spelling(la) == fold_spelling(lb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::toks;

    #[test]
    fn folds_uk_us_spelling() {
        for (uk, us) in [
            ("defence", "defense"),
            ("mobilised", "mobilized"),
            ("criticise", "criticize"),
            ("centres", "centers"),
            ("cosying", "cozying"),
            ("programme", "program"),
            ("colour", "color"),
            ("travelled", "traveled"),
            ("organisation", "organization"),
            ("analysed", "analyzed"),
        ] {
            assert_eq!(toks(uk), toks(us), "{uk} vs {us}");
            assert!(is_spelling_variant(uk, us), "{uk} vs {us}");
        }
        assert!(!is_spelling_variant("defence", "offence"));
        assert!(!is_spelling_variant("same", "same"));
    }

    #[test]
    fn short_words_are_not_folded() {
        assert_eq!(toks("our four hours"), vec!["our", "four", "hours"]);
        assert_eq!(toks("rise"), vec!["rise"]);
    }

    /// `fold_parts` before the `RULES_BY_END` table, kept as the reference.
    fn fold_parts_unfiltered(token: &str) -> (&str, &'static str) {
        let n = token.len();
        if n < 4 || !token.is_ascii() {
            return (token, "");
        }
        if let Some((_, us)) = SPELLING_WORDS.iter().find(|(uk, _)| *uk == token) {
            return ("", us);
        }
        for (uk, us) in SPELLING_SUFFIXES {
            if n > uk.len() + 1 && token.ends_with(uk) {
                let stem = &token[..n - uk.len()];
                if stem.len() < 2 || EXCEPTIONS.contains(&token) {
                    return (token, "");
                }
                return (stem, us);
            }
        }
        (token, "")
    }

    #[test]
    fn tail_bytes_are_the_last_eight_bytes() {
        let s = b"abcdefghijkl";
        for n in 4..=s.len() {
            let t = &s[..n];
            let want = t[n.saturating_sub(8)..]
                .iter()
                .fold(0u64, |a, &b| a << 8 | b as u64);
            assert_eq!(tail_bytes(t), want, "length {n}");
        }
    }

    #[test]
    fn ending_prefilter_folds_exactly_as_before() {
        let mut tokens: Vec<String> = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        for e in std::fs::read_dir(dir).unwrap() {
            tokens.extend(toks(&std::fs::read_to_string(e.unwrap().path()).unwrap()));
        }
        for (w, _) in SPELLING_WORDS {
            tokens.push(w.to_string());
        }
        for (suffix, _) in SPELLING_SUFFIXES {
            for stem in ["a", "ab", "organ", "colo", "9x", "x9"] {
                tokens.push(format!("{stem}{suffix}"));
            }
        }
        tokens.extend(EXCEPTIONS.iter().map(|w| w.to_string()));
        tokens.extend(["1990s", "covid19", "a0se", "10ence", "ourse"].map(String::from));
        // Not ASCII, yet ending as a rule does: left as they are.
        tokens.extend(["émphasise", "çolour", "ñcentre", "grèy", "ωtyre"].map(String::from));
        // Endings one byte off a rule's, at every length `tail_bytes` handles.
        for (suffix, _) in SPELLING_SUFFIXES {
            for stem in ["", "x", "ab", "organ", "abcdefgh"] {
                let mut t = format!("{stem}{suffix}");
                tokens.push(t.clone());
                t.pop();
                tokens.push(format!("{t}z"));
                tokens.push(format!("{stem}q{}", &suffix[1..]));
            }
        }
        assert!(EXCEPTIONS.is_sorted(), "EXCEPTIONS must stay sorted");
        for t in &tokens {
            assert_eq!(fold_parts(t), fold_parts_unfiltered(t), "{t}");
        }
    }
}
