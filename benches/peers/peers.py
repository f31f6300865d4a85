"""Peer pipelines for benches/peers/run.sh: the job `reprint scan` does, done
with datasketch (MinHash + MinHashLSH) or rensa (RMinHash + RMinHashLSH).

Same shingles as reprint, approximately: NFKC, casefold, non-alphanumerics
dropped and words joined without spaces, character 12-grams. Same num_perm
(256) and LSH threshold (0.2: 85 bands x 3 rows, as datasketch and reprint
choose; rensa needs num_perm divisible by the bands, so it gets 255 = 85 x 3,
exactly the rows the others use). Every
document is inserted, every document is queried, and each candidate pair is
verified exactly (Jaccard and containment on shingle sets) with reprint's
default floors. Prints one JSON line with counts; reported pairs go to --pairs.

    python peers.py datasketch|rensa CORPUS.jsonl [--docs N] [--pairs OUT]
"""

import argparse
import json
import re
import sys
import time
import unicodedata

import numpy as np

K = 12
NUM_PERM = 256
THRESHOLD = 0.2
BANDS = 85  # datasketch's optimal banding for (0.2, 256); rensa takes it as given
NEAR_DUPLICATE, REWRITE, MIN_SHARED = 0.8, 0.2, 100
NON_WORD = re.compile(r"[\W_]+")


def joined(text):
    """Normalized, space-free stream of a text."""
    return NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def shingles(text):
    s = joined(text)
    if len(s) <= K:
        return [s] if s else []
    return [s[i : i + K] for i in range(len(s) - K + 1)]


def read(path, limit):
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            ids.append(str(r.get("id", len(ids))))
            texts.append(r["text"])
            if limit and len(texts) >= limit:
                break
    return ids, texts


def signatures_datasketch(texts):
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    assert lsh.b == BANDS, (lsh.b, lsh.r)
    sigs = []
    with lsh.insertion_session() as session:
        for i, t in enumerate(texts):
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch([s.encode("utf-8") for s in shingles(t)])
            session.insert(i, m, check_duplication=False)
            sigs.append(m)
    cands = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                cands.add((i, j) if i < j else (j, i))
    return cands


def signatures_rensa(texts, chunk=2000):
    from rensa import RMinHash, RMinHashLSH

    perms = BANDS * (NUM_PERM // BANDS)
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=perms, num_bands=BANDS)
    sigs = []
    for start in range(0, len(texts), chunk):
        batch = [shingles(t) for t in texts[start : start + chunk]]
        mhs = RMinHash.from_token_sets(batch, perms, 42)
        lsh.insert_many(mhs, start)
        sigs.extend(mhs)
    cands = set()
    for i, keys in enumerate(lsh.query_all(sigs)):
        for j in keys:
            if j != i:
                cands.add((i, j) if i < j else (j, i))
    return cands


def verify(texts, cands):
    """Exact scores of candidate pairs on shingle sets, with reprint's floors."""
    needed = sorted({d for p in cands for d in p})
    sets = {}
    for d in needed:
        sets[d] = np.unique(np.fromiter((hash(s) for s in shingles(texts[d])), np.int64))
    norm = {}
    out = []
    for a, b in sorted(cands):
        sa, sb = sets[a], sets[b]
        # Sorted unique arrays: look each of A's hashes up in B.
        at = np.searchsorted(sb, sa)
        at[at == sb.size] = 0
        shared = int(np.count_nonzero(sb[at] == sa)) if sb.size else 0
        la, lb = sa.size, sb.size
        union = la + lb - shared
        jac = shared / union if union else 0.0
        cont = max(shared / la if la else 0.0, shared / lb if lb else 0.0)
        if a not in norm:
            norm[a] = joined(texts[a])
        if b not in norm:
            norm[b] = joined(texts[b])
        if norm[a] == norm[b]:
            rel = "exact"
        elif jac >= NEAR_DUPLICATE:
            rel = "near-duplicate"
        elif shared < MIN_SHARED:
            continue
        elif cont >= NEAR_DUPLICATE:
            rel = "contained"
        elif cont >= REWRITE:
            rel = "rewrite"
        else:
            continue
        out.append((a, b, rel, jac))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("peer", choices=["datasketch", "rensa"])
    ap.add_argument("corpus")
    ap.add_argument("--docs", type=int, default=0, help="only the first N records")
    ap.add_argument("--pairs", help="write reported pairs (a, b, relation) here")
    args = ap.parse_args()
    t0 = time.perf_counter()
    ids, texts = read(args.corpus, args.docs)
    t1 = time.perf_counter()
    run = signatures_datasketch if args.peer == "datasketch" else signatures_rensa
    cands = run(texts)
    t2 = time.perf_counter()
    pairs = verify(texts, cands)
    t3 = time.perf_counter()
    if args.pairs:
        with open(args.pairs, "w") as f:
            for a, b, rel, _ in pairs:
                f.write(f"{ids[a]}\t{ids[b]}\t{rel}\n")
    print(
        json.dumps(
            {
                "peer": args.peer,
                "documents": len(texts),
                "bytes": sum(len(t.encode("utf-8")) for t in texts),
                "candidates": len(cands),
                "pairs": len(pairs),
                "seconds": {
                    "read": round(t1 - t0, 3),
                    "shingle_minhash_lsh": round(t2 - t1, 3),
                    "verify": round(t3 - t2, 3),
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
