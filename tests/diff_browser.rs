//! The HTML report of `reprint diff` in a real browser: Debian's headless
//! Chromium renders the seed pair's report; the rendered DOM must show both
//! columns and the changes highlighted by kind, the page must be
//! self-contained, and the screenshot must show red marks in the left
//! column and green ones in the right.
//!
//! Without /usr/bin/chromium the tests skip, except under CI (env `CI` set),
//! where they fail: `.ci/run` installs chromium.

mod common;

use common::root;
use dom_query::Document;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const TELEGRAPH: &str = "samples/telegraph-russia-hi-tech-arms.txt";
const REPOST: &str = "samples/repost-russia-hi-tech-arms.txt";
/// A cold Chromium start on a busy 2-core machine takes a few seconds.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);
const WIDTH: u32 = 1366;
const HEIGHT: u32 = 900;

/// The browser, or None (after saying so) when the test should skip.
fn chromium() -> Option<&'static Path> {
    let path = Path::new(CHROMIUM);
    if path.is_file() {
        return Some(path);
    }
    if common::under_ci() {
        panic!(
            "{CHROMIUM} not found and CI is set: the browser test cannot run \
             (.ci/run installs it: apt-get install -y --no-install-recommends chromium)"
        );
    }
    eprintln!("skipping: {CHROMIUM} not found (apt-get install chromium)");
    None
}

/// Write the seed pair's HTML report into `dir` with the binary.
fn seed_report(dir: &Path) -> PathBuf {
    report_of(dir, TELEGRAPH, REPOST, "seed pair report.html")
}

/// `reprint diff A B --html dir/name`.
fn report_of(dir: &Path, a: &str, b: &str, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = common::reprint()
        .current_dir(root())
        .args(["diff", a, b, "--html"])
        .arg(&path)
        .output()
        .expect("reprint runs");
    assert!(
        out.status.success(),
        "reprint diff --html failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(path.is_file(), "no report at {}", path.display());
    path
}

fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.as_os_str().to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Run headless Chromium on `page` with `extra` flags and a fresh profile;
/// returns its stdout. Panics (with stderr) on failure or timeout.
fn run_chromium(browser: &Path, page: &Path, extra: &[String]) -> String {
    let profile = common::tempdir();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            // Nothing may be fetched: a self-contained page needs no network.
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(file_url(page))
        .env("HOME", profile.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Drain both pipes on threads so a large DOM cannot block the browser.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {BROWSER_TIMEOUT:?}; stderr: {}",
                err_thread.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = out_thread.join().unwrap_or_default();
    let err = err_thread.join().unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}): {err}");
    out
}

fn texts(doc: &Document, selector: &str) -> Vec<String> {
    doc.select(selector)
        .iter()
        .map(|n| n.text().to_string())
        .collect()
}

