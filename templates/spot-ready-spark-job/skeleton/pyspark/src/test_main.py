"""Unit test of the transformation; plain Python, no Spark needed.

    python3 -m unittest discover -s src -v
"""

import unittest
from datetime import date

from main import Sale, Total, add_totals, daily_totals, parse_sale


def row(store_id="s1", sold_at="2024-05-01T10:00:00Z", amount="12.34"):
    return {"store_id": store_id, "sold_at": sold_at, "amount": amount}


class ParseSaleTest(unittest.TestCase):
    def test_reads_a_valid_row_in_cents(self):
        self.assertEqual(parse_sale(row()), Sale("s1", date(2024, 5, 1), 1234))

    def test_counts_a_time_with_an_offset_on_its_utc_day(self):
        sale = parse_sale(row(sold_at="2024-05-01T23:30:00-02:00"))
        self.assertEqual(sale.day, date(2024, 5, 2))

    def test_treats_a_time_without_an_offset_as_utc(self):
        self.assertEqual(parse_sale(row(sold_at="2024-05-01T23:30:00")).day, date(2024, 5, 1))

    def test_strips_blanks_around_fields(self):
        self.assertEqual(parse_sale(row(store_id=" s1 ", amount=" 5 ")), Sale("s1", date(2024, 5, 1), 500))

    def test_drops_rows_that_cannot_be_trusted(self):
        for bad in [
            row(store_id=""),
            row(store_id=None),
            row(sold_at="yesterday"),
            row(sold_at="2024-13-01T00:00:00Z"),
            row(amount=""),
            row(amount="twelve"),
            row(amount="-1.00"),
            row(amount="0.001"),
            row(amount="NaN"),
            row(amount="Infinity"),
            {},
        ]:
            with self.subTest(row=bad):
                self.assertIsNone(parse_sale(bad))


class DailyTotalsTest(unittest.TestCase):
    def test_sums_sales_per_store_and_day_and_skips_bad_rows(self):
        rows = [
            row("s1", "2024-05-01T09:00:00Z", "10.00"),
            row("s1", "2024-05-01T18:00:00Z", "2.50"),
            row("s1", "2024-05-02T09:00:00Z", "1.00"),
            row("s2", "2024-05-01T09:00:00Z", "7"),
            row("s2", "2024-05-01T10:00:00Z", "not a number"),
        ]
        self.assertEqual(
            daily_totals(rows),
            {
                ("s1", date(2024, 5, 1)): Total(2, 1250),
                ("s1", date(2024, 5, 2)): Total(1, 100),
                ("s2", date(2024, 5, 1)): Total(1, 700),
            },
        )

    def test_gives_nothing_for_no_rows(self):
        self.assertEqual(daily_totals([]), {})

    def test_add_totals_does_not_depend_on_order_or_grouping(self):
        # Spark's reduceByKey combines partial totals in any order.
        a, b, c = Total(1, 100), Total(2, 250), Total(3, 7)
        self.assertEqual(add_totals(add_totals(a, b), c), add_totals(a, add_totals(b, c)))
        self.assertEqual(add_totals(a, b), add_totals(b, a))


if __name__ == "__main__":
    unittest.main()
