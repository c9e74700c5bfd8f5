package io.stepwise.example;

import static io.stepwise.example.RestockSql.CARRIED;
import static io.stepwise.example.RestockSql.CONFIRM;
import static io.stepwise.example.RestockSql.DELETE_ITEM;
import static io.stepwise.example.RestockSql.DELETE_ITEMS_OF_ORDER;
import static io.stepwise.example.RestockSql.DELETE_ORDER;
import static io.stepwise.example.RestockSql.INSERT_ORDER;
import static io.stepwise.example.RestockSql.ITEMS_OF_RUN;
import static io.stepwise.example.RestockSql.LOCK_FOR_ITEMS;
import static io.stepwise.example.RestockSql.LOCK_ORDER;
import static io.stepwise.example.RestockSql.ORDER;
import static io.stepwise.example.RestockSql.ORDER_OF_ITEM;
import static io.stepwise.example.RestockSql.ORDER_OF_RUN;
import static io.stepwise.example.RestockSql.ORDER_PAGE;
import static io.stepwise.example.RestockSql.SET_CONFIRMED;
import static io.stepwise.example.RestockSql.SET_STATUS;
import static io.stepwise.example.RestockSql.SUPPLIER;
import static io.stepwise.example.RestockSql.TRANSACTION_OF;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every statement of {@link JdbcSupplierService} that a request runs (POST of an order, with its
 * compensations and the paths of a step that runs again; GET of an order; GET of a page of orders)
 * reads the rows it addresses through the index of their key on PostgreSQL, in the plans
 * PostgreSQL makes for a new database: its tables filled after they were created empty and not
 * analyzed since (as a new service's are until autovacuum gets to them), with the cached generic
 * plan as with the custom one. A Seq Scan, or a scan of an index that reads other orders' rows,
 * makes a request cost more as the tables grow.
 *
 * <p>Not here: {@code COUNT_ORDERS} (the page's count reads every order by nature), the INSERT of
 * the items (it reads nothing; PostgreSQL checks its order_id through restock_order_pkey), and the
 * run store's statements (the idempotency lookup and the execution are JdbcRunStore's, whose
 * PostgresPlansTest explains them).
 */
class PostgresPlansTest {
  private static final int ORDERS = 3000;
  private static final String ORDER_ID = "'ro_00000010'::varchar";   // a pending order
  private static final String RUN = "'key:10'::varchar";   // the run that made it
  private static final String PENDING = "'" + RestockOrder.PENDING + "'::varchar";
  private static final String CONFIRMED = "'" + RestockOrder.CONFIRMED + "'::varchar";
  private static final String SUPPLIER_ID = "'" + SupplierService.SEED_SUPPLIER_ID + "'::varchar";
  private static final String ORDER_KEY = "restock_order_pkey";
  private static final String ITEM_KEY = "restock_order_item_pkey";
  private static final String ITEMS_BY_ORDER = "restock_order_item_by_order";
  private static final String ORDERS_BY_AGE = "restock_order_by_age";
  /** The index that a line of a plan scans. */
  private static final Pattern INDEX = Pattern.compile("(?: using| Bitmap Index Scan on) (\\w+)");
  /** A run's items are all of one order: either index reads only them. */
  private static final String ITEMS_OF_THE_RUN = "restock_order_item_by_transaction|" + ITEMS_BY_ORDER;

  private static Database database;

  @BeforeAll
  static void fillTablesCreatedEmpty() throws SQLException {
    database = Database.open(TestDatabases.postgres());   // creates the tables and the seed supplier
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String table : List.of("supplier", "supplier_product", "restock_order", "restock_order_item")) {
        s.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");   // statistics stay an empty table's
      }
      // orders of the seed supplier, one a second, each made by a run; a tenth still pending
      s.execute("INSERT INTO restock_order (id, supplier_id, status, notes, version, created_at, transaction_id)"
          + " SELECT 'ro_' || lpad(g::text, 8, '0'), " + SUPPLIER_ID + ", CASE WHEN g % 10 = 0 THEN " + PENDING
          + " ELSE " + CONFIRMED + " END, NULL, 2, timestamptz '2026-12-01' + g * interval '1 second', 'key:' || g"
          + " FROM generate_series(1, " + ORDERS + ") g");
      // one item of each of the supplier's three products per order
      s.execute("INSERT INTO restock_order_item (id, order_id, product_id, quantity, unit_cost, created_at,"
          + " transaction_id, line) SELECT 'roi_' || lpad(g::text, 8, '0') || '_' || l, 'ro_' || lpad(g::text, 8, '0'),"
          + " 'prod_' || (l + 1), 1 + l, 10.5, timestamptz '2026-12-01' + g * interval '1 second', 'key:' || g, l"
          + " FROM generate_series(1, " + ORDERS + ") g, generate_series(0, 2) l");
    }
  }

  @AfterAll
  static void close() {
    database.close();
  }

  @ParameterizedTest(name = "plan_cache_mode = {0}")
  @ValueSource(strings = {"force_generic_plan", "force_custom_plan"})
  void everyStatementReadsItsRowsThroughTheIndexOfTheirKey(String planCacheMode) throws SQLException {
    String newRun = "'key:new'::varchar";
    String item = "'roi_00000010_0'::varchar";
    String time = "now()::timestamptz";
    Map<String, Explained> statements = new LinkedHashMap<>();
    // POST: the three steps
    statements.put("INSERT_ORDER", new Explained(INSERT_ORDER, Set.of("supplier_pkey", "restock_order_by_transaction"),
        "'ro_new'::varchar", PENDING, "NULL::varchar", time, newRun, SUPPLIER_ID, newRun));
    statements.put("LOCK_FOR_ITEMS", new Explained(LOCK_FOR_ITEMS, Set.of(ORDER_KEY, ITEMS_OF_THE_RUN),
        ORDER_ID, PENDING, RUN, ORDER_ID));
    statements.put("CARRIED", new Explained(CARRIED, Set.of(ORDER_KEY, "supplier_product_pkey"), ORDER_ID));
    statements.put("CONFIRM", new Explained(CONFIRM, Set.of(ORDER_KEY), CONFIRMED, ORDER_ID, PENDING));
    statements.put("ORDER", new Explained(ORDER, Set.of(ORDER_KEY, ITEMS_BY_ORDER), ORDER_ID));
    statements.put("SUPPLIER", new Explained(SUPPLIER, Set.of("supplier_pkey", "supplier_product_pkey"), SUPPLIER_ID));
    // POST: a step that runs again, or finds out why its statement changed nothing
    statements.put("ORDER_OF_RUN", new Explained(ORDER_OF_RUN, Set.of("restock_order_by_transaction"), RUN));
    statements.put("LOCK_ORDER", new Explained(LOCK_ORDER, Set.of(ORDER_KEY), ORDER_ID));
    statements.put("ITEMS_OF_RUN", new Explained(ITEMS_OF_RUN, Set.of(ITEMS_OF_THE_RUN), RUN, ORDER_ID));
    statements.put("TRANSACTION_OF", new Explained(TRANSACTION_OF, Set.of(ORDER_KEY), ORDER_ID));
    statements.put("SET_CONFIRMED", new Explained(SET_CONFIRMED, Set.of(ORDER_KEY), CONFIRMED, ORDER_ID));
    // POST: the compensations
    statements.put("DELETE_ITEMS_OF_ORDER", new Explained(DELETE_ITEMS_OF_ORDER, Set.of(ITEMS_BY_ORDER), ORDER_ID));
    statements.put("DELETE_ORDER", new Explained(DELETE_ORDER, Set.of(ORDER_KEY), ORDER_ID));
    statements.put("ORDER_OF_ITEM", new Explained(ORDER_OF_ITEM, Set.of(ITEM_KEY), item));
    statements.put("DELETE_ITEM", new Explained(DELETE_ITEM, Set.of(ITEM_KEY), item));
    statements.put("SET_STATUS", new Explained(SET_STATUS, Set.of(ORDER_KEY), PENDING, ORDER_ID));
    // GET of the first page, as the API asks for it by default (limit 50, offset 0)
    statements.put("ORDER_PAGE", new Explained(ORDER_PAGE, Set.of(ORDERS_BY_AGE, ITEMS_BY_ORDER), "50", "0", "50", "0"));
    List<String> wrong = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = " + planCacheMode);
      for (Map.Entry<String, Explained> statement : statements.entrySet()) {
        String plan = statement.getValue().plan(s);
        if (plan.contains("Seq Scan") || !statement.getValue().readsThroughItsIndexes(indexes(plan))) {
          wrong.add(statement.getKey() + " (should read through " + statement.getValue().indexes() + "):\n" + plan);
        }
      }
      s.execute("RESET plan_cache_mode");
    }
    assertTrue(wrong.isEmpty(), () -> "Statements that read rows other than theirs, or not by their key:\n"
        + String.join("\n", wrong));
  }

  /**
   * A page further on reads its items through their order too. Its orders are read through
   * restock_order_by_age in the generic plan only: in a custom plan PostgreSQL's estimate of the
   * unanalyzed table's rows (240 of 3,000) puts the page past the table's end, and it reads and
   * sorts the whole table rather than the whole index. That one cost grows with the table until
   * PostgreSQL analyzes it (autovacuum does): paging by offset, SQL cannot avoid it.
   */
  @ParameterizedTest(name = "plan_cache_mode = {0}")
  @ValueSource(strings = {"force_generic_plan", "force_custom_plan"})
  void aLaterPageReadsTheItemsOfItsOrdersOnly(String planCacheMode) throws SQLException {
    String offset = String.valueOf(ORDERS - 1000);
    Explained page = new Explained(ORDER_PAGE, Set.of(ORDERS_BY_AGE, ITEMS_BY_ORDER), "50", offset, "50", offset);
    String plan;
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = " + planCacheMode);
      plan = page.plan(s);
      s.execute("RESET plan_cache_mode");
    }
    Set<String> used = indexes(plan);
    assertTrue(!plan.contains("Seq Scan on restock_order_item") && used.contains(ITEMS_BY_ORDER)
        && (planCacheMode.equals("force_custom_plan") || used.contains(ORDERS_BY_AGE)), plan);
  }

  /** The indexes a plan scans. */
  private static Set<String> indexes(String plan) {
    Set<String> used = new TreeSet<>();
    Matcher m = INDEX.matcher(plan);
    while (m.find()) {
      used.add(m.group(1));
    }
    return used;
  }

  /**
   * A statement, the indexes it should read through (all of them and no other; {@code a|b}: either
   * or both), and the arguments to explain it with, each {@code value::type} ({@code integer} without
   * a type).
   */
  private record Explained(String sql, Set<String> indexes, String... arguments) {
    boolean readsThroughItsIndexes(Set<String> used) {
      Set<String> allowed = new TreeSet<>();
      for (String index : indexes) {
        List<String> either = List.of(index.split("\\|"));
        if (either.stream().noneMatch(used::contains)) {
          return false;
        }
        allowed.addAll(either);
      }
      return allowed.containsAll(used);
    }

    /**
     * The plan PostgreSQL executes {@code sql} with, prepared as the driver prepares it (parameters
     * {@code $1..$n} of the arguments' types), in a transaction rolled back.
     */
    String plan(Statement s) throws SQLException {
      StringBuilder numbered = new StringBuilder();
      List<String> types = new ArrayList<>();
      for (char ch : sql.toCharArray()) {
        numbered.append(ch == '?' ? "$" + (types.size() + 1) : String.valueOf(ch));
        if (ch == '?') {
          String argument = arguments[types.size()];
          types.add(argument.contains("::") ? argument.substring(argument.indexOf("::") + 2) : "integer");
        }
      }
      assertTrue(types.size() == arguments.length, () -> "arguments for " + sql);
      s.execute("DEALLOCATE ALL");
      s.execute("PREPARE planned(" + String.join(", ", types) + ") AS " + numbered);
      s.execute("BEGIN");
      try {
        String plan = "";
        for (int run = 0; run < 6; run++) {   // PostgreSQL considers a generic plan from the sixth execution on
          StringBuilder lines = new StringBuilder();
          try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE planned(" + String.join(", ", arguments) + ")")) {
            while (rs.next()) {
              lines.append("  ").append(rs.getString(1)).append('\n');
            }
          }
          plan = lines.toString();
        }
        return plan;
      } finally {
        s.execute("ROLLBACK");
      }
    }
  }
}
