#!/usr/bin/env python3
"""Pairs a scan reports between *different* stories of a benches/wire/gen.py
corpus (ids rNEWID and rNEWID-cK share a story), and how many of them are
rewrites by alignment alone (containment under 0.2). For those, the share of
the derived story's number strings found in the other story: the data
behind a possible number-agreement rule (not built).

    reprint scan wire.jsonl --format json > scan.json
    benches/wire/template-pairs.py wire.jsonl scan.json
"""

import json
import re
import sys

NUM = re.compile(r"\d[\d.,/-]*")


def numbers(text):
    return {x.strip(".,-/") for x in NUM.findall(text)}


def main(corpus, scan):
    texts = {}
    for line in open(corpus, encoding="utf-8"):
        d = json.loads(line)
        texts[d["id"]] = d["text"]
    pairs = json.load(open(scan))["pairs"]
    story = lambda i: i.split("-")[0]
    cross = [p for p in pairs if story(p["a"]) != story(p["b"])]
    stories = {tuple(sorted((story(p["a"]), story(p["b"])))) for p in cross}
    alone = [p for p in cross if p["relation"] == "rewrite"
             and max(p["containment_a_in_b"], p["containment_b_in_a"]) < 0.2]
    shares = []
    for p in alone:
        na, nb = numbers(texts[p["a"]]), numbers(texts[p["b"]])
        o = p.get("origin")
        derived, source = (nb, na) if o == "a" else (na, nb) if o == "b" else \
            ((na, nb) if len(na) <= len(nb) else (nb, na))
        if len(derived) >= 2:
            shares.append(len(derived & source) / len(derived))
    print(f"pairs {len(pairs)}; between different stories {len(cross)} "
          f"({len(stories)} story pairs); rewrites by alignment alone {len(alone)}")
    print(f"of those with 2+ numbers: {len(shares)}; under half of the derived "
          f"story's numbers in the other: {sum(s < 0.5 for s in shares)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
