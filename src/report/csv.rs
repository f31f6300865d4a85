//! CSV writing (RFC 4180 quoting): pair records with one header line, the
//! shared pair columns first and one column of the command's own last.

use super::records::PairRecord;
use crate::direction::Side;
use crate::number::round4;
use std::io::{self, Write};

/// The CSV columns every pair record has, in [`pair_fields`] order.
pub(crate) const PAIR_CSV_HEADER: &str =
    "a,b,relation,jaccard,containment_a_in_b,containment_b_in_a,\
shingles_a,shingles_b,shared,aligned_a,aligned_b,passage_count,longest_passage,origin";

/// Quote a CSV field when it needs it (RFC 4180).
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The pair columns of `p`, in [`PAIR_CSV_HEADER`] order.
fn pair_fields(p: &PairRecord) -> String {
    let origin = match p.origin {
        Some(Side::A) => "a",
        Some(Side::B) => "b",
        None => "",
    };
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        csv_field(p.a),
        csv_field(p.b),
        p.relation,
        round4(p.jaccard),
        round4(p.containment_a_in_b),
        round4(p.containment_b_in_a),
        p.shingles_a,
        p.shingles_b,
        p.shared,
        round4(p.aligned_a),
        round4(p.aligned_b),
        p.passage_count,
        p.longest_passage,
        origin
    )
}

/// Write the header (the pair columns, then `last`) and one line a record:
/// its pair columns, then what `value` gives for `last`.
pub(crate) fn write_pairs<R>(
    out: &mut dyn Write,
    records: &[R],
    last: &str,
    pair: impl Fn(&R) -> &PairRecord,
    value: impl Fn(&R) -> String,
) -> io::Result<()> {
    writeln!(out, "{PAIR_CSV_HEADER},{last}")?;
    for r in records {
        writeln!(out, "{},{}", pair_fields(pair(r)), value(r))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
