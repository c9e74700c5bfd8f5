package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store acknowledged survives a killed process: a child JVM ({@link DurabilityChild})
 * writes from 8 threads and prints each write whose future completed; the test kills it with SIGKILL
 * at a random moment, three times, then opens the store and checks that every acknowledged write is
 * there. On H2 the database URL has no {@code WRITE_DELAY}: the store must turn H2's delayed writes
 * off itself.
 */
class DurabilityTest {
  private static final int ROUNDS = 3;

  @TempDir
  Path dir;

  @Test
  void h2KeepsEveryAcknowledgedWriteOfAKilledProcess() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("durable").toAbsolutePath();
    check("h2", url, () -> TestDatabases.h2Url(url, "sa", ""));
  }

  @Test
  void postgresKeepsEveryAcknowledgedWriteOfAKilledProcess() throws Exception {
    String database = TestDatabases.newPostgresDatabase();
    check("postgresql", TestDatabases.postgresUrl(database), () -> TestDatabases.postgres(database));
  }

  private void check(String kind, String url, Supplier<DataSource> dataSource) throws Exception {
    Random random = new Random();
    List<String> acknowledged = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      acknowledged.addAll(runAndKill(kind, url, "r" + round, 30 + random.nextInt(400)));
    }
    try (JdbcRunStore store = JdbcRunStore.builder(dataSource.get()).tablePrefix("durable_").build()) {
      Map<String, List<String>> byRun = acknowledged.stream()
          .collect(Collectors.groupingBy(line -> line.split(" ")[1]));
      for (Map.Entry<String, List<String>> run : byRun.entrySet()) {
        String tx = run.getKey();
        Optional<StoredRun> stored = store.load(DurabilityChild.TYPES, tx);
        assertTrue(stored.isPresent(), "acknowledged run " + tx + " is missing");
        List<Checkpoint> checkpoints = stored.get().checkpoints();
        for (String line : run.getValue()) {
          String[] parts = line.split(" ");
          switch (parts[0]) {
            case "B" -> assertEquals("in " + tx, stored.get().input());
            case "C" -> {
              int seq = Integer.parseInt(parts[2]);
              assertTrue(checkpoints.size() > seq, "acknowledged checkpoint " + seq + " of " + tx + " is missing");
              assertEquals(tx + "/" + seq, checkpoints.get(seq).output());
            }
            case "E" -> {
              assertEquals(RunStatus.DONE, stored.get().status(), "acknowledged end of " + tx);
              assertEquals("result " + tx, stored.get().end().get().result());
            }
            default -> fail("unexpected line from the child: " + line);
          }
        }
      }
    }
  }

  /**
   * Starts the child, waits for its first acknowledgements, lets it run {@code millis} more, kills it.
   * The child's output goes to a file (each line written whole, with one write), which outlives it.
   */
  private List<String> runAndKill(String kind, String url, String round, int millis) throws Exception {
    Path out = dir.resolve("child-" + kind + "-" + round + ".out");
    Path err = dir.resolve("child-" + kind + "-" + round + ".err");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",   // a faster start
        DurabilityChild.class.getName(), kind, url, "durable_", round)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (acknowledged(out).size() < 20 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(child.isAlive(), "the child stopped by itself: " + Files.readString(err));
      Thread.sleep(millis);
    } finally {
      child.destroyForcibly();   // SIGKILL on Linux
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    }
    List<String> lines = acknowledged(out);
    assertTrue(lines.size() >= 20, "the child acknowledged only " + lines.size() + " writes: " + Files.readString(err));
    return lines;
  }

  /** The complete lines of the child's output. */
  private static List<String> acknowledged(Path out) throws IOException {
    String text = Files.readString(out);
    List<String> lines = new ArrayList<>(text.lines().toList());
    if (!text.isEmpty() && !text.endsWith("\n")) {
      lines.remove(lines.size() - 1);   // a line the kill cut short (which one write makes unlikely)
    }
    return lines;
  }
}