#[test]
fn rendered_report_shows_both_columns_and_changes_by_kind() {
    let Some(browser) = chromium() else { return };
    let dir = common::tempdir();
    let page = seed_report(dir.path());
    let dom = run_chromium(
        browser,
        &page,
        &["--virtual-time-budget=2000".into(), "--dump-dom".into()],
    );
    assert!(
        dom.contains("<html") && dom.contains("</html>"),
        "chromium printed no DOM: {:.300}",
        dom
    );
    let doc = Document::from(dom.as_str());

    // Both columns, headed by the two ids, with the stories' text.
    let heads = texts(&doc, "table.diff thead th");
    assert_eq!(heads.len(), 2, "two column heads: {heads:?}");
    assert!(
        heads[0].contains("telegraph-russia-hi-tech-arms"),
        "{heads:?}"
    );
    assert!(heads[1].contains("repost-russia-hi-tech-arms"), "{heads:?}");
    let rows = doc.select("table.diff tbody tr").length();
    assert!(rows >= 20, "only {rows} rows");
    for side in ["a", "b"] {
        let cells = doc.select(&format!("table.diff tbody td.{side}")).length();
        assert_eq!(cells, rows, "one td.{side} per row");
        let with_text: Vec<String> =
            texts(&doc, &format!("table.diff tbody td.{side}:not(.empty)"))
                .into_iter()
                .filter(|t| t.split_whitespace().count() >= 5)
                .collect();
        assert!(
            with_text.len() >= 10,
            "column {side}: only {} cells with text",
            with_text.len()
        );
    }
    let a_text = texts(&doc, "table.diff td.a").concat();
    let b_text = texts(&doc, "table.diff td.b").concat();
    assert!(a_text.contains("RUSSIA is expanding defence production"));
    assert!(b_text.contains("Russia is Its expanding defense production"));

    // Changes highlighted by kind, inside the columns (not only the legend).
    for kind in [
        "localization",
        "glued",
        "caption",
        "boilerplate",
        "headline",
        "reworded",
        "paragraph-added",
    ] {
        let marked = texts(&doc, &format!("table.diff td span.ch.k-{kind}"));
        assert!(
            marked.iter().any(|t| !t.trim().is_empty()),
            "no highlighted {kind} change in the columns"
        );
    }
    let b_loc = texts(&doc, "td.b span.ch.k-localization");
    let a_loc = texts(&doc, "td.a span.ch.k-localization");
    for (a, b) in [("defence", "defense"), ("mobilised", "mobilized")] {
        assert!(a_loc.iter().any(|t| t.contains(a)), "{a} in A: {a_loc:?}");
        assert!(b_loc.iter().any(|t| t.contains(b)), "{b} in B: {b_loc:?}");
    }
    let glued = texts(&doc, "td.b span.ch.k-glued");
    for g in ["Beijingwith", "ammunitionand", "microchipsthe"] {
        assert!(glued.iter().any(|t| t.contains(g)), "{g}: {glued:?}");
    }
    let captions = texts(&doc, "td.b span.ch.k-caption").concat();
    assert!(captions.contains("Andy Davey"), "{captions}");
    let boiler = texts(&doc, "td span.ch.k-boilerplate").concat();
    assert!(boiler.contains("Source link") && boiler.contains("Newspapers in English"));
    // Rows with one side only say what happened on the side with the text.
    let labels = texts(&doc, "td.b:not(.empty) .label").concat();
    assert!(labels.contains("paragraph-added") && labels.contains("caption"));
    assert_eq!(
        doc.select("td.empty .label").length(),
        0,
        "label on the empty side"
    );

    // Summary on top, and a legend naming every kind.
    let summary = texts(&doc, ".summary .line").concat();
    assert!(summary.contains("localized to US spelling"), "{summary}");
    let legend = texts(&doc, "details .legend").concat();
    for kind in [
        "localization",
        "typography",
        "glued",
        "number-format",
        "caption",
        "boilerplate",
        "headline",
        "paragraph-added",
        "paragraph-removed",
        "paragraph-moved",
        "trimmed",
        "words changed",
    ] {
        assert!(legend.contains(kind), "legend lacks {kind}: {legend}");
    }

    // Self-contained: no script, no stylesheet link, nothing fetched.
    assert_eq!(doc.select("script").length(), 0, "a <script> element");
    assert_eq!(doc.select("link, iframe, object, embed, img").length(), 0);
    for node in doc.select("[src], [href]").iter() {
        for attr in ["src", "href"] {
            if let Some(v) = node.attr(attr) {
                let v = v.trim().to_ascii_lowercase();
                assert!(
                    !(v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//")),
                    "external {attr}={v}"
                );
            }
        }
    }
    let style = texts(&doc, "style").concat();
    assert!(!style.is_empty(), "no inline style");
    assert!(!style.contains("@import") && !style.contains("url("));
    let raw = std::fs::read_to_string(&page).unwrap();
    assert!(!raw.to_ascii_lowercase().contains("<script"));
}

/// A decoded 8-bit RGB(A) PNG.
struct Image {
    width: u32,
    height: u32,
    channels: usize,
    pixels: Vec<u8>,
}

impl Image {
    fn rgb(&self, x: u32, y: u32) -> (u8, u8, u8) {
        let i = (y as usize * self.width as usize + x as usize) * self.channels;
        (self.pixels[i], self.pixels[i + 1], self.pixels[i + 2])
    }
}

/// Width and height from the IHDR chunk (which must come first).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.len() > 33, "PNG too short");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR", "first chunk is not IHDR");
    let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
    (be(16), be(20))
}

