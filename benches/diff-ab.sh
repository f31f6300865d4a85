#!/usr/bin/env bash
# Whole-process `reprint diff` time of two binaries, alternated: each round
# runs `diff A B --format json` 5 times per binary on the long pair and on
# the seed pair, and prints ms per run and the new/old ratio. Quote the
# median of the rounds' ratios.
# Usage: benches/diff-ab.sh OLD NEW LONG_A LONG_B [ROUNDS]
# (the 200 KB pair of benches/results/2026-12-07-diff-speed-2.md is made by
# benches/diff.rs's builder; any two long texts will do.)
set -euo pipefail
old=$1; new=$2; la=$3; lb=$4; rounds=${5:-7}
root="$(cd "$(dirname "$0")/.." && pwd)"
sa="$root/samples/telegraph-russia-hi-tech-arms.txt"
sb="$root/samples/repost-russia-hi-tech-arms.txt"
ms() { local s e; s=$(date +%s%N); for _ in 1 2 3 4 5; do "$1" diff "$2" "$3" --format json >/dev/null; done; e=$(date +%s%N); echo $(( (e - s) / 5000000 )); }
for r in $(seq "$rounds"); do
  a=$(ms "$old" "$la" "$lb"); b=$(ms "$new" "$la" "$lb")
  x=$(ms "$old" "$sa" "$sb"); y=$(ms "$new" "$sa" "$sb")
  echo "round $r long old $a new $b ratio $(echo "scale=3; $b/$a" | bc)  seed old $x new $y ratio $(echo "scale=3; $y/$x" | bc)"
done
