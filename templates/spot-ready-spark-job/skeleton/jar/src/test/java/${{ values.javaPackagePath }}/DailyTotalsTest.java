package ${{ values.javaPackage }};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Unit test of the transformation; plain Java, no Spark needed. */
class DailyTotalsTest {
  private static final LocalDate MAY_1 = LocalDate.of(2024, 5, 1);
  private static final LocalDate MAY_2 = LocalDate.of(2024, 5, 2);

  @Test
  void readsAValidRowInCents() {
    assertEquals(
        Optional.of(new DailyTotals.Sale("s1", MAY_1, 1234)),
        DailyTotals.parseSale("s1", "2024-05-01T10:00:00Z", "12.34"));
  }

  @Test
  void countsATimeWithAnOffsetOnItsUtcDay() {
    assertEquals(
        MAY_2, DailyTotals.parseSale("s1", "2024-05-01T23:30:00-02:00", "1").orElseThrow().day());
  }

  @Test
  void treatsATimeWithoutAnOffsetAsUtc() {
    assertEquals(MAY_1, DailyTotals.parseSale("s1", "2024-05-01T23:30:00", "1").orElseThrow().day());
  }

  @Test
  void stripsBlanksAroundFields() {
    assertEquals(
        Optional.of(new DailyTotals.Sale("s1", MAY_1, 500)),
        DailyTotals.parseSale(" s1 ", "2024-05-01T10:00:00Z", " 5 "));
  }

  @Test
  void dropsRowsThatCannotBeTrusted() {
    String[][] bad = {
      {"", "2024-05-01T10:00:00Z", "1"},
      {null, "2024-05-01T10:00:00Z", "1"},
      {"s1", "yesterday", "1"},
      {"s1", "2024-13-01T00:00:00Z", "1"},
      {"s1", "2024-05-01T10:00:00Z", ""},
      {"s1", "2024-05-01T10:00:00Z", "twelve"},
      {"s1", "2024-05-01T10:00:00Z", "-1.00"},
      {"s1", "2024-05-01T10:00:00Z", "0.001"},
      {"s1", "2024-05-01T10:00:00Z", "NaN"},
      {"s1", "2024-05-01T10:00:00Z", "1e400"},
    };
    for (String[] row : bad) {
      assertEquals(Optional.empty(), DailyTotals.parseSale(row[0], row[1], row[2]), String.join(",", String.valueOf(row[0]), row[1], row[2]));
    }
  }

  @Test
  void sumsSalesPerStoreAndDayAndSkipsBadRows() {
    List<String[]> rows =
        List.of(
            new String[] {"s1", "2024-05-01T09:00:00Z", "10.00"},
            new String[] {"s1", "2024-05-01T18:00:00Z", "2.50"},
            new String[] {"s1", "2024-05-02T09:00:00Z", "1.00"},
            new String[] {"s2", "2024-05-01T09:00:00Z", "7"},
            new String[] {"s2", "2024-05-01T10:00:00Z", "not a number"});
    assertEquals(
        Map.of(
            new DailyTotals.StoreDay("s1", MAY_1), new DailyTotals.Total(2, 1250),
            new DailyTotals.StoreDay("s1", MAY_2), new DailyTotals.Total(1, 100),
            new DailyTotals.StoreDay("s2", MAY_1), new DailyTotals.Total(1, 700)),
        DailyTotals.dailyTotals(rows));
  }

  @Test
  void addsTotalsInAnyOrderAndGrouping() {
    // Spark's reduceByKey combines partial totals in any order.
    DailyTotals.Total a = new DailyTotals.Total(1, 100);
    DailyTotals.Total b = new DailyTotals.Total(2, 250);
    DailyTotals.Total c = new DailyTotals.Total(3, 7);
    assertEquals(a.plus(b).plus(c), a.plus(b.plus(c)));
    assertEquals(a.plus(b), b.plus(a));
  }
}
