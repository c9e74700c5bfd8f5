package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.fixtures.LogCapture;
import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RestoredException;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import io.stepwise.runtime.store.TransactionalRunStore;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Durable runs on the execution core (see {@link Journal}), with a hand-written runner of three steps
 * on an {@link InMemoryRunStore}. A crash is a store that dies: every write after {@link
 * DyingStore#die()} fails, as in a process that was killed, and a second engine on the same record
 * resumes. The generated runners, the JDBC store and real SIGKILLs are tested in integration-tests.
 */
class JournalTest {
  static final StepSpec RESERVE = StepSpec.of("reserve", 0);
  static final StepSpec CHARGE = StepSpec.of("charge", 0);
  static final StepSpec SHIP = StepSpec.of("ship", 0);
  static final RunTypes TYPES = RunTypes.builder("order", String.class, String.class)
      .step(0, String.class, String.class)
      .step(1, String.class, String.class)
      .step(2, String.class, String.class)
      .build();
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "order", RESERVE, CHARGE, SHIP).withTypes(TYPES, "fp-1");
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();

  final InMemoryRunStore memory = new InMemoryRunStore();
  final List<String> events = new CopyOnWriteArrayList<>();
  /** Steps (by name) that fail; steps that wait for a latch before they return. */
  final Set<String> failing = ConcurrentHashMap.newKeySet();
  /** Steps (by name) that throw the given exception instead. */
  final ConcurrentHashMap<String, RuntimeException> throwing = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, CountDownLatch> reached = new ConcurrentHashMap<>();

  /**
   * A runner of the three steps; each step and compensation adds an event. A transactional one runs
   * each step with its work in the store's transaction (see {@link TransactionalStore}).
   */
  final class Runner {
    final RunRegistry runs;
    final boolean transactional;

    Runner(WorkflowEngine engine) {
      this(engine, false);
    }

    Runner(WorkflowEngine engine, boolean transactional) {
      this.runs = RunRegistry.of(engine, SPEC, this::runAsync);
      this.transactional = transactional;
    }

    WorkflowResult<String> run(String input, RunOptions options) {
      WorkflowRun run = WorkflowRun.start(SPEC, options, Container.empty(), runs, input);
      try {
        String reserved = recorded(run, RESERVE, input);
        String charged = recorded(run, CHARGE, reserved);
        String shipped = recorded(run, SHIP, charged);
        return run.done(shipped);
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    }

    String recorded(WorkflowRun run, StepSpec spec, String in) {
      String name = spec.name();
      if (transactional) {
        return run.<String, String>transactionalStep(spec, (ctx, connection) -> {
          String out = step(name, in);
          return new StepResponse<>(out, out);
        }, (out, ctx) -> undo(name, out));
      }
      return run.valueStep(spec, ctx -> step(name, in), (out, ctx) -> undo(name, out));
    }

    CompletableFuture<WorkflowResult<String>> runAsync(String input, RunOptions options) {
      return AsyncRuns.supply(options, runs, () -> run(input, options));
    }
  }

  /** The same steps as {@link Runner}, asynchronous: 'reserve' and 'charge' return stages. */
  final class AsyncRunner {
    final RunRegistry runs;

    AsyncRunner(WorkflowEngine engine) {
      this.runs = RunRegistry.of(engine, SPEC, this::runAsync);
    }

    CompletableFuture<WorkflowResult<String>> runAsync(String input, RunOptions options) {
      return AsyncRun.submit(SPEC, options, Container.empty(), runs, input, run ->
          run.valueStepAsync(RESERVE, ctx -> CompletableFuture.supplyAsync(() -> quietly("reserve", input)),
                  (r, ctx) -> undo("reserve", r))
              .thenCompose(reserved -> run.valueStepAsync(CHARGE,
                  ctx -> CompletableFuture.supplyAsync(() -> quietly("charge", reserved)), (c, ctx) -> undo("charge", c)))
              .thenCompose(charged -> run.valueStep(SHIP, ctx -> step("ship", charged), (x, ctx) -> undo("ship", x))));
    }
  }

  /** Two steps in a group, then 'ship': the group's steps complete in the order the test lets them. */
  static final RunTypes GROUP_TYPES = RunTypes.builder("packing", String.class, String.class)
      .step(0, String.class, String.class).step(1, String.class, String.class).step(2, String.class, String.class)
      .build();
  static final WorkflowSpec GROUP_SPEC = WorkflowSpec.of(1, "packing", StepSpec.of("reserve", 0),
      StepSpec.of("charge", 0), StepSpec.of("ship", 0)).withTypes(GROUP_TYPES, "fp-g");

  final class GroupRunner {
    final RunRegistry runs;

    GroupRunner(WorkflowEngine engine) {
      this.runs = RunRegistry.of(engine, GROUP_SPEC, this::runAsync);
    }

    WorkflowResult<String> run(String input, RunOptions options) {
      WorkflowRun run = WorkflowRun.start(GROUP_SPEC, options, Container.empty(), runs, input);
      try {
        WorkflowRun.Group group = run.parallel("pack");
        WorkflowRun.Branch<String, String> reserve = group.valueStep(GROUP_SPEC.steps().get(0), ctx -> step("reserve", input),
            (r, ctx) -> undo("reserve", r));
        WorkflowRun.Branch<String, String> charge = group.valueStep(GROUP_SPEC.steps().get(1), ctx -> step("charge", input),
            (c, ctx) -> undo("charge", c));
        group.join();
        String shipped = run.valueStep(GROUP_SPEC.steps().get(2), ctx -> step("ship", reserve.output() + charge.output()),
            (x, ctx) -> undo("ship", x));
        return run.done(shipped);
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    }

    CompletableFuture<WorkflowResult<String>> runAsync(String input, RunOptions options) {
      return AsyncRuns.supply(options, runs, () -> run(input, options));
    }
  }

  String quietly(String name, String in) {
    try {
      return step(name, in);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  String step(String name, String in) throws InterruptedException {
    events.add(name);
    CountDownLatch here = reached.get(name);
    if (here != null) {
      here.countDown();
    }
    CountDownLatch gate = gates.get(name);
    if (gate != null) {
      gate.await(5, TimeUnit.SECONDS);
    }
    if (failing.contains(name)) {
      throw new IllegalStateException(name + " failed");
    }
    RuntimeException thrown = throwing.get(name);
    if (thrown != null) {
      throw thrown;
    }
    return in + ">" + name;
  }

  void undo(String name, String input) throws InterruptedException {
    events.add("undo-" + name);
    CountDownLatch here = reached.get("undo-" + name);
    if (here != null) {
      here.countDown();
    }
    CountDownLatch gate = gates.get("undo-" + name);
    if (gate != null) {
      gate.await(5, TimeUnit.SECONDS);
    }
    if (failing.contains("undo-" + name)) {
      throw new IllegalStateException("undo-" + name + " failed");
    }
  }

  WorkflowEngine engine(RunStore store) {
    return WorkflowEngine.builder().store(store).build();
  }

  List<CheckpointKind> kinds(String transactionId) {
    return memory.load(TYPES, transactionId).orElseThrow().checkpoints().stream().map(Checkpoint::kind).toList();
  }

  @Test
  void recordsOneCheckpointPerStepAndTheLastWithTheEnd() {
    CountingStore counting = new CountingStore(memory);
    Runner runner = new Runner(engine(counting));

    WorkflowResult<String> result = runner.run("o-1", RunOptions.builder().transactionId("tx-1").build());

    assertEquals("o-1>reserve>charge>ship", result.result());
    StoredRun stored = memory.load(TYPES, "tx-1").orElseThrow();
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals("o-1", stored.input());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED),
        kinds("tx-1"));
    assertEquals("o-1>reserve>charge", stored.checkpoints().get(1).output());
    assertEquals("o-1>reserve>charge>ship", stored.end().orElseThrow().result());
    assertEquals(1, counting.begins);
    assertEquals(3, counting.appends, "one write per step: the last one's carries the run's end");
  }

  @Test
  void aFinishedTransactionIdReturnsItsRecordAndRunsNothing() {
    Runner runner = new Runner(engine(memory));
    RunOptions tx = RunOptions.builder().transactionId("tx-2").build();
    WorkflowResult<String> first = runner.run("o-2", tx);
    events.clear();

    WorkflowResult<String> again = runner.run("o-2", tx);

    assertEquals(List.of(), events);
    assertEquals(first.result(), again.result());
    assertEquals(WorkflowStatus.DONE, again.status());
  }

  @Test
  void aRevertedTransactionIdThrowsAsTheFirstCallDidAndCompensatesNothingAgain() {
    Runner runner = new Runner(engine(memory));
    failing.add("ship");
    RunOptions tx = RunOptions.builder().transactionId("tx-3").build();
    WorkflowFailedException first = assertThrows(WorkflowFailedException.class, () -> runner.run("o-3", tx));
    assertEquals(List.of("reserve", "charge", "ship", "undo-charge", "undo-reserve"), events);
    events.clear();

    WorkflowFailedException again = assertThrows(WorkflowFailedException.class, () -> runner.run("o-3", tx));

    assertEquals(List.of(), events);
    assertEquals(WorkflowStatus.REVERTED, again.result().status());
    assertEquals(first.getCause().getMessage(), again.getCause().getMessage());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_FAILED,
        CheckpointKind.COMPENSATED, CheckpointKind.COMPENSATED), kinds("tx-3"));
  }

  @Test
  void theSameTransactionIdWithAnotherInputIsAnErrorThatSaysSo() {
    Runner runner = new Runner(engine(memory));
    runner.run("o-4", RunOptions.builder().transactionId("tx-4").build());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> runner.run("other", RunOptions.builder().transactionId("tx-4").build()));

    assertTrue(e.getMessage().contains("already has a run with transaction id 'tx-4' (DONE), with another input"),
        e.getMessage());
  }

  @Test
  void aRunInterruptedMidStepIsResumedWithoutRunningItsRecordedSteps() throws Exception {
    DyingStore dying = new DyingStore(memory);
    Runner first = new Runner(engine(dying));
    gates.put("charge", new CountDownLatch(1));
    reached.put("charge", new CountDownLatch(1));
    CompletableFuture<WorkflowResult<String>> running =
        first.runAsync("o-5", RunOptions.builder().transactionId("tx-5").build());
    assertTrue(reached.get("charge").await(5, TimeUnit.SECONDS));
    dying.die(); // the process is killed while 'charge' runs
    gates.get("charge").countDown();
    Throwable stopped = assertThrows(Exception.class, running::join).getCause();
    assertInstanceOf(WorkflowSuspendedException.class, stopped);
    assertEquals(RunStatus.RUNNING, memory.find("tx-5").orElseThrow().status());
    gates.clear();
    events.clear();

    WorkflowEngine second = engine(memory);
    Runner again = new Runner(second);
    second.start();
    WorkflowEngine.Recovery recovery = second.recovery().get(5, TimeUnit.SECONDS);

    assertEquals(List.of("charge", "ship"), events, "'reserve' was recorded: it does not run again");
    assertEquals(1, recovery.resumed());
    assertEquals(1, recovery.done());
    assertEquals("o-5>reserve>charge>ship", memory.load(TYPES, "tx-5").orElseThrow().end().orElseThrow().result());
    assertEquals(WorkflowStatus.DONE, again.run("o-5", RunOptions.builder().transactionId("tx-5").build()).status());
  }

  /** Runs the workflow on a store that dies while 'reserve' is being compensated: the run is suspended there. */
  void crashWhileUndoingReserve(String input, String transactionId) throws Exception {
    DyingStore dying = new DyingStore(memory);
    Runner first = new Runner(engine(dying));
    gates.put("undo-reserve", new CountDownLatch(1));
    reached.put("undo-reserve", new CountDownLatch(1));
    CompletableFuture<WorkflowResult<String>> running =
        first.runAsync(input, RunOptions.builder().transactionId(transactionId).throwOnError(false).build());
    assertTrue(reached.get("undo-reserve").await(5, TimeUnit.SECONDS));
    dying.die();
    gates.get("undo-reserve").countDown();
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, running::join).getCause());
  }

  @Test
  void aRunInterruptedWhileCompensatingGoesOnWithTheCompensationsNotRecorded() throws Exception {
    failing.add("ship");
    crashWhileUndoingReserve("o-6", "tx-6");
    assertEquals(RunStatus.COMPENSATING, memory.find("tx-6").orElseThrow().status());
    gates.clear();
    events.clear();

    WorkflowEngine second = engine(memory);
    new Runner(second);
    second.start();
    WorkflowEngine.Recovery recovery = second.recovery().get(5, TimeUnit.SECONDS);

    // 'charge' was compensated and recorded; 'reserve''s compensation ran but was not recorded: again
    assertEquals(List.of("undo-reserve"), events);
    assertEquals(1, recovery.reverted());
    StoredRun stored = memory.load(TYPES, "tx-6").orElseThrow();
    assertEquals(RunStatus.REVERTED, stored.status());
    assertEquals(1, stored.end().orElseThrow().errors().size());
  }

  @Test
  void aCompensationThatFailedForGoodIsRecordedAndAResumedRunKeepsItsErrorWithoutTryingItAgain() throws Exception {
    failing.addAll(List.of("ship", "undo-charge"));
    crashWhileUndoingReserve("o-7", "tx-7");
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_FAILED,
        CheckpointKind.COMPENSATION_FAILED), kinds("tx-7"));
    gates.clear();
    events.clear();

    WorkflowEngine second = engine(memory);
    Runner again = new Runner(second);
    second.start();
    WorkflowEngine.Recovery recovery = second.recovery().get(5, TimeUnit.SECONDS);

    assertEquals(List.of("undo-reserve"), events, "'charge''s failed compensation was recorded: not tried again");
    assertEquals(1, recovery.failed());
    WorkflowResult<String> result = again.run("o-7", RunOptions.builder().transactionId("tx-7").throwOnError(false).build());
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("ship/INVOKE/1", "charge/COMPENSATE/1"), result.errors().stream()
        .map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList());
    assertEquals("undo-charge failed", result.errors().get(1).cause().getMessage());
    assertEquals(List.of("undo-reserve"), events, "a finished run runs nothing again");
  }

  @Test
  void anAsynchronousRunIsRecordedAndResumedAsASynchronousOneIs() throws Exception {
    DyingStore dying = new DyingStore(memory);
    AsyncRunner first = new AsyncRunner(engine(dying));
    gates.put("charge", new CountDownLatch(1));
    reached.put("charge", new CountDownLatch(1));
    CompletableFuture<WorkflowResult<String>> running =
        first.runAsync("o-9", RunOptions.builder().transactionId("tx-9").build());
    assertTrue(reached.get("charge").await(5, TimeUnit.SECONDS));
    dying.die();
    gates.get("charge").countDown();
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, running::join).getCause());
    gates.clear();
    events.clear();

    WorkflowEngine second = engine(memory);
    AsyncRunner again = new AsyncRunner(second);
    second.start();

    assertEquals(1, second.recovery().get(5, TimeUnit.SECONDS).done());
    assertEquals(List.of("charge", "ship"), events);
    events.clear();
    WorkflowResult<String> repeated = again.runAsync("o-9", RunOptions.builder().transactionId("tx-9").build())
        .get(5, TimeUnit.SECONDS);
    assertEquals("o-9>reserve>charge>ship", repeated.result());
    assertEquals(List.of(), events);
  }

  @Test
  void aResumedGroupIsCompensatedInTheOrderItsStepsFirstCompleted() throws Exception {
    DyingStore dying = new DyingStore(memory);
    GroupRunner first = new GroupRunner(engine(dying));
    // 'charge' completes first, then 'reserve'; then the process dies while 'ship' runs
    gates.put("reserve", new CountDownLatch(1));
    reached.put("charge", new CountDownLatch(1));
    reached.put("ship", new CountDownLatch(1));
    gates.put("ship", new CountDownLatch(1));
    CompletableFuture<WorkflowResult<String>> running =
        first.runAsync("o-10", RunOptions.builder().transactionId("tx-10").throwOnError(false).build());
    assertTrue(reached.get("charge").await(5, TimeUnit.SECONDS));
    Thread.sleep(50); // lets 'charge' record its checkpoint before 'reserve' completes
    gates.get("reserve").countDown();
    assertTrue(reached.get("ship").await(5, TimeUnit.SECONDS));
    dying.die();
    gates.get("ship").countDown();
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, running::join).getCause());
    gates.clear();
    events.clear();

    failing.add("ship"); // after the restart, 'ship' fails: the group is compensated
    WorkflowEngine second = engine(memory);
    new GroupRunner(second);
    second.start();

    assertEquals(1, second.recovery().get(5, TimeUnit.SECONDS).reverted());
    assertEquals(List.of("ship", "undo-reserve", "undo-charge"), events,
        "recorded steps do not run again; the group is undone in reverse order of its first completion");
  }

  static final StepSpec PATIENT = StepSpec.builder("charge").maxRetries(3).retryInterval(300).build();
  static final WorkflowSpec RETRYING = WorkflowSpec.of(1, "order", RESERVE, PATIENT, SHIP).withTypes(TYPES, "fp-1");

  @Test
  void aRunInterruptedDuringARetryPauseGoesOnWithTheNextAttempt() throws Exception {
    DyingStore dying = new DyingStore(memory);
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    RunRegistry firstRuns = RunRegistry.of(engine(dying), RETRYING, (String in, RunOptions o) -> null);
    CompletableFuture<Void> firstRun = CompletableFuture.runAsync(() -> retryingRun(firstRuns, attempts, 1));
    // attempt 1 of 'charge' fails, is recorded, and the run pauses 300 ms: the process dies meanwhile
    long deadline = System.currentTimeMillis() + 5000;
    while (memory.find("tx-11").isEmpty() || kinds("tx-11").size() < 2) {
      assertTrue(System.currentTimeMillis() < deadline, "attempt 1 was not recorded");
      Thread.sleep(5);
    }
    dying.die();
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, firstRun::join).getCause());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.ATTEMPT_FAILED), kinds("tx-11"));

    WorkflowEngine second = engine(memory);
    RunRegistry runs = RunRegistry.of(second, RETRYING, (String in, RunOptions o) -> null);
    List<Integer> resumedAttempts = new CopyOnWriteArrayList<>();
    retryingRun(runs, resumedAttempts, 99);

    // (the dying run may have begun attempt 2 itself before its next write failed: a killed one would not)
    assertEquals(1, attempts.get(0));
    assertEquals(List.of(2), resumedAttempts, "the resumed run goes on with attempt 2, not 1");
    Checkpoint charged = memory.load(TYPES, "tx-11").orElseThrow().checkpoints().stream()
        .filter(c -> c.kind() == CheckpointKind.STEP_COMPLETED && c.position() == 1).findFirst().orElseThrow();
    assertEquals(2, charged.attempts());
  }

  /** One run of RETRYING whose 'charge' fails on its first attempt; each attempt's number is noted. */
  void retryingRun(RunRegistry runs, List<Integer> attempts, int failUpTo) {
    WorkflowRun run = WorkflowRun.start(RETRYING, RunOptions.builder().transactionId("tx-11").build(), Container.empty(),
        runs, "o-11");
    try {
      String reserved = run.valueStep(RESERVE, ctx -> "r", null);
      String charged = run.valueStep(PATIENT, ctx -> {
        attempts.add(ctx.attempt());
        if (ctx.attempt() == 1) {
          throw new IllegalStateException("declined");
        }
        return reserved + "c";
      }, null);
      run.done(run.valueStep(SHIP, ctx -> charged + "s", null));
    } catch (WorkflowRun.Halt halt) {
      run.halted(halt);
    }
  }

  @Test
  void closingTheEngineStopsARunAtItsNextCheckpointAndTheNextEngineFinishesIt() throws Exception {
    WorkflowEngine first = WorkflowEngine.builder().store(new Forwarding(memory) {
      @Override
      public void close() {
        // the record outlives this engine: the next one reads it
      }
    }).build();
    Runner runner = new Runner(first);
    first.start();
    gates.put("charge", new CountDownLatch(1));
    reached.put("charge", new CountDownLatch(1));
    CompletableFuture<WorkflowResult<String>> running =
        runner.runAsync("o-12", RunOptions.builder().transactionId("tx-12").build());
    assertTrue(reached.get("charge").await(5, TimeUnit.SECONDS));
    CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
    Thread.sleep(50);
    gates.get("charge").countDown();

    closing.get(5, TimeUnit.SECONDS);
    WorkflowSuspendedException stopped = assertInstanceOf(WorkflowSuspendedException.class,
        assertThrows(Exception.class, running::join).getCause());
    assertTrue(stopped.getMessage().contains("its WorkflowEngine is closing"), stopped.getMessage());
    assertEquals(List.of("reserve", "charge"), events, "'ship' did not start; nothing was compensated");
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED), kinds("tx-12"));
    assertThrows(IllegalStateException.class, () -> runner.run("o-13", RunOptions.defaults()));
    events.clear();
    gates.clear();

    WorkflowEngine second = engine(memory);
    new Runner(second);
    second.start();
    assertEquals(1, second.recovery().get(5, TimeUnit.SECONDS).done());
    assertEquals(List.of("ship"), events);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRunWhoseEngineBeganToCloseWhileItsBeginningWasBeingRecordedStopsBeforeItsFirstStep(boolean async)
      throws Exception {
    CountDownLatch beginning = new CountDownLatch(1);
    CountDownLatch recordIt = new CountDownLatch(1);
    Engine first = (Engine) WorkflowEngine.builder().store(new Forwarding(memory) {
      @Override
      public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
        beginning.countDown();
        try {
          assertTrue(recordIt.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return super.begin(types, run);
      }

      @Override
      public void close() {
        // the record outlives this engine
      }
    }).build();
    RunOptions options = RunOptions.builder().transactionId("tx-14").build();
    CompletableFuture<WorkflowResult<String>> running;
    if (async) {
      AsyncRunner runner = new AsyncRunner(first);
      first.start();
      running = runner.runAsync("o-14", options);
    } else {
      Runner runner = new Runner(first);
      first.start();
      running = runner.runAsync("o-14", options);
    }
    assertTrue(beginning.await(5, TimeUnit.SECONDS));
    CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
    while (!first.isClosing()) {
      Thread.onSpinWait();
    }
    recordIt.countDown();

    WorkflowSuspendedException stopped = assertInstanceOf(WorkflowSuspendedException.class,
        assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS)).getCause());
    closing.get(5, TimeUnit.SECONDS);
    assertTrue(stopped.getMessage().contains("its WorkflowEngine is closing"), stopped.getMessage());
    assertEquals(List.of(), events, "'reserve' did not start");
    assertEquals(List.of(), kinds("tx-14"), "the run is recorded as begun, with no step");
  }

  @Test
  void aResumedRunKeepsItsRecordedDeadline() throws Exception {
    WorkflowSpec timed = SPEC.withTimeout(400);
    DyingStore dying = new DyingStore(memory);
    RunRegistry firstRuns = RunRegistry.of(engine(dying), timed, (String in, RunOptions o) -> null);
    gates.put("charge", new CountDownLatch(1));
    reached.put("charge", new CountDownLatch(1));
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> timedRun(timed, firstRuns));
    assertTrue(reached.get("charge").await(5, TimeUnit.SECONDS));
    dying.die();
    gates.get("charge").countDown();
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, first::join).getCause());
    events.clear();
    Thread.sleep(450); // the workflow's 400 ms are over while no process runs it

    RunRegistry runs = RunRegistry.of(engine(memory), timed, (String in, RunOptions o) -> null);
    WorkflowResult<String> result = timedRun(timed, runs);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("undo-reserve"), events, "the resumed run is past its recorded deadline: no step starts");
    assertInstanceOf(io.stepwise.runtime.WorkflowTimeoutException.class, result.errors().get(0).cause());
  }

  WorkflowResult<String> timedRun(WorkflowSpec timed, RunRegistry runs) {
    WorkflowRun run = WorkflowRun.start(timed, RunOptions.builder().transactionId("tx-14").throwOnError(false).build(),
        Container.empty(), runs, "o-14");
    try {
      String reserved = run.valueStep(timed.steps().get(0), ctx -> step("reserve", "o-14"), (r, ctx) -> undo("reserve", r));
      String charged = run.valueStep(timed.steps().get(1), ctx -> step("charge", reserved), (c, ctx) -> undo("charge", c));
      return run.done(run.valueStep(timed.steps().get(2), ctx -> step("ship", charged), (x, ctx) -> undo("ship", x)));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  @Test
  void concurrentCallsWithOneTransactionIdRunTheWorkflowOnce() throws Exception {
    Runner runner = new Runner(engine(memory));
    gates.put("reserve", new CountDownLatch(1));
    reached.put("reserve", new CountDownLatch(1));
    RunOptions tx = RunOptions.builder().transactionId("tx-7").build();
    CompletableFuture<WorkflowResult<String>> one = runner.runAsync("o-7", tx);
    assertTrue(reached.get("reserve").await(5, TimeUnit.SECONDS));
    CompletableFuture<WorkflowResult<String>> two = runner.runAsync("o-7", tx);
    Thread.sleep(50);
    assertTrue(!two.isDone(), "the second call waits for the first");
    gates.get("reserve").countDown();

    assertEquals(one.get(5, TimeUnit.SECONDS).result(), two.get(5, TimeUnit.SECONDS).result());
    assertEquals(List.of("reserve", "charge", "ship"), events);
  }

  @ParameterizedTest(name = "listening: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aRunRecordedByAnotherDefinitionIsNotReplayedAndTheErrorNamesTheStep(boolean listening) {
    WorkflowSpec renamed = WorkflowSpec.of(1, "order", RESERVE, StepSpec.of("pay", 0), SHIP).withTypes(TYPES, "fp-2");
    DyingStore dying = new DyingStore(memory);
    Runner first = new Runner(engine(dying));
    failing.add("charge");
    dying.dieAfterAppends(1); // 'reserve' recorded, then the process dies
    assertThrows(WorkflowSuspendedException.class, () -> first.run("o-8", RunOptions.builder().transactionId("tx-8").build()));
    Runner unused = first;
    assertTrue(unused.runs.durable != null);

    Engine second = (Engine) engine(memory);
    RunRegistry runs = RunRegistry.of(second, renamed, (String input, RunOptions options) ->
        CompletableFuture.<WorkflowResult<String>>completedFuture(null));
    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        startAndRunFirstStep(renamed, given("tx-8", listening), runs, "o-8"));

    assertTrue(e.getMessage().contains("Workflow 'order': run 'tx-8' was recorded by another definition of the "
        + "workflow (fingerprint fp-1, this one is fp-2)"), e.getMessage());
    assertTrue(e.getMessage().contains("its record has step 'charge' at position 1, where this definition has step 'pay'")
        || e.getMessage().contains("steps' names and order are the same"), e.getMessage());
  }

  @Test
  void theEngineRefusesARunnerAfterStartAndASecondRunnerOfAWorkflow() {
    WorkflowEngine engine = engine(memory);
    new Runner(engine);
    assertTrue(assertThrows(IllegalStateException.class, () -> new Runner(engine)).getMessage()
        .contains("already has a runner of workflow 'order'"));
    engine.start();
    WorkflowEngine other = engine(memory);
    other.start();
    assertTrue(assertThrows(IllegalStateException.class, () -> new Runner(other)).getMessage()
        .contains("before WorkflowEngine.start()"));
  }

  // ---------------------------------------------------------------- runs with a fresh transaction id

  @Test
  void aRunWithoutATransactionIdIsRecordedUnderTheIdItIsGiven() {
    CountingStore counting = new CountingStore(memory);
    Runner runner = new Runner(engine(counting));

    WorkflowResult<String> result = runner.run("o-f", RunOptions.defaults());

    assertEquals("o-f>reserve>charge>ship", result.result());
    StoredRun stored = memory.load(TYPES, result.transactionId()).orElseThrow();
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals("o-f", stored.input());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED),
        kinds(result.transactionId()));
    assertEquals(1, counting.begins);
    assertEquals(3, counting.appends);
  }

  @Test
  void aRunWithoutATransactionIdWhoseBeginningCannotBeRecordedStopsBeforeItsFirstStep() {
    RunStoreException down = new RunStoreException("the database is down");
    Runner runner = new Runner(engine(new Forwarding(memory) {
      @Override
      public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
        return CompletableFuture.failedFuture(down);
      }
    }));

    WorkflowSuspendedException stopped = assertThrows(WorkflowSuspendedException.class,
        () -> runner.run("o-f", RunOptions.defaults()));

    assertEquals(List.of(), events, "no step acts before the run's beginning is durable");
    assertTrue(stopped.getMessage().contains("stopped without ending: its store could not record its beginning. Nothing "
        + "was compensated"), stopped.getMessage());
    assertSame(down, stopped.getCause());
    assertEquals(List.of(), memory.list(RunQuery.builder().build()));
  }

  @Test
  void aRunWithoutATransactionIdWhoseIdTurnsOutRecordedStopsBeforeItsFirstStep() {
    Runner runner = new Runner(engine(new Forwarding(memory) {
      @Override
      public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
        super.begin(types, run).join(); // another run took the id first
        return super.begin(types, run);
      }
    }));

    WorkflowSuspendedException stopped = assertThrows(WorkflowSuspendedException.class,
        () -> runner.run("o-f", RunOptions.defaults()));

    assertEquals(List.of(), events);
    assertTrue(stopped.getMessage().contains("its store could not record its beginning"), stopped.getMessage());
    RunStoreException cause = assertInstanceOf(RunStoreException.class, stopped.getCause());
    assertEquals("run '" + stopped.transactionId() + "' was recorded already", cause.getMessage());
  }

  @Test
  void noStepOfAFirstGroupActsBeforeTheBeginningOfARunWithoutATransactionIdIsDurable() throws Exception {
    CompletableFuture<Void> durable = new CompletableFuture<>();
    GroupRunner runner = new GroupRunner(engine(new Forwarding(memory) {
      @Override
      public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
        return durable.thenComposeAsync(ignored -> super.begin(types, run)); // a store whose writer is busy
      }
    }));

    CompletableFuture<WorkflowResult<String>> running = runner.runAsync("o-g", RunOptions.defaults());
    Thread.sleep(200);
    List<String> before = List.copyOf(events);
    durable.complete(null);

    assertEquals(List.of(), before, "a step acted before the run's beginning was durable");
    assertEquals(WorkflowStatus.DONE, running.get(5, TimeUnit.SECONDS).status());
  }

  @Test
  void aRunWithAGivenIdWhoseFirstStepIsAGroupFindsItsRecordBeforeAMemberActs() throws Exception {
    GroupRunner runner = new GroupRunner(engine(memory));
    RunOptions tx = RunOptions.builder().transactionId("tx-gg").build();
    WorkflowResult<String> first = runner.run("o-gg", tx);
    assertEquals(Set.of("reserve", "charge", "ship"), Set.copyOf(events));
    events.clear();

    WorkflowResult<String> again = runner.runAsync("o-gg", tx).get(5, TimeUnit.SECONDS);
    assertEquals(List.of(), events, "no member of the group acts for a recorded id");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> runner.run("other", tx));

    assertEquals(first.result(), again.result());
    assertTrue(refused.getMessage().contains("already has a run with transaction id 'tx-gg' (DONE), with another "
        + "input"), refused.getMessage());
    assertEquals(List.of(), events, "no member of the group acts for a recorded id");
  }

  // ---------------------------------------------------------------- opening a recorded run

  @Test
  void aCallRefusedForAnotherInputLetsGoOfTheTransactionId() throws Exception {
    Runner runner = new Runner(engine(memory));
    RunOptions tx = RunOptions.builder().transactionId("tx-4b").build();
    runner.run("o-4", tx);
    assertThrows(IllegalArgumentException.class, () -> runner.run("other", tx));

    WorkflowResult<String> again = runner.runAsync("o-4", tx).get(5, TimeUnit.SECONDS);

    assertEquals("o-4>reserve>charge>ship", again.result());
  }

  @ParameterizedTest(name = "listening: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aRunRecordedWithMoreStepsThanTheDefinitionHasIsNotReplayedAndTheErrorSaysWhere(boolean listening) {
    new Runner(engine(memory)).run("o-8", RunOptions.builder().transactionId("tx-8b").build());
    WorkflowSpec shorter = WorkflowSpec.of(1, "order", RESERVE, CHARGE).withTypes(TYPES, "fp-2");
    RunRegistry runs = RunRegistry.of(engine(memory), shorter, (String input, RunOptions options) -> null);

    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        startAndRunFirstStep(shorter, given("tx-8b", listening), runs, "o-8"));

    assertEquals("Workflow 'order': run 'tx-8b' was recorded by another definition of the workflow (fingerprint fp-1, "
        + "this one is fp-2); its record has step 'ship' at position 2, where this definition has no step. It is not "
        + "replayed into the wrong steps: finish it with the definition that recorded it (deploy that version), or "
        + "leave it; its record stays as it is", e.getMessage());
  }

  /**
   * Options with transaction id {@code id}; with a listener when {@code listening}. A run with a
   * given id and no listener opens without reading its record: its first step's write finds it
   * (see {@link Journal#open}); a run with a listener reads it before it begins.
   */
  static RunOptions given(String id, boolean listening) {
    RunOptions.Builder options = RunOptions.builder().transactionId(id);
    if (listening) {
      options.listener(new io.stepwise.runtime.WorkflowListener() {});
    }
    return options.build();
  }

  /**
   * Starts a run of {@code spec} and runs its first step: what a recorded run that it may not
   * replay makes its caller get, as it begins (a run that reads its record first) or at its first
   * step (a run whose first write finds the record). The step must not run.
   */
  static void startAndRunFirstStep(WorkflowSpec spec, RunOptions options, RunRegistry runs, String input) {
    WorkflowRun run = WorkflowRun.start(spec, options, Container.empty(), runs, input);
    run.valueStep(spec.steps().get(0), ctx -> {
      throw new AssertionError("a step of a run that its record refuses ran");
    }, null);
    throw new AssertionError("the run went on past its first step");
  }

  /** What a run with transaction id 'tx-e' throws when its store fails to begin it with {@code error}. */
  RuntimeException beginFails(WorkflowSpec spec, RuntimeException error, boolean listening) {
    RunStore failing = new Forwarding(memory) {
      @Override
      public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
        return CompletableFuture.failedFuture(error);
      }
    };
    RunRegistry runs = RunRegistry.of(engine(failing), spec, (String input, RunOptions options) -> null);
    return assertThrows(RuntimeException.class, () -> startAndRunFirstStep(spec, given("tx-e", listening), runs, "o-e"));
  }

  @ParameterizedTest(name = "listening: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aStoreThatCannotReadARunRecordedByAnotherDefinitionIsExplainedAsThat(boolean listening) {
    memory.begin(TYPES, NewRun.builder("tx-e", "fp-1").input("o-e").build()).join();
    WorkflowSpec changed = SPEC.withTypes(TYPES, "fp-2");
    RunStoreException undecodable = new RunStoreException("cannot decode the input of run 'tx-e'");

    RuntimeException e = beginFails(changed, undecodable, listening);

    assertInstanceOf(IllegalStateException.class, e);
    assertEquals("Workflow 'order': run '?' was recorded by another definition of the workflow (fingerprint fp-1, "
        + "this one is fp-2); its steps' names and order are the same, so a step's kind or types changed. It is not "
        + "replayed into the wrong steps: finish it with the definition that recorded it (deploy that version), or "
        + "leave it; its record stays as it is", e.getMessage());
    assertSame(undecodable, e.getCause());
  }

  @ParameterizedTest(name = "listening: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aStoreFailureThatAChangedDefinitionDoesNotExplainIsThrownAsItIs(boolean listening) {
    memory.begin(TYPES, NewRun.builder("tx-e", "fp-1").input("o-e").build()).join();
    RunStoreException down = new RunStoreException("the database is down");
    IllegalStateException closed = new IllegalStateException("the pool is closed");

    assertSame(down, storeFailure(beginFails(SPEC, down, listening), listening), "the same definition recorded the run");
    assertSame(closed, storeFailure(beginFails(SPEC.withTypes(TYPES, "fp-2"), closed, listening), listening),
        "not the store's own failure");
  }

  @ParameterizedTest(name = "listening: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aStoreFailureForARunOfAnotherWorkflowOrOfNoneIsThrownAsItIs(boolean listening) {
    RunStoreException down = new RunStoreException("the database is down");
    assertSame(down, storeFailure(beginFails(SPEC.withTypes(TYPES, "fp-2"), down, listening), listening),
        "no run is recorded");

    memory.begin(RunTypes.untyped("billing"), NewRun.builder("tx-e", "fp-b").input("o-e").build()).join();
    assertSame(down, storeFailure(beginFails(SPEC.withTypes(TYPES, "fp-2"), down, listening), listening),
        "the run is another workflow's");
  }

  /**
   * The store's failure in what a run whose beginning it could not write threw: the failure itself
   * from a run that reads its record as it begins; from one whose first step writes its beginning,
   * a {@link WorkflowSuspendedException} caused by it, as for a run with a fresh id.
   */
  static Throwable storeFailure(RuntimeException thrown, boolean listening) {
    if (listening) {
      return thrown;
    }
    WorkflowSuspendedException suspended = assertInstanceOf(WorkflowSuspendedException.class, thrown);
    assertTrue(suspended.getMessage().contains("stopped without ending: its store could not record its beginning"),
        suspended.getMessage());
    return suspended.getCause();
  }

  // ---------------------------------------------------------------- replay

  static Stream<RuntimeException> stepwiseFailures() {
    return Stream.of(new PermanentStepFailureException("out of stock"), new StepTimeoutException("ship took too long"),
        new WorkflowTimeoutException("the order took too long"), new WorkflowCancelledException("the order was cancelled"));
  }

  @ParameterizedTest
  @MethodSource("stepwiseFailures")
  void aReplayedFailureOfStepwiseIsItsOwnExceptionAgain(RuntimeException failure) {
    Runner runner = new Runner(engine(memory));
    throwing.put("ship", failure);
    RunOptions tx = RunOptions.builder().transactionId("tx-r").throwOnError(false).build();
    WorkflowResult<String> first = runner.run("o-r", tx);
    events.clear();

    WorkflowResult<String> again = runner.run("o-r", tx);

    assertEquals(List.of(), events);
    assertEquals(first.status(), again.status());
    assertSame(failure, first.errors().get(0).cause());
    Throwable replayed = again.errors().get(0).cause();
    assertEquals(failure.getClass(), replayed.getClass());
    assertEquals(failure.getMessage(), replayed.getMessage());
  }

  @Test
  void aReplayedFailureOfAnotherTypeIsARestoredException() {
    Runner runner = new Runner(engine(memory));
    failing.add("ship");
    RunOptions tx = RunOptions.builder().transactionId("tx-r2").throwOnError(false).build();
    runner.run("o-r", tx);

    WorkflowResult<String> again = runner.run("o-r", tx);

    RestoredException replayed = assertInstanceOf(RestoredException.class, again.errors().get(0).cause());
    assertEquals(IllegalStateException.class.getName(), replayed.originalType());
    assertEquals("ship failed", replayed.getMessage());
  }

  @Test
  void aRetriedStepIsReplayedWithItsOutcomeNotItsFailedAttempt() {
    RunRegistry runs = RunRegistry.of(engine(memory), RETRYING, (String in, RunOptions o) -> null);
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    retryingRun(runs, attempts, 1);
    assertEquals(List.of(1, 2), attempts);
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_COMPLETED,
        CheckpointKind.STEP_COMPLETED), kinds("tx-11"));

    List<Integer> replayed = new CopyOnWriteArrayList<>();
    retryingRun(runs, replayed, 1);

    assertEquals(List.of(), replayed, "the recorded outcome is replayed: no attempt runs again");
  }

  static final RunTypes SOLO_TYPES = RunTypes.builder("solo", String.class, String.class)
      .step(0, String.class, String.class)
      .build();
  static final WorkflowSpec SOLO = WorkflowSpec.of(1, "solo", RESERVE).withTypes(SOLO_TYPES, "fp-s");

  WorkflowResult<String> soloRun(RunRegistry runs) {
    WorkflowRun run = WorkflowRun.start(SOLO, RunOptions.builder().transactionId("tx-solo").throwOnError(false).build(),
        Container.empty(), runs, "o-s");
    try {
      return run.done(run.valueStep(RESERVE, ctx -> step("reserve", "o-s"), (r, ctx) -> undo("reserve", r)));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  @Test
  void aRunCancelledDuringItsOnlyStepIsReplayedAsCancelled() throws Exception {
    RunRegistry runs = RunRegistry.of(engine(memory), SOLO, (String in, RunOptions o) -> null);
    gates.put("reserve", new CountDownLatch(1));
    reached.put("reserve", new CountDownLatch(1));
    CompletableFuture<WorkflowResult<String>> running = CompletableFuture.supplyAsync(() -> soloRun(runs));
    assertTrue(reached.get("reserve").await(5, TimeUnit.SECONDS));
    assertTrue(runs.cancel("tx-solo"));
    gates.get("reserve").countDown();
    WorkflowResult<String> first = running.get(5, TimeUnit.SECONDS);
    assertEquals(WorkflowStatus.REVERTED, first.status());
    assertEquals(List.of("reserve", "undo-reserve"), events);
    events.clear();
    gates.clear();

    WorkflowResult<String> again = soloRun(runs);

    assertEquals(List.of(), events);
    assertEquals(WorkflowStatus.REVERTED, again.status());
    Throwable cancelled = assertInstanceOf(WorkflowCancelledException.class, again.errors().get(0).cause());
    assertEquals(first.errors().get(0).cause().getMessage(), cancelled.getMessage());
  }

  // ---------------------------------------------------------------- recording

  @Test
  void aStepWhoseOutcomeCannotBeRecordedFailsAndTheRunIsCompensated() {
    UnrecordableValueException unrecordable = new UnrecordableValueException("the output of step 'charge' cannot be "
        + "recorded", null);
    Runner runner = new Runner(engine(new Forwarding(memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        return update.checkpoints().stream().anyMatch(c -> c.stepName().equals("charge"))
            ? CompletableFuture.failedFuture(unrecordable) : super.append(types, transactionId, update);
      }
    }));

    WorkflowResult<String> result = runner.run("o-u", RunOptions.builder().transactionId("tx-u").throwOnError(false).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertSame(unrecordable, result.errors().get(0).cause());
    assertEquals(List.of("reserve", "charge", "undo-reserve"), events, "'ship' does not run");
  }

  // ---------------------------------------------------------------- child workflows

  static final RunTypes PARCEL_TYPES = RunTypes.builder("parcel", String.class, String.class)
      .step(0, String.class, String.class)
      .step(1, String.class, String.class)
      .build();
  static final WorkflowSpec PARCEL = WorkflowSpec.of(1, "parcel", RESERVE, StepSpec.of("shipping", 0))
      .withTypes(PARCEL_TYPES, "fp-p");
  static final StepSpec PACK = StepSpec.of("pack", 0);
  static final WorkflowSpec SHIPPING = WorkflowSpec.of(1, "shipping", PACK)
      .withTypes(RunTypes.builder("shipping", String.class, String.class).step(0, String.class, String.class).build(),
          "fp-c");

  /** Workflow 'parcel': 'reserve', then child workflow {@code child} ('shipping': 'pack'). */
  WorkflowResult<String> parcelRun(RunRegistry runs, WorkflowSpec child, String transactionId) {
    return parcelRun(runs, PARCEL, child, transactionId);
  }

  /** {@link #parcelRun(RunRegistry, WorkflowSpec, String)} with {@code parcel}, PARCEL with a timeout, say. */
  WorkflowResult<String> parcelRun(RunRegistry runs, WorkflowSpec parcel, WorkflowSpec child, String transactionId) {
    WorkflowRun run = WorkflowRun.start(parcel, RunOptions.builder().transactionId(transactionId).throwOnError(false)
        .build(), Container.empty(), runs, "o-p");
    try {
      String reserved = run.valueStep(RESERVE, ctx -> step("reserve", "o-p"), (r, ctx) -> undo("reserve", r));
      return run.done(run.childStep(PARCEL.steps().get(1), ctx -> {
        WorkflowRun shipping = WorkflowRun.startChild(child, ctx, Container.empty(), reserved);
        try {
          return shipping.childDone(shipping.valueStep(PACK, c -> step("pack", reserved), (p, c) -> undo("pack", p)));
        } catch (WorkflowRun.Halt halt) {
          throw shipping.childFailed(halt);
        }
      }));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  @Test
  void aDurableRunsChildIsRecordedUnderItsParent() {
    RunRegistry runs = RunRegistry.of(engine(memory), PARCEL, (String in, RunOptions o) -> null);

    WorkflowResult<String> result = parcelRun(runs, SHIPPING, "tx-p");

    assertEquals("o-p>reserve>pack", result.result());
    List<RunHeader> children = memory.list(RunQuery.builder().workflowName("shipping").build());
    assertEquals(1, children.size());
    assertEquals(Optional.of("tx-p"), children.get(0).parentTransactionId());
    assertEquals(RunStatus.DONE, children.get(0).status());
  }

  @ParameterizedTest
  @ValueSource(longs = {600_000, 1_000})
  void aDurableChildIsRecordedWithItsOwnDeadlineOrItsParentsIfThatComesFirst(long childTimeoutMillis) {
    WorkflowSpec parcel = PARCEL.withTimeout(60_000);
    RunRegistry runs = RunRegistry.of(engine(memory), parcel, (String in, RunOptions o) -> null);

    assertEquals(WorkflowStatus.DONE, parcelRun(runs, parcel, SHIPPING.withTimeout(childTimeoutMillis), "tx-d")
        .status());

    Instant parent = memory.find("tx-d").orElseThrow().deadline().orElseThrow();
    Instant child = memory.find("tx-d/shipping").orElseThrow().deadline().orElseThrow();
    if (childTimeoutMillis > 60_000) {
      assertEquals(parent, child, "a child never outlives its parent's deadline");
    } else {
      assertTrue(child.isBefore(parent.minusSeconds(50)), "the child's own deadline comes first: " + child);
    }
  }

  @Test
  void aRevertReplaysTheChildFromItsOwnRecordAndCompensatesItsSteps() {
    WorkflowEngine engine = engine(memory);
    AtomicReference<RunRegistry> registry = new AtomicReference<>();
    registry.set(RunRegistry.of(engine, PARCEL, (String in, RunOptions o) ->
        CompletableFuture.supplyAsync(() -> parcelRun(registry.get(), SHIPPING, o.transactionId().orElseThrow()))));
    engine.start();
    try {
      assertEquals(WorkflowStatus.DONE, parcelRun(registry.get(), SHIPPING, "tx-revert").status());
      events.clear();

      WorkflowResult<String> reverted = registry.get().revert("tx-revert");

      assertEquals(WorkflowStatus.REVERTED, reverted.status(), reverted.errors().toString());
      assertEquals(List.of("undo-pack", "undo-reserve"), events, "the child's step is compensated, no step runs again");
    } finally {
      engine.close();
    }
  }

  @Test
  void aDurableRunsChildGeneratedWithoutTypesFailsItsStepAndSaysHowToFixIt() {
    RunRegistry runs = RunRegistry.of(engine(memory), PARCEL, (String in, RunOptions o) -> null);

    WorkflowResult<String> result = parcelRun(runs, WorkflowSpec.of(1, "shipping", PACK), "tx-untyped");

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("child workflow 'shipping' of durable workflow 'parcel' was generated without the types a durable "
        + "run records; generate it again with this version of Stepwise", result.errors().get(0).cause().getMessage());
    assertEquals(List.of("reserve", "undo-reserve"), events);
  }

  @Test
  void aChildThatStopsWithoutEndingStopsItsParentWhichLogsItOnce() throws Exception {
    DyingStore dying = new DyingStore(memory);
    RunRegistry runs = RunRegistry.of(engine(dying), PARCEL, (String in, RunOptions o) -> null);
    gates.put("pack", new CountDownLatch(1));
    reached.put("pack", new CountDownLatch(1));

    try (LogCapture log = LogCapture.open()) {
      CompletableFuture<WorkflowResult<String>> running = CompletableFuture.supplyAsync(() -> parcelRun(runs, SHIPPING,
          "tx-stops"));
      assertTrue(reached.get("pack").await(5, TimeUnit.SECONDS));
      dying.die();
      gates.get("pack").countDown();
      WorkflowSuspendedException stopped = assertInstanceOf(WorkflowSuspendedException.class,
          assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS)).getCause());

      String expected = "Workflow 'parcel' (transaction tx-stops) stopped without ending: its child workflow 'shipping' "
          + "stopped without ending. Nothing was compensated; the next WorkflowEngine.start() on the same store resumes "
          + "the run from its last checkpoint";
      assertEquals(expected, stopped.getMessage());
      assertEquals(List.of("WARN " + expected), log.lines("stopped without ending"));
    }
    assertEquals(List.of("reserve", "pack"), events, "nothing was compensated");
  }

  // ---------------------------------------------------------------- a transactional store

  /**
   * Runs a step's work with its checkpoint as a {@code JdbcRunStore} does (without a connection: the
   * steps here do not use it), in memory; notes each write; fails the writes of a run's end when
   * told.
   */
  static class TransactionalStore extends Forwarding implements TransactionalRunStore {
    final List<String> writes = new CopyOnWriteArrayList<>();
    volatile boolean endFails;
    /** How many units of work it takes before it fails every one (the database goes down). */
    volatile int worksLeft = Integer.MAX_VALUE;
    /** If set, the writes of a run's end wait for it. */
    volatile CompletableFuture<Void> endHeld;

    TransactionalStore(RunStore store) {
      super(store);
    }

    @Override
    public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
      writes.add("begin");
      return super.begin(types, run);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      writes.add(update.end().isPresent() ? "end" : "append");
      CompletableFuture<Void> held = endHeld;
      if (held != null && update.end().isPresent()) {
        return held.thenCompose(released -> super.append(types, transactionId, update));
      }
      return endFails && update.end().isPresent()
          ? CompletableFuture.failedFuture(new RunStoreException("the database is down"))
          : super.append(types, transactionId, update);
    }

    @Override
    public <T> CompletableFuture<T> appendWithWork(RunTypes types, String transactionId, ConnectionWork<T> work,
        Function<? super T, RunUpdate> updateOf) {
      writes.add("appendWithWork");
      if (worksLeft-- <= 0) {
        return CompletableFuture.failedFuture(new RunStoreException("the database is down"));
      }
      return withWork(work, updateOf, update -> super.append(types, transactionId, update));
    }

    @Override
    public <T> CompletableFuture<T> beginWithWork(RunTypes types, NewRun run, ConnectionWork<T> work,
        Function<? super T, RunUpdate> updateOf) {
      writes.add("beginWithWork");
      if (worksLeft-- <= 0) {
        return CompletableFuture.failedFuture(new RunStoreException("the database is down"));
      }
      if (find(run.transactionId()).isPresent()) { // as the contract says: found recorded, the work is not called
        return CompletableFuture.failedFuture(new RunStoreException("run '" + run.transactionId() + "' is recorded"));
      }
      return withWork(work, updateOf, update -> super.begin(types, run).thenCompose(begun -> {
        if (!begun.isCreated()) {
          throw new CompletionException(new RunStoreException("run '" + run.transactionId() + "' is recorded"));
        }
        return super.append(types, run.transactionId(), update);
      }));
    }

    private static <T> CompletableFuture<T> withWork(ConnectionWork<T> work, Function<? super T, RunUpdate> updateOf,
        Function<RunUpdate, CompletableFuture<?>> write) {
      T result;
      RunUpdate update;
      try {
        result = work.run(null);
        update = updateOf.apply(result);
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
      return write.apply(update).thenApply(written -> result);
    }
  }

  @Test
  void onATransactionalStoreAFreshRunBeginsWithItsFirstStepsWorkAndEndsWithoutMakingItsCallerWait() throws Exception {
    TransactionalStore store = new TransactionalStore(memory);
    Runner runner = new Runner(engine(store), true);

    WorkflowResult<String> result;
    try (LogCapture log = LogCapture.open()) {
      result = runner.run("o-t", RunOptions.defaults());
      assertEquals(List.of(), log.lines(result.transactionId()));
    }

    assertEquals("o-t>reserve>charge>ship", result.result());
    assertEquals(List.of("beginWithWork", "appendWithWork", "appendWithWork", "end"), store.writes);
    assertEquals(RunStatus.DONE, memory.find(result.transactionId()).orElseThrow().status());
    events.clear();
    WorkflowResult<String> again = runner.runAsync("o-t", RunOptions.builder().transactionId(result.transactionId())
        .build()).get(5, TimeUnit.SECONDS);
    assertEquals(result.result(), again.result());
    assertEquals(List.of(), events);
  }

  // ---------------------------------------------------------------- a wait in memory when the run stops

  @ParameterizedTest(name = "async: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aStepWaitingInMemoryForTheApplicationStopsWaitingWhenAConcurrentStepsWriteStopsTheRun(boolean async)
      throws Exception {
    StepSpec manual = StepSpec.builder("ship").maxRetries(1).autoRetry(false).build();
    WorkflowSpec spec = WorkflowSpec.of(1, "order", RESERVE, CHARGE, manual).withTypes(TYPES, "fp-w");
    RunStore store = new Forwarding(memory) {
      @Override
      public boolean recordsWaits() {
        return false; // the step waits in memory, holding the run
      }

      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        if (update.checkpoints().stream().anyMatch(c -> c.stepName().equals("charge"))) {
          return CompletableFuture.failedFuture(new RunStoreException("the database is down"));
        }
        return super.append(types, transactionId, update);
      }
    };
    CountDownLatch waiting = new CountDownLatch(1);
    RunOptions options = RunOptions.builder().transactionId("tx-w").listener(new io.stepwise.runtime.WorkflowListener() {
      @Override
      public void onStepWaiting(io.stepwise.runtime.StepContext step, Throwable error) {
        waiting.countDown();
      }
    }).build();
    RunRegistry runs = RunRegistry.of(engine(store), spec, (String input, RunOptions o) -> null);
    CountDownLatch chargeGate = new CountDownLatch(1);
    gates.put("charge", chargeGate);
    failing.add("ship");

    CompletableFuture<WorkflowResult<String>> running = async
        ? AsyncRun.submit(spec, options, Container.empty(), runs, "o-w", run ->
            run.valueStep(RESERVE, ctx -> step("reserve", "o-w"), null).thenCompose(reserved -> {
              run.noWait("charge").valueStepAsync(CHARGE,
                  ctx -> CompletableFuture.supplyAsync(() -> quietly("charge", reserved)), null);
              return run.valueStep(manual, ctx -> step("ship", reserved), null);
            }))
        : AsyncRuns.supply(options, runs, () -> {
          WorkflowRun run = WorkflowRun.start(spec, options, Container.empty(), runs, "o-w");
          try {
            String reserved = run.valueStep(RESERVE, ctx -> step("reserve", "o-w"), null);
            run.noWait("charge").valueStep(CHARGE, ctx -> step("charge", reserved), null);
            return run.done(run.valueStep(manual, ctx -> step("ship", reserved), null));
          } catch (WorkflowRun.Halt halt) {
            return run.halted(halt);
          }
        });
    assertTrue(waiting.await(5, TimeUnit.SECONDS), "ship waits for the application: " + events);
    chargeGate.countDown(); // charge completes, and its checkpoint cannot be recorded: the run stops

    ExecutionException stopped = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS),
        "the run stops without waiting for a decision that cannot change that");
    assertInstanceOf(WorkflowSuspendedException.class, stopped.getCause());
    assertEquals(Set.of("reserve", "ship", "charge"), Set.copyOf(events));
    assertEquals(3, events.size(), "ship is not attempted again: " + events);
  }

  // ---------------------------------------------------------------- a given id, on a transactional store

  @Test
  void aRunWithAGivenIdBeginsWithItsFirstStepsWorkAndItsRepeatReplaysWithoutCallingAStep() throws Exception {
    TransactionalStore store = new TransactionalStore(memory);
    Runner runner = new Runner(engine(store), true);
    RunOptions tx = RunOptions.builder().transactionId("tx-g").build();

    WorkflowResult<String> first = runner.run("o-g", tx);

    assertEquals(List.of("beginWithWork", "appendWithWork", "appendWithWork", "end"), store.writes,
        "a new run with a given id costs no write of its own beginning");
    assertEquals(List.of("reserve", "charge", "ship"), events);
    events.clear();
    store.writes.clear();

    WorkflowResult<String> again = runner.run("o-g", tx);
    WorkflowResult<String> third = runner.runAsync("o-g", tx).get(5, TimeUnit.SECONDS);

    assertEquals(first.result(), again.result());
    assertEquals(first.result(), third.result());
    assertEquals(List.of(), events, "a repeat calls no step");
    assertEquals(List.of("beginWithWork", "begin", "beginWithWork", "begin"), store.writes,
        "the first step's write finds the run, whose beginning alone reads its record; nothing else is written");
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED),
        kinds("tx-g"));
  }

  @Test
  void aRunWithAGivenIdThatStoppedAfterItsFirstStepGoesOnFromItsRecordWhenItsIdComesAgain() throws Exception {
    TransactionalStore down = new TransactionalStore(memory);
    down.worksLeft = 1; // 'reserve' begins the run with its work; the store fails at 'charge'
    RunOptions tx = RunOptions.builder().transactionId("tx-h").build();
    assertThrows(WorkflowSuspendedException.class, () -> new Runner(engine(down), true).run("o-h", tx));
    assertEquals(List.of("reserve"), events);
    events.clear();

    TransactionalStore store = new TransactionalStore(memory);
    WorkflowResult<String> result = new Runner(engine(store), true).run("o-h", tx);

    assertEquals("o-h>reserve>charge>ship", result.result());
    assertEquals(List.of("charge", "ship"), events, "the recorded step is not called again");
    assertEquals(List.of("beginWithWork", "begin", "appendWithWork", "appendWithWork", "end"), store.writes);
  }

  @Test
  void aTransactionalStepAfterANoWaitFirstStepWaitsForTheBeginningOfARunWithAGivenId() throws Exception {
    AtomicReference<CompletableFuture<Void>> slowBegin = new AtomicReference<>(CompletableFuture.completedFuture(null));
    TransactionalStore store = new TransactionalStore(memory) {
      @Override
      public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
        return slowBegin.get().thenCompose(ignored -> super.begin(types, run)); // a store whose writer is busy
      }
    };
    RunRegistry runs = RunRegistry.of(engine(store), SPEC, (String input, RunOptions options) -> null);
    RunOptions tx = RunOptions.builder().transactionId("tx-nw").build();
    java.util.function.Supplier<WorkflowResult<String>> body = () -> {
      WorkflowRun run = WorkflowRun.start(SPEC, tx, Container.empty(), runs, "o-nw");
      try {
        run.noWait("reserve").valueStep(RESERVE, ctx -> step("reserve", "o-nw"), null);
        String charged = run.<String, String>transactionalStep(CHARGE, (ctx, connection) -> {
          String out = step("charge", "o-nw");
          return new StepResponse<>(out, out);
        }, null);
        return run.done(run.valueStep(SHIP, ctx -> step("ship", charged), null));
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    };
    WorkflowResult<String> first = body.get();
    events.clear();
    store.writes.clear();
    CompletableFuture<Void> release = new CompletableFuture<>();
    slowBegin.set(release);

    CompletableFuture<WorkflowResult<String>> again = CompletableFuture.supplyAsync(body);
    Thread.sleep(200); // charge would have run by now if it did not wait for the beginning
    List<String> before = List.copyOf(events);
    release.complete(null);

    assertEquals(List.of(), before, "a step acted before the beginning found the run recorded");
    assertEquals(first.result(), again.get(5, TimeUnit.SECONDS).result());
    assertEquals(List.of(), events);
    // whichever step took the beginning first: the write that found the run wrote nothing
    assertTrue(store.writes.equals(List.of("begin")) || store.writes.equals(List.of("beginWithWork", "begin")),
        "the repeat writes nothing into the record it found: " + store.writes);
  }

  @Test
  void aRunWithAGivenIdAndAnotherInputIsRefusedAtItsFirstStepWhichDoesNotRunAndLetsGoOfTheId() throws Exception {
    TransactionalStore store = new TransactionalStore(memory);
    Runner runner = new Runner(engine(store), true);
    RunOptions tx = RunOptions.builder().transactionId("tx-i").build();
    runner.run("o-i", tx);
    events.clear();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runner.run("other", tx));
    ExecutionException async = assertThrows(ExecutionException.class, () ->
        runner.runAsync("other", tx).get(5, TimeUnit.SECONDS));

    assertEquals("Workflow 'order' already has a run with transaction id 'tx-i' (DONE), with another input; a "
        + "transaction id names one run: give this input another transaction id, or repeat the first input to get "
        + "that run's result", e.getMessage());
    assertEquals(e.getMessage(), async.getCause().getMessage());
    assertEquals(List.of(), events);
    assertEquals("o-i>reserve>charge>ship", runner.runAsync("o-i", tx).get(5, TimeUnit.SECONDS).result(),
        "the refused calls let go of the id");
  }

  @Test
  void aRunWithAGivenIdWhoseFirstAttemptFailsIsNewAndGoesOn() throws Exception {
    TransactionalStore store = new TransactionalStore(memory);
    Runner runner = new Runner(engine(store), true);
    failing.add("reserve");

    WorkflowResult<String> result = runner.run("o-j", RunOptions.builder().transactionId("tx-j").throwOnError(false)
        .build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("reserve"), events);
    assertEquals(List.of("beginWithWork", "begin", "append", "end"), store.writes,
        "the failed first step's work was rolled back with the beginning it carried; its failure writes it");
    assertEquals(RunStatus.REVERTED, memory.find("tx-j").orElseThrow().status());
  }

  @Test
  void aRunWithListenersOrOneTheEngineResumesReadsItsRecordAsItBegins() throws Exception {
    TransactionalStore store = new TransactionalStore(memory);
    Runner runner = new Runner(engine(store), true);

    runner.run("o-k", given("tx-k", true));

    assertEquals(List.of("begin", "appendWithWork", "appendWithWork", "appendWithWork", "end"), store.writes,
        "a run with a listener does not let its first step carry its beginning");

    TransactionalStore down = new TransactionalStore(memory);
    down.worksLeft = 1;
    assertThrows(WorkflowSuspendedException.class, () ->
        new Runner(engine(down), true).run("o-l", RunOptions.builder().transactionId("tx-l").build()));
    TransactionalStore resumed = new TransactionalStore(memory);
    WorkflowEngine second = engine(resumed);
    new Runner(second, true);
    second.start();
    assertEquals(1, second.recovery().get(5, TimeUnit.SECONDS).resumed());
    assertEquals(List.of("begin", "appendWithWork", "appendWithWork", "end"), resumed.writes,
        "a run that the engine resumes reads its record as it begins");
  }

  /** A transactional store whose writes of a run's end wait until {@link TransactionalStore#endHeld} completes. */
  TransactionalStore holdingEnds() {
    TransactionalStore store = new TransactionalStore(memory);
    store.endHeld = new CompletableFuture<>();
    return store;
  }

  /**
   * Runs {@code transactionId} on {@code runner}'s transactional store, which returns DONE while its
   * end is still being written; the write is released {@code releaseMillis} after the run returned.
   */
  void doneWhileItsEndIsBeingWritten(Runner runner, TransactionalStore store, String transactionId,
      long releaseMillis) {
    WorkflowResult<String> result = runner.run("o-e", RunOptions.builder().transactionId(transactionId).build());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(RunStatus.RUNNING, memory.find(transactionId).orElseThrow().status(), "the end is not written yet");
    CompletableFuture.delayedExecutor(releaseMillis, TimeUnit.MILLISECONDS).execute(() -> store.endHeld.complete(null));
  }

  @Test
  void theTimelineOfARunThatReturnedDoneWhileItsEndWasBeingWrittenHasItsEnd() {
    TransactionalStore store = holdingEnds();
    try (WorkflowEngine engine = engine(store)) {
      doneWhileItsEndIsBeingWritten(new Runner(engine, true), store, "tx-read", 200);

      StoredRun timeline = engine.timeline("tx-read").orElseThrow();

      assertEquals(RunStatus.DONE, timeline.status(), "read your writes: the timeline waits for the end");
      assertEquals("o-e>reserve>charge>ship", timeline.end().orElseThrow().result());
    }
  }

  @Test
  void aRevertOfARunThatReturnedDoneWhileItsEndWasBeingWrittenWaitsForTheEndAndReverts() {
    TransactionalStore store = holdingEnds();
    try (WorkflowEngine engine = engine(store)) {
      Runner runner = new Runner(engine, true);
      engine.start();
      doneWhileItsEndIsBeingWritten(runner, store, "tx-undo", 200);
      events.clear();

      WorkflowResult<String> reverted = runner.runs.revert("tx-undo");

      assertEquals(WorkflowStatus.REVERTED, reverted.status(), reverted.errors().toString());
      assertEquals(List.of("undo-ship", "undo-charge", "undo-reserve"), events);
    }
  }

  @ParameterizedTest
  @MethodSource("rolledBackAnswers")
  void onATransactionalStoreAStepsPermanentFailureOrSkipIsRolledBackWithItsCheckpoint(StepResponse<String, String> answer,
      CheckpointKind recorded) {
    TransactionalStore store = new TransactionalStore(memory);
    StepSpec skippable = StepSpec.builder("charge").skippable().build();
    WorkflowSpec spec = WorkflowSpec.of(1, "order", RESERVE, skippable, SHIP).withTypes(TYPES, "fp-1");
    RunRegistry runs = RunRegistry.of(engine(store), spec, (String in, RunOptions o) -> null);
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().transactionId("tx-rb").throwOnError(false).build(),
        Container.empty(), runs, "o-rb");
    try {
      run.valueStep(RESERVE, ctx -> step("reserve", "o-rb"), (r, ctx) -> undo("reserve", r));
      run.<String, String>transactionalStep(skippable, Condition.ALWAYS, (ctx, connection) -> answer, null);
      run.done(run.valueStep(SHIP, ctx -> step("ship", "x"), null));
    } catch (WorkflowRun.Halt halt) {
      run.halted(halt);
    }

    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, recorded), kinds("tx-rb").subList(0, 2),
        "the attempt's work and its checkpoint are rolled back; the outcome is recorded on its own");
  }

  static Stream<Arguments> rolledBackAnswers() {
    return Stream.of(Arguments.of(StepResponse.permanentFailure("declined"), CheckpointKind.STEP_FAILED),
        Arguments.of(StepResponse.skip("nothing to charge"), CheckpointKind.STEP_SKIPPED));
  }

  @Test
  void onATransactionalStoreAnEndThatCannotBeRecordedIsLoggedAndTheNextEngineRecordsIt() throws Exception {
    TransactionalStore store = new TransactionalStore(memory);
    store.endFails = true;
    Runner runner = new Runner(engine(store), true);

    try (LogCapture log = LogCapture.open()) {
      WorkflowResult<String> result = runner.run("o-t", RunOptions.builder().transactionId("tx-t").build());

      assertEquals(WorkflowStatus.DONE, result.status(), "every step's outcome is durable: the run is done");
      assertEquals(List.of("WARN Workflow 'order' (tx-t) ended DONE, but its end could not be recorded: "
          + "io.stepwise.runtime.store.RunStoreException: the database is down; the next WorkflowEngine.start() replays "
          + "the run from its checkpoints and records it"), log.lines("tx-t"));
    }
    assertEquals(RunStatus.RUNNING, memory.find("tx-t").orElseThrow().status());
    events.clear();

    WorkflowEngine next = engine(memory);
    new Runner(next);
    next.start();

    assertEquals(1, next.recovery().get(5, TimeUnit.SECONDS).done());
    assertEquals(List.of(), events);
    assertEquals("o-t>reserve>charge>ship", memory.load(TYPES, "tx-t").orElseThrow().end().orElseThrow().result());
  }

  /** A store that counts writes. */
  static final class CountingStore extends Forwarding {
    int begins;
    int appends;

    CountingStore(RunStore store) {
      super(store);
    }

    @Override
    public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
      begins++;
      return super.begin(types, run);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      appends++;
      return super.append(types, transactionId, update);
    }
  }

  /** A store whose process dies: after {@link #die()} (or a number of appends), every write fails. */
  static final class DyingStore extends Forwarding {
    private volatile boolean dead;
    private volatile int appendsLeft = Integer.MAX_VALUE;

    DyingStore(RunStore store) {
      super(store);
    }

    void die() {
      dead = true;
    }

    void dieAfterAppends(int appends) {
      appendsLeft = appends;
    }

    @Override
    public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
      return dead ? CompletableFuture.failedFuture(new RunStoreException("dead")) : super.begin(types, run);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      if (!dead && appendsLeft-- <= 0) {
        dead = true;
      }
      return dead ? CompletableFuture.failedFuture(new RunStoreException("dead")) : super.append(types, transactionId, update);
    }
  }

  /** Forwards every call. */
  static class Forwarding extends ForwardingRunStore {
    Forwarding(RunStore store) {
      super(store);
    }
  }
}
