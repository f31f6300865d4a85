//! The terminal views of `reprint diff` on the seed pair at widths 60, 80
//! and 120: no line wider than asked, the divider in one column under the
//! header's `┬`, long tokens broken, `--inline` word-wrapped with old→new
//! marks and a distinct mark per cosmetic kind.

mod common;

use unicode_width::UnicodeWidthStr;

const TELEGRAPH: &str = "samples/telegraph-russia-hi-tech-arms.txt";
const REPOST: &str = "samples/repost-russia-hi-tech-arms.txt";

fn run(args: &[&str]) -> String {
    let out = common::succeeded(
        common::reprint()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("NO_COLOR")
            .args(args),
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Display column of the first `c` in `line`, if any.
fn column_of(line: &str, c: char) -> Option<usize> {
    let at = line.find(c)?;
    Some(line[..at].width())
}

fn check_side_by_side(text: &str, width: usize) {
    for line in text.lines() {
        assert!(line.width() <= width, "wider than {width}: {line:?}");
    }
    let header = text.lines().find(|l| l.contains('┬')).expect("header rule");
    let divider = column_of(header, '┬').unwrap();
    assert_eq!(divider, (width - 3) / 2 + 1, "┬ at {divider}");
    let body: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains('┬'))
        .skip(1)
        .collect();
    assert!(body.len() > 3, "no rows");
    for line in body {
        assert_eq!(
            column_of(line, '│'),
            Some(divider),
            "divider moved: {line:?}"
        );
    }
}

#[test]
fn side_by_side_fits_60_80_120_with_the_divider_in_its_column() {
    for width in [60, 80, 120] {
        let w = width.to_string();
        let text = run(&["diff", TELEGRAPH, REPOST, "--width", &w]);
        check_side_by_side(&text, width);
        assert!(text.lines().count() > 40);
        // Cosmetic kinds keep distinct marks.
        assert!(
            text.contains("[~defence") || text.contains("[~defence~]"),
            "{width}"
        );
        assert!(
            text.contains("{_") || text.contains("[_"),
            "glued mark at {width}"
        );
    }
}

#[test]
fn long_tokens_are_broken_and_quotes_stay_with_their_words() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "https://example.com/{}",
        "very-long-path-segment/".repeat(8)
    );
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    let body =
        "Officials said the talks in Geneva would resume next week after a pause in the spring.";
    std::fs::write(&a, format!("{body}\n\nRead more at {url} today.\n\nThe minister said \"progress was slow\" on Monday, but steady.\n")).unwrap();
    std::fs::write(&b, format!("{body}\n\nRead more at {url}x today.\n\nThe minister said \"progress was slower\" on Monday, but steady.\n")).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    for width in [60, 80] {
        let w = width.to_string();
        let text = run(&["diff", a, b, "--width", &w]);
        check_side_by_side(&text, width);
        let inline = run(&["diff", a, b, "--inline", "--width", &w]);
        for line in inline.lines() {
            assert!(line.width() <= width, "inline wider than {width}: {line:?}");
            let t = line.trim_end();
            assert!(
                !t.ends_with('"') || t.ends_with("\"\""),
                "quote left at line end: {line:?}"
            );
        }
    }
    // The URL change is a rewording, never a spelling variant.
    let out = common::reprint()
        .args(["diff", a, b, "--format", "json"])
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"reworded") && !kinds.contains(&"localization"),
        "{kinds:?}"
    );
}

#[test]
fn inline_wraps_words_and_shows_old_to_new() {
    for width in [60, 80, 120] {
        let w = width.to_string();
        let text = run(&["diff", TELEGRAPH, REPOST, "--inline", "--width", &w]);
        for line in text.lines() {
            assert!(line.width() <= width, "inline wider than {width}: {line:?}");
        }
        assert!(text.contains("[~defence→defense~]"), "{width}");
        // No word cut in two: every line break falls between words of B.
        assert!(!text.contains("weapon\ns"), "{width}");
        assert!(!text.contains("defencedefense"));
    }
}
