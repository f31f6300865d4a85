//! Numbers as reports print them: scores rounded to four decimals, so
//! outputs stay short and stable across platforms.

/// Round to four decimals so reports stay short and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Serialize an `f64` rounded to four decimals.
pub(crate) fn ser_round4<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round4(*x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_four_decimals() {
        assert_eq!(round4(0.123456), 0.1235);
        assert_eq!(round4(1.0), 1.0);
    }
}
