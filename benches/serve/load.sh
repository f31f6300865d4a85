#!/usr/bin/env bash
# Load benchmark of `reprint serve`: N concurrent clients on loopback POST
# single stories to /v1/query for a fixed time; prints queries/s and p50/p99
# latency (examples/serve_load.rs), then optionally a soak with the server's
# RSS at its start and end.
#
#   benches/serve/load.sh [--docs N] [--parts P] [--clients C] [--seconds S]
#                         [--soak S] [--work DIR] [--keep]
#
# Builds the release binaries, generates N stories (gen_corpus, as
# benches/index/run.sh does; the corpus is kept in DIR and reused), adds
# them to a new archive in P `index add` runs, starts `reprint serve --quiet`
# on 127.0.0.1 (an ephemeral port), warms it with one pass, then runs the
# load: C clients, each one request at a time, S seconds. The stories are
# 200: half new to the archive, half archived. --soak S runs the same load
# for S more seconds and reports VmRSS before and after.
# Defaults: N=100000, P=5, C=8, S=60, no soak, DIR=/tmp/reprint-serve-bench.
# REPRINT_BIN=path benchmarks another reprint binary.
set -euo pipefail

docs=100000
parts=5
clients=8
seconds=60
soak=0
work=/tmp/reprint-serve-bench
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) docs=$2; shift 2 ;;
        --parts) parts=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --soak) soak=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--docs N] [--parts P] [--clients C] [--seconds S] [--soak S] [--work DIR] [--keep]" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --release --locked --bin reprint --example gen_corpus --example serve_load >&2
bin="${REPRINT_BIN:-$root/target/release/reprint}"
gen="$root/target/release/examples/gen_corpus"
load="$root/target/release/examples/serve_load"

mkdir -p "$work"
db="$work/archive-$docs.db"
corpus="$work/corpus-$docs.jsonl"
[ -s "$corpus" ] || "$gen" --docs "$docs" --out "$corpus" >&2
if [ ! -s "$db" ]; then
    rm -f "$db-wal" "$db-shm" "$work"/part_*.jsonl
    per=$(( (docs + parts - 1) / parts ))
    split -l "$per" -d -a 3 --additional-suffix=.jsonl "$corpus" "$work/part_"
    for p in "$work"/part_*.jsonl; do
        "$bin" index add -q "$db" "$p"
    done
    rm -f "$work"/part_*.jsonl
fi
q="$work/queries.jsonl"
"$gen" --docs 300 --seed 77 --out "$work/new.jsonl" >&2
{ head -n 100 "$work/new.jsonl"; tail -n 100 "$corpus"; } > "$q"

log="$work/serve.log"
"$bin" serve "$db" --addr 127.0.0.1:0 --quiet 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; [ "$keep" = 1 ] || rm -f "$work/new.jsonl"' EXIT
for _ in $(seq 1 600); do
    grep -q "listening on" "$log" && break
    sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
[ -n "$url" ] || { cat "$log" >&2; exit 1; }
# VmRSS counts the archive's pages readers map (file-backed, the page cache's
# to reclaim); RssAnon is the server's own memory.
rss() { awk '/VmRSS|RssAnon|RssFile/ {printf "%s %s kB ", $1, $2} END {print ""}' "/proc/$pid/status"; }
commit=$(git rev-parse --short HEAD)
echo "# reprint serve load: $docs stories, $clients clients, ${seconds}s, commit $commit, $(date -u +%FT%TZ)"
echo "archive: $(du -h "$db" | cut -f1) ($db)"
"$load" --url "$url" --stories "$q" --clients 1 --seconds 5 >/dev/null   # warm the page cache
echo "rss after warm-up: $(rss)"
"$load" --url "$url" --stories "$q" --clients "$clients" --seconds "$seconds"
if [ "$soak" != 0 ]; then
    echo "soak: rss at start: $(rss)"
    "$load" --url "$url" --stories "$q" --clients "$clients" --seconds "$soak"
    echo "soak: rss at end: $(rss)"
fi
kill -TERM $pid
wait $pid && echo "serve exited 0 on SIGTERM"
