#!/usr/bin/env bash
# Side-by-side benchmark of `reprint scan` against the tools users would pick
# instead: datasketch (MinHash + MinHashLSH) and rensa (RMinHash +
# RMinHashLSH), doing the same job on the same generated corpus in one run.
# Prints a markdown table: median wall time, docs/s, MB/s of text, peak RSS,
# and each peer's time as a multiple of reprint's.
#
#   benches/peers/run.sh            # 100k docs (peers timed as configured below)
#   DOCS=10000 benches/peers/run.sh
#   benches/peers/run.sh --scale    # reprint alone at 10k, 100k and 1M docs, with
#                                   # candidate pairs verified per document, and
#                                   # `dedup` time and peak RSS
#   SHAPE=wire benches/peers/run.sh --scale   # the same on short wire copy
#
# Settings (environment):
#   DOCS=100000          corpus size
#   RUNS=3               timed runs per tool (median reported)
#   PEER_RUNS=$RUNS      timed runs per peer
#   DATASKETCH_DOCS=5000 datasketch is timed on the first N documents only
#                        (it runs at ~100 docs/s); its time at DOCS is then
#                        extrapolated linearly and labelled so
#   RENSA_DOCS=$DOCS     likewise for rensa
#   SCALE_SIZES="10000 100000 1000000"   sizes for --scale
#   SHAPE=news           gen_corpus --shape: news (4.5 KB documents, 30% variants)
#                        or wire (~1 KB stories, each with 3 near copies)
#   SCAN=1 DEDUP=1       --scale: time `scan`, `dedup` (0 skips either)
#   DEDUP_ARGS=          extra `dedup` options (e.g. "--num-perm 128")
#   MEM_LIMIT_MB=        kill a measured command whose RSS passes this (a guard
#                        for runs that may not fit; the run then fails)
#   CORPUS=file.jsonl    use this corpus instead of generating one
#   WORK=target/peers    venv, corpora and outputs
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
WORK=${WORK:-$ROOT/target/peers}
DOCS=${DOCS:-100000}
RUNS=${RUNS:-3}
PEER_RUNS=${PEER_RUNS:-$RUNS}
DATASKETCH_DOCS=${DATASKETCH_DOCS:-5000}
RENSA_DOCS=${RENSA_DOCS:-$DOCS}
SCALE_SIZES=${SCALE_SIZES:-"10000 100000 1000000"}
SHAPE=${SHAPE:-news}
SCAN=${SCAN:-1}
DEDUP=${DEDUP:-1}
MEM_LIMIT_MB=${MEM_LIMIT_MB:-}
read -r -a DEDUP_ARGS <<<"${DEDUP_ARGS:-}"
DATASKETCH_VERSION=2.0.0
RENSA_VERSION=0.5.0
MODE=compare
[[ "${1:-}" == "--scale" ]] && MODE=scale
mkdir -p "$WORK"

log() { echo "# $*" >&2; }

# --- tools -----------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null
fi
VENV=$WORK/venv
PY=$VENV/bin/python
if [[ "$MODE" == compare ]]; then
    if ! "$PY" -c "import datasketch, rensa" 2>/dev/null ||
        [[ "$("$PY" -c 'import importlib.metadata as m; print(m.version("datasketch"), m.version("rensa"))')" != "$DATASKETCH_VERSION $RENSA_VERSION" ]]; then
        log "creating virtualenv $VENV (datasketch==$DATASKETCH_VERSION rensa==$RENSA_VERSION)"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade pip
        "$VENV/bin/pip" install -q "datasketch==$DATASKETCH_VERSION" "rensa==$RENSA_VERSION"
    fi
fi
log "building reprint (release)"
if [[ -n "${CORPUS:-}" ]]; then
    cargo build --release -q --bin reprint
else
    cargo build --release -q --bin reprint --example gen_corpus
fi
REPRINT=$ROOT/target/release/reprint
GEN=$ROOT/target/release/examples/gen_corpus

# --- helpers -----------------------------------------------------------------
corpus_of() { # size -> path of a corpus with that many documents
    if [[ -n "${CORPUS:-}" ]]; then
        echo "$CORPUS"
        return
    fi
    local f=$WORK/corpus-$1.jsonl
    [[ "$SHAPE" == news ]] || f=$WORK/corpus-$SHAPE-$1.jsonl
    if [[ ! -s "$f" ]]; then
        log "generating $1 documents -> $f"
        "$GEN" --shape "$SHAPE" --docs "$1" --out "$f.tmp" >&2
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}

