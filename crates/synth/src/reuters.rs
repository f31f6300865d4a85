//! Reading base text: Reuters-21578 SGML records (entities decoded, dates
//! made ISO), or the texts of `samples/`, into base articles.

use super::model::BaseArticle;
use std::path::{Path, PathBuf};

pub(super) fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let a = s.find(open)? + open.len();
    let b = s[a..].find(close)? + a;
    Some(&s[a..b])
}

/// Decode the SGML entities Reuters-21578 uses (`&lt;`, `&amp;`, `&#3;`...);
/// control characters from numeric entities are dropped.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 8);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix('#')
                    .and_then(|n| n.parse::<u32>().ok())
                    .and_then(char::from_u32)
                    .map(|c| if c.is_control() { '\0' } else { c }),
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, used)) => {
                if c != '\0' {
                    out.push(c);
                }
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// `26-FEB-1987 15:01:01.79` -> `1987-02-26T15:01:01Z` (None if malformed).
fn reuters_date(s: &str) -> Option<String> {
    let s = s.trim();
    let (day, rest) = s.split_once('-')?;
    let (mon, rest) = rest.split_once('-')?;
    let (year, time) = rest.split_once(' ')?;
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(mon))? + 1;
    let time = time.trim().get(..8)?;
    Some(format!(
        "{}-{m:02}-{:02}T{time}Z",
        year,
        day.trim().parse::<u32>().ok()?
    ))
}

/// One Reuters-21578 SGML record with a body, as a base article (one story).
fn parse_reuters_record(chunk: &str) -> Option<BaseArticle> {
    let body = between(chunk, "<BODY>", "</BODY>")?;
    let id = between(chunk, "NEWID=\"", "\"")?;
    let topic = between(chunk, "<TOPICS>", "</TOPICS>")
        .and_then(|t| between(t, "<D>", "</D>"))
        .unwrap_or("")
        .to_string();
    let title = between(chunk, "<TITLE>", "</TITLE>")
        .map(|t| decode_entities(t).trim().to_string())
        .unwrap_or_default();
    let date = between(chunk, "<DATE>", "</DATE>")
        .and_then(reuters_date)
        .unwrap_or_default();
    let body = decode_entities(body);
    let body = body.trim_end();
    // Bodies end with "Reuter" (any case), sometimes glued to the last line.
    let body = match body.len().checked_sub(6) {
        Some(cut) if body.is_char_boundary(cut) && body[cut..].eq_ignore_ascii_case("reuter") => {
            body[..cut].trim_end()
        }
        _ => body,
    };
    // Paragraphs start with an indented line.
    let paragraphs: Vec<String> = body
        .split("\n    ")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    Some(BaseArticle {
        id: format!("reut-{id}"),
        title,
        date,
        topic,
        paragraphs,
    })
}

/// Every Reuters-21578 story with a body of at least `min_len` bytes, in
/// file order (NEWID order). `Ok(None)` when `dir` does not exist.
pub fn reuters_stories(dir: &Path, min_len: usize) -> std::io::Result<Option<Vec<BaseArticle>>> {
    let mut out = Vec::new();
    let found = for_each_reuters_record(dir, |chunk| {
        out.extend(parse_reuters_record(chunk).filter(|a| a.len() >= min_len))
    })?;
    Ok(found.then_some(out))
}

/// Call `f` with every `<REUTERS ...>` record (its text after the tag name)
/// of the `.sgm` files in `dir`, in file order. `Ok(false)` when `dir` does
/// not exist.
pub(crate) fn for_each_reuters_record(
    dir: &Path,
    mut f: impl FnMut(&str),
) -> std::io::Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sgm"))
        .collect();
    files.sort();
    for file in files {
        let raw = std::fs::read(&file)?;
        String::from_utf8_lossy(&raw)
            .split("<REUTERS ")
            .skip(1)
            .for_each(&mut f);
    }
    Ok(true)
}

/// The `.txt` articles in `dir` (first non-empty line is the title, blank-line
/// or line separated paragraphs follow), all labelled with `topic`.
pub fn sample_articles(dir: &Path, topic: &str) -> std::io::Result<Vec<BaseArticle>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let raw = std::fs::read(f)?;
        let text = String::from_utf8_lossy(&raw);
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let title = lines.next().unwrap_or("").to_string();
        let paragraphs: Vec<String> = lines.map(String::from).collect();
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(BaseArticle {
            id: stem,
            title,
            date: format!("2023-01-{:02}T08:00:00Z", 10 + i),
            topic: topic.to_string(),
            paragraphs,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_dates_decode() {
        assert_eq!(decode_entities("a &lt;b&gt; &amp; c&#3;"), "a <b> & c");
        assert_eq!(decode_entities("AT&T"), "AT&T");
        assert_eq!(
            reuters_date("26-FEB-1987 15:01:01.79").as_deref(),
            Some("1987-02-26T15:01:01Z")
        );
        let rec = "NEWID=\"7\">\n<DATE> 2-MAR-1987 09:00:00.00</DATE><TOPICS><D>crude</D><D>gas</D></TOPICS>\
                   <TITLE>OIL &amp; GAS</TITLE><BODY>First para\nwraps.\n    Second &lt;X&gt;. REUTER\n&#3;</BODY>";
        let a = parse_reuters_record(rec).unwrap();
        assert_eq!(a.id, "reut-7");
        assert_eq!(a.topic, "crude");
        assert_eq!(a.title, "OIL & GAS");
        assert_eq!(a.date, "1987-03-02T09:00:00Z");
        assert_eq!(a.paragraphs, vec!["First para wraps.", "Second <X>."]);
    }
}
