package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowEngine.Recovery;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.fixtures.LogCapture;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a user of a {@link WorkflowEngine} observes of the engine itself ({@link Engine}): what
 * {@code start()} resumes and how {@code recovery()} counts it, the log lines that say so, how
 * {@code close()} waits for the runs in progress, and the reads ({@code timeline}, {@code list}).
 * The runs that a crash interrupted are written into the store directly: a run whose beginning is
 * recorded and nothing else, which a resumed run replays from its first step.
 */
class EngineTest {
  static final StepSpec A = StepSpec.of("a", 0);
  static final StepSpec B = StepSpec.of("b", 0);
  static final RunTypes TYPES = RunTypes.builder("order", String.class, String.class)
      .step(0, String.class, String.class)
      .step(1, String.class, String.class)
      .build();
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "order", A, B).withTypes(TYPES, "fp-1");

  final InMemoryRunStore memory = new InMemoryRunStore();
  /** Where a run whose input contains "waits" is, in step 'a': reached, and let go by the test. */
  final CountDownLatch inA = new CountDownLatch(1);
  final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void letGo() {
    gate.countDown();
  }

  /**
   * Workflow 'order': step 'a', then 'b'. Its input says what goes wrong: "b-fails" fails 'b' (the
   * run is REVERTED), "undo-fails" also fails the compensation of 'a' (FAILED), "waits" holds 'a'
   * until the test opens its gate.
   */
  final class Runner {
    final RunRegistry runs;

    Runner(WorkflowEngine engine) {
      this.runs = RunRegistry.of(engine, SPEC, this::runAsync);
    }

    WorkflowResult<String> run(String input, RunOptions options) {
      WorkflowRun run = WorkflowRun.start(SPEC, options, Container.empty(), runs, input);
      try {
        String a = run.valueStep(A, ctx -> a(input), (out, ctx) -> {
          if (input.contains("undo-fails")) {
            throw new IllegalStateException("cannot undo " + out);
          }
        });
        return run.done(run.valueStep(B, ctx -> {
          if (input.contains("b-fails")) {
            throw new IllegalStateException("b failed");
          }
          return a + ">b";
        }, null));
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    }

    CompletableFuture<WorkflowResult<String>> runAsync(String input, RunOptions options) {
      return AsyncRuns.supply(options, runs, () -> run(input, options));
    }
  }

  String a(String input) throws InterruptedException {
    if (input.contains("waits")) {
      inA.countDown();
      gate.await(10, TimeUnit.SECONDS);
    }
    return input + ">a";
  }

  static RunOptions tx(String transactionId) {
    return RunOptions.builder().transactionId(transactionId).throwOnError(false).build();
  }

  /** Records the beginning of a run of 'order' by the definition {@code fingerprint}, as a crash leaves it. */
  void interrupted(String transactionId, String fingerprint, String input) {
    memory.begin(TYPES, NewRun.builder(transactionId, fingerprint).input(input).build()).join();
  }

  /** A store that counts its closes; appends to {@code failing} fail, as on a database that is down. */
  static final class Store extends ForwardingRunStore {
    final AtomicInteger closes = new AtomicInteger();
    volatile String failing = "";
    volatile String unreadable = "";

    Store(RunStore store) {
      super(store);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      return transactionId.equals(failing) ? CompletableFuture.failedFuture(new RunStoreException("the database is down"))
          : super.append(types, transactionId, update);
    }

    @Override
    public Optional<StoredRun> load(RunTypes types, String transactionId) {
      if (transactionId.equals(unreadable)) {
        throw new RunStoreException("run '" + transactionId + "' cannot be decoded");
      }
      return super.load(types, transactionId);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
      super.close();
    }
  }

  // ---------------------------------------------------------------- start and recovery

  @Test
  void recoveryCountsEachResumedRunByHowItEndedAndTheRunsLeftAsTheyAre() throws Exception {
    interrupted("tx-done", "fp-1", "o-1");
    interrupted("tx-reverted", "fp-1", "o-2 b-fails");
    interrupted("tx-failed", "fp-1", "o-3 b-fails undo-fails");
    interrupted("tx-stopped", "fp-1", "o-4");
    interrupted("tx-other-definition", "fp-0", "o-5");
    interrupted("tx-unreadable", "fp-1", "o-6");
    Store store = new Store(memory);
    store.failing = "tx-stopped";
    store.unreadable = "tx-unreadable";
    WorkflowEngine engine = WorkflowEngine.builder().store(store).build();
    new Runner(engine);

    Recovery recovery;
    try (LogCapture log = LogCapture.open()) {
      engine.start();
      recovery = engine.recovery().get(5, TimeUnit.SECONDS);

      assertEquals(List.of("INFO WorkflowEngine resumes 4 interrupted run(s); 2 recorded by another definition are "
          + "left as they are"), log.lines("WorkflowEngine resumes"));
      assertEquals(List.of("INFO WorkflowEngine recovery over: 4 run(s) resumed: 1 DONE, 1 REVERTED, 1 FAILED, 1 "
          + "stopped again before their end; 2 not resumed (recorded by another definition of their workflow)"),
          log.lines("WorkflowEngine recovery over"));
      assertEquals(List.of("WARN Workflow 'order': run 'tx-other-definition' was recorded by another definition of the "
          + "workflow (fingerprint fp-0, this one is fp-1); its steps' names and order are the same, so a step's kind or "
          + "types changed. It is not replayed into the wrong steps: finish it with the definition that recorded it "
          + "(deploy that version), or leave it; its record stays as it is"), log.lines("tx-other-definition"));
      assertEquals(List.of("ERROR Workflow 'order': run 'tx-unreadable' cannot be resumed: its record cannot be read"),
          log.lines("tx-unreadable"));
    }

    assertEquals(new Recovery(4, 1, 1, 1, 1, 2), recovery);
    assertEquals(RunStatus.DONE, memory.find("tx-done").orElseThrow().status());
    assertEquals("o-1>a>b", memory.load(TYPES, "tx-done").orElseThrow().end().orElseThrow().result());
    assertEquals(RunStatus.REVERTED, memory.find("tx-reverted").orElseThrow().status());
    assertEquals(RunStatus.FAILED, memory.find("tx-failed").orElseThrow().status());
    assertEquals(RunStatus.RUNNING, memory.find("tx-stopped").orElseThrow().status());
    assertEquals(RunStatus.RUNNING, memory.find("tx-other-definition").orElseThrow().status());
    assertEquals(RunStatus.RUNNING, memory.find("tx-unreadable").orElseThrow().status());
  }

  @Test
  void startWithNothingToResumeSaysNothingAndRecoveryIsEmpty() throws Exception {
    WorkflowEngine engine = WorkflowEngine.builder().store(memory).build();
    new Runner(engine);

    try (LogCapture log = LogCapture.open()) {
      engine.start();

      assertEquals(new Recovery(0, 0, 0, 0, 0, 0), engine.recovery().get(5, TimeUnit.SECONDS));
      assertEquals(List.of(), log.lines("WorkflowEngine"));
    }
  }

  @Test
  void startLogsTheRunsItResumesWithoutTheClauseForRunsLeftWhenThereAreNone() throws Exception {
    interrupted("tx-resumed", "fp-1", "o-1");
    WorkflowEngine engine = WorkflowEngine.builder().store(memory).build();
    new Runner(engine);

    try (LogCapture log = LogCapture.open()) {
      engine.start();

      assertEquals(new Recovery(1, 1, 0, 0, 0, 0), engine.recovery().get(5, TimeUnit.SECONDS));
      assertEquals(List.of("INFO WorkflowEngine resumes 1 interrupted run(s)"), log.lines("WorkflowEngine resumes"));
      assertEquals(List.of("INFO WorkflowEngine recovery over: 1 run(s) resumed: 1 DONE, 0 REVERTED, 0 FAILED"),
          log.lines("WorkflowEngine recovery over"));
    }
  }

  @Test
  void startThatResumesNothingButLeavesARunSaysSoAndHasNoRecoveryToReport() throws Exception {
    interrupted("tx-left", "fp-0", "o-1");
    WorkflowEngine engine = WorkflowEngine.builder().store(memory).build();
    new Runner(engine);

    try (LogCapture log = LogCapture.open()) {
      engine.start();

      assertEquals(new Recovery(0, 0, 0, 0, 0, 1), engine.recovery().get(5, TimeUnit.SECONDS));
      assertEquals(List.of("INFO WorkflowEngine resumes 0 interrupted run(s); 1 recorded by another definition are "
          + "left as they are"), log.lines("WorkflowEngine resumes"));
      assertEquals(List.of(), log.lines("WorkflowEngine recovery over"));
    }
  }

  @Test
  void startIsCalledOnceAndTheErrorSaysWhetherTheEngineWasStartedOrClosed() {
    WorkflowEngine started = WorkflowEngine.builder().store(memory).build();
    started.start();
    WorkflowEngine closed = WorkflowEngine.builder().store(new InMemoryRunStore()).build();
    closed.close();

    assertEquals("this WorkflowEngine was started before; start() is called once",
        assertThrows(IllegalStateException.class, started::start).getMessage());
    assertEquals("this WorkflowEngine was closed before; start() is called once",
        assertThrows(IllegalStateException.class, closed::start).getMessage());
  }

  @Test
  void aRunnerCreatedTooLateIsRefusedAndTheErrorSaysWhetherTheEngineWasStartedOrClosed() {
    WorkflowEngine started = WorkflowEngine.builder().store(memory).build();
    started.start();
    WorkflowEngine closed = WorkflowEngine.builder().store(new InMemoryRunStore()).build();
    closed.close();

    String prefix = "create the runner of workflow 'order' before WorkflowEngine.start(), so that start() resumes its "
        + "interrupted runs; this engine is ";
    assertEquals(prefix + "started", assertThrows(IllegalStateException.class, () -> new Runner(started)).getMessage());
    assertEquals(prefix + "closed", assertThrows(IllegalStateException.class, () -> new Runner(closed)).getMessage());
  }

  // ---------------------------------------------------------------- reads

  @Test
  void timelineListAndStoreReadTheEnginesStore() {
    WorkflowEngine engine = WorkflowEngine.builder().store(memory).build();
    new Runner(engine).run("o-1", tx("tx-read"));

    StoredRun timeline = engine.timeline("tx-read").orElseThrow();
    assertEquals(RunStatus.DONE, timeline.status());
    assertEquals("o-1", timeline.input());
    assertEquals(2, timeline.checkpoints().size());
    assertEquals(Optional.empty(), engine.timeline("tx-unknown"));
    List<RunHeader> listed = engine.list(RunQuery.builder().workflowName("order").build());
    assertEquals(List.of("tx-read"), listed.stream().map(RunHeader::transactionId).toList());
    assertSame(memory, engine.store());
  }

  // ---------------------------------------------------------------- close

  @Test
  void closeWaitsForTheRunInProgressAndClosesTheStoreOnceWhileASecondCloseReturnsAtOnce() throws Exception {
    Store store = new Store(memory);
    WorkflowEngine engine = WorkflowEngine.builder().store(store).build();
    Runner runner = new Runner(engine);
    CompletableFuture<WorkflowResult<String>> running = runner.runAsync("o-1 waits", tx("tx-closing"));
    assertTrue(inA.await(5, TimeUnit.SECONDS));

    try (LogCapture log = LogCapture.open()) {
      CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!((Engine) engine).isClosing()) {
        assertTrue(System.nanoTime() < deadline, "the engine did not begin to close");
        Thread.sleep(1);
      }
      // a second close while the first waits: returns at once, and leaves the store to the first
      CompletableFuture.runAsync(engine::close).get(2, TimeUnit.SECONDS);
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> runner.run("o-2", tx("tx-late")));
      Thread.sleep(100);

      assertEquals("Workflow 'order' (transaction tx-late) cannot start: its WorkflowEngine is closed",
          refused.getMessage());
      assertFalse(closing.isDone(), "close() waits for the run in progress to reach its next checkpoint");
      assertEquals(0, store.closes.get(), "the store stays open while a run is in progress");

      gate.countDown();
      closing.get(5, TimeUnit.SECONDS);
      assertEquals(1, store.closes.get());
      assertEquals(List.of(), log.lines("WorkflowEngine closes with"));
    }
    WorkflowSuspendedException stopped = assertInstanceOf(WorkflowSuspendedException.class,
        assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS)).getCause());
    assertTrue(stopped.getMessage().contains("its WorkflowEngine is closing"), stopped.getMessage());
    engine.close();
    assertEquals(1, store.closes.get(), "closing a closed engine does nothing");
  }

  @Test
  void closeWithNoRunInProgressClosesTheStoreAtOnce() throws Exception {
    Store store = new Store(memory);
    WorkflowEngine engine = WorkflowEngine.builder().store(store).shutdownTimeout(Duration.ofSeconds(30)).build();
    new Runner(engine).run("o-1", tx("tx-ended"));

    CompletableFuture.runAsync(engine::close).get(5, TimeUnit.SECONDS);

    assertEquals(1, store.closes.get());
  }

  /**
   * The last run lets go of its transaction id while close() looks at the runs in progress: close()
   * returns then, not at its shutdown timeout. (It once took a snapshot of the runs after it had
   * seen one, found none, and waited for "any of none", which never completes.) The race window is
   * a few instructions wide, so the test runs it many times on fresh engines.
   */
  @Test
  void closeReturnsWhenTheLastRunLetsGoWhileItLooksNotAtItsShutdownTimeout() throws Exception {
    for (int i = 0; i < 2_000; i++) {
      Engine engine = new Engine(new Store(memory), Duration.ofSeconds(30));
      CompletableFuture<Void> mine = new CompletableFuture<>();
      engine.claim("tx-" + i, mine);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
      while (!engine.isClosing()) {
        Thread.onSpinWait();
      }
      engine.release("tx-" + i, mine);
      try {
        closing.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("close() waited past the release of the last run (attempt " + i + ")", e);
      }
    }
  }

  @Test
  void closeGivesUpOnARunStillInProgressAtTheShutdownTimeoutAndSaysSo() throws Exception {
    Store store = new Store(memory);
    WorkflowEngine engine = WorkflowEngine.builder().store(store).shutdownTimeout(Duration.ofMillis(200)).build();
    Runner runner = new Runner(engine);
    CompletableFuture<WorkflowResult<String>> running = runner.runAsync("o-1 waits", tx("tx-stuck"));
    assertTrue(inA.await(5, TimeUnit.SECONDS));

    try (LogCapture log = LogCapture.open()) {
      long began = System.nanoTime();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
      try {
        closing.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("close() did not give up at its shutdown timeout", e);
      }
      long waited = System.nanoTime() - began;

      assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(200), "close() gave up after " + waited + " ns");
      assertEquals(1, store.closes.get());
      assertEquals(List.of("WARN WorkflowEngine closes with 1 run(s) still in progress after PT0.2S; their last "
          + "checkpoints stay, and the next engine resumes them"), log.lines("WorkflowEngine closes with"));
    }
    gate.countDown();
    assertInstanceOf(WorkflowSuspendedException.class,
        assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS)).getCause());
  }

  @Test
  void anInterruptedCloseStopsWaitingClosesTheStoreAndKeepsTheInterrupt() throws Exception {
    Store store = new Store(memory);
    WorkflowEngine engine = WorkflowEngine.builder().store(store).shutdownTimeout(Duration.ofSeconds(30)).build();
    Runner runner = new Runner(engine);
    CompletableFuture<WorkflowResult<String>> running = runner.runAsync("o-1 waits", tx("tx-interrupted"));
    assertTrue(inA.await(5, TimeUnit.SECONDS));

    long began = System.nanoTime();
    Thread.currentThread().interrupt();
    engine.close();
    boolean interrupted = Thread.interrupted();

    assertTrue(interrupted, "close() keeps the thread's interrupt");
    assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(5), "close() stopped waiting when interrupted");
    assertEquals(1, store.closes.get());
    gate.countDown();
    assertInstanceOf(WorkflowSuspendedException.class,
        assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS)).getCause());
  }
}
