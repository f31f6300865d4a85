"""Connected components of verified pairs, at scale: clusters as `reprint scan`
reports them.

    spark-submit spark/clusters.py verified.jsonl clusters/ [--sigs sigs/]

Reads `reprint verify --format jsonl` output and finds connected components
with the large-star / small-star algorithm (Kiveris et al., "Connected
Components in MapReduce and Beyond", 2014): every round is two joins and two
group-bys over the edge list, and rounds repeat until the edges stop
changing (O(log n) rounds), all on the executors; nothing is collected to the
driver but one count per round.

Writes clusters/ as JSON lines, scan's cluster records:
{"id", "representative", "size", "members"}, members in input order and
clusters numbered by their first member, as in `scan --format json`.
The representative follows scan's rule: the member with the earliest date;
else the one holding most of the others (sum of containments), then the
longest text, then the earliest. Dates and text lengths come from
sigs/docs, so pass --sigs for scan's representatives; without it only
the containment sums and input order decide.
"""

import json
import sys

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F


def large_star(edges):
    """Connect every larger neighbour of u to the smallest node of u's
    neighbourhood (u included)."""
    both = edges.union(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
    m = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (
        both.filter(F.col("v") > F.col("u"))
        .join(m, "u")
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .distinct()
    )


def small_star(edges):
    """Connect u and every smaller neighbour of u to the smallest of them."""
    down = edges.select(
        F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")
    ).filter(F.col("u") != F.col("v"))
    m = down.groupBy("u").agg(F.min("v").alias("m"))
    moved = down.join(m, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
    own = m.select(F.col("u"), F.col("m").alias("v"))
    return moved.union(own).filter(F.col("u") != F.col("v")).distinct()


def components(edges):
    """(node, component root) for every node of `edges` (u, v longs); the
    root is the component's smallest node."""
    edges = edges.filter(F.col("u") != F.col("v")).distinct().localCheckpoint()
    rounds = 0
    while True:
        rounds += 1
        nxt = small_star(large_star(edges)).localCheckpoint()
        changed = nxt.exceptAll(edges).limit(1).count() + edges.exceptAll(nxt).limit(1).count()
        edges = nxt
        if changed == 0:
            break
    # At the fixed point every edge is (node, root) with root < node.
    roots = edges.select(F.col("v").alias("node")).distinct().withColumn("root", F.col("node"))
    return edges.select(F.col("u").alias("node"), F.col("v").alias("root")).union(roots), rounds


def main(verified, out, sigs=None):
    spark = SparkSession.builder.appName("reprint-clusters").getOrCreate()
    pairs = spark.read.json(verified)
    if "a_index" not in pairs.columns:  # no pairs at all: no clusters
        spark.createDataFrame([], "value string").write.mode("overwrite").text(out)
        print(json.dumps({"edges": 0, "clusters": 0, "rounds": 0}))
        spark.stop()
        return
    edges = pairs.select(F.col("a_index").alias("u"), F.col("b_index").alias("v"))
    comp, rounds = components(edges)

    ids = pairs.select(F.col("a_index").alias("node"), F.col("a").alias("id")).union(
        pairs.select(F.col("b_index").alias("node"), F.col("b").alias("id"))
    ).distinct()
    # How much of the other documents each member holds (scan's "holds").
    holds = (
        pairs.select(F.col("a_index").alias("node"), F.col("containment_b_in_a").alias("h"))
        .union(pairs.select(F.col("b_index").alias("node"), F.col("containment_a_in_b").alias("h")))
        .groupBy("node")
        .agg(F.sum("h").alias("holds"))
    )
    nodes = comp.join(ids, "node").join(holds, "node")
    if sigs:
        meta = spark.read.parquet(f"{sigs}/docs").select(
            F.col("doc").alias("node"), "date", "bytes"
        )
        nodes = nodes.join(meta, "node", "left")
    else:
        nodes = nodes.withColumn("date", F.lit(None).cast("string")).withColumn(
            "bytes", F.lit(0).cast("long")
        )

    # Scan's representative: earliest (date, position) among dated members;
    # else most held, then longest, then earliest position.
    by_root = Window.partitionBy("root")
    by_date = by_root.orderBy(F.col("date").asc_nulls_last(), F.col("node").asc())
    by_holds = by_root.orderBy(
        F.col("holds").desc(), F.col("bytes").desc(), F.col("node").asc()
    )
    dated = F.max(F.col("date").isNotNull().cast("int")).over(by_root)
    rep_rank = F.when(dated == 1, F.row_number().over(by_date)).otherwise(
        F.row_number().over(by_holds)
    )
    nodes = nodes.withColumn("rep", rep_rank == 1)

    clusters = nodes.groupBy("root").agg(
        F.sort_array(F.collect_list(F.struct("node", "id"))).alias("m"),
        F.max(F.when(F.col("rep"), F.col("id"))).alias("representative"),
    )
    # Number clusters by their first member (the root: the smallest node).
    numbered = (
        clusters.rdd.map(lambda r: (r["root"], r))
        .sortByKey()
        .zipWithIndex()
        .map(
            lambda t: json.dumps(
                {
                    "id": t[1],
                    "representative": t[0][1]["representative"],
                    "size": len(t[0][1]["m"]),
                    "members": [x["id"] for x in t[0][1]["m"]],
                }
            )
        )
    )
    spark.createDataFrame(numbered.map(lambda s: (s,)), "value string").write.mode(
        "overwrite"
    ).text(out)
    print(json.dumps({"edges": pairs.count(), "clusters": clusters.count(), "rounds": rounds}))
    spark.stop()


if __name__ == "__main__":
    args = sys.argv[1:]
    sigs = None
    if "--sigs" in args:
        i = args.index("--sigs")
        if i + 1 >= len(args):
            sys.exit("--sigs needs a folder")
        sigs = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit("usage: spark-submit spark/clusters.py VERIFIED_JSONL CLUSTERS_DIR [--sigs SIGS_DIR]")
    main(args[0], args[1], sigs)
