#!/usr/bin/env bash
# dedup at defaults under /usr/bin/time -v, with a per-second RSS trace and a guard:
#
#   benches/peers/dedup-rss.sh REPRINT CORPUS.jsonl OUTDIR [LIMIT_MB] [TAG]
#
# Writes OUTDIR/TAG.{time,err,trace,md5,nremoved}; the trace's lines are "seconds rss_mb
# available_mb". The dedup (only it, by pid) is killed past LIMIT_MB of RSS (default 21000) or
# when MemAvailable drops under 800 MB, so a run that does not fit never brings the host down.
# The clean and removed outputs are deleted after their md5 and the removed count are taken.
set -u
bin=$1 c=$2 d=$3 lim=${4:-21000} tag=${5:-dedup}
mkdir -p "$d"
nice -n 19 /usr/bin/time -v -o "$d/$tag.time" "$bin" dedup "$c" -o "$d/$tag.clean" \
    --removed "$d/$tag.removed" --quiet 2>"$d/$tag.err" &
tpid=$!
pid=
while [[ -z $pid ]] && kill -0 $tpid 2>/dev/null; do pid=$(pgrep -P $tpid); sleep 0.2; done
t0=$SECONDS
: >"$d/$tag.trace"
while [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; do
    kb=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null)
    av=$(awk '/^MemAvailable/ {print $2}' /proc/meminfo)
    echo "$((SECONDS - t0)) $((${kb:-0} / 1024)) $((av / 1024))" >>"$d/$tag.trace"
    if ((${kb:-0} > lim * 1024 || av < 800 * 1024)); then
        echo "guard: killed $pid at $((kb / 1024)) MB (available $((av / 1024)) MB) after $((SECONDS - t0)) s" >>"$d/$tag.trace"
        kill -9 "$pid"
    fi
    sleep 1
done
wait $tpid
md5sum "$d/$tag.clean" "$d/$tag.removed" >"$d/$tag.md5" 2>/dev/null
wc -l <"$d/$tag.removed" >"$d/$tag.nremoved" 2>/dev/null
rm -f "$d/$tag.clean" "$d/$tag.removed"
