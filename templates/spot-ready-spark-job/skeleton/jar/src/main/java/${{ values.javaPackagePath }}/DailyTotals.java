package ${{ values.javaPackage }};

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Daily sales totals per store: the transformation, in plain Java so that it
 * is unit-tested without Spark. {@link SparkJob} runs the same functions on
 * Spark.
 */
public final class DailyTotals {
  private DailyTotals() {}

  /** One valid sale. */
  public record Sale(String storeId, LocalDate day, long amountCents) implements Serializable {}

  /** The key of a total: a store on a UTC day. */
  public record StoreDay(String storeId, LocalDate day) implements Serializable {}

  /** Sales of one store on one day: how many, and their sum in cents. */
  public record Total(long sales, long amountCents) implements Serializable {
    /** The total of two totals (associative and commutative, as reduceByKey needs). */
    public Total plus(Total other) {
      return new Total(sales + other.sales, amountCents + other.amountCents);
    }
  }

  /**
   * The sale in one CSV row, or empty when the row is unusable: a field is
   * missing or blank, the time is not ISO 8601, or the amount is not a
   * non-negative number of whole cents. Times with an offset count on their
   * UTC day; times without one are UTC.
   */
  public static Optional<Sale> parseSale(String storeId, String soldAt, String amount) {
    String store = trimmed(storeId);
    String time = trimmed(soldAt);
    String value = trimmed(amount);
    if (store.isEmpty() || time.isEmpty() || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      BigDecimal cents = new BigDecimal(value).movePointRight(2);
      if (cents.signum() < 0 || cents.stripTrailingZeros().scale() > 0) {
        return Optional.empty();
      }
      return Optional.of(new Sale(store, utcDay(time), cents.longValueExact()));
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException unusable) {
      return Optional.empty();
    }
  }

  /** Totals per store and day of the valid sales among rows {store_id, sold_at, amount}. */
  public static Map<StoreDay, Total> dailyTotals(Iterable<String[]> rows) {
    Map<StoreDay, Total> totals = new HashMap<>();
    for (String[] row : rows) {
      if (row.length < 3) {
        continue;
      }
      parseSale(row[0], row[1], row[2])
          .ifPresent(
              sale ->
                  totals.merge(
                      new StoreDay(sale.storeId(), sale.day()),
                      new Total(1, sale.amountCents()),
                      Total::plus));
    }
    return totals;
  }

  private static LocalDate utcDay(String time) {
    try {
      return OffsetDateTime.parse(time).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
    } catch (DateTimeParseException withoutOffset) {
      return LocalDateTime.parse(time).toLocalDate();
    }
  }

  private static String trimmed(String text) {
    return text == null ? "" : text.trim();
  }
}
