#!/usr/bin/env bash
# Time the Spark chain (sign -> candidates.py -> verify -> clusters.py) in
# local mode on a generated corpus, next to `reprint scan` on the same input,
# and check that both give the same pairs and clusters. Prints one line per
# step (wall seconds, peak RSS of the reprint steps) and the shuffle bytes
# Spark wrote (from its event logs).
#
#   DOCS=1000000 benches/spark/run.sh            # WORK=/tmp/reprint-spark-bench, SHARDS=1
#   SKIP_SCAN=1 DOCS=... benches/spark/run.sh    # the chain alone
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
DOCS="${DOCS:-100000}"
SHARDS="${SHARDS:-1}"
WORK="${WORK:-/tmp/reprint-spark-bench}"
DRIVER_MEMORY="${DRIVER_MEMORY:-12g}"
PARTITIONS="${PARTITIONS:-64}"
mkdir -p "$WORK"
bash spark/setup.sh >/dev/null
export PATH="${REPRINT_SPARK_VENV:-$root/.venv-spark}/bin:$PATH"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --locked --quiet --bin reprint --example gen_corpus
R="$root/target/release/reprint"
corpus="$WORK/corpus-$DOCS.jsonl"
[ -s "$corpus" ] || target/release/examples/gen_corpus --docs "$DOCS" --out "$corpus" --seed 3
rm -rf "$WORK/sigs" "$WORK/pairs" "$WORK/clusters" "$WORK/events"
mkdir -p "$WORK/events"

step() { # name, command...: wall seconds and peak RSS on stderr, into $WORK/times
    local name="$1"; shift
    /usr/bin/time -f "$name %e s %M KB" -a -o "$WORK/times" "$@"
}
: > "$WORK/times"
spark=(spark-submit --master 'local[2]' --driver-memory "$DRIVER_MEMORY"
       --conf spark.sql.shuffle.partitions="$PARTITIONS" --conf spark.ui.enabled=false
       --conf spark.eventLog.enabled=true --conf spark.eventLog.dir="file://$WORK/events")

if [ -z "${SKIP_SCAN:-}" ]; then
    step scan "$R" scan "$corpus" --format json --quiet > "$WORK/scan.json"
fi
for i in $(seq 0 $((SHARDS - 1))); do
    step "sign-$i/$SHARDS" "$R" sign "$corpus" --out "$WORK/sigs" --shard "$i/$SHARDS" --quiet
done
step candidates.py "${spark[@]}" spark/candidates.py "$WORK/sigs" "$WORK/pairs" 2>"$WORK/candidates.log" | tail -1
step verify "$R" verify "$WORK/pairs" --corpus "$corpus" --format jsonl --quiet > "$WORK/verified.jsonl"
step clusters.py "${spark[@]}" spark/clusters.py "$WORK/verified.jsonl" "$WORK/clusters" --sigs "$WORK/sigs" 2>"$WORK/clusters.log" | tail -1
cat "$WORK/times"
echo "sizes: corpus $(du -sb "$corpus" | cut -f1) B, sigs/bands $(du -sb "$WORK/sigs/bands" | cut -f1) B, sigs/docs $(du -sb "$WORK/sigs/docs" | cut -f1) B, pairs $(du -sb "$WORK/pairs" | cut -f1) B, verified $(du -sb "$WORK/verified.jsonl" | cut -f1) B"
python3 "$root/benches/spark/compare.py" "$WORK"
