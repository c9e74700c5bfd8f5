package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reverting a run that ended {@code DONE} ({@link RunRegistry#revert}, the generated runner's {@code
 * revert}): its completed steps are compensated in reverse order from their recorded compensation
 * inputs, and the run ends {@code REVERTED}; what is refused, and with which message.
 */
class RevertTest {
  static final StepSpec CHARGE = StepSpec.of("charge", 0);

  final Payment payment = new Payment();
  final List<String> events = payment.events;

  @AfterEach
  void closeEngines() {
    payment.close();
  }

  /** A runner on a started engine on the test's record. */
  Payment.Runner runner(boolean async) {
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, CHARGE);
    engine.start();
    return runner;
  }

  static WorkflowResult<String> done(Payment.Runner runner, String transactionId) {
    WorkflowResult<String> result = runner.start(transactionId).join();
    assertEquals(WorkflowStatus.DONE, result.status());
    return result;
  }

  List<CheckpointKind> kinds(String transactionId) {
    return payment.memory.load(Payment.TYPES, transactionId).orElseThrow().checkpoints().stream().map(Checkpoint::kind)
        .toList();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aDoneRunIsCompensatedInReverseOrderAndEndsReverted(boolean async) {
    Payment.Runner runner = runner(async);
    done(runner, "t-1");
    events.clear();

    WorkflowResult<String> reverted = runner.runs.revert("t-1");

    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertEquals("t-1", reverted.transactionId());
    assertEquals(List.of(), reverted.errors());
    assertEquals(List.of("undo-ship(o>reserve>charge>ship)@1", "undo-charge(o>reserve>charge)@1",
        "undo-reserve(o>reserve)@1"), events, "no step runs again");
    assertEquals(RunStatus.REVERTED, payment.memory.find("t-1").orElseThrow().status());
    List<CheckpointKind> kinds = kinds("t-1");
    assertEquals(CheckpointKind.REVERT_BEGUN, kinds.get(3));
    Checkpoint begun = payment.memory.load(Payment.TYPES, "t-1").orElseThrow().checkpoints().get(3);
    assertEquals(3, begun.sequence());
    assertEquals(2, begun.position());
    assertEquals("ship", begun.stepName());
  }

  /**
   * A runner on a started engine whose store lets "another process" begin the revert of a run first
   * (it writes the same REVERT_BEGUN), then begins this process's revert as {@code ours} says.
   */
  Payment.Runner runnerLosingTheRevertTo(AnotherProcess ours) {
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(payment.memory) {
      @Override
      public CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
        assertTrue(super.beginRevert(types, transactionId, revertBegun).join(), "the other process begins it");
        return ours.begin(() -> super.beginRevert(types, transactionId, revertBegun));
      }
    });
    Payment.Runner runner = payment.new Runner(engine, false, CHARGE);
    engine.start();
    return runner;
  }

  /** How the store answers this process's begin of a revert that another process began first. */
  interface AnotherProcess {
    CompletableFuture<Boolean> begin(java.util.function.Supplier<CompletableFuture<Boolean>> store);
  }

  static void refusedAsRevertedElsewhere(Payment.Runner runner, List<String> events) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.runs.revert("t-1"));

    assertTrue(e.getMessage().startsWith("Run 't-1' of workflow 'payment' is being reverted, by another process"),
        e.getMessage());
    assertEquals(List.of(), events, "its compensations are the other process's: none runs here");
  }

  @Test
  void aRevertThatAnotherProcessBeganFirstIsRefusedAndCompensatesNothing() {
    Payment.Runner runner = runnerLosingTheRevertTo(store -> store.get()); // the store answers false: not DONE any more
    done(runner, "t-1");
    events.clear();

    refusedAsRevertedElsewhere(runner, events);
  }

  @Test
  void aRevertThatAnotherProcessBeganFirstIsRefusedAlsoWhenTheStoreReportsTheConflictAsAnError() {
    Payment.Runner runner = runnerLosingTheRevertTo(store -> CompletableFuture.failedFuture(
        new RunStoreException("could not serialize access due to concurrent update")));
    done(runner, "t-1");
    events.clear();

    refusedAsRevertedElsewhere(runner, events);
  }

  @Test
  void aStoreThatFailsToBeginARevertOfARunStillDoneFailsTheRevertWithItsError() {
    RunStoreException down = new RunStoreException("the database is down");
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(payment.memory) {
      @Override
      public CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
        return CompletableFuture.failedFuture(down);
      }
    });
    Payment.Runner runner = payment.new Runner(engine, false, CHARGE);
    engine.start();
    done(runner, "t-1");
    events.clear();

    assertSame(down, assertThrows(RunStoreException.class, () -> runner.runs.revert("t-1")));
    assertEquals(List.of(), events);
    assertEquals(RunStatus.DONE, payment.memory.find("t-1").orElseThrow().status());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void eachCompensationStartsOnlyOnceTheOutcomeOfThePreviousOneIsDurable(boolean async) {
    List<Long> undoneWhenDurable = new CopyOnWriteArrayList<>();
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(payment.memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        if (update.checkpoints().stream().noneMatch(c -> c.kind() == CheckpointKind.COMPENSATED
            || c.kind() == CheckpointKind.COMPENSATION_FAILED)) {
          return super.append(types, transactionId, update);
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS))
            .thenCompose(later -> {
              undoneWhenDurable.add(events.stream().filter(e -> e.startsWith("undo-")).count());
              return super.append(types, transactionId, update);
            });
      }
    });
    Payment.Runner runner = payment.new Runner(engine, async, CHARGE);
    engine.start();
    done(runner, "t-1");
    payment.failures.put("undo-charge", 1); // compensated, failed for good, compensated
    events.clear();

    assertThrows(WorkflowFailedException.class, () -> runner.runs.revert("t-1"));

    assertEquals(List.of(1L, 2L, 3L), undoneWhenDurable, "no compensation starts before the last one is recorded");
    assertEquals(List.of(CheckpointKind.COMPENSATED, CheckpointKind.COMPENSATION_FAILED, CheckpointKind.COMPENSATED),
        kinds("t-1").subList(4, 7));
  }

  @Test
  void aRevertedRunIsRevertedAgainByReplayingItsRecordAndRunsNothing() {
    Payment.Runner runner = runner(false);
    done(runner, "t-1");
    runner.runs.revert("t-1");
    events.clear();

    WorkflowResult<String> again = runner.runs.revert("t-1");

    assertEquals(WorkflowStatus.REVERTED, again.status());
    assertEquals(List.of(), events);
  }

  @Test
  void aRunThatRevertedAfterAFailedStepIsReplayedAndRunsNothing() {
    payment.failures.put("ship", 1);
    Payment.Runner runner = runner(false);
    assertEquals(WorkflowStatus.REVERTED, runner.start("t-1").join().status());
    events.clear();

    WorkflowResult<String> again = runner.runs.revert("t-1");

    assertEquals(WorkflowStatus.REVERTED, again.status());
    assertEquals("ship", again.errors().get(0).step());
    assertEquals(List.of(), events);
  }

  @Test
  void aCompensationThatFailsForGoodEndsTheRevertFailedAndThrowsWhichStepsItCouldNotUndo() {
    Payment.Runner runner = runner(false);
    done(runner, "t-1");
    payment.failures.put("undo-charge", 1);
    events.clear();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.runs.revert("t-1"));

    assertEquals("Workflow 'payment' (transaction t-1) ended FAILED: the compensation of step(s) 'charge' failed after "
        + "its retries; its work is not all undone, see result().errors()", e.getMessage());
    assertEquals(WorkflowStatus.FAILED, e.result().status());
    StepError error = e.result().errors().get(0);
    assertEquals(StepPhase.COMPENSATE, error.phase());
    assertSame(error.cause(), e.getCause());
    assertEquals("undo-charge failed on attempt 1", e.getCause().getMessage());
    assertEquals(0, e.getSuppressed().length);
    assertEquals(List.of("undo-ship(o>reserve>charge>ship)@1", "undo-charge(o>reserve>charge)@1",
        "undo-reserve(o>reserve)@1"), events, "the other compensations run");
    assertEquals(RunStatus.FAILED, payment.memory.find("t-1").orElseThrow().status());
  }

  @Test
  void theFailedRevertsCauseIsTheCompensationsErrorNotAFailureTheRunHadTolerated() {
    payment.failures.put("charge", 1);
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, false,
        StepSpec.builder("charge").onFailure(StepSpec.OnFailure.CONTINUE).build());
    engine.start();
    done(runner, "t-1");
    payment.failures.put("undo-reserve", 1);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.runs.revert("t-1"));

    assertEquals("undo-reserve failed on attempt 1", e.getCause().getMessage());
    assertEquals(List.of("charge", "reserve"), e.result().errors().stream().map(StepError::step).toList(),
        "the tolerated failure stays in the errors");
    assertEquals(0, e.getSuppressed().length);
  }

  @Test
  void twoCompensationsThatFailForGoodAreNamedAndTheSecondIsSuppressed() {
    Payment.Runner runner = runner(false);
    done(runner, "t-1");
    payment.failures.put("undo-ship", 1);
    payment.failures.put("undo-reserve", 1);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.runs.revert("t-1"));

    assertEquals("Workflow 'payment' (transaction t-1) ended FAILED: the compensation of step(s) 'ship', 'reserve' "
        + "failed after its retries; its work is not all undone, see result().errors()", e.getMessage());
    assertEquals("undo-ship failed on attempt 1", e.getCause().getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertEquals("undo-reserve failed on attempt 1", e.getSuppressed()[0].getMessage());
  }

  @Test
  void anUnknownTransactionIdIsRefused() {
    Payment.Runner runner = runner(false);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runner.runs.revert("t-9"));

    assertEquals("Workflow 'payment' has no recorded run with transaction id 't-9', so there is nothing to revert; pass "
        + "the transaction id of a run of this workflow that ended DONE (an ended run is kept as long as the store's "
        + "retention)", e.getMessage());
    CompletionException async = assertThrows(CompletionException.class, () -> runner.runs.revertAsync("t-9").join());
    assertInstanceOf(IllegalArgumentException.class, async.getCause());
  }

  @Test
  void aRunnerWithoutAnEngineCannotRevert() {
    Payment.Runner runner = payment.new Runner(null, false, CHARGE, 0, null);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.runs.revert("t-1"));

    assertEquals("revert needs the run's record, and this runner keeps none: bind the runner to a WorkflowEngine "
        + "(XRunner.create(container, engine)), whose store records its runs, to revert them", e.getMessage());
    assertThrows(IllegalStateException.class, () -> new RunRegistry().revertAsync("t-1"));
  }

  @Test
  void aRunInProgressIsRefusedWithHowToStopIt() throws Exception {
    Payment.Runner runner = runner(false);
    payment.reached.put("charge", new CountDownLatch(1));
    CountDownLatch gate = new CountDownLatch(1);
    payment.gates.put("charge", gate);
    CompletableFuture<WorkflowResult<String>> running = runner.start("t-1");
    assertTrue(payment.reached.get("charge").await(10, TimeUnit.SECONDS));

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.runs.revert("t-1"));

    assertEquals("Run 't-1' of workflow 'payment' has not ended (RUNNING), and revert only reverts a run that ended "
        + "DONE; to stop a run in progress and compensate its completed steps, call cancel(transactionId) in the "
        + "process that runs it", e.getMessage());
    gate.countDown();
    assertEquals(WorkflowStatus.DONE, running.get(10, TimeUnit.SECONDS).status());
    assertFalse(events.stream().anyMatch(event -> event.startsWith("undo-")), events.toString());
  }

  @Test
  void concurrentRevertsOfOneRunShareOneAndCompensateOnce() throws Exception {
    Payment.Runner runner = runner(false);
    done(runner, "t-1");
    events.clear();
    payment.reached.put("undo-ship", new CountDownLatch(1));
    CountDownLatch gate = new CountDownLatch(1);
    payment.gates.put("undo-ship", gate);

    CompletableFuture<WorkflowResult<String>> first = runner.runs.revertAsync("t-1");
    assertTrue(payment.reached.get("undo-ship").await(10, TimeUnit.SECONDS));
    CompletableFuture<WorkflowResult<String>> second = runner.runs.revertAsync("t-1");
    gate.countDown();

    assertEquals(WorkflowStatus.REVERTED, first.get(10, TimeUnit.SECONDS).status());
    assertEquals(WorkflowStatus.REVERTED, second.get(10, TimeUnit.SECONDS).status());
    assertEquals(3, events.size(), "each step is compensated once: " + events);
  }

  @Test
  void aRunOfAnotherWorkflowIsRefusedWithTheRunnerToUse() {
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, false, CHARGE);
    WorkflowSpec other = WorkflowSpec.of(1, "refund", StepSpec.of("pay-back", 0))
        .withTypes(RunTypes.builder("refund", String.class, String.class)
            .step(0, String.class, String.class).build(), "fp-r");
    RunRegistry refunds = RunRegistry.<String, String>of(engine, other, (input, options) -> null);
    engine.start();
    WorkflowRun run = WorkflowRun.start(other, RunOptions.builder().transactionId("r-1").build(),
        Container.empty(), refunds, "o");
    run.done(run.<String>valueStep(other.steps().get(0), ctx -> "paid back", null));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runner.runs.revert("r-1"));

    assertEquals("Run 'r-1' is a run of workflow 'refund', not of 'payment'; revert it with the runner of 'refund'",
        e.getMessage());
  }

  @Test
  void aRunRecordedByAnotherDefinitionIsRefused() {
    Payment.Runner before = runner(false);
    done(before, "t-1");
    WorkflowEngine engine = payment.engine();
    Payment.Runner changed = payment.new Runner(engine, false, CHARGE, 0, "fp-2");
    engine.start();

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> changed.runs.revert("t-1"));

    assertTrue(e.getMessage().startsWith("Workflow 'payment': run 't-1'"), e.getMessage());
    assertEquals(RunStatus.DONE, payment.memory.find("t-1").orElseThrow().status());
  }

  @Test
  void aClosedEngineRevertsNothing() {
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, false, CHARGE);
    engine.start();
    done(runner, "t-1");
    engine.close();
    events.clear();

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.runs.revert("t-1"));

    assertEquals("Workflow 'payment' (transaction t-1) cannot start: its WorkflowEngine is closed", e.getMessage());
    assertEquals(List.of(), events);
    assertEquals(RunStatus.DONE, payment.memory.find("t-1").orElseThrow().status());
  }
}
