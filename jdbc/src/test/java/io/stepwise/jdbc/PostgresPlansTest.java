package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every statement that addresses one run by its transaction id finds it through the primary key on
 * PostgreSQL, in the plan PostgreSQL makes for a new store: tables filled after they were created
 * empty and not analyzed since (as a new application's are until autovacuum gets to them), with the
 * cached generic plan as with the custom one. A plan through another index reads every run of a
 * workflow, so that each checkpoint costs more as the table grows (an append took 0.5 ms after 3,000
 * runs, 0.1 ms through the key).
 */
class PostgresPlansTest {
  private static final DataSource DATA_SOURCE = TestDatabases.postgres();
  private static final String PREFIX = TestDatabases.uniquePrefix();
  private static final Schema SCHEMA = new Schema(PREFIX);
  private static final RunTable TABLE = new RunTable(SCHEMA);

  @BeforeAll
  static void fillTablesCreatedEmpty() throws SQLException {
    JdbcRunStore.builder(DATA_SOURCE).tablePrefix(PREFIX).build().close();   // creates the tables
    try (Connection c = DATA_SOURCE.getConnection(); Statement s = c.createStatement()) {
      for (String table : List.of(SCHEMA.runs, SCHEMA.checkpoints)) {
        s.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");   // statistics stay an empty table's
      }
      s.execute("INSERT INTO " + SCHEMA.runs + " (transaction_id, workflow_name, fingerprint, status, input_json, "
          + "created_at, updated_at, ended_at) SELECT 'run-' || g, 'create-restock-order', 'f', "
          + "CASE WHEN g % 10 = 0 THEN 'RUNNING' ELSE 'DONE' END, '{}', now(), now(), now() "
          + "FROM generate_series(1, 3000) g");
      s.execute("INSERT INTO " + SCHEMA.checkpoints + " (transaction_id, seq, step_position, step_name, kind, "
          + "attempts, started_at, ended_at) SELECT 'run-' || g, s, s, 'step', 'STEP_DONE', 1, now(), now() "
          + "FROM generate_series(1, 3000) g, generate_series(0, 2) s");
    }
  }

  @ParameterizedTest(name = "plan_cache_mode = {0}")
  @ValueSource(strings = {"force_generic_plan", "force_custom_plan"})
  void everyStatementOnOneRunGoesThroughThePrimaryKey(String planCacheMode) throws SQLException {
    String run = "'run-10'::varchar";   // an unfinished run
    String workflow = "'create-restock-order'::varchar";
    String time = "now()::timestamptz";
    String noTime = "NULL::timestamptz";
    String owner = "'me'::varchar";
    String none = "NULL::varchar";
    Map<String, Explained> statements = new LinkedHashMap<>();
    statements.put("insertRun", new Explained(TABLE.insertRun,
        run, workflow, "'f'::varchar", none, "'{}'::text", noTime, time, time, owner, time, run));
    statements.put("updateRun", new Explained(TABLE.updateRun,
        none, "NULL::text", "NULL::text", noTime, time, owner, time, run, workflow, "0"));
    statements.put("revertRun", new Explained(TABLE.revertRun, time, owner, time, run, workflow));
    statements.put("endWaitRun", new Explained(TABLE.endWaitRun, time, owner, time, run, workflow));
    statements.put("selectRun", new Explained(TABLE.selectRun, run));
    statements.put("selectHeader", new Explained(TABLE.selectHeader, run));
    statements.put("selectCheckpoints", new Explained(TABLE.selectCheckpoints, run));
    List<String> wrong = new ArrayList<>();
    try (Connection c = DATA_SOURCE.getConnection(); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = " + planCacheMode);
      for (Map.Entry<String, Explained> statement : statements.entrySet()) {
        String plan = statement.getValue().plan(s);
        boolean byKey = plan.contains(SCHEMA.runs + "_pkey") || plan.contains(SCHEMA.checkpoints + "_pkey");
        if (!byKey || plan.contains("Seq Scan") || plan.contains("_by_")) {
          wrong.add(statement.getKey() + ":\n" + plan);
        }
      }
      s.execute("RESET plan_cache_mode");
    }
    assertTrue(wrong.isEmpty(), () -> "Statements that do not find their run by the primary key:\n"
        + String.join("\n", wrong));
  }

  /** A statement of {@link RunTable} and the arguments to explain it with, each {@code value::type}. */
  private record Explained(String sql, String... arguments) {
    /**
     * The plan PostgreSQL executes {@code sql} with, prepared as the driver prepares it (parameters
     * {@code $1..$n} of the arguments' types), in a transaction rolled back.
     */
    String plan(Statement s) throws SQLException {
      StringBuilder numbered = new StringBuilder();
      int parameter = 0;
      for (char ch : sql.toCharArray()) {
        numbered.append(ch == '?' ? "$" + ++parameter : String.valueOf(ch));
      }
      assertTrue(parameter == arguments.length, () -> "arguments for " + sql);
      List<String> types = new ArrayList<>();
      for (String argument : arguments) {
        types.add(argument.contains("::") ? argument.substring(argument.indexOf("::") + 2) : "integer");
      }
      s.execute("DEALLOCATE ALL");
      s.execute("PREPARE planned(" + String.join(", ", types) + ") AS " + numbered);
      s.execute("BEGIN");
      try {
        StringBuilder plan = new StringBuilder();
        for (int run = 0; run < 6; run++) {   // PostgreSQL considers a generic plan from the sixth execution on
          plan.setLength(0);
          try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE planned(" + String.join(", ", arguments) + ")")) {
            while (rs.next()) {
              plan.append("  ").append(rs.getString(1)).append('\n');
            }
          }
        }
        return plan.toString();
      } finally {
        s.execute("ROLLBACK");
      }
    }
  }
}
