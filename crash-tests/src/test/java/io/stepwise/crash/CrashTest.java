package io.stepwise.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stepwise.jdbc.JdbcRunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whole workflows killed with SIGKILL at random moments, on H2 and on PostgreSQL: every run ends as
 * its input says, none is stuck, and nothing recorded ran again.
 *
 * <h2>What runs</h2>
 *
 * A child JVM ({@link CrashChild}) opens a {@code JdbcRunStore}, builds a {@code WorkflowEngine} and
 * the runners of {@link OrderWorkflow} (synchronous) and {@link AsyncOrderWorkflow} (asynchronous)
 * with it, starts the engine, which resumes what earlier JVMs left unfinished, and runs new workflows
 * on 8 threads. Each workflow has a step, a {@code @Parallel} group of three, a {@code @When} step, a
 * step whose attempts and compensation attempts fail at random while retries are left, a child
 * workflow (two steps, one with retries), and a last step that fails for every fifth input, so that
 * the run compensates. The test waits until the child JVM has made its runners, lets it run 100 to
 * 1,500 ms more, and kills it with {@code Process.destroyForcibly()}, which is SIGKILL on Linux (the
 * test checks the exit status, 137 = 128 + 9). It starts the next JVM on the same database, and so
 * on, {@code crash.kills} times on each database; then a last JVM only resumes: it
 * waits for the engine's recovery and exits. Kills land during recovery, during steps, between a
 * step and its checkpoint, during compensations. (Each JVM starts and warms up on a database of its
 * own while the one before it runs, and touches the store only once that one is dead: see {@link
 * ChildJvms}.)
 *
 * <h2>What is checked, against what</h2>
 *
 * Every step, compensation and condition writes a line to an append-only file, the effect log
 * ({@link EffectLog}, {@link Effect}), before it works and again when it succeeds or fails; every
 * invocation of a step gets a token, unique across JVMs, which is its output (and, with a prefix,
 * its compensation input), and a failed invocation puts its token in the error's message. So the
 * store's record names the invocation whose outcome it kept, and the log, written outside the store,
 * says what really ran and in what order. The log's order is the order of events: one process
 * writes at a time, each line with one {@code write(2)} in append mode; timestamps are the
 * machine's wall clock, the same clock the engine stamps checkpoints with. After the last JVM,
 * {@link CrashCheck} reads every run in the store and checks:
 *
 * <ul>
 *   <li><b>Every run ended as expected.</b> Every run a worker started (a {@code START} line) is in
 *       the store and ended {@code DONE}, or {@code REVERTED} if its input's number is a multiple of
 *       5, with its input; or it is not in the store and nothing of it ran (it was killed before its
 *       beginning was recorded). A caller that got an answer ({@code END}) got the recorded status.
 *       Every run in the store was started by a worker (or is the child of one that was).
 *   <li><b>None is stuck.</b> No run, parent or child, is {@code RUNNING} or {@code COMPENSATING};
 *       the last JVM's recovery reports no run that failed, stopped again, or was not resumed.
 *   <li><b>The record is complete.</b> A {@code DONE} run recorded every step as completed (or
 *       skipped, as its condition says), its result is its last step's recorded output, its child's
 *       result is what the parent recorded for the child step, and nothing was compensated. A
 *       {@code REVERTED} run recorded its last step as failed and the compensation of exactly the
 *       steps that completed (and of the failed step, when it handed its partial work over), and
 *       its child recorded both compensations. Every step that was invoked has an outcome.
 *   <li><b>No recorded step ran again.</b> A step's recorded outcome is that of its <em>last</em>
 *       invocation in the log (the recorded token is the last {@code INVOKE} of that step of that
 *       run), that invocation ended as recorded ({@code OK}, or {@code FAIL} for a failed step),
 *       and no invocation of the step began after the checkpoint's time. This is exactly "a step
 *       runs again only if its outcome was not recorded": invocations before the recorded one are
 *       retries or runs that a kill cut off before their checkpoint; any invocation after it would
 *       be a recorded step run again. A step skipped by its condition was never invoked; a
 *       condition was not evaluated after the step's outcome was recorded. A recorded failed attempt
 *       ({@code ATTEMPT_FAILED}) is the {@code FAIL} of that attempt, and the step is not tried
 *       again with that attempt's number or a lower one after it was recorded.
 *   <li><b>Nothing acknowledged was lost.</b> A step begins only once what it waits for is durable,
 *       so every step before it (but those of its own parallel group) must have its outcome
 *       recorded with a time before the step's condition was evaluated or the step was invoked;
 *       the child's steps, before the parent's steps before the child step; a compensation, after
 *       the halting failure and the compensation before it. A write the store acknowledged and then
 *       lost to a kill shows as a step that began before the outcome it waited for was recorded
 *       (the record has it from a later JVM, or not at all); a run that did anything must be in the
 *       store (its beginning was acknowledged before its first step).
 *   <li><b>No recorded compensation ran again.</b> No invocation of a recorded compensation began
 *       after its checkpoint's time, its last invocation succeeded, and every invocation got the
 *       recorded compensation input (so no compensation saw data the store did not have). A
 *       compensation that ran is recorded, once.
 *   <li><b>Reverted runs compensated what ran.</b> In a reverted run (and its child), every step
 *       that has a compensation and whose last invocation succeeded (or, for the failed step,
 *       handed its partial work over) has a {@code COMPENSATED} line after that invocation's last
 *       line, with that invocation's compensation input; and those compensations came in the
 *       reverse order of the steps' completion as the store numbered them, the child's two at the
 *       child step's place.
 * </ul>
 *
 * The test also requires that some runs went on in a later JVM than the one that started them, so
 * that it cannot pass without having resumed anything.
 *
 * <h2>Budget and soak</h2>
 *
 * {@code crash.kills} is the number of kills per database, 60 by default (120 per suite run). On
 * H2 this test found H2 2.5.252 losing commits of a process killed soon after it opened a database
 * an earlier killed process left (see jdbc's {@code KilledSoonAfterOpeningTest}); the store now
 * keeps H2's old chunks for an hour, which stops that (see {@code Dialect}). The soak, 1,000 kills
 * per database:
 *
 * <pre>
 * mvn -B -o verify -pl crash-tests -am -Dtest=CrashTest -Dsurefire.failIfNoSpecifiedTests=false -Dcrash.kills=1000
 * </pre>
 *
 * Other properties: {@code crash.seed} (the random kill times, printed by each run),
 * {@code crash.minWait} and {@code crash.maxWait} (ms after the child is ready, default 100 and
 * 1500), {@code crash.dumpSlow} (a thread dump of each child that had not started its engine when it
 * was killed). Each database's effect log, child outputs and H2 files stay in
 * {@code crash-tests/target/crash/}.
 */
class CrashTest {
  /** Kills per database. */
  private static final int KILLS = Integer.getInteger("crash.kills", 60);
  private static final int MIN_WAIT = Integer.getInteger("crash.minWait", 100);
  private static final int MAX_WAIT = Integer.getInteger("crash.maxWait", 1500);
  private static final Path DIR = Path.of(System.getProperty("crash.dir", "target/crash"));
  private static EmbeddedPostgres postgres;
  private static ChildJvms jvms;

  @BeforeAll
  static void prepareChildJvms() throws Exception {
    jvms = ChildJvms.prepare(fresh("jvm"));
  }

  @Test
  void h2RunsEndAsExpectedThroughKills() throws Exception {
    Path dir = fresh("h2");
    String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    crashAndCheck("h2", url, dir, KILLS);
  }

  @Test
  void postgresqlRunsEndAsExpectedThroughKills() throws Exception {
    Path dir = fresh("postgresql");
    postgres = EmbeddedPostgres.start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE crash");
    }
    crashAndCheck("postgresql", postgres.getJdbcUrl("postgres", "crash"), dir, KILLS);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static void crashAndCheck(String kind, String url, Path dir, int kills) throws Exception {
    long killed = 0;
    long seed = Long.getLong("crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path log = dir.resolve("effects.log");
    long began = System.nanoTime();
    int last = kills + 1;
    Process next = start(kind, url, dir, log, 1, kills == 0 ? "resume" : "run");
    try {
      for (int generation = 1; generation <= kills; generation++) {
        Process child = next;
        try {
          go(child, dir, generation);
          // the next JVM warms up while this one runs; it touches the store only once this one is dead
          next = start(kind, url, dir, log, generation + 1, generation < kills ? "run" : "resume");
          Thread.sleep(MIN_WAIT + random.nextInt(Math.max(1, MAX_WAIT - MIN_WAIT)));
          assertTrue(child.isAlive(), "child JVM " + generation + " stopped by itself: " + err(dir, generation));
          if (Boolean.getBoolean("crash.dumpSlow") && !lines(out(dir, generation)).contains("started")) {
            new ProcessBuilder("jcmd", Long.toString(child.pid()), "Thread.print")
                .redirectOutput(dir.resolve("threads-" + generation + ".txt").toFile()).start().waitFor();
          }
        } finally {
          child.destroyForcibly(); // SIGKILL on Linux
          assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM " + generation + " outlived its SIGKILL");
        }
        assertEquals(137, child.exitValue(), "child JVM " + generation + " was not killed by SIGKILL");
      }
      killed = System.nanoTime();
      go(next, dir, last);
      assertTrue(next.waitFor(5, TimeUnit.MINUTES), "the last JVM did not finish its recovery in 5 minutes");
      assertEquals(0, next.exitValue(), "the last JVM failed: " + err(dir, last));
    } finally {
      next.destroyForcibly();
    }
    long recovered = System.nanoTime();
    String recovery = lines(out(dir, last)).stream().filter(l -> l.startsWith("recovery ")).findFirst()
        .orElseThrow(() -> new AssertionError("the last JVM printed no recovery: " + err(dir, last)));
    String[] counts = recovery.split(" "); // resumed done reverted failed suspended notResumed
    assertEquals("0 0 0", counts[4] + " " + counts[5] + " " + counts[6],
        "the last JVM's recovery had runs that failed, stopped again, or were not resumed: " + recovery);

    List<Effect> effects = EffectLog.read(log);
    CrashCheck check;
    List<String> violations;
    DataSource dataSource = CrashChild.dataSource(kind, url);
    try (JdbcRunStore store = JdbcRunStore.builder(dataSource).tablePrefix(CrashChild.PREFIX).build()) {
      check = new CrashCheck(effects, store);
      violations = check.run();
    } finally {
      if (dataSource instanceof AutoCloseable pool) {
        pool.close();
      }
    }
    System.out.printf("%s: %d kills in %.0f s, then the last JVM resumed %s runs in %.1f s; %d effect lines, checked "
        + "in %.1f s; %s; seed %d%n", kind, kills, (killed - began) / 1e9, counts[1], (recovered - killed) / 1e9,
        effects.size(), (System.nanoTime() - recovered) / 1e9, check.stats(), seed);
    if (!violations.isEmpty()) {
      fail(violations.size() + " violation(s) on " + kind + " (seed " + seed + ", files in " + dir + "):\n"
          + String.join("\n", violations.stream().limit(20)
              .map(v -> v.length() > 3000 ? v.substring(0, 3000) + "..." : v).toList()));
    }
    assertTrue(check.stats().resumedRuns > 0, "no run went on in a later JVM: the kills tested nothing");
    assertTrue(check.stats().waitedRuns > 0, "no run waited for a manual retry: the recorded waits were not tested");
    assertTrue(check.stats().done > 0 && check.stats().reverted > 0, "runs did not end both ways: " + check.stats());
  }

  private static Process start(String kind, String url, Path dir, Path log, int generation, String mode)
      throws IOException {
    return jvms.start(List.of(kind, url, log.toString(), Integer.toString(generation), mode), out(dir, generation),
        dir.resolve("child-" + generation + ".err"));
  }

  /** Waits for the child to warm up, lets it go on to the store, and waits until it has made its runners. */
  private static void go(Process child, Path dir, int generation) throws Exception {
    long began = System.nanoTime();
    awaitLine(child, dir, generation, "warm", 60);
    long warm = System.nanoTime();
    child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
    child.getOutputStream().flush();
    awaitLine(child, dir, generation, "ready", 60);
    Files.writeString(dir.resolve("timings.txt"), String.format("%d: waited %d ms for warm, %d ms from go to ready%n",
        generation, (warm - began) / 1_000_000, (System.nanoTime() - warm) / 1_000_000), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Waits until the child prints {@code line}; fails if it dies first or takes more than {@code seconds}. */
  private static void awaitLine(Process child, Path dir, int generation, String line, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!lines(out(dir, generation)).contains(line)) {
      if (!child.isAlive()) {
        fail("child JVM " + generation + " died before it printed '" + line + "': " + err(dir, generation));
      }
      if (System.nanoTime() > deadline) {
        fail("child JVM " + generation + " did not print '" + line + "' in " + seconds + " s: " + err(dir, generation));
      }
      Thread.sleep(5);
    }
  }

  private static Path out(Path dir, int generation) {
    return dir.resolve("child-" + generation + ".out");
  }

  private static String err(Path dir, int generation) {
    try {
      return Files.readString(dir.resolve("child-" + generation + ".err"));
    } catch (IOException e) {
      return "(its error output cannot be read: " + e + ")";
    }
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
  }

  /** An empty directory for one database's run. */
  private static Path fresh(String name) throws IOException {
    Path dir = DIR.resolve(name);
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
