#!/usr/bin/env bash
# Benchmark of `reprint index add` throughput and `reprint query` latency.
#
#   benches/index/run.sh [--docs N] [--parts P] [--queries Q] [--no-text]
#                        [--corpus FILE] [--work DIR] [--keep] [--query-only]
#                        [--compact] [--url-ids]
#
# Builds the release binaries, takes N generated news documents (from FILE,
# else `gen_corpus --docs N`), adds them to a new archive in P `index add`
# runs of N/P documents each (timed: wall, CPU, docs/s; each row also has
# the peer: the same part fingerprinted without writing, right after the add,
# and the add's rate as a share of it: on a shared machine whose speed
# drifts, that ratio is what compares; the last part's peer is also shown as
# the tool reports it), then times Q single-story `reprint query` processes
# (half stories new to the archive, half archived ones) and prints the
# median and p99 wall time, first with the page cache dropped (when run as
# root), then warm. Defaults: N=100000, P=5, Q=200,
# DIR=/tmp/reprint-index-bench.
# With perf(1) available, the CPU time of each query process (task-clock) is
# measured too, in a second pass: on a machine shared with other jobs the
# wall times mostly measure the wait for a core. --query-only re-times the
# queries against the archive and query stories left in DIR by a full run.
# --compact runs `reprint index compact` (timed: wall, CPU, peak RSS) on the
# archive before the queries, merging its bucket index into one run.
# --url-ids gives the documents URL-like ids in an order unrelated to the
# feed's (https://news.example.com/story/<8 hex digits>-<line number>), as
# real feeds have, instead of the generator's ascending doc0, doc1...
# (docs/design/archive.md, "Ids through the runs").
# REPRINT_BIN=path benchmarks another reprint binary (e.g. an older build).
set -euo pipefail

docs=100000
parts=5
queries=200
notext=()
corpus=""
work=/tmp/reprint-index-bench
keep=0
query_only=0
compact=0
url_ids=0
while [ $# -gt 0 ]; do
    case "$1" in
        --docs) docs=$2; shift 2 ;;
        --parts) parts=$2; shift 2 ;;
        --queries) queries=$2; shift 2 ;;
        --no-text) notext=(--no-text); shift ;;
        --corpus) corpus=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --query-only) query_only=1; shift ;;
        --compact) compact=1; shift ;;
        --url-ids) url_ids=1; shift ;;
        *) echo "usage: $0 [--docs N] [--parts P] [--queries Q] [--no-text] [--corpus FILE] [--work DIR] [--keep] [--query-only] [--compact] [--url-ids]" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --release --locked --bin reprint --example gen_corpus >&2
bin="${REPRINT_BIN:-$root/target/release/reprint}"
gen="$root/target/release/examples/gen_corpus"

mkdir -p "$work"
db="$work/archive.db"
qfile="$work/queries.jsonl"
if [ "$query_only" = 0 ]; then
if [ -z "$corpus" ]; then
    corpus="$work/corpus-$docs.jsonl"
    [ -s "$corpus" ] || "$gen" --docs "$docs" --out "$corpus" >&2
fi
rm -f "$db" "$db-wal" "$db-shm" "$work"/part_*.jsonl
per=$(( (docs + parts - 1) / parts ))
ids() { # the documents as they are, or with --url-ids their ids rewritten
    if [ "$url_ids" = 0 ]; then
        cat
    else
        # A multiplicative hash of the line number (exact in awk's doubles),
        # printed as two 16-bit halves (mawk's %x takes 32-bit signed ints).
        # index/substr, not sub(): a regex over 5 KB lines made this 30x
        # slower. A quote inside a JSON string is escaped, so the first
        # `"id":"` is the field's.
        awk '{
            h = (NR * 2654435761) % 4294967296
            id = sprintf("\"id\":\"https://news.example.com/story/%04x%04x-%d\"", int(h / 65536), h % 65536, NR)
            p = index($0, "\"id\":\"")
            if (p == 0) { print; next }
            rest = substr($0, p + 6)
            print substr($0, 1, p - 1) id substr(rest, index(rest, "\"") + 1)
        }'
    fi
}
head -n "$docs" "$corpus" | ids | split -l "$per" -d -a 3 --additional-suffix=.jsonl - "$work/part_"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
ids_note=""
[ "$url_ids" = 0 ] || ids_note=", URL-like ids in random order"
echo "archive: $docs documents in $parts adds${notext:+ (${notext[*]})}$ids_note"
printf '%-14s %9s %8s %9s %10s %10s %6s\n' part docs wall_s cpu_s docs_per_s peer_docs_s ratio
for p in "$work"/part_*.jsonl; do
    n=$(wc -l < "$p")
    t0=$EPOCHREALTIME
    cpu=$( { /usr/bin/time -f '%U %S' "$bin" index add -q "${notext[@]}" "$db" "$p" 2>&1 >/dev/null; } | tail -n 1)
    t1=$EPOCHREALTIME
    # The peer, right after: the same part read and fingerprinted by the
    # same binary, nothing written (whole process, as the add is timed).
    /usr/bin/time -f '  (%e s wall, %U s user + %S s sys)' "$bin" index add --fingerprint-only "${notext[@]}" "$db" "$p" > "$work/peer.txt" 2>&1 || true
    t2=$EPOCHREALTIME
    awk -v n="$n" -v a="$t0" -v b="$t1" -v e="$t2" -v c="$cpu" -v name="$(basename "$p")" 'BEGIN {
        split(c, u, " "); w = b - a; f = e - b;
        printf "%-14s %9d %8.2f %9.2f %10.0f %10.0f %6.2f\n", name, n, w, u[1] + u[2], n / w, n / f, f / w }'
