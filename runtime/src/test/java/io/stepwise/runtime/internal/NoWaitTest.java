package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code noWait} step ({@link WorkflowRun#noWait}, {@link AsyncRun#noWait}), Medusa's: the steps
 * after 'email' start while it runs, and the run ends only once it has ended too. Its failure stops
 * the run before its next step and compensates what completed; a later step's failure waits for it,
 * then compensates it with the rest; a cancel while the run waits for it compensates everything.
 * Each test runs the synchronous path and the asynchronous one.
 */
class NoWaitTest {
  static final StepSpec ORDER = StepSpec.of("order", 0);
  static final StepSpec EMAIL = StepSpec.of("email", 0);
  static final StepSpec SHIP = StepSpec.of("ship", 0);
  static final StepSpec BILL = StepSpec.of("bill", 0);
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "nowait", ORDER, EMAIL, SHIP, BILL);
  static final RunTypes TYPES = RunTypes.builder("nowait", String.class, String.class)
      .step(0, String.class, String.class).step(1, String.class, String.class)
      .step(2, String.class, String.class).step(3, String.class, String.class).build();
  static final WorkflowSpec DURABLE = SPEC.withTypes(TYPES, "fp-n");

  /** The steps' actions and events: see {@link Payment}. */
  final Payment steps = new Payment();
  final List<String> events = steps.events;
  final RunRegistry runs = new RunRegistry();
  /** Counted down when a step fails for good, by step name. */
  final CountDownLatch emailFailed = new CountDownLatch(1);
  final CountDownLatch billFailed = new CountDownLatch(1);
  /** If set, the listener that hears email's failure waits for it (a while at most) before it returns. */
  volatile CountDownLatch lingerAfterEmailFailed;
  final WorkflowListener listener = new WorkflowListener() {
    @Override
    public void onStepFailure(StepContext step, Throwable error) {
      (step.stepName().equals("email") ? emailFailed : billFailed).countDown();
      CountDownLatch linger = lingerAfterEmailFailed;
      if (step.stepName().equals("email") && linger != null) {
        try {
          linger.await(300, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  };

  /** order, email (noWait, compensated), ship (compensated), bill: the result. */
  CompletableFuture<WorkflowResult<String>> start(boolean async) {
    return start(async, SPEC, runs);
  }

  /** A run of {@code spec} (SPEC, or DURABLE) in {@code runs}. */
  CompletableFuture<WorkflowResult<String>> start(boolean async, WorkflowSpec spec, RunRegistry runs) {
    RunOptions options = RunOptions.builder().transactionId("t-1").throwOnError(false).listener(listener).build();
    if (async) {
      return AsyncRun.submit(spec, options, Container.empty(), runs, "o", run ->
          run.valueStep(ORDER, ctx -> steps.step(ctx, "o"), steps::undo).thenCompose(order -> {
            run.noWait("email").valueStepAsync(EMAIL,
                ctx -> CompletableFuture.supplyAsync(() -> steps.step(ctx, order)), steps::undo);
            return run.valueStepAsync(SHIP, ctx -> CompletableFuture.supplyAsync(() -> steps.step(ctx, order)),
                steps::undo);
          }).thenCompose(ship -> run.valueStep(BILL, ctx -> steps.step(ctx, ship), null)));
    }
    return AsyncRuns.supply(options, runs, () -> {
      WorkflowRun run = WorkflowRun.start(spec, options, Container.empty(), runs, "o");
      try {
        String order = run.valueStep(ORDER, ctx -> steps.step(ctx, "o"), steps::undo);
        run.noWait("email").valueStep(EMAIL, ctx -> steps.step(ctx, order), steps::undo);
        String ship = run.valueStep(SHIP, ctx -> steps.step(ctx, order), steps::undo);
        return run.done(run.valueStep(BILL, ctx -> steps.step(ctx, ship), null));
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    });
  }

  /** {@code step} waits at a gate (which the test opens) once it is reached; returns the gate. */
  CountDownLatch hold(String step) {
    steps.reached.put(step, new CountDownLatch(1));
    CountDownLatch gate = new CountDownLatch(1);
    steps.gates.put(step, gate);
    return gate;
  }

  /** Starts a run whose email is held, and waits until email and bill, the last step, were reached. */
  CompletableFuture<WorkflowResult<String>> startUntilBillWhileEmailIsHeld(boolean async) throws InterruptedException {
    emailGate = hold("email");
    steps.reached.put("bill", new CountDownLatch(1));
    CompletableFuture<WorkflowResult<String>> run = start(async);
    awaitReached("email");
    awaitReached("bill");
    return run;
  }

  /** The gate of a held email. */
  CountDownLatch emailGate;

  void awaitReached(String step) throws InterruptedException {
    assertTrue(steps.reached.get(step).await(10, TimeUnit.SECONDS), step + " was not reached: " + events);
  }

  static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(10, TimeUnit.SECONDS));
  }

  static WorkflowResult<String> result(CompletableFuture<WorkflowResult<String>> run) throws Exception {
    return run.get(10, TimeUnit.SECONDS);
  }

  static List<String> failedSteps(WorkflowResult<String> result) {
    return result.errors().stream().map(StepError::step).toList();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theNextStepsRunWhileItRunsAndTheRunEndsOnlyAfterIt(boolean async) throws Exception {
    CompletableFuture<WorkflowResult<String>> run = startUntilBillWhileEmailIsHeld(async);

    assertFalse(run.isDone(), "the run waits for email");
    emailGate.countDown();
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("o>order>ship>bill", result.result());
    assertEquals(Set.of("order@1", "email@1", "ship@1", "bill@1"), Set.copyOf(events), "nothing is compensated");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void itsFailureAfterTheLastStepCompensatesEveryCompletedStep(boolean async) throws Exception {
    steps.failures.put("email", 1);
    CompletableFuture<WorkflowResult<String>> run = startUntilBillWhileEmailIsHeld(async);

    emailGate.countDown();
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(null, result.result());
    assertEquals(List.of("email"), failedSteps(result));
    assertEquals(List.of("undo-ship(o>order>ship)@1", "undo-order(o>order)@1"), undone(), "email failed: it is not compensated");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void itsFailureStopsTheRunBeforeItsNextStepAndTheStepInProgressIsCompensated(boolean async) throws Exception {
    CountDownLatch ship = hold("ship");
    steps.gates.put("email", steps.reached.get("ship")); // email fails while ship runs
    steps.failures.put("email", 1);
    CountDownLatch bill = new CountDownLatch(1);
    steps.reached.put("bill", bill);
    // the run knows of email's failure before the listener hears it: were bill to start while the
    // listener still hears it, bill would let the listener go on
    lingerAfterEmailFailed = bill;

    CompletableFuture<WorkflowResult<String>> run = start(async);
    awaitReached("ship");
    await(emailFailed);
    ship.countDown();
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("email"), failedSteps(result));
    assertFalse(events.contains("bill@1"), "bill never starts: " + events);
    assertEquals(List.of("undo-ship(o>order>ship)@1", "undo-order(o>order)@1"), undone());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aLaterStepsFailureWaitsForItThenCompensatesIt(boolean async) throws Exception {
    CountDownLatch email = hold("email");
    steps.gates.put("bill", steps.reached.get("email")); // bill fails once email runs
    steps.failures.put("bill", 1);

    CompletableFuture<WorkflowResult<String>> run = start(async);
    await(billFailed);
    assertEquals(List.of(), undone(), "nothing is compensated while email runs");
    email.countDown();
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("bill"), failedSteps(result));
    assertEquals(List.of("undo-email(o>order>email)@1", "undo-ship(o>order>ship)@1", "undo-order(o>order)@1"), undone());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aCancelWhileTheRunWaitsForItCompensatesEverything(boolean async) throws Exception {
    CompletableFuture<WorkflowResult<String>> run = startUntilBillWhileEmailIsHeld(async);

    assertTrue(runs.cancel("t-1"), "the run waits for email");
    emailGate.countDown();
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Set.of("order@1", "email@1", "ship@1", "bill@1"),
        Set.copyOf(events.stream().filter(e -> !e.startsWith("undo-")).toList()));
    assertEquals(List.of("undo-email(o>order>email)@1", "undo-ship(o>order>ship)@1", "undo-order(o>order)@1"), undone());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void inADurableRunItsCheckpointThatCannotBeRecordedAfterTheLastStepStopsTheRunWithoutAnEnd(boolean async) {
    ForwardingRunStore emailsAreNotRecorded = new ForwardingRunStore(steps.memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        if (update.checkpoints().stream().noneMatch(c -> c.stepName().equals("email"))) {
          return super.append(types, transactionId, update);
        }
        // fails once the last step is over and the run waits for email
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
            .thenCompose(later -> CompletableFuture.failedFuture(new RunStoreException("the database is down")));
      }
    };
    WorkflowEngine engine = steps.engine(emailsAreNotRecorded);
    RunRegistry durableRuns = RunRegistry.of(engine, DURABLE, (String in, RunOptions o) -> null);
    engine.start();

    CompletionException stopped = assertThrows(CompletionException.class, () -> start(async, DURABLE, durableRuns)
        .orTimeout(10, TimeUnit.SECONDS).join());

    assertInstanceOf(WorkflowSuspendedException.class, stopped.getCause());
    assertEquals(Set.of("order@1", "email@1", "ship@1", "bill@1"), Set.copyOf(events), "nothing is compensated");
    assertEquals(RunStatus.RUNNING, steps.memory.find("t-1").orElseThrow().status(), "the run has no end");
  }

  List<String> undone() {
    return events.stream().filter(e -> e.startsWith("undo-")).toList();
  }
}