subset() { # corpus n -> path of its first n records
    local src=$1 n=$2
    local total
    total=$(grep -c . "$src")
    if ((n >= total)); then
        echo "$src"
        return
    fi
    local f=$WORK/$(basename "$src" .jsonl)-first$n.jsonl
    [[ -s "$f" ]] || grep . "$src" | head -n "$n" >"$f"
    echo "$f"
}

text_bytes() { # corpus -> bytes of document text (UTF-8), and documents
    python3 -c '
import json, sys
n = b = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        n += 1; b += len(json.loads(line)["text"].encode("utf-8"))
print(b, n)' "$1"
}

# measure NAME RUNS CMD... -> "median_seconds max_rss_kb median_cpu_seconds";
# outputs in $WORK/NAME.*
measure() {
    local name=$1 runs=$2
    shift 2
    local secs=() cpus=() rss=0 i
    for ((i = 1; i <= runs; i++)); do
        /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
        local tp=$! gp=
        if [[ -n "$MEM_LIMIT_MB" ]]; then
            guard "$tp" &
            gp=$!
        fi
        wait "$tp" || {
            log "$name failed:"
            tail -5 "$WORK/$name.err" >&2
            exit 1
        }
        if [[ -n "$gp" ]]; then
            kill "$gp" 2>/dev/null || true
        fi
        local wall kb
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s }' "$WORK/$name.time")
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
        cpus+=("$(awk -F': ' '/(User|System) time/ {s += $2} END {print s}' "$WORK/$name.time")")
        secs+=("$wall")
        ((kb > rss)) && rss=$kb
        log "$name run $i/$runs: ${wall}s, peak RSS $((kb / 1024)) MB"
    done
    echo "$(median "${secs[@]}") $rss $(median "${cpus[@]}")"
}

median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
        if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

guard() { # time_pid: kill the command it measures once its RSS passes MEM_LIMIT_MB
    local c kb
    while kill -0 "$1" 2>/dev/null; do
        for c in $(pgrep -P "$1"); do
            kb=$(awk '/^VmRSS/ {print $2}' "/proc/$c/status" 2>/dev/null || true)
            if ((${kb:-0} > MEM_LIMIT_MB * 1024)); then
                log "RSS $((kb / 1024)) MB passed MEM_LIMIT_MB=$MEM_LIMIT_MB: killing $c"
                kill -9 "$c"
            fi
        done
        sleep 0.5
    done
}

row() { # tool docs bytes secs rss_kb ratio note
    awk -v tool="$1" -v n="$2" -v b="$3" -v s="$4" -v kb="$5" -v ratio="$6" -v note="$7" 'BEGIN {
        printf "| %s | %d | %.2f | %.0f | %.1f | %.0f | %s | %s |\n",
            tool, n, s, n / s, b / 1e6 / s, kb / 1024, ratio, note }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

machine() {
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
        "$(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo); $(uname -sr)"
}

# --- scale mode ----------------------------------------------------------------
if [[ "$MODE" == scale ]]; then
    echo
    machine
    echo
    echo "| docs | text MB | median s | CPU s | docs/s | MB/s | peak RSS MB | RSS bytes/doc | candidates/doc | word candidates/doc | pairs | dedup s | dedup CPU s | dedup MB/s | dedup peak RSS MB | removed |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $SCALE_SIZES; do
        c=$(corpus_of "$n")
        read -r bytes docs < <(text_bytes "$c")
        runs=$RUNS
        ((n >= 1000000)) && runs=1
        scan="| n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a |"
        if [[ "$SCAN" != 0 ]]; then
            read -r s kb cpu < <(measure "reprint-scale-$n" "$runs" "$REPRINT" scan "$c" --format json --quiet)
            # Candidate pairs verified (character and word), per document.
            read -r cands words pairs < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["stats"]["candidates"], r["stats"]["word_candidates"], len(r["pairs"]))' "$WORK/reprint-scale-$n.out")
            rm -f "$WORK/reprint-scale-$n.out"
            scan=$(awk -v n="$docs" -v b="$bytes" -v s="$s" -v cpu="$cpu" -v kb="$kb" -v c="$cands" -v w="$words" -v p="$pairs" 'BEGIN {
                printf "| %.2f | %.2f | %.0f | %.1f | %.0f | %.0f | %.2f | %.2f | %d |",
                    s, cpu, n / s, b / 1e6 / s, kb / 1024, kb * 1024 / n, c / n, w / n, p }')
        fi
        dedup="| n/a | n/a | n/a | n/a | n/a |"
        if [[ "$DEDUP" != 0 ]]; then
            d=$WORK/dedup-$n
            read -r s kb cpu < <(measure "reprint-dedup-$n" "$runs" "$REPRINT" dedup "$c" -o "$d.clean.jsonl" --removed "$d.removed.jsonl" ${DEDUP_ARGS[@]+"${DEDUP_ARGS[@]}"})
            removed=$(grep -c . "$d.removed.jsonl" || true)
            rm -f "$d.clean.jsonl" "$d.removed.jsonl"
            dedup=$(awk -v b="$bytes" -v s="$s" -v cpu="$cpu" -v kb="$kb" -v r="$removed" 'BEGIN {
                printf "| %.2f | %.2f | %.1f | %.0f | %d |", s, cpu, b / 1e6 / s, kb / 1024, r }')
        fi
        awk -v n="$docs" -v b="$bytes" 'BEGIN { printf "| %d | %.0f ", n, b / 1e6 }'
        echo "$scan ${dedup#| }"
    done
    echo
    echo "reprint $(git -C "$ROOT" rev-parse --short HEAD), gen_corpus --shape $SHAPE: scan CORPUS --format json --quiet;"\
        "dedup CORPUS -o CLEAN --removed REMOVED${DEDUP_ARGS[*]:+ ${DEDUP_ARGS[*]}}; median of $RUNS runs (1 run at 1M docs or more)."
    exit 0
