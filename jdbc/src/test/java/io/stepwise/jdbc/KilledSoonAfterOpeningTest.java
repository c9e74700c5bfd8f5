package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.store.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store acknowledged survives a process killed soon after it opened an H2 database that an
 * earlier killed process left: {@link DurabilityChild} is killed a few milliseconds after its first
 * acknowledged writes, again and again on the same file, and every acknowledged beginning must be
 * there. (The crash tests found runs whose beginning and first checkpoint had been acknowledged, 3 to
 * 70 ms before the kill, missing after it, always among the first writes of a process.) The second
 * test shows the same with plain JDBC on H2, without the store.
 */
class KilledSoonAfterOpeningTest {
  private static final int ROUNDS = Integer.getInteger("durability.rounds", 40);
  /**
   * Why both tests are off by default: they take minutes. Before the store kept H2's old chunks for
   * an hour they failed, on H2 2.5.252, in about one round in twenty (one or more rounds of 40 each
   * time, measured five times); the plain JDBC test still does without {@code -Dplain.urlSuffix=;RETENTION_TIME=3600000}. On H2 2.3.232 both pass (40 rounds each, and
   * 60 rounds of the plain JDBC program: 0 of 542 rows lost, where 2.5.252 lost 42 of 650). Run them
   * with {@code -Dh2.killTests=true}, and {@code -Dh2.version=2.3.232} to compare.
   */
  private static final String REASON = "slow (a JVM per round): it found that H2 2.5.252 loses transactions whose "
      + "commit had returned when the process is killed 0-60 ms after its first commits on a database that an earlier "
      + "killed process left (one round in twenty, also with WRITE_DELAY=0); the store's RETENTION_TIME of an hour "
      + "stops that (0 in 100 rounds through the store; the plain-JDBC test passes with ;RETENTION_TIME=3600000 in "
      + "its URL, -Dplain.urlSuffix). Run with -Dh2.killTests=true";

  @TempDir
  Path dir;

  @Test
  @EnabledIfSystemProperty(named = "h2.killTests", matches = "true", disabledReason = REASON)
  void h2KeepsTheFirstAcknowledgedWritesOfAProcessKilledSoonAfter() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("early").toAbsolutePath() + System.getProperty("durability.urlSuffix", "");
    Random random = new Random();
    List<String> begun = new ArrayList<>();
    Map<String, String> rounds = new LinkedHashMap<>();
    for (int round = 1; round <= ROUNDS; round++) {
      int acks = 1 + random.nextInt(8);
      int millis = random.nextInt(60);
      List<String> lines = runAndKill("r" + round, acks, millis, DurabilityChild.class.getName(), "h2", url, "early_",
          "r" + round);
      rounds.put("r" + round, "killed " + millis + " ms after " + acks + " acknowledgement(s); acknowledged: " + lines);
      lines.stream().filter(l -> l.startsWith("B ")).map(l -> l.substring(2)).forEach(begun::add);
    }
    List<String> missing = new ArrayList<>();
    try (JdbcRunStore store = JdbcRunStore.builder(TestDatabases.h2Url(url, "sa", "")).tablePrefix("early_").build()) {
      for (String tx : begun) {
        Optional<StoredRun> stored = store.load(DurabilityChild.TYPES, tx);
        if (stored.isEmpty()) {
          missing.add(tx);
        }
      }
    }
    Set<String> roundsWithLosses = new TreeSet<>();
    missing.forEach(tx -> roundsWithLosses.add(tx.substring(0, tx.indexOf('-'))));
    StringBuilder evidence = new StringBuilder();
    roundsWithLosses.forEach(r -> evidence.append("\n").append(r).append(": ").append(rounds.get(r)));
    assertEquals(List.of(), missing, missing.size() + " of " + begun.size() + " acknowledged runs are missing" + evidence);
  }

  /**
   * The same with plain JDBC on H2, without the store: one connection inserts a row and commits, and
   * the child prints each row's id after its commit returned. The URL asks for {@code WRITE_DELAY=0}.
   */
  @Test
  @EnabledIfSystemProperty(named = "h2.killTests", matches = "true", disabledReason = REASON)
  void h2KeepsTheFirstCommitsOfAProcessKilledSoonAfter() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("plain").toAbsolutePath() + ";WRITE_DELAY=0"
        + System.getProperty("plain.urlSuffix", "");
    Random random = new Random();
    Map<String, String> rounds = new LinkedHashMap<>();
    List<String> committed = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      int acks = 1 + random.nextInt(8);
      int millis = random.nextInt(60);
      List<String> lines = runAndKill("p" + round, acks, millis, H2CommitChild.class.getName(), url, "p" + round);
      rounds.put("p" + round, "killed " + millis + " ms after " + acks + " commit(s); committed: " + lines);
      committed.addAll(lines);
    }
    List<String> missing = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        PreparedStatement select = c.prepareStatement("SELECT 1 FROM acked WHERE id = ?")) {
      for (String id : committed) {
        select.setString(1, id);
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            missing.add(id);
          }
        }
      }
    }
    Set<String> roundsWithLosses = new TreeSet<>();
    missing.forEach(id -> roundsWithLosses.add(id.substring(0, id.indexOf('-'))));
    StringBuilder evidence = new StringBuilder();
    roundsWithLosses.forEach(r -> evidence.append("\n").append(r).append(": ").append(rounds.get(r)));
    assertEquals(List.of(), missing, missing.size() + " of " + committed.size() + " committed rows are missing"
        + evidence);
  }

  /**
   * Starts the child, waits for {@code acks} acknowledged writes, waits {@code millis} more, kills it;
   * returns what it acknowledged.
   */
  private List<String> runAndKill(String round, int acks, int millis, String... mainAndArgs) throws Exception {
    Path out = dir.resolve("child-" + round + ".out");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    if (System.getProperty("h2.statementAfterOpening") != null) {
      command.add("-Dh2.statementAfterOpening=" + System.getProperty("h2.statementAfterOpening"));
    }
    command.addAll(List.of(mainAndArgs));
    Process child = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(dir.resolve("child-" + round + ".err").toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (lines(out).size() < acks && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(child.isAlive(), "the child stopped by itself: " + Files.readString(dir.resolve("child-" + round + ".err")));
      Thread.sleep(millis);
    } finally {
      child.destroyForcibly();
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    }
    return lines(out);
  }

  private static List<String> lines(Path out) throws IOException {
    String text = Files.readString(out);
    List<String> lines = new ArrayList<>(text.lines().toList());
    if (!text.isEmpty() && !text.endsWith("\n")) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }
}
