#!/usr/bin/env python3
"""Short-wire-copy development corpus for benches/wire/run.sh: every
Reuters-21578 story (title and body, about 1 KB, exact repeats dropped) plus
COPIES near copies of it, each with DROP of its words removed at random, all
in a seeded shuffled order, as JSONL {"id", "text"} on stdout or --out.

    benches/wire/gen.py [--data DIR] [--copies 3] [--drop 0.03] [--seed 1]
                        [--stories N] [--out FILE]

The corpus is derived from Reuters-21578 (research use only): write it under
target/, never into the repository.
"""

import argparse
import glob
import html
import json
import os
import random
import re
import sys

STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\">(.*?)</REUTERS>", re.S)
TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
TRAILER = re.compile(r"\s*(Reuter|REUTER)?\s*(&#3;)?\s*$")


def stories(data):
    """(newid, text) of each story with a body, exact repeats dropped."""
    seen = set()
    for path in sorted(glob.glob(os.path.join(data, "reut2-*.sgm"))):
        with open(path, encoding="latin-1") as f:
            sgml = f.read()
        for newid, block in STORY.findall(sgml):
            body = BODY.search(block)
            if not body:
                continue
            title = TITLE.search(block)
            text = TRAILER.sub("", body.group(1))
            if title:
                text = title.group(1).strip() + "\n\n" + text
            text = html.unescape(text)
            text = "".join(c for c in text if c >= " " or c in "\n\t")
            if len(text) < 200 or text in seen:
                continue
            seen.add(text)
            yield newid, text


def near_copy(text, drop, rng):
    """`text` with a share `drop` of its words (runs of non-space) removed."""
    parts = re.split(r"(\s+)", text)
    words = [i for i in range(0, len(parts), 2) if parts[i]]
    gone = set(rng.sample(words, max(1, round(len(words) * drop))))
    out = []
    for i, p in enumerate(parts):
        if i in gone:
            continue
        out.append(p)
    return re.sub(r"[ \t]{2,}", " ", "".join(out))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(root, "..", "shared", "data", "reuters21578"))
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--drop", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stories", type=int, default=0, help="only the first N stories")
    ap.add_argument("--out", help="write here (via a temp file) instead of stdout")
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f"gen.py: no Reuters-21578 folder at {args.data}")
    rng = random.Random(args.seed)
    docs = []
    for n, (newid, text) in enumerate(stories(args.data)):
        if args.stories and n >= args.stories:
            break
        docs.append({"id": f"r{newid}", "text": text})
        for c in range(1, args.copies + 1):
            docs.append({"id": f"r{newid}-c{c}", "text": near_copy(text, args.drop, rng)})
    rng.shuffle(docs)
    out = sys.stdout
    if args.out:
        tmp = args.out + ".tmp"
        out = open(tmp, "w", encoding="utf-8")
    for d in docs:
        out.write(json.dumps(d, ensure_ascii=False) + "\n")
    if args.out:
        out.close()
        os.replace(tmp, args.out)
    print(f"gen.py: {len(docs)} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
