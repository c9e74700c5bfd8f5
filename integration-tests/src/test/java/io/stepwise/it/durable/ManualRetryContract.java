package io.stepwise.it.durable;

import static io.stepwise.it.durable.ManualRetryWorkflows.effects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.durable.ManualRetryWorkflows.Payment;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Manual retries ({@code autoRetry = false}) of durable runs, through generated runners, on one kind
 * of store: the failed attempt is recorded before the run waits; a retry goes on with the next
 * attempt number and the run ends DONE; a fail compensates; a process that stops while its run waits
 * leaves a run that the next engine's {@code start()} resumes, which waits there again for that
 * process's {@code retryCharge}, and which its recovery counts as waiting without waiting for its end.
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

  /** An engine on {@code store}, started, with the runner of the path. */
  final class Process {
    final WorkflowEngine engine;
    final ManualRetryWorkflows_PayRunner sync;
    final ManualRetryWorkflows_PayAsyncRunner async;

    Process(RunStore store) {
      engine = WorkflowEngine.builder().store(store).shutdownTimeout(Duration.ofSeconds(2)).build();
      engines.add(engine);
      sync = ManualRetryWorkflows_PayRunner.create(Container.empty(), engine);
      async = ManualRetryWorkflows_PayAsyncRunner.create(Container.empty(), engine);
      engine.start();
    }

    CompletableFuture<WorkflowResult<String>> runAsync(boolean isAsync, Payment payment) {
      RunOptions options = RunOptions.builder().transactionId(payment.id()).throwOnError(false).build();
      return isAsync ? async.runAsync(payment, options) : sync.runAsync(payment, options);
    }

    Predicate<String> retryCharge(boolean isAsync) {
      return isAsync ? async::retryCharge : sync::retryCharge;
    }

    Predicate<String> failCharge(boolean isAsync) {
      return isAsync ? async::failCharge : sync::failCharge;
    }
  }

  /** Calls {@code decision} until the run waits at charge and takes it (the wait begins a moment after the failure). */
  void decideOnceWaiting(Predicate<String> decision) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!decision.test(id)) {
      assertTrue(System.nanoTime() < end, "the run never waited at charge: " + effects(id));
      Thread.sleep(10);
    }
  }

  StoredRun record(boolean isAsync) {
    return stored(isAsync).orElseThrow();
  }

  java.util.Optional<StoredRun> stored(boolean isAsync) {
    if (reader == null) {
      reader = newStore();
    }
    return reader.load(RunTypes.untyped(isAsync ? "manual-payment-async" : "manual-payment"), id);
  }

  static List<String> kinds(StoredRun run) {
    return run.checkpoints().stream().map(c -> c.kind() + " " + c.stepName() + " " + c.attempts()).toList();
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void theFailedAttemptIsRecordedBeforeTheWaitAndARetryEndsTheRunDone(boolean isAsync) throws Exception {
    Process process = new Process(newStore());
    CompletableFuture<WorkflowResult<String>> run = process.runAsync(isAsync, new Payment(id, 1));

    decideOnceWaiting(process.retryCharge(isAsync));
    WorkflowResult<String> result = run.get(10, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirm charged-2", result.result());
    assertEquals(List.of("create", "charge#1", "charge#2", "confirm charged-2"), effects(id));
    StoredRun stored = record(isAsync);
    assertEquals(RunStatus.DONE, stored.status());
    assertEquals(List.of("STEP_COMPLETED create 1", "ATTEMPT_FAILED charge 1", "STEP_COMPLETED charge 2",
        "STEP_COMPLETED confirm 1"), kinds(stored));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aFailCompensatesAndIsRecorded(boolean isAsync) throws Exception {
    Process process = new Process(newStore());
    CompletableFuture<WorkflowResult<String>> run = process.runAsync(isAsync, new Payment(id, 3));

    decideOnceWaiting(process.failCharge(isAsync));
    WorkflowResult<String> result = run.get(10, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals("ManualStepFailureException", result.errors().get(0).cause().getClass().getSimpleName());
    assertEquals(List.of("create", "charge#1", "undo:create"), effects(id));
    StoredRun stored = record(isAsync);
    assertEquals(RunStatus.REVERTED, stored.status());
    assertTrue(kinds(stored).contains("STEP_FAILED charge 1"), kinds(stored).toString());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aRunWaitingWhenItsProcessStoppedWaitsAgainInTheNextAndItsRetryThereEndsItDone(boolean isAsync)
      throws Exception {
    DurableReplayTest.DyingStore dying = new DurableReplayTest.DyingStore(newStore());
    Process first = new Process(dying);
    CompletableFuture<WorkflowResult<String>> run = first.runAsync(isAsync, new Payment(id, 1));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!stored(isAsync).map(ManualRetryContract::kinds).orElse(List.of()).contains("ATTEMPT_FAILED charge 1")) {
      assertTrue(System.nanoTime() < end, "the failed attempt was never recorded");
      Thread.sleep(10);
    }
    // the process dies while its run waits: what the run does next is never recorded
    dying.die();
    assertTrue(first.sync.cancel(id) || first.async.cancel(id));
    assertInstanceOf(WorkflowSuspendedException.class, assertThrows(Exception.class, run::join).getCause());
    assertEquals(List.of("create", "charge#1"), effects(id), "nothing was compensated");

    Process second = new Process(newStore());
    // the recovery counts the run once it waits again, without waiting for its end
    WorkflowEngine.Recovery recovery = second.engine.recovery().get(10, TimeUnit.SECONDS);
    assertEquals(new WorkflowEngine.Recovery(1, 0, 0, 0, 0, 0, 1), recovery, recovery.toString());
    assertEquals(RunStatus.RUNNING, record(isAsync).status());
    decideOnceWaiting(second.retryCharge(isAsync));
    end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (record(isAsync).status() != RunStatus.DONE) {
      assertTrue(System.nanoTime() < end, "the retried run never ended DONE: " + kinds(record(isAsync)));
      Thread.sleep(10);
    }

    assertEquals(List.of("create", "charge#1", "charge#2", "confirm charged-2"), effects(id),
        "the attempt number goes on after the restart");
    assertFalse(second.retryCharge(isAsync).test(id), "the run is over");
  }
}
