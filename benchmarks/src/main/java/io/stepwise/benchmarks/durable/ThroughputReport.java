package io.stepwise.benchmarks.durable;

import io.stepwise.benchmarks.durable.Clients.Counted;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link DurableThroughput} measured: its rows, each printed as it comes, and at the end the
 * table again with the ratios of the medians over the rounds (Stepwise against the raw commit rate,
 * the store's own SQL and DBOS Transact).
 */
final class ThroughputReport {
  private final List<Row> rows = new ArrayList<>();

  /** Adds {@code row}, measured in round {@code round}, and prints it. */
  void add(Row row, int round) {
    row.round = round;
    rows.add(row);
    System.out.println(row.line());
  }

  /** Prints every row again, then the ratios of the medians for each database and client count. */
  void print(int[] clientCounts, int rounds) {
    System.out.printf("%n%s%n", Row.HEADER);
    for (Row row : rows) {
      System.out.println(row.line());
    }
    System.out.printf("%nRatios of the medians over %d round(s) (per round: Stepwise / DBOS in each round):%n",
        rounds);
    for (String database : List.of("H2", "PostgreSQL")) {
      for (int clients : clientCounts) {
        double stepwise = median(database, "Stepwise durable", clients);
        double raw = median(database, "raw INSERT+COMMIT", clients);
        if (Double.isNaN(stepwise) || Double.isNaN(raw)) {
          continue;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "%-10s %2d client(s): Stepwise %.0f runs/s; / raw commits = %.2f; / (raw / 4) = %.2f of the 4-commit "
            + "limit; / store's SQL = %.2f", database, clients, stepwise, stepwise / raw, stepwise / (raw / 4),
            stepwise / median(database, "raw, store's SQL", clients)));
        double oneTrip = median(database, "store's SQL, 1 trip", clients);
        if (!Double.isNaN(oneTrip)) {   // the store writes a lone run's writes so on PostgreSQL
          line.append(String.format(Locale.ROOT, "; / store's SQL in 1 trip = %.2f", stepwise / oneTrip));
        }
        double dbos = median(database, "DBOS Transact", clients);
        if (!Double.isNaN(dbos)) {
          double ratio = stepwise / dbos;
          double target = clients == 1 ? 2 : clients >= 32 ? 5 : Double.NaN;
          line.append(String.format(Locale.ROOT, "; DBOS %.0f runs/s; Stepwise / DBOS = %.2fx", dbos, ratio));
          if (!Double.isNaN(target)) {
            line.append(String.format(Locale.ROOT, " (target %.0fx: %s)", target, ratio >= target ? "met" : "NOT met"));
          }
          line.append(" (per round:");
          for (int r = 1; r <= rounds; r++) {
            line.append(String.format(Locale.ROOT, " %.2fx", rate(database, "Stepwise durable", clients, r)
                / rate(database, "DBOS Transact", clients, r)));
          }
          line.append(String.format(Locale.ROOT, "); DBOS / (raw / 4) = %.2f", dbos / (raw / 4)));
        }
        System.out.println(line);
      }
    }
  }

  /** The median rate of {@code system} over the rounds; NaN if it was not measured. */
  private double median(String database, String system, int clients) {
    double[] rates = rows.stream()
        .filter(r -> r.database.equals(database) && r.system.equals(system) && r.clients == clients)
        .mapToDouble(r -> r.perSecond).sorted().toArray();
    if (rates.length == 0) {
      return Double.NaN;
    }
    return rates.length % 2 == 1 ? rates[rates.length / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
  }

  private double rate(String database, String system, int clients, int inRound) {
    return rows.stream().filter(r -> r.database.equals(database) && r.system.equals(system) && r.clients == clients
        && r.round == inRound).mapToDouble(r -> r.perSecond).findFirst().orElse(Double.NaN);
  }

  /**
   * One line of the table: calls per second, and per call PostgreSQL's counters ({@code pg}: commits,
   * WAL syncs, WAL writes, WAL records, rows written, WAL bytes) and the Stepwise store's (commits, writes, reads).
   */
  static final class Row {
    static final String HEADER = String.format(Locale.ROOT,
        "%-10s %-19s %7s %5s %10s | %8s %8s %8s %8s %8s %8s | %8s %8s %8s",
        "database", "system", "clients", "round", "per sec", "commits", "WALsync", "WALwrite", "WALrec", "rows",
        "WALbytes", "stCommit",
        "stWrite", "stRead");

    final String database;
    final String system;
    final int clients;
    final double perSecond;
    final double[] pg;
    final double storeCommits;
    final double storeWrites;
    final double storeReads;
    Counted counted;
    int round;

    Row(String database, String system, int clients, double perSecond, double[] pg, double storeCommits,
        double storeWrites, double storeReads) {
      this.database = database;
      this.system = system;
      this.clients = clients;
      this.perSecond = perSecond;
      this.pg = pg;
      this.storeCommits = storeCommits;
      this.storeWrites = storeWrites;
      this.storeReads = storeReads;
    }

    Row counted(Counted c) {
      this.counted = c;
      return this;
    }

    Row with(double[] pgPerRun) {
      return new Row(database, system, clients, perSecond, pgPerRun, storeCommits, storeWrites, storeReads)
          .counted(counted);
    }

    String line() {
      String pgPart = pg == null ? String.format(Locale.ROOT, "%8s %8s %8s %8s %8s %8s", "", "", "", "", "", "")
          : String.format(Locale.ROOT, "%8.2f %8.2f %8.2f %8.1f %8.2f %8.0f", pg[0], pg[1], pg[2], pg[3], pg[4], pg[5]);
      return String.format(Locale.ROOT, "%-10s %-19s %7d %5d %10.0f | %s | %8s %8s %8s", database, system, clients,
          round, perSecond, pgPart, num(storeCommits), num(storeWrites), num(storeReads));
    }

    private static String num(double d) {
      return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.2f", d);
    }
  }
}
