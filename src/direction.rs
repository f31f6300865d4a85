//! Which copy of a pair came first: the pair's origin. One rule for every
//! consumer (scan, dedup, query, diff, reports): the earlier ISO `date`; failing
//! that, the one whose `source` is a listed origin source; else unknown.

use serde::Serialize;

/// One side of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The first document.
    A,
    /// The second document.
    B,
}

impl Side {
    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }
}

/// What the origin rule reads of one document.
#[derive(Debug, Clone, Copy, Default)]
pub struct Provenance<'a> {
    /// The document's date, if any.
    pub date: Option<&'a str>,
    /// The document's source, if any.
    pub source: Option<&'a str>,
}

/// Sources known to originate copy (agencies), from `--origin-sources`;
/// matched case-insensitively after trimming.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginSources(Vec<String>);

impl OriginSources {
    /// From a comma-separated list such as `AP,Reuters,AFP`.
    pub fn parse(list: &str) -> OriginSources {
        OriginSources(
            list.split(',')
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
        )
    }

    /// Whether no source is listed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `source` is one of the listed origin sources.
    pub fn contains(&self, source: &str) -> bool {
        let s = source.trim().to_lowercase();
        self.0.contains(&s)
    }
}

/// The pair's origin: the earlier `date` (ISO 8601 compares as text), else
/// the only side whose `source` is listed, else `None`.
pub fn origin(a: Provenance, b: Provenance, sources: &OriginSources) -> Option<Side> {
    let (da, db) = (a.date.map(str::trim), b.date.map(str::trim));
    if let (Some(da), Some(db)) = (da.filter(|d| !d.is_empty()), db.filter(|d| !d.is_empty())) {
        if da < db {
            return Some(Side::A);
        }
        if db < da {
            return Some(Side::B);
        }
    }
    let listed = |p: Provenance| p.source.is_some_and(|s| sources.contains(s));
    match (listed(a), listed(b)) {
        (true, false) => Some(Side::A),
        (false, true) => Some(Side::B),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p<'a>(date: Option<&'a str>, source: Option<&'a str>) -> Provenance<'a> {
        Provenance { date, source }
    }

    #[test]
    fn earlier_date_is_the_origin() {
        let none = OriginSources::default();
        let a = p(Some("2026-11-21T08:00:00Z"), None);
        let b = p(Some("2026-11-22"), None);
        assert_eq!(origin(a, b, &none), Some(Side::A));
        assert_eq!(origin(b, a, &none), Some(Side::B));
    }

    #[test]
    fn listed_source_decides_when_dates_do_not() {
        let agencies = OriginSources::parse("AP, Reuters");
        let agency = p(Some("2026-11-21"), Some("reuters"));
        let paper = p(Some("2026-11-21"), Some("The Paper"));
        assert_eq!(origin(paper, agency, &agencies), Some(Side::B));
        assert_eq!(origin(agency, p(None, None), &agencies), Some(Side::A));
        // A date beats a listed source.
        let later_agency = p(Some("2026-11-23"), Some("AP"));
        assert_eq!(origin(later_agency, paper, &agencies), Some(Side::B));
    }

    #[test]
    fn unknown_without_evidence() {
        let agencies = OriginSources::parse("AP");
        assert_eq!(origin(p(None, None), p(None, None), &agencies), None);
        let both = p(None, Some("ap"));
        assert_eq!(origin(both, both, &agencies), None);
        let same_day = p(Some("2026-11-21"), None);
        assert_eq!(origin(same_day, same_day, &OriginSources::default()), None);
    }
}
