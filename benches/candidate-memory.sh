#!/usr/bin/env bash
# Peak RSS of `scan` on the pathological case of issue 34 item 6: N documents
# sharing one long paragraph (each with a short line of its own), masking
# off (--mask-share 1) and --max-bucket raised past N, so every band has one
# bucket of nearly all documents. Each binary runs under an address-space
# limit (default 8 GB) so that an unbounded one is stopped, not the machine.
#
#   benches/candidate-memory.sh [--docs N] [--limit-gb G] BINARY...
#
# Prints one line per binary: exit status, peak RSS (MB), wall seconds and
# the budget line it printed, if any.
set -euo pipefail
docs=50000
limit_gb=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --limit-gb) limit_gb="$2"; shift 2 ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [--docs N] [--limit-gb G] BINARY..." >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$docs" > "$work/feed.jsonl" <<'PY'
import json, sys
n = int(sys.argv[1])
words = "council budget vote harbour ferry schedule winter storm road closure minister said residents warned repairs weeks".split()
para = " ".join(words[(i * 7 + i // 5) % len(words)] for i in range(240))
for i in range(n):
    print(json.dumps({"id": f"d{i}", "text": f"{para}. Reported by desk {i} at {i * 37 % 1009}."}))
PY
echo "docs=$docs limit=${limit_gb}GB feed=$(du -h "$work/feed.jsonl" | cut -f1)"
for bin in "$@"; do
  start=$(date +%s.%N)
  set +e
  prlimit --as=$((limit_gb * 1024 * 1024 * 1024)) \
    /usr/bin/time -v "$bin" scan --format json --mask-share 1 --max-bucket 1000000 "$work/feed.jsonl" \
    > "$work/out.json" 2> "$work/err.txt"
  status=$?
  set -e
  end=$(date +%s.%N)
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print int($2 / 1024)}' "$work/err.txt")
  budget=$(grep -o 'candidate pair budget.*' "$work/err.txt" | head -1 || true)
  printf '%s: exit %s, peak RSS %s MB, %.1f s%s\n' "$bin" "$status" "${rss:-?}" \
    "$(echo "$end - $start" | bc)" "${budget:+; $budget}"
done
