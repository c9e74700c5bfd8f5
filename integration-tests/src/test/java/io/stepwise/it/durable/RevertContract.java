package io.stepwise.it.durable;

import static io.stepwise.it.durable.RevertWorkflows.effects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.durable.RevertWorkflows.Trip;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reverting a run that ended DONE ({@code XRunner.revert}), through generated runners, on one kind
 * of store: after a restart, with the recorded compensation inputs, in reverse order of completion;
 * its edges (unknown id, no engine, a run in progress, a repeated revert, concurrent reverts in one
 * process and in two engines on one store); and a revert interrupted by its store's failure or its
 * engine's close, which the next engine finishes without running a recorded compensation again.
 * What the steps and compensations did is kept outside the store ({@link RevertWorkflows#EFFECTS}).
 */
abstract class RevertContract {
  final String trip = "trip-" + UUID.randomUUID();
  private final List<WorkflowEngine> engines = new ArrayList<>();
  /** The gates this test set, opened after it. */
  private final List<String> gates = new ArrayList<>();

  /** A store on this test's record: each call another instance on the same record (a restarted process). */
  abstract RunStore newStore();

  @AfterEach
  void closeEngines() {
    gates.forEach(key -> {
      DurableWorkflows.GATES.remove(key).countDown();
      DurableWorkflows.REACHED.remove(key);
    });
    engines.forEach(WorkflowEngine::close);
  }

  /** An engine, started, with the runners of both trips; {@link #sync}, {@link #async} are its runners. */
  final class Process {
    final WorkflowEngine engine;
    final RevertWorkflows_BookTripRunner sync;
    final RevertWorkflows_BookTripAsyncRunner async;

    Process(RunStore store) {
      engine = WorkflowEngine.builder().store(store).shutdownTimeout(Duration.ofSeconds(5)).build();
      engines.add(engine);
      sync = RevertWorkflows_BookTripRunner.create(Container.empty(), engine);
      async = RevertWorkflows_BookTripAsyncRunner.create(Container.empty(), engine);
      engine.start();
    }
  }

  Process process() {
    return new Process(newStore());
  }

  /** Runs the trip to DONE in a first process, which then stops; forgets what the steps did. */
  WorkflowResult<String> doneInAnEarlierProcess(boolean hotel, boolean async) {
    Process first = process();
    RunOptions options = RunOptions.builder().transactionId(trip).build();
    WorkflowResult<String> done = async ? first.async.runAsync(new Trip(trip, hotel), options).join()
        : first.sync.run(new Trip(trip, hotel), options);
    assertEquals(WorkflowStatus.DONE, done.status());
    first.engine.close();
    RevertWorkflows.EFFECTS.remove(trip);
    return done;
  }

  StoredRun record(Process process, String workflow) {
    return process.engine.store().load(RunTypes.untyped(workflow), trip).orElseThrow();
  }

  /** The compensations of the sync trip with a hotel, in reverse order of completion, the group as recorded. */
  List<String> expectedUndoing(StoredRun record) {
    List<String> group = record.checkpoints().stream()
        .filter(c -> c.kind() == CheckpointKind.STEP_COMPLETED && (c.position() == 2 || c.position() == 3))
        .map(Checkpoint::stepName).toList();
    List<String> expected = new ArrayList<>(List.of("undo:confirm(confirmed post-print-" + trip + ")",
        "undo:post(post-print-" + trip + ")", "undo:print(print-" + trip + ")"));
    for (int i = group.size() - 1; i >= 0; i--) {
      expected.add(group.get(i).equals("insure") ? "undo:insure(policy-flight-" + trip + ")"
          : "undo:seat(seat-flight-" + trip + ")");
    }
    expected.add("undo:hotel(hotel-" + trip + ")");
    expected.add("undo:book-flight(flight-comp-" + trip + ")");
    return expected;
  }

  /** Holds the effect {@code what} of this trip at a gate; the latch says when it got there. */
  CountDownLatch hold(String what, CountDownLatch gate) {
    CountDownLatch reached = new CountDownLatch(1);
    DurableWorkflows.GATES.put(trip + ":" + what, gate);
    DurableWorkflows.REACHED.put(trip + ":" + what, reached);
    gates.add(trip + ":" + what);
    return reached;
  }

  static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(20, TimeUnit.SECONDS), what + " was not reached");
  }

  @Test
  void aDoneRunRevertedAfterARestartCompensatesEveryCompletedStepInReverseOrderWithItsRecordedInput() {
    doneInAnEarlierProcess(true, false);
    Process restarted = process();

    WorkflowResult<String> reverted = restarted.sync.revert(trip);

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertEquals(trip, reverted.transactionId());
    assertNull(reverted.result(), "a reverted run has no result");
    assertEquals(List.of(), reverted.errors());
    StoredRun record = record(restarted, "revert-trip");
    assertEquals(expectedUndoing(record), effects(trip), "no step ran, 'notify' has no compensation");
    assertEquals(RunStatus.REVERTED, record.status());
    assertEquals(RunStatus.REVERTED, record.end().orElseThrow().status());
    assertEquals(1, record.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.REVERT_BEGUN).count());
    assertEquals(6, record.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.COMPENSATED).count());
    // the child's compensations are in its own record, which stays DONE (as for any parent's compensation)
    StoredRun child = restarted.engine.store().load(RunTypes.untyped("revert-docs"), trip + "/send-docs").orElseThrow();
    assertEquals(2, child.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.COMPENSATED).count());
  }

  @Test
  void aStepSkippedByItsConditionIsPassedOver() {
    doneInAnEarlierProcess(false, false);
    Process restarted = process();

    WorkflowResult<String> reverted = restarted.sync.revert(trip);

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertTrue(effects(trip).stream().noneMatch(e -> e.startsWith("undo:hotel")), effects(trip).toString());
    assertEquals("undo:book-flight(flight-comp-" + trip + ")", effects(trip).get(effects(trip).size() - 1));
    assertEquals(6, effects(trip).size(), effects(trip).toString());
  }

  @Test
  void anAsynchronousWorkflowIsRevertedWithRevertAsync() throws Exception {
    doneInAnEarlierProcess(false, true);
    Process restarted = process();

    WorkflowResult<String> reverted = restarted.async.revertAsync(trip).get(20, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertNull(reverted.result());
    assertEquals(List.of("undo:confirm(confirmed flight-" + trip + ")", "undo:book-flight(flight-comp-" + trip + ")"),
        effects(trip), "'notify' has no compensation");
    assertEquals(RunStatus.REVERTED, record(restarted, "revert-trip-async").status());
    RevertWorkflows.EFFECTS.remove(trip);
    assertEquals(WorkflowStatus.REVERTED, restarted.async.revert(trip).status(), "the synchronous form too");
    assertEquals(List.of(), effects(trip));
  }

  @Test
  void aRevertedRunRevertedAgainReturnsItsRecordAndRunsNothing() {
    doneInAnEarlierProcess(true, false);
    Process restarted = process();
    WorkflowResult<String> first = restarted.sync.revert(trip);
    RevertWorkflows.EFFECTS.remove(trip);

    WorkflowResult<String> again = restarted.sync.revert(trip);
    WorkflowResult<String> later = process().sync.revert(trip);

    for (WorkflowResult<String> result : List.of(again, later)) {
      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(first.errors(), result.errors());
      assertNull(result.result());
    }
    assertEquals(List.of(), effects(trip));
    // and a run with its id is the reverted run, not a new one
    assertEquals(WorkflowStatus.REVERTED, restarted.sync.run(new Trip(trip, true),
        RunOptions.builder().transactionId(trip).throwOnError(false).build()).status());
    assertEquals(List.of(), effects(trip));
  }

  @Test
  void aCompensationThatFailsAfterItsRetriesEndsTheRevertFailedAndTheOthersStillRun() {
    doneInAnEarlierProcess(true, false);
    RevertWorkflows.FAILING.put(trip, "undo:insure");
    try {
      Process restarted = process();

      WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> restarted.sync.revert(trip));

      WorkflowResult<?> result = e.result();
      assertEquals(WorkflowStatus.FAILED, result.status());
      assertEquals(1, result.errors().size(), result.errors().toString());
      StepError error = result.errors().get(0);
      assertEquals("insure", error.step());
      assertEquals(StepPhase.COMPENSATE, error.phase());
      assertEquals("undo:insure(policy-flight-" + trip + ") failed for " + trip, error.cause().getMessage());
      assertEquals(error.cause(), e.getCause());
      assertTrue(e.getMessage().contains("'insure'"), e.getMessage());
      List<String> undone = effects(trip);
      assertEquals(2, undone.stream().filter(x -> x.startsWith("undo:insure")).count(), "tried again once (maxRetries 1)");
      assertEquals("undo:book-flight(flight-comp-" + trip + ")", undone.get(undone.size() - 1));
      assertEquals(8, undone.size(), undone.toString());
      assertEquals(RunStatus.FAILED, record(restarted, "revert-trip").status());

      RevertWorkflows.EFFECTS.remove(trip);
      WorkflowFailedException again = assertThrows(WorkflowFailedException.class, () -> restarted.sync.revert(trip));
      assertEquals(WorkflowStatus.FAILED, again.result().status());
      assertEquals(List.of(), effects(trip), "a FAILED run is not compensated again");
    } finally {
      RevertWorkflows.FAILING.remove(trip);
    }
  }

  @Test
  void anUnknownIdARunnerWithoutEngineAndAChildsRunAreRefused() {
    doneInAnEarlierProcess(true, false);
    Process restarted = process();

    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> restarted.sync.revert("no-such-trip"));
    assertEquals("Workflow 'revert-trip' has no recorded run with transaction id 'no-such-trip', so there is nothing "
        + "to revert; pass the transaction id of a run of this workflow that ended DONE (an ended run is kept as long "
        + "as the store's retention)", unknown.getMessage());
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> restarted.async.revert(trip));
    assertEquals("Run '" + trip + "' is a run of workflow 'revert-trip', not of 'revert-trip-async'; revert it with "
        + "the runner of 'revert-trip'", other.getMessage());
    IllegalArgumentException child = assertThrows(IllegalArgumentException.class,
        () -> restarted.sync.revert(trip + "/send-docs"));
    assertTrue(child.getMessage().contains("revert the parent run"), child.getMessage());
    IllegalStateException noEngine = assertThrows(IllegalStateException.class,
        () -> RevertWorkflows_BookTripRunner.create(Container.empty()).revert(trip));
    assertTrue(noEngine.getMessage().contains("bind the runner to a WorkflowEngine"), noEngine.getMessage());
    assertThrows(IllegalStateException.class, () -> RevertWorkflows_BookTripAsyncRunner.create(Container.empty())
        .revertAsync(trip));
    assertEquals(List.of(), effects(trip));
    assertEquals(RunStatus.DONE, record(restarted, "revert-trip").status());
  }

  @Test
  void aRunInProgressIsRefusedWithAPointerToCancel() throws Exception {
    Process process = process();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch reached = hold("confirm", gate);
    CompletableFuture<WorkflowResult<String>> running = process.sync.runAsync(new Trip(trip, false),
        RunOptions.builder().transactionId(trip).build());
    await(reached, "confirm");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> process.sync.revert(trip));

    assertEquals("Run '" + trip + "' of workflow 'revert-trip' has not ended (RUNNING), and revert only reverts a run "
        + "that ended DONE; to stop a run in progress and compensate its completed steps, call "
        + "cancel(transactionId) in the process that runs it", e.getMessage());
    gate.countDown();
    assertEquals(WorkflowStatus.DONE, running.get(20, TimeUnit.SECONDS).status());
    assertTrue(effects(trip).stream().noneMatch(x -> x.startsWith("undo:")), effects(trip).toString());
    assertEquals(WorkflowStatus.REVERTED, process.sync.revert(trip).status(), "once it ended DONE");
  }

  @Test
  void concurrentRevertsInOneProcessCompensateOnce() throws Exception {
    doneInAnEarlierProcess(true, false);
    Process restarted = process();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<WorkflowResult<String>>> reverts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        reverts.add(pool.submit(() -> {
          go.await();
          return restarted.sync.revert(trip);
        }));
      }
      go.countDown();
      for (Future<WorkflowResult<String>> revert : reverts) {
        assertEquals(WorkflowStatus.REVERTED, revert.get(30, TimeUnit.SECONDS).status());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(expectedUndoing(record(restarted, "revert-trip")), effects(trip));
  }

  @Test
  void ofTwoEnginesOnOneStoreOneRevertsAndTheOtherIsToldSoThenGetsTheRecord() throws Exception {
    doneInAnEarlierProcess(true, false);
    Process one = process();
    Process two = process();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch reached = hold("undo:post(post-print-" + trip + ")", gate);
    CompletableFuture<WorkflowResult<String>> first = one.sync.revertAsync(trip);
    await(reached, "undo:post");

    IllegalStateException busy = assertThrows(IllegalStateException.class, () -> two.sync.revert(trip));

    assertTrue(busy.getMessage().startsWith("Run '" + trip + "' of workflow 'revert-trip' is being reverted, by "
        + "another process on the same store"), busy.getMessage());
    gate.countDown();
    assertEquals(WorkflowStatus.REVERTED, first.get(20, TimeUnit.SECONDS).status());
    List<String> undone = List.copyOf(effects(trip));
    assertEquals(WorkflowStatus.REVERTED, two.sync.revert(trip).status());
    assertEquals(undone, effects(trip));
    assertEquals(expectedUndoing(record(two, "revert-trip")), undone);
  }

  @Test
  void aRevertWhoseStoreFailsMidwayIsFinishedByTheNextEngineWithoutRepeatingARecordedCompensation() throws Exception {
    doneInAnEarlierProcess(true, false);
    DurableReplayTest.DyingStore dying = new DurableReplayTest.DyingStore(newStore());
    Process crashing = new Process(dying);
    String print = "undo:print(print-" + trip + ")";
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch reached = hold(print, gate);
    CompletableFuture<WorkflowResult<String>> revert = crashing.sync.revertAsync(trip);
    await(reached, "undo:print");
    dying.die();
    gate.countDown();
    Throwable stopped = assertThrows(Exception.class, () -> revert.get(20, TimeUnit.SECONDS)).getCause();
    assertInstanceOf(WorkflowSuspendedException.class, stopped);
    crashing.engine.close();
    List<String> before = List.copyOf(effects(trip));
    assertEquals(3, before.size(), before.toString());
    RevertWorkflows.EFFECTS.remove(trip);
    CountDownLatch hotelGate = new CountDownLatch(1);
    CountDownLatch atHotel = hold("undo:hotel(hotel-" + trip + ")", hotelGate);

    Process next = process();
    await(atHotel, "undo:hotel, by the recovery");
    CompletableFuture<WorkflowResult<String>> meanwhile = next.sync.revertAsync(trip);
    Thread.sleep(200);
    assertFalse(meanwhile.isDone(), "a revert of a run that start() is reverting waits for it");
    hotelGate.countDown();
    WorkflowEngine.Recovery recovery = next.engine.recovery().get(20, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, meanwhile.get(20, TimeUnit.SECONDS).status());
    assertEquals(1, recovery.reverted(), recovery.toString());
    List<String> expected = expectedUndoing(record(next, "revert-trip"));
    assertEquals(expected.subList(2, expected.size()), effects(trip),
        "'undo:print' was not recorded: it runs again; the two recorded before it do not");
    assertEquals(RunStatus.REVERTED, record(next, "revert-trip").status());
    RevertWorkflows.EFFECTS.remove(trip);
    assertEquals(WorkflowStatus.REVERTED, next.sync.revert(trip).status());
    assertEquals(List.of(), effects(trip));
  }

  @Test
  void aRevertStoppedByItsEngineClosingIsFinishedByTheNextEngine() throws Exception {
    doneInAnEarlierProcess(true, false);
    Process closing = process();
    String print = "undo:print(print-" + trip + ")";
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch reached = hold(print, gate);
    CompletableFuture<WorkflowResult<String>> revert = closing.sync.revertAsync(trip);
    await(reached, "undo:print");
    CompletableFuture<Void> closed = CompletableFuture.runAsync(closing.engine::close);
    while (true) { // until the engine is closing: it refuses to begin anything, and waits for the run's next checkpoint
      try {
        closing.sync.revert("no-such-trip");
      } catch (IllegalArgumentException notYet) {
        continue;
      } catch (IllegalStateException closingNow) {
        break;
      }
    }
    gate.countDown();
    closed.get(20, TimeUnit.SECONDS);
    assertInstanceOf(WorkflowSuspendedException.class,
        assertThrows(Exception.class, () -> revert.get(20, TimeUnit.SECONDS)).getCause());
    List<String> before = List.copyOf(effects(trip));
    RevertWorkflows.EFFECTS.remove(trip);

    Process next = process();
    assertEquals(1, next.engine.recovery().get(20, TimeUnit.SECONDS).reverted());

    List<String> expected = expectedUndoing(record(next, "revert-trip"));
    List<String> all = new ArrayList<>(before);
    all.addAll(effects(trip));
    assertEquals(expected, all, "each compensation once: 'undo:print' was recorded before the engine stopped the run");
  }
}