/// Decode a non-interlaced 8-bit RGB or RGBA PNG (what Chromium writes).
fn decode_png(png: &[u8]) -> Image {
    let (width, height) = png_size(png);
    let (depth, color, interlace) = (png[24], png[25], png[28]);
    assert_eq!(depth, 8, "bit depth");
    assert_eq!(interlace, 0, "interlaced PNG");
    let channels = match color {
        2 => 3,
        6 => 4,
        c => panic!("PNG color type {c}"),
    };
    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..at + 8 + len];
        if kind == b"IDAT" {
            idat.extend_from_slice(data);
        }
        if kind == b"IEND" {
            break;
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("PNG data inflates");
    let stride = width as usize * channels;
    assert_eq!(raw.len(), (stride + 1) * height as usize, "PNG data size");
    let mut pixels = vec![0u8; stride * height as usize];
    for y in 0..height as usize {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= channels {
                pixels[y * stride + x - channels]
            } else {
                0
            };
            let b = if y > 0 {
                pixels[(y - 1) * stride + x]
            } else {
                0
            };
            let c = if x >= channels && y > 0 {
                pixels[(y - 1) * stride + x - channels]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((a as u16 + b as u16) / 2) as u8,
                4 => {
                    let p = a as i16 + b as i16 - c as i16;
                    let (pa, pb, pc) = (
                        (p - a as i16).abs(),
                        (p - b as i16).abs(),
                        (p - c as i16).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("PNG filter {f}"),
            };
            pixels[y * stride + x] = line[x].wrapping_add(predicted);
        }
    }
    Image {
        width,
        height,
        channels,
        pixels,
    }
}

fn near(p: (u8, u8, u8), q: (u8, u8, u8)) -> bool {
    p.0.abs_diff(q.0) <= 4 && p.1.abs_diff(q.1) <= 4 && p.2.abs_diff(q.2) <= 4
}

#[test]
fn screenshot_shows_two_highlighted_columns() {
    let Some(browser) = chromium() else { return };
    let dir = common::tempdir();
    let page = seed_report(dir.path());
    let shot = dir.path().join("shot.png");
    run_chromium(
        browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={WIDTH},{HEIGHT}"),
            "--virtual-time-budget=2000".into(),
        ],
    );
    let png =
        std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
    assert!(png.len() > 20_000, "screenshot is only {} bytes", png.len());
    assert_eq!(png_size(&png), (WIDTH, HEIGHT));
    let img = decode_png(&png);

    // The CSS colors of removed (A) and added (B) words: --del and --ins.
    let (del, ins) = ((0xff, 0xd6, 0xd2), (0xcc, 0xf2, 0xd1));
    let (mut del_left, mut del_right, mut ins_left, mut ins_right, mut ink) = (0, 0, 0, 0, 0);
    for y in 0..img.height {
        for x in 0..img.width {
            let p = img.rgb(x, y);
            let left = x < img.width / 2;
            if near(p, del) {
                if left {
                    del_left += 1
                } else {
                    del_right += 1
                }
            } else if near(p, ins) {
                if left {
                    ins_left += 1
                } else {
                    ins_right += 1
                }
            } else if p.0 < 80 && p.1 < 80 && p.2 < 80 {
                ink += 1;
            }
        }
    }
    // Removed words are marked in the left column, added ones in the right.
    assert!(
        del_left > 2_000,
        "few removed marks on the left: {del_left}"
    );
    assert!(
        ins_right > 2_000,
        "few added marks on the right: {ins_right}"
    );
    assert!(
        del_right < del_left / 5 && ins_left < ins_right / 5,
        "marks in the wrong column: del {del_left}/{del_right}, ins {ins_left}/{ins_right}"
    );
    // And there is text: dark pixels on both halves.
    assert!(ink > 10_000, "little text drawn: {ink} dark pixels");
    let dark = |x0: u32, x1: u32| {
        (0..img.height)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let p = img.rgb(x, y);
                p.0 < 80 && p.1 < 80 && p.2 < 80
            })
            .count()
    };
    let (l, r) = (dark(0, img.width / 2), dark(img.width / 2, img.width));
    assert!(l > 4_000 && r > 4_000, "text in both columns: {l} / {r}");
    // Keep a copy for people to look at when asked to.
    if let Some(keep) = std::env::var_os("REPRINT_KEEP_SCREENSHOT") {
        let _ = std::fs::copy(&shot, keep);
    }
}

