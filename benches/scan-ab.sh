#!/usr/bin/env bash
# Two reprint binaries' `scan CORPUS --format json --quiet`, runs alternated
# (A B A B ...), timed by GNU time: each round's wall and CPU (user + sys)
# seconds and peak RSS, then the medians and B's ratio to A. On a shared
# machine the ratio of alternated runs is the number to quote.
# TOGETHER=1 runs A and B at the same time instead, one rayon thread each,
# so both see the same load from the rest of the machine (CPU ratios then;
# wall times are those of one thread).
#
#   [TOGETHER=1] benches/scan-ab.sh CORPUS ROUNDS BINARY_A BINARY_B
set -euo pipefail
[[ $# -eq 4 ]] || { echo "usage: $0 CORPUS ROUNDS BINARY_A BINARY_B" >&2; exit 2; }
corpus=$1 rounds=$2 a=$3 b=$4
cpu_a=() cpu_b=() wall_a=() wall_b=()
# one BINARY: "wall cpu rss_kb" of one scan
one() {
    /usr/bin/time -f "%e %U %S %M" "$1" scan "$corpus" --format json --quiet 2>&1 >/dev/null |
        tail -1 | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}'
}
median() { printf "%s\n" "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for i in $(seq "$rounds"); do
    if [[ "${TOGETHER:-0}" == 1 ]]; then
        ta=$(mktemp) tb=$(mktemp)
        RAYON_NUM_THREADS=1 one "$a" >"$ta" &
        RAYON_NUM_THREADS=1 one "$b" >"$tb" &
        wait
        read -r wa ca ma <"$ta"
        read -r wb cb mb <"$tb"
        rm -f "$ta" "$tb"
    else
        read -r wa ca ma < <(one "$a")
        read -r wb cb mb < <(one "$b")
    fi
    echo "round $i: A wall $wa cpu $ca rss ${ma}KB | B wall $wb cpu $cb rss ${mb}KB | cpu B/A $(awk -v x="$cb" -v y="$ca" 'BEGIN{printf "%.3f", x/y}')"
    cpu_a+=("$ca"); cpu_b+=("$cb"); wall_a+=("$wa"); wall_b+=("$wb")
done
ca=$(median "${cpu_a[@]}"); cb=$(median "${cpu_b[@]}")
wa=$(median "${wall_a[@]}"); wb=$(median "${wall_b[@]}")
echo "median CPU s: A $ca B $cb, B/A $(awk -v x="$cb" -v y="$ca" 'BEGIN{printf "%.3f", x/y}')"
echo "median wall s: A $wa B $wb, B/A $(awk -v x="$wb" -v y="$wa" 'BEGIN{printf "%.3f", x/y}')"