done
last=$(ls "$work"/part_*.jsonl | tail -n 1)
echo "fingerprinting only (same code, nothing written), last part (its peer above):"
sed 's/^reprint/  reprint/' "$work/peer.txt"
bytes=$(( $(stat -c %s "$db") + $( [ -f "$db-wal" ] && stat -c %s "$db-wal" || echo 0) ))
echo "archive size: $bytes bytes ($(( bytes / 1048576 )) MiB)"
"$bin" index stats "$db" | sed 's/^/  /'

# Query stories: half new (another seed), half already archived.
"$gen" --docs $(( queries * 3 )) --seed 77 --out "$work/new.jsonl" >&2
{ head -n $(( queries / 2 )) "$work/new.jsonl"; head -n $(( queries - queries / 2 )) "$last"; } > "$qfile"
fi
if [ "$compact" = 1 ]; then
    out=$( { /usr/bin/time -f '%e %U %S %M' "$bin" index compact -q --json "$db" 2>&1; } )
    runs=$(printf '%s\n' "$out" | head -n 1 | sed 's/.*"runs_before":\([0-9]*\).*/\1/')
    t=$(printf '%s\n' "$out" | tail -n 1)
    awk -v t="$t" -v r="$runs" 'BEGIN { split(t, u, " ");
        printf "compact: %d runs merged into 1 in %.2f s wall, %.2f s CPU, peak RSS %d MB\n", r, u[1], u[2] + u[3], u[4] / 1024 }'
fi
# One `index stats` (it counts every stored row: slow on a large archive).
stats=$("$bin" index stats "$db")
echo "archive: $(stat -c %s "$db") bytes; $(printf '%s\n' "$stats" | sed -n 2p); $(printf '%s\n' "$stats" | grep '^runs' | cut -c14- | cut -d' ' -f1) runs"
head -n 1 "$qfile" > "$work/story.jsonl"
summarise() { # file of per-query milliseconds, label: median, p99, max
    sort -n "$1" | awk -v label="$2" '{ v[NR] = $1 } END {
        med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
        p99 = v[int(NR * 0.99 + 0.999999)];
        printf "query: %d stories, one process each: median %.1f ms, p99 %.1f ms, max %.1f ms (%s)\n", NR, med, p99, v[NR], label }'
}
time_queries() { # label: one query process per story, wall times summarised
    local times="$work/query_ms.txt"
    : > "$times"
    while IFS= read -r line; do
        printf '%s\n' "$line" > "$work/story.jsonl"
        t0=$EPOCHREALTIME
        "$bin" query -q --format jsonl "$db" "$work/story.jsonl" > /dev/null
        t1=$EPOCHREALTIME
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >> "$times"
    done < "$qfile"
    summarise "$times" "$1"
}
# Cold: the archive starts out of the page cache (dropping it needs root),
# as for an archive larger than memory or one not read for a while.
if [ -w /proc/sys/vm/drop_caches ]; then
    sync
    echo 3 > /proc/sys/vm/drop_caches
    time_queries "wall, page cache dropped first"
else
    echo "query: cold pass skipped (cannot write /proc/sys/vm/drop_caches: not root)"
fi
"$bin" query -q --format jsonl "$db" "$work/story.jsonl" > /dev/null # warm the page cache
time_queries "wall"
if command -v perf > /dev/null && perf stat -x, -e task-clock -o /dev/null true 2> /dev/null; then
    cpu="$work/query_cpu_ms.txt"
    : > "$cpu"
    while IFS= read -r line; do
        printf '%s\n' "$line" > "$work/story.jsonl"
        perf stat -x, -e task-clock -o "$work/perf.txt" "$bin" query -q --format jsonl "$db" "$work/story.jsonl" > /dev/null
        grep task-clock "$work/perf.txt" | cut -d, -f1 >> "$cpu"
    done < "$qfile"
    summarise "$cpu" "CPU, task-clock"
fi
if [ "$keep" = 0 ]; then
    rm -f "$work"/part_*.jsonl "$work/new.jsonl"
fi