/// Chromium's DOM of `page` at `width` px after a probe script (added to a
/// copy of the page, never in reprint's output) records the layout on
/// `<body>`: document width, viewport width, and the horizontal offsets of
/// the first row's two cells.
fn layout_at(browser: &Path, page: &Path, width: u32) -> Document {
    let probe = r#"<script>addEventListener('load', () => {
  const b = document.body, row = document.querySelector('table.diff tbody tr.aligned');
  b.dataset.doc = document.documentElement.scrollWidth;
  b.dataset.view = document.documentElement.clientWidth;
  if (row) { b.dataset.ax = row.cells[0].getBoundingClientRect().left; b.dataset.bx = row.cells[1].getBoundingClientRect().left; }
});</script>"#;
    let html = std::fs::read_to_string(page)
        .unwrap()
        .replace("</body>", &format!("{probe}</body>"));
    let copy = page.with_file_name(format!("probe-{width}.html"));
    std::fs::write(&copy, html).unwrap();
    let dom = run_chromium(
        browser,
        &copy,
        &[
            format!("--window-size={width},900"),
            "--virtual-time-budget=2000".into(),
            "--dump-dom".into(),
        ],
    );
    Document::from(dom.as_str())
}

fn body_number(doc: &Document, key: &str) -> f64 {
    doc.select("body")
        .attr(&format!("data-{key}"))
        .unwrap_or_else(|| panic!("probe wrote no data-{key}"))
        .parse()
        .unwrap()
}

#[test]
fn navigation_moves_and_folds_link_to_what_exists() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The seed pair, and a file against itself with two paragraphs swapped.
    let text = std::fs::read_to_string(root().join(TELEGRAPH)).unwrap();
    let paras: Vec<&str> = text.split("\n\n").collect();
    assert!(paras.len() > 8);
    let mut swapped = paras.clone();
    swapped.swap(3, 7);
    let moved = dir.path().join("moved.txt");
    std::fs::write(&moved, swapped.join("\n\n")).unwrap();
    for page in [
        seed_report(dir.path()),
        report_of(dir.path(), TELEGRAPH, moved.to_str().unwrap(), "moved.html"),
    ] {
        let dom = run_chromium(
            browser,
            &page,
            &["--virtual-time-budget=2000".into(), "--dump-dom".into()],
        );
        let doc = Document::from(dom.as_str());
        let ids: std::collections::HashSet<String> = doc
            .select("[id]")
            .iter()
            .filter_map(|n| n.attr("id").map(|v| v.to_string()))
            .collect();
        // Every internal link (chips, next/previous, move ends) lands.
        let mut links = 0;
        for n in doc.select("a[href^='#']").iter() {
            let to = n.attr("href").unwrap().trim_start_matches('#').to_string();
            assert!(ids.contains(&to), "link to missing #{to}");
            links += 1;
        }
        assert!(links > 0);
        // Each kind chip links to a change of that kind.
        let chips = doc.select(".summary a.chip");
        assert!(chips.length() > 0, "no chip links");
        for chip in chips.iter() {
            let kind = chip.select(".ch").attr("class").unwrap().to_string();
            let kind = kind.trim_start_matches("ch ").to_string();
            let to = chip
                .attr("href")
                .unwrap()
                .trim_start_matches('#')
                .to_string();
            let target = doc.select(&format!("[id='{to}']"));
            let own = target.attr("class").unwrap_or_default().to_string();
            let row_text = target.text();
            assert!(
                own.contains(&kind) || own.contains("label") && !row_text.is_empty(),
                "chip {kind} -> #{to} ({own})"
            );
        }
        // Next/previous links on changes.
        assert!(doc.select(".step a[rel=next]").length() > 0);
    }
    // The move: a placeholder at A's old place links to the moved row, and
    // the moved row links back; the paragraph numbers shown agree.
    let page = dir.path().join("moved.html");
    let doc = Document::from(
        run_chromium(
            browser,
            &page,
            &["--virtual-time-budget=2000".into(), "--dump-dom".into()],
        )
        .as_str(),
    );
    let away = doc.select("tr.moved-away td.a a");
    assert!(away.length() >= 1, "no placeholder at A's old position");
    let back = doc.select("tr.moved td.b .label a");
    assert!(back.length() >= 1, "moved row not linked back");
    let to = away.first().attr("href").unwrap().to_string();
    let target = doc.select(&format!("[id='{}']", to.trim_start_matches('#')));
    assert!(
        target.text().contains("moved from A ¶"),
        "{}",
        target.text()
    );
    let from_href = target.attr("href").unwrap().to_string();
    let from = doc.select(&format!("[id='{}']", from_href.trim_start_matches('#')));
    assert!(from.text().contains("now B ¶"));
    // "moved from A ¶N": the placeholder's row shows the same number N.
    let n: String = target
        .text()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    let placeholder = from_href.trim_start_matches('#').to_string();
    let row_num: String = doc
        .select("tr.moved-away td.a")
        .iter()
        .filter(|td| {
            td.select("a")
                .attr("id")
                .is_some_and(|id| *id == *placeholder)
        })
        .map(|td| td.select(".pn").text().to_string())
        .collect();
    assert!(row_num.contains(&format!("¶{n}")), "{row_num} vs {n}");
    // Unchanged paragraphs are folded, and the fold still holds their text.
    let folds = doc.select("details.same");
    assert!(folds.length() > 0, "no folded run");
    assert!(folds
        .select("summary")
        .text()
        .contains("unchanged paragraphs"));
    assert!(folds.select("td.b").text().split_whitespace().count() > 20);
    // Only moves: no word changes besides the moves.
    let kinds = texts(&doc, ".summary .counts li");
    assert!(
        kinds.iter().all(|k| k.contains("paragraph-moved")),
        "{kinds:?}"
    );
}

