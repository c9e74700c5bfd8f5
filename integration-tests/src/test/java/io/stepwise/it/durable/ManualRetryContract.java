package io.stepwise.it.durable;

import static io.stepwise.it.durable.ManualRetryWorkflows.effects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.durable.ManualRetryWorkflows.Payment;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.ManualStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.WorkflowWaitingException;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Manual retries ({@code autoRetry = false}) of durable runs, through generated runners, on one kind
 * of store that records waits. A step that waits records the wait ({@code STEP_WAITING}, the run
 * {@code WAITING}) and the run stops there: its caller gets a {@link WorkflowWaitingException}, and no
 * thread or process holds it. The runner's {@code retryCharge}/{@code failCharge}, a cancel, or the
 * deadline ends the wait through the store (a compare-and-set), from the process that ran it or any
 * other on the same record, even after a restart; the process that ends it resumes the run from its
 * record. Each "process" is an engine on a store instance of its own over the test's one record.
 * What the steps did is kept outside the store ({@link ManualRetryWorkflows#EFFECTS}).
 */
abstract class ManualRetryContract {
  final String id = "pay-" + UUID.randomUUID();
  private final List<WorkflowEngine> engines = new ArrayList<>();
  /** The store the test reads the record with; null until it first does. */
  private RunStore reader;

  /** A store on this test's record: each call another instance on the same record (a restarted process). */
  abstract RunStore newStore();

  @AfterEach
  void closeEngines() {
    engines.forEach(WorkflowEngine::close);
    if (reader != null) {
      reader.close();
    }
  }

  /** An engine on {@code store}, started, with the runners of the workflows. */
  final class Process {
    final WorkflowEngine engine;
    final ManualRetryWorkflows_PayRunner sync;
    final ManualRetryWorkflows_PayAsyncRunner async;
    final ManualRetryWorkflows_PayWithDeadlineRunner deadline;

    Process(RunStore store) {
      engine = WorkflowEngine.builder().store(store).shutdownTimeout(Duration.ofSeconds(2)).build();
      engines.add(engine);
      sync = ManualRetryWorkflows_PayRunner.create(Container.empty(), engine);
      async = ManualRetryWorkflows_PayAsyncRunner.create(Container.empty(), engine);
      deadline = ManualRetryWorkflows_PayWithDeadlineRunner.create(Container.empty(), engine);
      engine.start();
    }

    CompletableFuture<WorkflowResult<String>> runAsync(boolean isAsync, Payment payment) {
      RunOptions options = RunOptions.builder().transactionId(payment.id()).throwOnError(false).build();
      return isAsync ? async.runAsync(payment, options) : sync.runAsync(payment, options);
    }

    WorkflowResult<String> run(boolean isAsync, Payment payment) {
      RunOptions options = RunOptions.builder().transactionId(payment.id()).throwOnError(false).build();
      return isAsync ? async.run(payment, options) : sync.run(payment, options);
    }

    Predicate<String> retryCharge(boolean isAsync) {
      return isAsync ? async::retryCharge : sync::retryCharge;
    }

    Predicate<String> failCharge(boolean isAsync) {
      return isAsync ? async::failCharge : sync::failCharge;
    }

    Predicate<String> cancel(boolean isAsync) {
      return isAsync ? async::cancel : sync::cancel;
    }
  }

  /** Runs the payment until it stops at its recorded wait, and checks what its caller gets. */
  WorkflowWaitingException runUntilItWaits(Process process, boolean isAsync, Payment payment) throws Exception {
    CompletableFuture<WorkflowResult<String>> run = process.runAsync(isAsync, payment);
    Throwable stopped = assertThrows(Exception.class, () -> run.get(10, TimeUnit.SECONDS)).getCause();
    WorkflowWaitingException waiting = assertInstanceOf(WorkflowWaitingException.class, stopped);
    assertEquals("charge", waiting.stepName());
    assertEquals(id, waiting.transactionId());
    return waiting;
  }

  StoredRun record(String workflow) {
    if (reader == null) {
      reader = newStore();
    }
    return reader.load(RunTypes.untyped(workflow), id).orElseThrow();
  }

  StoredRun record(boolean isAsync) {
    return record(isAsync ? "manual-payment-async" : "manual-payment");
  }

  static List<String> kinds(StoredRun run) {
    return run.checkpoints().stream().map(c -> c.kind() + " " + c.stepName() + " " + c.attempts()).toList();
  }

  /** Waits until the run's record ends, and returns it. */
  StoredRun ended(String workflow) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!record(workflow).status().isEnded()) {
      assertTrue(System.nanoTime() < end, "the run never ended: " + kinds(record(workflow)));
      Thread.sleep(10);
    }
    return record(workflow);
  }

  StoredRun ended(boolean isAsync) throws InterruptedException {
    return ended(isAsync ? "manual-payment-async" : "manual-payment");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void theWaitIsRecordedAndStopsTheRunAndARetryResumesItToDone(boolean isAsync) throws Exception {
    Process process = new Process(newStore());

    WorkflowWaitingException waiting = runUntilItWaits(process, isAsync, new Payment(id, 1));

    assertEquals(1, waiting.attempt());
    assertTrue(waiting.getMessage().contains("card declined on attempt 1"), waiting.getMessage());
    StoredRun waits = record(isAsync);
    assertEquals(RunStatus.WAITING, waits.status());
    assertEquals(List.of("STEP_COMPLETED create 1", "STEP_WAITING charge 1"), kinds(waits));
    assertEquals(List.of(id), process.engine.list(RunQuery.builder().statuses(RunStatus.WAITING).build()).stream()
        .map(h -> h.transactionId()).filter(id::equals).toList(), "a console finds the runs that wait");
    assertEquals(List.of("create", "charge#1"), effects(id));

    assertTrue(process.retryCharge(isAsync).test(id));
    StoredRun done = ended(isAsync);

    assertEquals(RunStatus.DONE, done.status());
    assertEquals("confirm charged-2", done.end().orElseThrow().result());
    assertEquals(List.of("STEP_COMPLETED create 1", "STEP_WAITING charge 1", "RETRY_DECIDED charge 1",
        "STEP_COMPLETED charge 2", "STEP_COMPLETED confirm 1"), kinds(done));
    assertEquals(List.of("create", "charge#1", "charge#2", "confirm charged-2"), effects(id));
    assertFalse(process.retryCharge(isAsync).test(id), "the wait is over");
    assertEquals("confirm charged-2", process.run(isAsync, new Payment(id, 1)).result(), "the recorded result");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aFailCompensatesAndIsRecorded(boolean isAsync) throws Exception {
    Process process = new Process(newStore());
    runUntilItWaits(process, isAsync, new Payment(id, 3));

    assertTrue(process.failCharge(isAsync).test(id));
    StoredRun reverted = ended(isAsync);

    assertEquals(RunStatus.REVERTED, reverted.status());
    assertEquals(List.of("create", "charge#1", "undo:create"), effects(id));
    assertEquals(List.of("STEP_COMPLETED create 1", "STEP_WAITING charge 1", "FAILURE_DECIDED charge 1",
        "STEP_FAILED charge 1", "COMPENSATED create 1"), kinds(reverted));
    WorkflowResult<String> result = process.run(isAsync, new Payment(id, 3));
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(ManualStepFailureException.class.getName(), reverted.end().orElseThrow().errors().get(0).error().type());
    assertTrue(reverted.end().orElseThrow().errors().get(0).error().message().contains("was failed by the application"),
        reverted.end().orElseThrow().errors().toString());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void anotherProcessOnTheSameRecordRetriesTheWaitAfterTheFirstStopped(boolean isAsync) throws Exception {
    Process first = new Process(newStore());
    runUntilItWaits(first, isAsync, new Payment(id, 1));
    first.engine.close(); // the process that ran it is gone

    Process second = new Process(newStore());
    assertEquals(new WorkflowEngine.Recovery(0, 0, 0, 0, 0, 0, 0), second.engine.recovery().get(10, TimeUnit.SECONDS),
        "a run that waits is not resumed by start(): nothing of it runs until the application decides");
    assertEquals(RunStatus.WAITING, record(isAsync).status());
    assertEquals(List.of("create", "charge#1"), effects(id));

    assertTrue(second.retryCharge(isAsync).test(id));
    StoredRun done = ended(isAsync);

    assertEquals(RunStatus.DONE, done.status());
    assertEquals(List.of("create", "charge#1", "charge#2", "confirm charged-2"), effects(id),
        "the attempt number goes on in the other process");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void ofARetryAndAFailFromTwoProcessesOneEndsTheWait(boolean isAsync) throws Exception {
    Process first = new Process(newStore());
    Process second = new Process(newStore());
    runUntilItWaits(first, isAsync, new Payment(id, 1));

    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Boolean> retried = CompletableFuture.supplyAsync(() -> {
      await(go);
      return first.retryCharge(isAsync).test(id);
    });
    CompletableFuture<Boolean> failed = CompletableFuture.supplyAsync(() -> {
      await(go);
      return second.failCharge(isAsync).test(id);
    });
    go.countDown();
    boolean retry = retried.get(10, TimeUnit.SECONDS);
    boolean fail = failed.get(10, TimeUnit.SECONDS);
    StoredRun ended = ended(isAsync);

    assertTrue(retry ^ fail, "exactly one decision ends the wait: retry " + retry + ", fail " + fail);
    assertEquals(retry ? RunStatus.DONE : RunStatus.REVERTED, ended.status(), kinds(ended).toString());
    long decisions = ended.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.RETRY_DECIDED
        || c.kind() == CheckpointKind.FAILURE_DECIDED).count();
    assertEquals(1, decisions, kinds(ended).toString());
    assertEquals(retry ? List.of("create", "charge#1", "charge#2", "confirm charged-2")
        : List.of("create", "charge#1", "undo:create"), effects(id));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void runningTheWaitingRunAgainThrowsItsWaitAndExecutesNothing(boolean isAsync) throws Exception {
    Process process = new Process(newStore());
    runUntilItWaits(process, isAsync, new Payment(id, 1));
    List<String> before = kinds(record(isAsync));

    WorkflowWaitingException again = assertThrows(WorkflowWaitingException.class,
        () -> process.run(isAsync, new Payment(id, 1)));

    assertEquals(1, again.attempt());
    assertEquals(before, kinds(record(isAsync)), "nothing is written");
    assertEquals(RunStatus.WAITING, record(isAsync).status());
    assertEquals(List.of("create", "charge#1"), effects(id));
    assertTrue(process.retryCharge(isAsync).test(id), "it still waits for the application");
    assertEquals(RunStatus.DONE, ended(isAsync).status());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aCancelFromAnotherProcessEndsTheWaitAndCompensates(boolean isAsync) throws Exception {
    Process first = new Process(newStore());
    Process second = new Process(newStore());
    runUntilItWaits(first, isAsync, new Payment(id, 1));

    assertTrue(second.cancel(isAsync).test(id));
    StoredRun reverted = ended(isAsync);

    assertEquals(RunStatus.REVERTED, reverted.status());
    assertEquals(WorkflowCancelledException.class.getName(), reverted.end().orElseThrow().errors().get(0).error().type());
    assertEquals(List.of("create", "charge#1", "undo:create"), effects(id));
    assertFalse(first.retryCharge(isAsync).test(id), "the wait is over");
    assertFalse(second.cancel(isAsync).test(id), "nothing left to cancel");
  }

  @Test
  void aRevertOfAWaitingRunIsRefusedWithWhatEndsTheWait() throws Exception {
    Process process = new Process(newStore());
    runUntilItWaits(process, false, new Payment(id, 1));

    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> process.sync.revert(id));

    assertTrue(refused.getMessage().contains("has not ended (WAITING)")
        && refused.getMessage().contains("it waits for a manual retry: to compensate its completed steps, call "
            + "cancel(transactionId) or its step's fail method"), refused.getMessage());
    assertEquals(RunStatus.WAITING, record(false).status());
    assertEquals(List.of("create", "charge#1"), effects(id));
  }

  @Test
  void aWaitThatNobodyDecidesEndsAtTheDeadlineEvenAfterARestart() throws Exception {
    Process first = new Process(newStore());
    RunOptions options = RunOptions.builder().transactionId(id).throwOnError(false).build();
    CompletableFuture<WorkflowResult<String>> run = first.deadline.runAsync(new Payment(id, 3), options);
    assertInstanceOf(WorkflowWaitingException.class,
        assertThrows(Exception.class, () -> run.get(10, TimeUnit.SECONDS)).getCause());
    first.engine.close(); // nobody is left to decide, nor to keep a timer

    new Process(newStore()); // its start() finds the wait, and ends it at the run's deadline
    StoredRun reverted = ended("manual-payment-deadline");

    assertEquals(RunStatus.REVERTED, reverted.status());
    assertEquals(WorkflowTimeoutException.class.getName(), reverted.end().orElseThrow().errors().get(0).error().type());
    assertEquals(List.of("create", "charge#1", "undo:create"), effects(id));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aWaitThatCouldNotBeRecordedLeavesARunTheNextStartResumesAndItWaitsThere(boolean isAsync) throws Exception {
    // the process's store fails the wait's write, as a database going down at that moment would
    Process first = new Process(new RefusesWaits(newStore()));
    CompletableFuture<WorkflowResult<String>> run = first.runAsync(isAsync, new Payment(id, 1));
    Throwable stopped = assertThrows(Exception.class, () -> run.get(10, TimeUnit.SECONDS)).getCause();
    assertInstanceOf(WorkflowSuspendedException.class, stopped);
    assertFalse(stopped instanceof WorkflowWaitingException, stopped.toString());
    assertEquals(RunStatus.RUNNING, record(isAsync).status());
    first.engine.close();

    Process second = new Process(newStore());
    // resumed, the step is tried again (its failed attempt was never recorded), fails, and waits:
    // the recovery counts it as waiting
    assertEquals(new WorkflowEngine.Recovery(1, 0, 0, 0, 0, 0, 1), second.engine.recovery().get(10, TimeUnit.SECONDS));
    assertEquals(RunStatus.WAITING, record(isAsync).status());
    assertTrue(second.retryCharge(isAsync).test(id));

    assertEquals(RunStatus.DONE, ended(isAsync).status());
    assertEquals(List.of("create", "charge#1", "charge#1", "charge#2", "confirm charged-2"), effects(id));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A store whose write of a wait fails. */
  static final class RefusesWaits extends ForwardingRunStore {
    RefusesWaits(RunStore store) {
      super(store);
    }

    @Override
    public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
      if (update.newStatus().orElse(null) == RunStatus.WAITING) {
        return CompletableFuture.failedFuture(new RunStoreException("the database went down"));
      }
      return super.append(types, transactionId, update);
    }
  }
}
