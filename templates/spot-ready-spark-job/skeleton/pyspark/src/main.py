"""${{ values.name }}: daily sales totals per store, on Spark.

Reads sales as CSV files with a header (store_id, sold_at, amount), drops the
rows that cannot be trusted, and writes, per store and UTC day, the number of
sales and their total in cents, as Parquet partitioned by day.

    spark-submit main.py s3://bucket/sales/ s3://bucket/daily-totals/

The transformation is plain Python (parse_sale, add_totals, daily_totals),
used by the Spark job below and unit-tested without Spark; pyspark is only
imported by run_spark.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Dict, Iterable, Mapping, NamedTuple, Optional, Tuple


class Sale(NamedTuple):
    """One valid sale."""

    store_id: str
    day: date
    amount_cents: int


class Total(NamedTuple):
    """Sales of one store on one day: how many, and their sum in cents."""

    sales: int
    amount_cents: int


def parse_sale(row: Mapping[str, Optional[str]]) -> Optional[Sale]:
    """The sale in one CSV row, or None when the row is unusable.

    A row is unusable when a field is missing or empty, the time is not
    ISO 8601, or the amount is not a non-negative number of whole cents.
    Times with an offset count on their UTC day; times without one are UTC.
    """
    store_id = (row.get("store_id") or "").strip()
    sold_at = (row.get("sold_at") or "").strip()
    amount = (row.get("amount") or "").strip()
    if not store_id or not sold_at or not amount:
        return None
    try:
        # Python before 3.11 does not read a trailing Z.
        moment = datetime.fromisoformat(sold_at.replace("Z", "+00:00"))
        cents = Decimal(amount) * 100
    except (ValueError, InvalidOperation):
        return None
    if not cents.is_finite() or cents < 0 or cents != cents.to_integral_value():
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return Sale(store_id, moment.date(), int(cents))


def add_totals(left: Total, right: Total) -> Total:
    """The total of two totals (associative and commutative, as reduceByKey needs)."""
    return Total(left.sales + right.sales, left.amount_cents + right.amount_cents)


def daily_totals(rows: Iterable[Mapping[str, Optional[str]]]) -> Dict[Tuple[str, date], Total]:
    """Totals per (store, day) of the valid sales among rows: what the Spark job computes."""
    totals: Dict[Tuple[str, date], Total] = {}
    for row in rows:
        sale = parse_sale(row)
        if sale is None:
            continue
        key = (sale.store_id, sale.day)
        totals[key] = add_totals(totals.get(key, Total(0, 0)), Total(1, sale.amount_cents))
    return totals


def run_spark(input_path: str, output_path: str) -> None:
    """Runs the transformation on Spark: the same functions, distributed."""
    from pyspark.sql import SparkSession  # only here, so the logic above needs no Spark

    spark = SparkSession.builder.appName("${{ values.name }}").getOrCreate()
    try:
        rows = spark.read.option("header", "true").csv(input_path).rdd.map(lambda row: row.asDict())
        totals = (
            rows.map(parse_sale)
            .filter(lambda sale: sale is not None)
            .map(lambda sale: ((sale.store_id, sale.day), Total(1, sale.amount_cents)))
            .reduceByKey(add_totals)
            .map(lambda item: (item[0][0], item[0][1].isoformat(), item[1].sales, item[1].amount_cents))
        )
        (
            spark.createDataFrame(totals, "store_id string, day string, sales long, amount_cents long")
            .write.mode("overwrite")
            .partitionBy("day")
            .parquet(output_path)
        )
    finally:
        spark.stop()


def main(argv: list) -> int:
    if len(argv) != 2:
        print("usage: main.py <input s3 prefix> <output s3 prefix>", file=sys.stderr)
        return 2
    run_spark(argv[0], argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
