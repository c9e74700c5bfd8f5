package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.ManualStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.WorkflowWaitingException;
import io.stepwise.runtime.fixtures.LogCapture;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A step with {@code autoRetry = false} of a run that an engine records ({@link RecordedWaits}): its
 * wait is recorded ({@code STEP_WAITING}, the run {@code WAITING}) and the run stops with a {@link
 * WorkflowWaitingException}; the registry's retry, fail and cancel end the wait in the store and
 * resume the run in this process, and so does the run's deadline, also after a restart. Each test
 * runs the synchronous path and the asynchronous one.
 */
class RecordedWaitTest {
    static final StepSpec CHARGE = StepSpec.builder("charge").maxRetries(2).autoRetry(false).build();
  static final RunTypes TYPES = Payment.TYPES;
  static final String WAITING = "waiting:charge@1:charge failed on attempt 1";

  final Payment payment = new Payment();
  final InMemoryRunStore memory = payment.memory;
  final List<String> events = payment.events;

  @AfterEach
  void closeEngines() {
    payment.close();
  }

  List<CheckpointKind> kinds(String transactionId) {
    return memory.load(TYPES, transactionId).orElseThrow().checkpoints().stream().map(Checkpoint::kind).toList();
  }

  /** A runner on a started engine on the test's record, whose 'charge' waits after its first attempt. */
  Payment.Runner waitingRunner(boolean async, long timeoutMillis) {
    payment.failures.put("charge", 1);
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, CHARGE, timeoutMillis, "fp-1");
    engine.start();
    return runner;
  }

  /** Runs until the run stops at its recorded wait, and checks what its caller gets. */
  static WorkflowWaitingException runUntilWaiting(Payment.Runner runner, String transactionId) {
    CompletableFuture<WorkflowResult<String>> run = runner.start(transactionId);
    CompletionException e = assertThrows(CompletionException.class, run::join, "the run stops without a result");
    return assertInstanceOf(WorkflowWaitingException.class, e.getCause());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void onAStoreThatDoesNotRecordWaitsTheStepWaitsInMemoryAndTheFailedAttemptIsRecorded(boolean async)
      throws Exception {
    ForwardingRunStore keepsNoWaits = new ForwardingRunStore(memory) {
      @Override
      public boolean recordsWaits() {
        return false;
      }
    };
    WorkflowEngine engine = payment.engine(keepsNoWaits);
    Payment.Runner runner = payment.new Runner(engine, async, CHARGE);
    payment.failures.put("charge", 1);
    engine.start();

    CompletableFuture<WorkflowResult<String>> run = runner.start("t-1");
    payment.awaitWait();
    assertEquals(RunStatus.RUNNING, memory.find("t-1").orElseThrow().status());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.ATTEMPT_FAILED), kinds("t-1"));
    assertTrue(runner.runs.retryStep("t-1", "charge"));

    assertEquals(WorkflowStatus.DONE, run.get(10, TimeUnit.SECONDS).status());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "charge@2", "ship@1"), events);
  }

  /**
   * A store that records no waits and holds the append of charge's failed attempt until the test
   * lets it go: then it applies it (and adds the event "recorded:ATTEMPT_FAILED"), or fails it.
   */
  final class HoldsTheFailedAttempt extends ForwardingRunStore {
    final CountDownLatch asked = new CountDownLatch(1);
    final CompletableFuture<Boolean> letGo = new CompletableFuture<>();

    HoldsTheFailedAttempt() {
      super(memory);
    }

    @Override
    public boolean recordsWaits() {
      return false;
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      if (update.checkpoints().stream().noneMatch(c -> c.kind() == CheckpointKind.ATTEMPT_FAILED)) {
        return super.append(types, transactionId, update);
      }
      asked.countDown();
      return letGo.thenCompose(applied -> {
        if (!applied) {
          return CompletableFuture.failedFuture(new RunStoreException("the database went down"));
        }
        return super.append(types, transactionId, update).thenRun(() -> events.add("recorded:ATTEMPT_FAILED"));
      });
    }
  }

  /** A run of t-1 and its runner. */
  record Held(Payment.Runner runner, CompletableFuture<WorkflowResult<String>> run) {}

  /**
   * Starts t-1 on {@code store}, with 'charge' failing its first attempt, and checks what holds while
   * the failed attempt's append is held: the step does not wait, so a retry finds nothing to retry.
   */
  Held heldAtTheFailedAttempt(HoldsTheFailedAttempt store, boolean async) throws InterruptedException {
    WorkflowEngine engine = payment.engine(store);
    Payment.Runner runner = payment.new Runner(engine, async, CHARGE);
    payment.failures.put("charge", 1);
    engine.start();
    CompletableFuture<WorkflowResult<String>> run = runner.start("t-1");
    assertTrue(store.asked.await(10, TimeUnit.SECONDS), "charge's failed attempt is recorded");
    // a step that did not wait for the write would begin its wait at once, on the run's thread
    assertFalse(payment.waits.tryAcquire(100, TimeUnit.MILLISECONDS), "no wait before the failed attempt is durable");
    assertFalse(runner.runs.retryStep("t-1", "charge"), "nothing waits yet, so there is nothing to retry");
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED), kinds("t-1"));
    return new Held(runner, run);
  }

  /**
   * On a store that does not record waits, the step waits in memory only once its failed attempt
   * is durable, so that the application's retry, and the next attempt's checkpoint, come after it
   * in the record however late the store writes it.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void onAStoreThatDoesNotRecordWaitsTheWaitBeginsOnlyOnceTheFailedAttemptIsDurable(boolean async) throws Exception {
    HoldsTheFailedAttempt store = new HoldsTheFailedAttempt();
    Held held = heldAtTheFailedAttempt(store, async);

    store.letGo.complete(true);
    payment.awaitWait();
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.ATTEMPT_FAILED), kinds("t-1"));
    assertTrue(held.runner().runs.retryStep("t-1", "charge"));

    assertEquals(WorkflowStatus.DONE, held.run().get(10, TimeUnit.SECONDS).status());
    assertEquals(List.of("reserve@1", "charge@1", "recorded:ATTEMPT_FAILED", WAITING, "charge@2", "ship@1"), events);
    StoredRun stored = memory.load(TYPES, "t-1").orElseThrow();
    assertEquals(List.of("0 STEP_COMPLETED reserve@1", "1 ATTEMPT_FAILED charge@1", "2 STEP_COMPLETED charge@2",
        "3 STEP_COMPLETED ship@1"), stored.checkpoints().stream()
        .map(c -> c.sequence() + " " + c.kind() + " " + c.stepName() + "@" + c.attempts()).toList());
  }

  /**
   * On a store that does not record waits, a failed attempt whose append fails stops the run there:
   * the step never waits and is not tried again, so no later checkpoint of it is recorded without
   * the failed attempt (the next start runs the step again, as one that was running).
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void onAStoreThatDoesNotRecordWaitsAFailedAttemptThatCannotBeRecordedStopsTheRunWithoutAWait(boolean async)
      throws Exception {
    HoldsTheFailedAttempt store = new HoldsTheFailedAttempt();
    Held held = heldAtTheFailedAttempt(store, async);

    store.letGo.complete(false);

    ExecutionException stopped = assertThrows(ExecutionException.class, () -> held.run().get(10, TimeUnit.SECONDS));
    assertInstanceOf(WorkflowSuspendedException.class, stopped.getCause());
    assertEquals(List.of("reserve@1", "charge@1"), events, "no wait, no further attempt, nothing compensated");
    assertEquals(0, payment.waits.availablePermits());
    assertFalse(held.runner().runs.retryStep("t-1", "charge"));
    assertEquals(RunStatus.RUNNING, memory.find("t-1").orElseThrow().status());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED), kinds("t-1"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void onAStoreThatDoesNotRecordWaitsAWaitInMemoryBeginsOnlyOnceItsFailedAttemptIsDurable(boolean async)
      throws Exception {
    AtomicBoolean failedAttemptDurable = new AtomicBoolean();
    ForwardingRunStore slowFailures = new ForwardingRunStore(memory) {
      @Override
      public boolean recordsWaits() {
        return false;
      }

      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        if (update.checkpoints().stream().noneMatch(c -> c.kind() == CheckpointKind.ATTEMPT_FAILED)) {
          return super.append(types, transactionId, update);
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))
            .thenCompose(later -> super.append(types, transactionId, update))
            .thenRun(() -> failedAttemptDurable.set(true));
      }
    };
    WorkflowEngine engine = payment.engine(slowFailures);
    Payment.Runner runner = payment.new Runner(engine, async, CHARGE);
    payment.failures.put("charge", 1);
    engine.start();
    List<Boolean> durableWhenTheWaitBegan = new CopyOnWriteArrayList<>();
    CountDownLatch waiting = new CountDownLatch(1);
    RunOptions options = RunOptions.builder().transactionId("t-1").throwOnError(false).listener(new WorkflowListener() {
      @Override
      public void onStepWaiting(StepContext step, Throwable error) {
        durableWhenTheWaitBegan.add(failedAttemptDurable.get());
        waiting.countDown();
      }
    }).build();

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("o", options);
    assertTrue(waiting.await(10, TimeUnit.SECONDS), "the step never began to wait: " + events);
    assertTrue(runner.runs.retryStep("t-1", "charge"));

    assertEquals(WorkflowStatus.DONE, run.get(10, TimeUnit.SECONDS).status());
    assertEquals(List.of(true), durableWhenTheWaitBegan, "a resumed run must find the failed attempt to wait again");
    assertEquals(List.of("reserve@1", "charge@1", "charge@2", "ship@1"), events);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aResumedRunThatWaitsInMemoryIsCountedWaitingByTheRecoveryWithoutWaitingForItsEnd(boolean async)
      throws Exception {
    DurableOutcomesTest.killedInTheRetryPause(payment, 0); // charge's first attempt failed before a restart
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(memory) {
      @Override
      public boolean recordsWaits() {
        return false;
      }
    });
    Payment.Runner runner = payment.new Runner(engine, async, CHARGE);
    engine.start();

    WorkflowEngine.Recovery recovery = engine.recovery().get(10, TimeUnit.SECONDS);

    assertEquals(1, recovery.resumed());
    assertEquals(1, recovery.waiting(), recovery.toString());
    assertTrue(runner.runs.retryStep("t-1", "charge"), "the run still waits");
    assertEquals(WorkflowStatus.DONE, runner.resumedResult().status());
    assertEquals(List.of("charge@2", "ship@1"), events);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theWaitIsRecordedAndStopsTheRunAndARetryResumesItToDone(boolean async) throws Exception {
    Payment.Runner runner = waitingRunner(async, 0);

    WorkflowWaitingException waiting = runUntilWaiting(runner, "t-1");

    assertEquals("charge", waiting.stepName());
    assertEquals(1, waiting.attempt());
    assertEquals("t-1", waiting.transactionId());
    assertEquals("Workflow 'payment' (transaction t-1) waits at step 'charge': attempt 1 of 3 failed with "
        + "java.lang.IllegalStateException: charge failed on attempt 1, and the step has autoRetry = false. The wait is recorded "
        + "and no thread holds the run: call the runner's retry or fail method of step 'charge' with the transaction id "
        + "(from any process on the same store), or cancel the run", waiting.getMessage());
    assertEquals(RunStatus.WAITING, memory.find("t-1").orElseThrow().status());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_WAITING), kinds("t-1"));
    Checkpoint wait = memory.load(TYPES, "t-1").orElseThrow().checkpoints().get(1);
    assertEquals("charge", wait.stepName());
    assertEquals(1, wait.position());
    assertEquals(1, wait.attempts());
    assertEquals("charge failed on attempt 1", wait.error().orElseThrow().message());

    assertFalse(runner.runs.retryStep("t-1", "ship"), "the run waits at 'charge'");
    assertFalse(runner.runs.retryStep("t-9", "charge"), "no run t-9");
    assertEquals(RunStatus.WAITING, memory.find("t-1").orElseThrow().status());
    assertTrue(runner.runs.retryStep("t-1", "charge"));
    WorkflowResult<String> result = runner.resumedResult();

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("o>reserve>charge>ship", result.result());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "charge@2", "ship@1"), events,
        "reserve is not run again, and the resumed run does not wait");
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_WAITING, CheckpointKind.RETRY_DECIDED,
        CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_COMPLETED), kinds("t-1"));
    Checkpoint decided = memory.load(TYPES, "t-1").orElseThrow().checkpoints().get(2);
    assertEquals(2, decided.sequence());
    assertEquals(1, decided.position());
    assertEquals(1, decided.attempts());
    assertEquals(RunStatus.DONE, memory.find("t-1").orElseThrow().status());
    assertFalse(runner.runs.retryStep("t-1", "charge"), "the run has ended");
    assertFalse(runner.runs.failStep("t-1", "charge"), "the run has ended");
  }

  @Test
  void aRetryOrAFailOfAnotherStepThanTheOneThatWaitsEndsNothing() {
    Payment.Runner runner = waitingRunner(false, 0);
    runUntilWaiting(runner, "t-1");

    assertFalse(runner.runs.retryStep("t-1", "ship"));
    assertFalse(runner.runs.failStep("t-1", "reserve"));

    assertEquals(RunStatus.WAITING, memory.find("t-1").orElseThrow().status());
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_WAITING), kinds("t-1"));
  }

  @Test
  void aRetryOfAWaitThatAnotherProcessEndedFirstAnswersFalseAndResumesNothingHere() {
    payment.failures.put("charge", 1);
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(memory) {
      @Override
      public CompletableFuture<Boolean> endWait(RunTypes types, String transactionId, Checkpoint decision) {
        assertTrue(super.endWait(types, transactionId, decision).join(), "the other process ends the wait first");
        return super.endWait(types, transactionId, decision);
      }
    });
    Payment.Runner runner = payment.new Runner(engine, false, CHARGE);
    engine.start();
    runUntilWaiting(runner, "t-1");

    assertFalse(runner.runs.retryStep("t-1", "charge"));

    assertEquals(RunStatus.RUNNING, memory.find("t-1").orElseThrow().status(), "the other process resumes it");
    assertTrue(runner.resumed.isEmpty(), "this process resumes nothing");
  }

  @Test
  void theRegistryOfAClosedEngineEndsNoRecordedWait() {
    Payment.Runner runner = waitingRunner(false, 0);
    runUntilWaiting(runner, "t-1");
    payment.close();

    assertFalse(runner.runs.retryStep("t-1", "charge"));

    assertEquals(RunStatus.WAITING, memory.find("t-1").orElseThrow().status(), "the next engine's runners end it");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void runningTheWaitingRunAgainThrowsItsWaitAgainAndExecutesNothing(boolean async) {
    Payment.Runner runner = waitingRunner(async, 0);
    runUntilWaiting(runner, "t-1");
    events.clear();

    WorkflowWaitingException again = runUntilWaiting(runner, "t-1");

    assertEquals("charge", again.stepName());
    assertEquals(1, again.attempt());
    assertEquals(List.of(), events);
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.STEP_WAITING), kinds("t-1"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFailIsRecordedAndTheResumedRunCompensates(boolean async) throws Exception {
    Payment.Runner runner = waitingRunner(async, 0);
    runUntilWaiting(runner, "t-1");

    assertFalse(runner.runs.failStep("t-1", "reserve"), "the run waits at 'charge'");
    assertTrue(runner.runs.failStep("t-1", "charge"));
    WorkflowResult<String> result = runner.resumedResult();

    assertEquals(WorkflowStatus.REVERTED, result.status());
    StepError error = result.errors().get(0);
    assertEquals("charge", error.step());
    assertEquals(1, error.attempts());
    assertInstanceOf(ManualStepFailureException.class, error.cause());
    assertTrue(error.cause().getMessage().startsWith("step 'charge' of workflow 'payment' (transaction t-1) was failed "
        + "by the application after attempt 1 of 3 failed with "), error.cause().getMessage());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "undo-reserve(o>reserve)@1"), events);
    assertEquals(CheckpointKind.FAILURE_DECIDED, kinds("t-1").get(2));
    StoredRun stored = memory.load(TYPES, "t-1").orElseThrow();
    assertEquals(ManualStepFailureException.class.getName(), stored.checkpoints().get(2).error().orElseThrow().type());
    assertEquals(RunStatus.REVERTED, stored.status());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aCancelEndsTheRecordedWaitAndTheResumedRunCompensates(boolean async) throws Exception {
    Payment.Runner runner = waitingRunner(async, 0);
    runUntilWaiting(runner, "t-1");

    assertTrue(runner.runs.cancel("t-1"));
    WorkflowResult<String> result = runner.resumedResult();

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertEquals("workflow 'payment' (transaction t-1) was cancelled while step 'charge' waited for a manual retry "
        + "after attempt 1 of 3 failed with java.lang.IllegalStateException: charge failed on attempt 1; no further attempt was "
        + "started, and the completed steps are compensated", result.errors().get(0).cause().getMessage());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "undo-reserve(o>reserve)@1"), events);
    assertEquals(CheckpointKind.FAILURE_DECIDED, kinds("t-1").get(2));
    assertFalse(runner.runs.cancel("t-1"), "the run has ended");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theDeadlineEndsAWaitThatNobodyDecides(boolean async) throws Exception {
    Payment.Runner runner = waitingRunner(async, ManualRetryTest.DEADLINE_MILLIS);
    long start = System.nanoTime();
    runUntilWaiting(runner, "t-1");

    WorkflowResult<String> result = runner.resumedResult();

    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(ManualRetryTest.DEADLINE_MILLIS - 50),
        "not long before the deadline");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals("workflow 'payment' (transaction t-1) passed its deadline while step 'charge' waited for a manual "
        + "retry after attempt 1 of 3 failed with java.lang.IllegalStateException: charge failed on attempt 1; no further attempt "
        + "was started, and the completed steps are compensated", result.errors().get(0).cause().getMessage());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "undo-reserve(o>reserve)@1"), events);
  }

  @Test
  void aRetryBeforeTheDeadlineResumesTheRunToDone() throws Exception {
    Payment.Runner runner = waitingRunner(false, 10_000);
    runUntilWaiting(runner, "t-1");

    assertTrue(runner.runs.retryStep("t-1", "charge"));
    assertEquals(WorkflowStatus.DONE, runner.resumedResult().status());
  }

  @Test
  void aWaitThatNobodyDecidesEndsAtItsDeadlineAlsoAfterARestart() throws Exception {
    payment.failures.put("charge", 1);
    WorkflowEngine engine = payment.engine();
    Payment.Runner first = payment.new Runner(engine, false, CHARGE, ManualRetryTest.DEADLINE_MILLIS, "fp-1");
    engine.start();
    runUntilWaiting(first, "t-1");
    engine.close(); // its timer stops: the next engine's start watches the wait
    WorkflowEngine restarted = payment.engine();
    Payment.Runner second = payment.new Runner(restarted, false, CHARGE, ManualRetryTest.DEADLINE_MILLIS, "fp-1");
    try (LogCapture log = LogCapture.open()) {
      restarted.start();
      assertEquals(List.of("INFO WorkflowEngine: 1 run(s) wait for a manual retry (WAITING); retry or fail their "
          + "steps, or cancel them"), log.lines("wait for a manual retry (WAITING)"));
    }

    WorkflowEngine.Recovery recovery = restarted.recovery().get(10, TimeUnit.SECONDS);
    assertEquals(0, recovery.resumed(), "a WAITING run is not resumed at start: its wait goes on");
    WorkflowResult<String> result = second.resumedResult();
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
  }

  @Test
  void aRunnerWithoutAnEngineEndsNoRecordedWait() {
    Payment.Runner runner = waitingRunner(false, 0);
    runUntilWaiting(runner, "t-1");

    RunRegistry inMemory = new RunRegistry();
    assertFalse(inMemory.retryStep("t-1", "charge"));
    assertFalse(inMemory.cancel("t-1"));
    assertEquals(RunStatus.WAITING, memory.find("t-1").orElseThrow().status());
  }

  @Test
  void aRevertOfAWaitingRunIsRefusedWithWhatEndsTheWait() {
    Payment.Runner runner = waitingRunner(false, 0);
    runUntilWaiting(runner, "t-1");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.runs.revert("t-1"));

    assertEquals("Run 't-1' of workflow 'payment' has not ended (WAITING), and revert only reverts a run that ended "
        + "DONE; it waits for a manual retry: to compensate its completed steps, call cancel(transactionId) or its "
        + "step's fail method, from any process on the store", e.getMessage());
    assertEquals(RunStatus.WAITING, memory.find("t-1").orElseThrow().status());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWaitThatCouldNotBeRecordedLeavesARunTheNextStartResumesAndTheRecoveryCountsItWaiting(boolean async)
      throws Exception {
    payment.failures.put("charge", 1);
    // the store fails the wait's write, as a database going down at that moment would
    WorkflowEngine first = payment.engine(new ForwardingRunStore(memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        if (update.newStatus().orElse(null) == RunStatus.WAITING) {
          return CompletableFuture.failedFuture(new RunStoreException("the database went down"));
        }
        return super.append(types, transactionId, update);
      }

      @Override
      public void close() {}
    });
    Payment.Runner runner = payment.new Runner(first, async, CHARGE);
    first.start();
    CompletionException stopped = assertThrows(CompletionException.class, () -> runner.start("t-1").join());
    assertInstanceOf(WorkflowSuspendedException.class, stopped.getCause());
    assertFalse(stopped.getCause() instanceof WorkflowWaitingException, stopped.getCause().toString());
    assertEquals(RunStatus.RUNNING, memory.find("t-1").orElseThrow().status());
    first.close();

    WorkflowEngine second = payment.engine();
    Payment.Runner resumed = payment.new Runner(second, async, CHARGE);
    second.start();

    WorkflowEngine.Recovery recovery = second.recovery().get(10, TimeUnit.SECONDS);
    assertEquals(new WorkflowEngine.Recovery(1, 0, 0, 0, 0, 0, 1), recovery);
    assertEquals("1 run(s) resumed: 0 DONE, 0 REVERTED, 0 FAILED, 1 waiting for a manual retry (retryXxx/failXxx)",
        recovery.toString());
    assertEquals(RunStatus.WAITING, memory.find("t-1").orElseThrow().status());
    ExecutionException waiting = assertThrows(ExecutionException.class, resumed::resumedResult, "the start's resume");
    assertInstanceOf(WorkflowWaitingException.class, waiting.getCause());
    assertTrue(resumed.runs.retryStep("t-1", "charge"));
    assertEquals(WorkflowStatus.DONE, resumed.resumedResult().status());
    assertEquals(List.of("reserve@1", "charge@1", "charge@1", "charge@2", "ship@1"), events);
  }
}
