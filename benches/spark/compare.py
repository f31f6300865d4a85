"""Compare the Spark chain's output in WORK with scan's (WORK/scan.json), and
sum the shuffle bytes in WORK/events (Spark event logs). Exit 1 on a
difference."""

import glob
import json
import sys

work = sys.argv[1]
shuffle = {}
for log in glob.glob(f"{work}/events/*"):
    name, written = log, 0
    with open(log) as f:
        for line in f:
            if '"SparkListenerApplicationStart"' in line:
                name = json.loads(line)["App Name"]
            elif '"SparkListenerTaskEnd"' in line:
                m = json.loads(line).get("Task Metrics") or {}
                written += (m.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)
    shuffle[name] = written
print("shuffle bytes written:", json.dumps(shuffle))

try:
    scan = json.load(open(f"{work}/scan.json"))
except FileNotFoundError:
    print("no scan.json: comparison skipped")
    sys.exit(0)
key = lambda p: (p["a"], p["b"])
want = {key(p): p for p in scan["pairs"]}
got = {}
for line in open(f"{work}/verified.jsonl"):
    p = json.loads(line)
    got[key(p)] = p
fields = ["relation", "jaccard", "containment_a_in_b", "containment_b_in_a", "shingles_a", "shingles_b", "shared"]
bad = [k for k in want if k not in got or any(got[k][f] != want[k][f] for f in fields)]
extra = [k for k in got if k not in want]
clusters = []
for part in sorted(glob.glob(f"{work}/clusters/part-*")):
    clusters += [json.loads(l) for l in open(part) if l.strip()]
clusters.sort(key=lambda c: c["id"])
same_clusters = [(c["members"], c["representative"]) for c in clusters] == [
    (c["members"], c["representative"]) for c in scan["clusters"]
]
print(
    f"scan: {len(want)} pairs, {len(scan['clusters'])} clusters; chain: {len(got)} pairs, "
    f"{len(clusters)} clusters; pairs differing {len(bad)}, extra {len(extra)}, "
    f"clusters {'equal' if same_clusters else 'DIFFER'}"
)
sys.exit(0 if not bad and not extra and same_clusters else 1)
