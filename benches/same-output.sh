#!/usr/bin/env bash
# Checks that two reprint binaries write byte-identical outputs: scan, dedup,
# index/query and diff on samples/ and on a generated corpus. A refactor that
# must not change behaviour is compared this way.
#
#   benches/same-output.sh OLD_BINARY NEW_BINARY [CORPUS.jsonl]
#
# Without CORPUS, the samples alone are compared. Prints one line per check
# and exits 1 if any output differs.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=$(realpath "$1"); NEW=$(realpath "$2"); CORPUS=${3:-}
[ -n "$CORPUS" ] && CORPUS=$(realpath "$CORPUS")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
S=samples
T=$S/telegraph-russia-hi-tech-arms.txt
R=$S/repost-russia-hi-tech-arms.txt

# run NAME CMD...: runs CMD with $BIN set to each binary, in its own folder.
fails=0
run() {
    local name=$1; shift
    for side in old new; do
        local bin=$OLD; [ $side = new ] && bin=$NEW
        mkdir -p "$WORK/$side/$name"
        (cd "$ROOT" && BIN=$bin OUT="$WORK/$side/$name" bash -c "$*" \
            >"$WORK/$side/$name/stdout" 2>"$WORK/$side/$name/stderr"; echo $? >"$WORK/$side/$name/rc")
        # Output paths differ by side: name them alike.
        find "$WORK/$side/$name" -type f -exec sed -i "s#$WORK/$side#WORK#g" {} +
    done
    if diff -r "$WORK/old/$name" "$WORK/new/$name" >/dev/null; then
        echo "same      $name"
    else
        echo "DIFFERENT $name"; diff -r "$WORK/old/$name" "$WORK/new/$name" | head -20
        fails=$((fails + 1))
    fi
}

for f in table json jsonl csv; do
    run "scan-samples-$f" '$BIN scan samples/ --format '$f' --quiet'
    run "scan-feed-$f" '$BIN scan samples/feed.jsonl --format '$f' --quiet'
done
run scan-report '$BIN scan samples/feed.jsonl --quiet --report $OUT/report >/dev/null'
run dedup '$BIN dedup samples/feed.jsonl -o $OUT/kept.jsonl --removed $OUT/removed.jsonl --quiet'
run index-query '$BIN index add -q $OUT/a.db samples/feed.jsonl && $BIN query $OUT/a.db samples/feed.jsonl --format json && rm $OUT/a.db*'
# Every writer: each format of query, passages, dedup's annotated output.
for f in table jsonl csv; do
    run "index-query-$f" '$BIN index add -q $OUT/a.db samples/feed.jsonl && $BIN query $OUT/a.db samples/feed.jsonl --format '$f' && rm $OUT/a.db*'
done
run index-query-passages '$BIN index add -q $OUT/a.db samples/feed.jsonl && $BIN query $OUT/a.db samples/feed.jsonl --format json --passages && rm $OUT/a.db*'
run scan-passages '$BIN scan samples/feed.jsonl --format json --passages --quiet'
run dedup-annotate '$BIN dedup samples/feed.jsonl --annotate --removed $OUT/removed.jsonl --quiet'
for f in "" "--inline" "--format json" "--width 80" "--width 120"; do
    run "diff${f// /}" '$BIN diff '$T' '$R' '"$f"
done
run diff-html '$BIN diff '$T' '$R' --html $OUT/d.html'
if [ -n "$CORPUS" ]; then
    run corpus-scan-json '$BIN scan '"$CORPUS"' --format json --quiet'
    run corpus-scan-csv '$BIN scan '"$CORPUS"' --format csv --quiet'
    run corpus-dedup '$BIN dedup '"$CORPUS"' -o $OUT/kept.jsonl --removed $OUT/removed.jsonl --quiet'
    run corpus-index-query '$BIN index add -q $OUT/c.db '"$CORPUS"' && head -500 '"$CORPUS"' | $BIN query $OUT/c.db - --format json && rm $OUT/c.db*'
    run corpus-index-query-table-csv '$BIN index add -q $OUT/c.db '"$CORPUS"' && head -500 '"$CORPUS"' | $BIN query $OUT/c.db - && head -500 '"$CORPUS"' | $BIN query $OUT/c.db - --format csv && rm $OUT/c.db*'
    run corpus-scan-table '$BIN scan '"$CORPUS"' --quiet'
fi
echo "$fails differing"
[ $fails -eq 0 ]
