package io.stepwise.jdbc;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * The process {@link KilledSoonAfterOpeningTest} kills to show H2 alone, without the store: it
 * opens the H2 database at the given URL, and on one connection inserts a row and commits, again and
 * again, printing {@code <round>-<n>} after each commit returned.
 *
 * <p>Arguments: the JDBC URL and a name for this round. With {@code -Dh2.statementAfterOpening=<sql>}
 * it runs that statement once after opening, to try a workaround ({@code CHECKPOINT} is not one).
 */
public final class H2CommitChild {
  private H2CommitChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256), false,
        StandardCharsets.UTF_8);
    try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS acked (id VARCHAR(64) PRIMARY KEY, payload VARCHAR(1000))");
        if (System.getProperty("h2.statementAfterOpening") != null) {
          s.execute(System.getProperty("h2.statementAfterOpening"));
        }
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO acked (id, payload) VALUES (?, ?)")) {
        for (int n = 0; ; n++) {
          String id = args[1] + "-" + n;
          insert.setString(1, id);
          insert.setString(2, "x".repeat(200));
          insert.executeUpdate();
          c.commit();
          out.print(id + "\n");
          out.flush();
        }
      }
    }
  }
}
