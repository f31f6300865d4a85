"""Band join: candidate pairs from `reprint sign` output, on any Spark cluster.

    spark-submit spark/candidates.py sigs/ pairs/

Reads sigs/docs and sigs/bands (Parquet, see docs/formats.md "Spark data layout") and
does what `reprint scan` does between fingerprints and verification:

1. Exact copies: documents with at least one shingle are grouped by the hash
   of their normalized text; each later copy pairs with the first (lowest
   input position) and only first copies go on to the band join.
2. Band join: documents sharing a band key in a band are candidates. Buckets
   (band, key) holding more than max_bucket documents are skipped, the same
   cap as scan's --max-bucket (taken from sigs/manifest.json).
3. Pairs are de-duplicated across bands, a < b by input position.

Writes pairs/candidates (Parquet: a long, b long, exact boolean) and
pairs/manifest (sign's manifest, so `reprint verify` can check it was given
the same corpus and parameters). Prints counts on stdout.
"""

import json
import sys

from pyspark import StorageLevel
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F


def main(sigs, out):
    spark = SparkSession.builder.appName("reprint-candidates").getOrCreate()
    manifest_text = spark.read.text(f"{sigs}/manifest.json", wholetext=True).first()[0]
    manifest = json.loads(manifest_text)
    max_bucket = int(manifest["parameters"]["max_bucket"])

    docs = spark.read.parquet(f"{sigs}/docs").select("doc", "shingles", "text_hash")
    bands = spark.read.parquet(f"{sigs}/bands")

    # 1. Exact copies (scan skips documents without shingles altogether).
    signed = docs.filter(F.col("shingles") > 0)
    first = signed.groupBy("text_hash").agg(F.min("doc").alias("first"))
    exact = (
        signed.join(first, "text_hash")
        .filter(F.col("doc") != F.col("first"))
        .select(F.col("first").alias("a"), F.col("doc").alias("b"), F.lit(True).alias("exact"))
    )

    # 2. Band join over first copies (later copies anti-joined away: they are
    # few), bucket sizes by a window over (band, key) so the self-join below
    # reuses that partitioning; singleton buckets dropped at once.
    rows = bands.join(exact.select(F.col("b").alias("doc")), "doc", "left_anti")
    bucket = Window.partitionBy("band", "key")
    shared = (
        rows.withColumn("n", F.count("*").over(bucket))
        .filter(F.col("n") >= 2)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    skipped = (
        shared.filter(F.col("n") > max_bucket)
        .groupBy("band", "key")
        .agg(F.max("n").alias("n"))
        .agg(F.count("*").alias("buckets"), F.max("n").alias("largest"))
    )
    kept = shared.filter(F.col("n") <= max_bucket).select("band", "key", "doc")
    x, y = kept.alias("x"), kept.alias("y")
    candidates = (
        x.join(
            y,
            (F.col("x.band") == F.col("y.band"))
            & (F.col("x.key") == F.col("y.key"))
            & (F.col("x.doc") < F.col("y.doc")),
        )
        .select(F.col("x.doc").alias("a"), F.col("y.doc").alias("b"))
        .distinct()  # 3. one row per pair, whatever the number of shared bands
        .withColumn("exact", F.lit(False))
    )

    candidates.unionByName(exact).write.mode("overwrite").parquet(f"{out}/candidates")
    spark.createDataFrame([(manifest_text,)], "value string").coalesce(1).write.mode(
        "overwrite"
    ).text(f"{out}/manifest")

    written = spark.read.parquet(f"{out}/candidates")
    counts = written.groupBy("exact").count().collect()
    by = {r["exact"]: r["count"] for r in counts}
    s = skipped.first()
    print(
        json.dumps(
            {
                "candidates": by.get(False, 0),
                "exact_copies": by.get(True, 0),
                "skipped_buckets": s["buckets"],
                "largest_skipped_bucket": s["largest"] or 0,
                "max_bucket": max_bucket,
            }
        )
    )
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: spark-submit spark/candidates.py SIGS_DIR PAIRS_DIR")
    main(sys.argv[1], sys.argv[2])