#[test]
fn phones_get_one_column_without_overflow() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = seed_report(dir.path());
    let narrow = layout_at(browser, &page, 420);
    let (doc_w, view_w) = (body_number(&narrow, "doc"), body_number(&narrow, "view"));
    assert!(
        doc_w <= view_w,
        "document {doc_w}px wider than viewport {view_w}px"
    );
    assert_eq!(
        body_number(&narrow, "ax"),
        body_number(&narrow, "bx"),
        "A and B not stacked"
    );
    let wide = layout_at(browser, &page, 1366);
    assert!(
        body_number(&wide, "bx") > body_number(&wide, "ax") + 300.0,
        "two columns on a laptop"
    );
}

/// `scan --report` on the seed articles as JSONL records with and without
/// dates: the Telegraph story is A (the origin) when its date says so, and
/// the page says "direction unknown" when nothing does.
#[test]
fn seed_report_direction_follows_the_dates() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let telegraph = std::fs::read_to_string(root().join(TELEGRAPH)).unwrap();
    let repost = std::fs::read_to_string(root().join(REPOST)).unwrap();
    for dated in [true, false] {
        let rec = |id: &str, text: &str, date: &str| {
            let mut v = serde_json::json!({"id": id, "text": text});
            if dated {
                v["date"] = date.into();
            }
            v.to_string()
        };
        // The repost first, so order alone would make it the representative.
        let feed = dir.path().join(format!("feed-{dated}.jsonl"));
        std::fs::write(
            &feed,
            format!(
                "{}\n{}\n",
                rec("repost", &repost, "2026-11-23"),
                rec("telegraph", &telegraph, "2026-11-22")
            ),
        )
        .unwrap();
        let report = dir.path().join(format!("report-{dated}"));
        let out = Command::new(env!("CARGO_BIN_EXE_reprint"))
            .args(["scan", "--quiet", "--report"])
            .arg(&report)
            .arg(&feed)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let index = Document::from(
            run_chromium(browser, &report.join("index.html"), &["--dump-dom".into()]).as_str(),
        );
        let member = index
            .select("tr.member a")
            .attr("href")
            .unwrap()
            .to_string();
        let what = index.select("tr.member td.what").text().to_string();
        // One reused figure per row.
        assert_eq!(index.select("tr.member td.num").length(), 1);
        let page = Document::from(
            run_chromium(browser, &report.join(&member), &["--dump-dom".into()]).as_str(),
        );
        let ids = page.select(".ids").text().to_string();
        let nav = page.select(".nav").text().to_string();
        if dated {
            assert!(ids.contains("A: telegraph"), "{ids}");
            assert!(nav.contains("A is the origin"), "{nav}");
            assert!(what.contains("origin: telegraph"), "{what}");
        } else {
            assert!(nav.contains("direction unknown"), "{nav}");
            assert!(what.contains("direction unknown"), "{what}");
            let line = page.select(".summary .line").text().to_string();
            assert!(
                line.contains("in B only") || line.contains("in A only"),
                "{line}"
            );
            assert!(!line.contains("B is A"), "{line}");
        }
    }
}
