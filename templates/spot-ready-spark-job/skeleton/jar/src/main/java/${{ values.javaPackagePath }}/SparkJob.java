package ${{ values.javaPackage }};

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * ${{ values.name }}: reads sales CSV files with a header (store_id, sold_at,
 * amount) and writes, per store and UTC day, the number of sales and their
 * total in cents, as Parquet partitioned by day. The logic is {@link
 * DailyTotals}'s.
 *
 * <pre>spark-submit --class ${{ values.javaPackage }}.SparkJob ${{ values.name }}.jar s3://bucket/sales/ s3://bucket/daily-totals/</pre>
 */
public final class SparkJob {
  private SparkJob() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: SparkJob <input s3 prefix> <output s3 prefix>");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().appName("${{ values.name }}").getOrCreate();
    try {
      Dataset<Row> input = spark.read().option("header", "true").csv(args[0]);
      JavaPairRDD<DailyTotals.StoreDay, DailyTotals.Total> totals =
          input
              .javaRDD()
              .flatMap(
                  row ->
                      DailyTotals.parseSale(field(row, "store_id"), field(row, "sold_at"), field(row, "amount"))
                          .stream()
                          .iterator())
              .mapToPair(
                  sale ->
                      new Tuple2<>(
                          new DailyTotals.StoreDay(sale.storeId(), sale.day()),
                          new DailyTotals.Total(1, sale.amountCents())))
              .reduceByKey(DailyTotals.Total::plus);
      JavaRDD<Row> rows =
          totals.map(
              total ->
                  RowFactory.create(
                      total._1().storeId(),
                      total._1().day().toString(),
                      total._2().sales(),
                      total._2().amountCents()));
      StructType schema =
          new StructType()
              .add("store_id", DataTypes.StringType)
              .add("day", DataTypes.StringType)
              .add("sales", DataTypes.LongType)
              .add("amount_cents", DataTypes.LongType);
      spark.createDataFrame(rows, schema).write().mode("overwrite").partitionBy("day").parquet(args[1]);
    } finally {
      spark.stop();
    }
  }

  private static String field(Row row, String name) {
    int index = row.fieldIndex(name);
    return row.isNullAt(index) ? null : row.getString(index);
  }
}
