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
4. Word candidates (unless sign ran with --no-word-candidates): the same band
   join over sigs/word_bands (the coarser word signature, first copies only,
   the same bucket cap) gives pairs that scan keeps when their estimated word
   Jaccard (the agreeing share of the two docs.words signatures, 0 when either
   is missing) is at least the manifest's min_jaccard and they are not
   character candidates; over the budget max(pair_floor, int(pairs_per_doc *
   first copies)) only the highest estimates are kept, ties by (a, b), as
   scan's find_candidates does.

Writes pairs/candidates (Parquet: a long, b long, exact boolean, word boolean)
and pairs/manifest (sign's manifest, so `reprint verify` can check it was
given the same corpus and parameters). Prints counts on stdout.
"""

import json
import sys

from pyspark import StorageLevel
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F


# The sign layout this script reads (src/spark.rs LAYOUT_VERSION).
LAYOUT = 2


def band_pairs(rows, max_bucket):
    """Distinct pairs (a < b) sharing a (band, key) among `rows` (doc, band,
    key), buckets of more than max_bucket documents skipped; and those
    skipped buckets' (band, key, n)."""
    # Bucket sizes by a window over (band, key) so the self-join below reuses
    # that partitioning; singleton buckets dropped at once.
    bucket = Window.partitionBy("band", "key")
    shared = (
        rows.withColumn("n", F.count("*").over(bucket))
        .filter(F.col("n") >= 2)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    skipped = shared.filter(F.col("n") > max_bucket).groupBy("band", "key").agg(F.max("n").alias("n"))
    kept = shared.filter(F.col("n") <= max_bucket).select("band", "key", "doc")
    x, y = kept.alias("x"), kept.alias("y")
    pairs = (
        x.join(
            y,
            (F.col("x.band") == F.col("y.band"))
            & (F.col("x.key") == F.col("y.key"))
            & (F.col("x.doc") < F.col("y.doc")),
        )
        .select(F.col("x.doc").alias("a"), F.col("y.doc").alias("b"))
        .distinct()  # one row per pair, whatever the number of shared bands
    )
    return pairs, skipped


def word_pairs(spark, sigs, words, later, chars, first_copies, max_bucket):
    """Scan's word-only candidates (src/scan.rs find_candidates): returns
    (pairs a, b; number cut by the budget)."""
    rows = spark.read.parquet(f"{sigs}/word_bands").join(later, "doc", "left_anti")
    pairs, _ = band_pairs(rows, max_bucket)
    pairs = pairs.join(chars, ["a", "b"], "left_anti")
    # WordTable::estimate: the agreeing share of the two signatures, 0 when
    # either document has none.
    sig = spark.read.parquet(f"{sigs}/docs").select("doc", "words")
    sa = sig.select(F.col("doc").alias("a"), F.col("words").alias("wa"))
    sb = sig.select(F.col("doc").alias("b"), F.col("words").alias("wb"))
    same = F.aggregate(
        F.zip_with("wa", "wb", lambda p, q: F.when(p == q, 1).otherwise(0)),
        F.lit(0),
        lambda acc, v: acc + v,
    )
    n = F.least(F.size("wa"), F.size("wb"))
    estimate = (
        F.when(F.col("wa").isNull() | F.col("wb").isNull() | (n <= 0), F.lit(0.0))
        .otherwise(same.cast("double") / n.cast("double"))
    )
    related = (
        pairs.join(sa, "a", "left")
        .join(sb, "b", "left")
        .select("a", "b", estimate.alias("estimate"))
        .filter(F.col("estimate") >= F.lit(float(words["min_jaccard"])))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    # word_pair_budget: the larger of the floor and pairs_per_doc per first
    # copy with shingles (the documents scan's LSH is given).
    budget = max(int(words["pair_floor"]), int(float(words["pairs_per_doc"]) * first_copies))
    found = related.count()
    if found <= budget:
        return related.select("a", "b"), 0
    best = related.orderBy(F.col("estimate").desc(), F.col("a"), F.col("b")).limit(budget)
    return best.select("a", "b"), found - budget


def main(sigs, out):
    spark = SparkSession.builder.appName("reprint-candidates").getOrCreate()
    manifest_path = f"{sigs}/manifest.json"
    manifest_text = spark.read.text(manifest_path, wholetext=True).first()[0]
    manifest = json.loads(manifest_text)
    if manifest.get("layout") != LAYOUT:
        spark.stop()
        sys.exit(
            f"{manifest_path}: layout version {manifest.get('layout')}, but this script reads "
            f"layout {LAYOUT}; run this version's reprint sign again"
        )
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
    # few).
    later = exact.select(F.col("b").alias("doc"))
    rows = bands.join(later, "doc", "left_anti")
    chars, skipped_rows = band_pairs(rows, max_bucket)
    chars = chars.persist(StorageLevel.MEMORY_AND_DISK)
    skipped = skipped_rows.agg(F.count("*").alias("buckets"), F.max("n").alias("largest"))
    candidates = chars.withColumn("exact", F.lit(False)).withColumn("word", F.lit(False))
    exact = exact.withColumn("word", F.lit(False))

    # 4. Word candidates, verified apart by `reprint verify`.
    words = manifest.get("words")
    cut = 0
    if words:
        first_copies = signed.count() - exact.count()
        more, cut = word_pairs(spark, sigs, words, later, chars, first_copies, max_bucket)
        candidates = candidates.unionByName(
            more.withColumn("exact", F.lit(False)).withColumn("word", F.lit(True))
        )

    candidates.unionByName(exact).write.mode("overwrite").parquet(f"{out}/candidates")
    spark.createDataFrame([(manifest_text,)], "value string").coalesce(1).write.mode(
        "overwrite"
    ).text(f"{out}/manifest")

    written = spark.read.parquet(f"{out}/candidates")
    counts = written.groupBy("exact", "word").count().collect()
    by = {(r["exact"], r["word"]): r["count"] for r in counts}
    s = skipped.first()
    print(
        json.dumps(
            {
                # As scan's stats: candidates counts both kinds.
                "candidates": by.get((False, False), 0) + by.get((False, True), 0),
                "word_candidates": by.get((False, True), 0),
                "word_candidates_cut": cut,
                "exact_copies": by.get((True, False), 0),
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
