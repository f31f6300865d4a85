//! Which kind of change a word-level difference is: typography, UK/US
//! spelling, a number written another way, words glued by a scraper, or a
//! rewording (a headline's own kind in a headline).

use super::model::ChangeKind;
use super::tokens::Unit;

/// Kind of a difference between two units with the same loose key.
pub(super) fn cosmetic_kind(a: &Unit, b: &Unit) -> ChangeKind {
    let per_cent = |u: &Unit| matches!(u.typo.as_str(), "percent" | "per cent");
    let undotted = |u: &Unit| u.typo.replace('.', "");
    if a.in_url || b.in_url {
        // A web address is not respelled: another address is another link.
        ChangeKind::Reworded
    } else if a.typo == b.typo || undotted(a) == undotted(b) {
        ChangeKind::Typography
    } else if per_cent(a) && per_cent(b) {
        // "per cent" is British style, "percent" American.
        ChangeKind::Localization
    } else if crate::normalize::fold_spelling(a.typo.clone())
        == crate::normalize::fold_spelling(b.typo.clone())
    {
        ChangeKind::Localization
    } else {
        ChangeKind::NumberFormat
    }
}

/// Kind of a hunk of units that differ in loose keys.
pub(super) fn hunk_kind(a: &[&Unit], b: &[&Unit], headline: bool) -> ChangeKind {
    if a.iter().chain(b).any(|u| u.in_url) {
        return if headline {
            ChangeKind::Headline
        } else {
            ChangeKind::Reworded
        };
    }
    let all_punct = a.iter().chain(b).all(|u| !u.word);
    let spaced = |us: &[&Unit]| -> String { us.iter().map(|u| u.typo.as_str()).collect() };
    if !a.is_empty() && !b.is_empty() && a.len() != b.len() && spaced(a) == spaced(b) {
        // Only spaces differ. Two words run into one token ("said.Last",
        // "bankers'acceptance", "oneof", "sofar") are glued; a real compound
        // ("on to" / "onto") is typography.
        let (fewer, more) = if a.len() < b.len() { (a, b) } else { (b, a) };
        let glued = fewer.iter().any(|u| {
            u.word
                && u.typo.chars().count() >= 6
                && u.typo
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|p| p.len() >= 2)
                    .count()
                    >= 2
        }) || (more.iter().filter(|u| u.word).count() >= 2
            && fewer
                .iter()
                .all(|u| u.word && !COMPOUNDS.contains(&u.typo.as_str())));
        return if glued {
            ChangeKind::Glued
        } else {
            ChangeKind::Typography
        };
    }
    let joined = |us: &[&Unit], f: fn(&Unit) -> String| -> String {
        us.iter().filter(|u| u.word).map(|u| f(u)).collect()
    };
    let typo_a = joined(a, |u| u.typo.clone());
    let typo_b = joined(b, |u| u.typo.clone());
    if all_punct || typo_a == typo_b {
        return ChangeKind::Typography;
    }
    let loose_a = joined(a, |u| u.loose.clone());
    let loose_b = joined(b, |u| u.loose.clone());
    if loose_a == loose_b {
        let spell = |s: String| crate::normalize::fold_spelling(s);
        return if spell(typo_a) == spell(typo_b) {
            ChangeKind::Localization
        } else {
            ChangeKind::NumberFormat
        };
    }
    if headline {
        ChangeKind::Headline
    } else {
        ChangeKind::Reworded
    }
}

/// Words written solid in standard English: "on to" -> "onto" is a
/// typographic choice, not two words glued by a scraper.
const COMPOUNDS: &[&str] = &[
    "another",
    "anybody",
    "anyone",
    "anything",
    "anyway",
    "cannot",
    "everybody",
    "everyone",
    "everything",
    "forever",
    "however",
    "into",
    "maybe",
    "nobody",
    "nonetheless",
    "nothing",
    "online",
    "onto",
    "overall",
    "somebody",
    "someone",
    "something",
    "sometimes",
    "today",
    "together",
    "tonight",
    "weekend",
    "whatever",
    "whenever",
    "wherever",
    "within",
    "without",
];

#[cfg(test)]
mod tests {
    use crate::diff::test_support::*;
    use crate::diff::ChangeKind;

    #[test]
    fn localization_is_rule_based() {
        use ChangeKind::*;
        let c = changes(
            "The defence ministry mobilised troops near the centre.",
            "The defense ministry mobilized troops near the center.",
        );
        let want = [
            (Localization, "defence", "defense"),
            (Localization, "mobilised", "mobilized"),
            (Localization, "centre", "center"),
        ];
        assert_eq!(c.len(), 3, "{c:?}");
        for (w, got) in want.iter().zip(&c) {
            assert_eq!((w.0, w.1, w.2), (got.0, got.1.as_str(), got.2.as_str()));
        }
        // Not a spelling variant: a different word.
        assert_eq!(
            kinds("The defence ministry.", "The offence ministry."),
            [Reworded]
        );
    }

    #[test]
    fn typography_is_quotes_dashes_spaces_case() {
        let k = kinds(
            "He said “no” – twice, on to the RECORD.",
            "He said \"no\" - twice, onto the record.",
        );
        assert!(
            !k.is_empty() && k.iter().all(|k| *k == ChangeKind::Typography),
            "{k:?}"
        );
    }

    #[test]
    fn glued_words() {
        let c = changes(
            "Moscow is cosying up to Beijing. Alexander Lukashenko will visit with ammunition and kit.",
            "Moscow is cosying up to Beijingwith Alexander Lukashenko will visit with ammunitionand kit.",
        );
        let glued: Vec<&str> = c
            .iter()
            .filter(|c| c.0 == ChangeKind::Glued)
            .map(|c| c.2.as_str())
            .collect();
        assert_eq!(glued, ["Beijingwith", "ammunitionand"], "{c:?}");
        assert!(c.iter().all(|c| c.0 == ChangeKind::Glued), "{c:?}");
    }

    #[test]
    fn number_formats() {
        let c = changes(
            "Output rose 10-fold, a tenth of it abroad, up 10 pct on the year.",
            "Output rose tenfold, a 10th of it abroad, up 10 percent on the year.",
        );
        let got: Vec<(ChangeKind, &str, &str)> = c
            .iter()
            .map(|c| (c.0, c.1.as_str(), c.2.as_str()))
            .collect();
        use ChangeKind::NumberFormat as N;
        assert_eq!(
            got,
            [
                (N, "10-fold", "tenfold"),
                (N, "tenth", "10th"),
                (N, "pct", "percent")
            ]
        );
    }
}
