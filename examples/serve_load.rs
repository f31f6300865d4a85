//! Load generator for `reprint serve` (benches/serve/load.sh): N client
//! threads on loopback each POST one story at a time to /v1/query for a
//! fixed time; prints one JSON line: queries/s, p50/p99/max latency, errors.
//!
//!   serve_load --url http://127.0.0.1:PORT --stories q.jsonl --clients 8 --seconds 60

use std::io::BufRead;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: serve_load --url URL --stories FILE.jsonl [--clients N] [--seconds S]";
    let url = arg(&args, "--url").expect(usage);
    let stories = arg(&args, "--stories").expect(usage);
    let clients: usize = arg(&args, "--clients").map_or(8, |v| v.parse().expect(usage));
    let seconds: f64 = arg(&args, "--seconds").map_or(30.0, |v| v.parse().expect(usage));
    assert!(
        url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:"),
        "loopback only: {url}"
    );
    let lines: Vec<String> =
        std::io::BufReader::new(std::fs::File::open(&stories).expect("stories file"))
            .lines()
            .map_while(Result::ok)
            .filter(|l| !l.trim().is_empty())
            .collect();
    assert!(!lines.is_empty(), "no stories in {stories}");
    let lines = Arc::new(lines);
    let stop = Arc::new(AtomicBool::new(false));
    let endpoint = format!("{url}/v1/query");
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (lines, stop, endpoint) = (lines.clone(), stop.clone(), endpoint.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let (mut lat, mut errors) = (Vec::new(), 0usize);
                let mut i = c;
                while !stop.load(Ordering::Relaxed) {
                    let body = &lines[i % lines.len()];
                    i += clients;
                    let t = Instant::now();
                    let ok = agent
                        .post(&endpoint)
                        .send(body.as_bytes())
                        .ok()
                        .and_then(|mut r| {
                            let s = r.status().as_u16();
                            r.body_mut().read_to_string().ok().map(|_| s == 200)
                        })
                        .unwrap_or(false);
                    lat.push(t.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    let (mut lat, mut errors) = (Vec::new(), 0);
    for w in workers {
        let (l, e) = w.join().expect("client thread");
        lat.extend(l);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    lat.sort();
    let ms = |q: f64| {
        lat.get(((lat.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{}",
        serde_json::json!({
            "clients": clients,
            "seconds": (wall * 10.0).round() / 10.0,
            "queries": lat.len(),
            "errors": errors,
            "qps": ((lat.len() as f64 / wall) * 10.0).round() / 10.0,
            "p50_ms": (ms(0.5) * 100.0).round() / 100.0,
            "p99_ms": (ms(0.99) * 100.0).round() / 100.0,
            "max_ms": (ms(1.0) * 100.0).round() / 100.0,
        })
    );
}