fi

# --- compare mode --------------------------------------------------------------
C=$(corpus_of "$DOCS")
read -r BYTES N < <(text_bytes "$C")
log "corpus $C: $N documents, $((BYTES / 1000000)) MB of text"
PEERS=$ROOT/benches/peers/peers.py

read -r R_S R_KB _ < <(measure reprint "$RUNS" "$REPRINT" scan "$C" --format json --quiet)
R_PAIRS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["pairs"]))' "$WORK/reprint.out")

ROWS=()
ROWS+=("$(row "reprint $(git -C "$ROOT" rev-parse --short HEAD)" "$N" "$BYTES" "$R_S" "$R_KB" "1.0x" "$R_PAIRS pairs reported")")
NOTES=()

peer() { # name subset_docs
    local name=$1 want=$2 c n b s kb pairs
    c=$(subset "$C" "$want")
    read -r b n < <(text_bytes "$c")
    read -r s kb _ < <(measure "$name" "$PEER_RUNS" "$PY" "$PEERS" "$name" "$c")
    pairs=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())["pairs"])' "$WORK/$name.out")
    if ((n == N)); then
        ROWS+=("$(row "$name $(version "$name")" "$n" "$b" "$s" "$kb" "$(ratio "$s" "$R_S")" "$pairs pairs reported")")
    else
        # Timed on a prefix: reprint on the same prefix gives a measured
        # ratio; the full-size time is a linear extrapolation, labelled so.
        local rs rkb est
        read -r rs rkb _ < <(measure "reprint-first$n" "$RUNS" "$REPRINT" scan "$c" --format json --quiet)
        ROWS+=("$(row "reprint (first $n docs)" "$n" "$b" "$rs" "$rkb" "1.0x" "same prefix as $name")")
        ROWS+=("$(row "$name $(version "$name")" "$n" "$b" "$s" "$kb" "$(ratio "$s" "$rs")" "measured on the first $n docs; $pairs pairs")")
        est=$(awk -v s="$s" -v n="$n" -v N="$N" 'BEGIN { print s * N / n }')
        ROWS+=("$(awk -v tool="$name" -v n="$n" -v N="$N" -v B="$BYTES" -v s="$est" -v r="$(ratio "$est" "$R_S")" 'BEGIN {
            printf "| %s, **extrapolated** | %d | ~%.0f | ~%.0f | ~%.2f | n/a | ~%s | linear extrapolation from %s docs, not measured |\n",
                tool, N, s, N / s, B / 1e6 / s, r, n }')")
    fi
}
version() { "$PY" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$1"; }

peer rensa "$RENSA_DOCS"
peer datasketch "$DATASKETCH_DOCS"

echo
machine
echo "Corpus: $N documents, $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB of text ($C)."
echo "Median of $RUNS runs (peers: $PEER_RUNS); wall time includes reading JSONL and, for the peers, Python shingling."
echo
echo "| tool | docs | median s | docs/s | MB/s | peak RSS MB | time vs reprint | note |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
