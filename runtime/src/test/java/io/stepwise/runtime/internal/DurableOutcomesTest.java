package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.fixtures.LogCapture;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredError;
import io.stepwise.runtime.store.StoredRun;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a durable run records of each step's outcome, on both paths: a completed step, a tolerated
 * failure ({@code continueOnPermanentFailure}) and a failure that halts the run, each with its
 * attempts, its error, and when the step began and ended; and that a run of the same transaction id
 * replays them without calling any step again.
 */
class DurableOutcomesTest {
  /** How long 'charge' takes: its checkpoint's start is at least that long before its end. */
  static final long CHARGE_MILLIS = 30;

  final Payment payment = new Payment();

  @AfterEach
  void closeEngines() {
    payment.close();
  }

  /** Runs t-1 to its end with 'charge' as {@code charge} says, and returns the record. */
  StoredRun ran(boolean async, StepSpec charge, WorkflowStatus expected) {
    payment.takes.put("charge", CHARGE_MILLIS);
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, charge);
    engine.start();
    WorkflowResult<String> result = runner.start("t-1").join();
    assertEquals(expected, result.status(), result.errors().toString());
    payment.events.clear();
    WorkflowResult<String> again = runner.start("t-1").join();
    assertEquals(expected, again.status());
    assertEquals(result.result(), again.result());
    assertEquals(List.of(), payment.events, "the recorded run is replayed");
    return payment.memory.load(Payment.TYPES, "t-1").orElseThrow();
  }

  static void tookAtLeastTheStepsTime(Checkpoint checkpoint) {
    Duration took = Duration.between(checkpoint.started(), checkpoint.ended());
    assertTrue(took.toMillis() >= CHARGE_MILLIS - 5, "the checkpoint begins when the step began: " + took);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFailedAttemptIsRecordedAndTheNextWaitsForTheStepsRetryInterval(boolean async) {
    long interval = 60;
    payment.failures.put("charge", 1);
    StepSpec charge = StepSpec.builder("charge").maxRetries(1).retryInterval(interval).build();
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, charge);
    engine.start();

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.start("t-1").join();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(WorkflowStatus.DONE, result.status(), result.errors().toString());
    assertEquals(List.of("reserve@1", "charge@1", "charge@2", "ship@1"), payment.events);
    assertTrue(tookMillis >= interval, "the second attempt waits for the interval: " + tookMillis + " ms");
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_COMPLETED,
        CheckpointKind.STEP_COMPLETED), payment.memory.load(Payment.TYPES, "t-1").orElseThrow().checkpoints().stream()
        .map(Checkpoint::kind).toList());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aToleratedFailureIsLoggedWhenItHappensNotWhenARunOfTheSameTransactionReplaysIt(boolean async) {
    payment.failures.put("charge", 1);
    StepSpec charge = StepSpec.builder("charge").onFailure(StepSpec.OnFailure.CONTINUE).build();
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, charge);
    engine.start();
    try (LogCapture log = LogCapture.open()) {
      assertEquals(WorkflowStatus.DONE, runner.start("t-logged").join().status());
      assertEquals(List.of("WARN Workflow 'payment' (t-logged) step 'charge' failed after 1 attempt(s): "
          + "java.lang.IllegalStateException: charge failed on attempt 1; the run goes on (continueOnPermanentFailure)"),
          log.lines("(t-logged) step 'charge' failed"));

      assertEquals(WorkflowStatus.DONE, runner.start("t-logged").join().status());

      assertEquals(1, log.lines("(t-logged) step 'charge' failed").size(), "the replayed failure is not logged again");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theListenersHearACompensationBeginWhenItHappensNotWhenARunOfTheSameTransactionReplaysIt(boolean async) {
    payment.failures.put("charge", 1);
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, StepSpec.of("charge", 0));
    engine.start();
    RecordingListener listener = new RecordingListener();
    RunOptions options = RunOptions.builder().transactionId("t-1").throwOnError(false).listener(listener).build();

    assertEquals(WorkflowStatus.REVERTED, runner.runAsync("o", options).orTimeout(10, TimeUnit.SECONDS).join().status());
    assertEquals(List.of("compensate-begin:payment/t-1"), listener.lines("compensate-begin:"));
    assertEquals(WorkflowStatus.REVERTED, runner.runAsync("o", options).orTimeout(10, TimeUnit.SECONDS).join().status());

    assertEquals(List.of("compensate-begin:payment/t-1"), listener.lines("compensate-begin:"),
        "the replayed run tells of no compensation: nothing is compensated again");
  }

  /**
   * An asynchronous run whose store records the failed attempt later (after {@code writeMillis}):
   * the next attempt waits for the record and for what is left of the interval, and runs once.
   */
  @ParameterizedTest
  @CsvSource({"10, 80", "60, 20"})
  void aFailedAttemptRecordedLaterIsRetriedOnceTheRecordIsWrittenAndTheIntervalIsOver(long writeMillis,
      long intervalMillis) {
    payment.failures.put("charge", 1);
    StepSpec charge = StepSpec.builder("charge").maxRetries(1).retryInterval(intervalMillis).build();
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(payment.memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        if (update.checkpoints().stream().noneMatch(c -> c.kind() == CheckpointKind.ATTEMPT_FAILED)) {
          return super.append(types, transactionId, update);
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(writeMillis, TimeUnit.MILLISECONDS))
            .thenCompose(written -> super.append(types, transactionId, update));
      }
    });
    Payment.Runner runner = payment.new Runner(engine, true, charge);
    engine.start();

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.start("t-1").orTimeout(10, TimeUnit.SECONDS).join();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(WorkflowStatus.DONE, result.status(), result.errors().toString());
    assertEquals(List.of("reserve@1", "charge@1", "charge@2", "ship@1"), payment.events);
    assertTrue(tookMillis >= Math.max(writeMillis, intervalMillis), "took " + tookMillis + " ms");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFailedAttemptThatCannotBeRecordedStopsTheRunBeforeTheNextAttempt(boolean async) {
    payment.failures.put("charge", 1);
    StepSpec charge = StepSpec.builder("charge").maxRetries(2).build();
    JournalTest.DyingStore dying = new JournalTest.DyingStore(payment.memory);
    dying.dieAfterAppends(1); // reserve's checkpoint is the last one recorded
    WorkflowEngine engine = payment.engine(dying);
    Payment.Runner runner = payment.new Runner(engine, async, charge);
    engine.start();

    CompletionException stopped = assertThrows(CompletionException.class, () -> runner.start("t-1").join());

    assertInstanceOf(WorkflowSuspendedException.class, stopped.getCause());
    assertEquals(List.of("reserve@1", "charge@1"), payment.events, "no further attempt, nothing compensated");
    assertEquals(List.of(CheckpointKind.STEP_COMPLETED),
        payment.memory.load(Payment.TYPES, "t-1").orElseThrow().checkpoints().stream().map(Checkpoint::kind).toList());
  }

  @Test
  void aRunThatBrokeDownLetsGoOfItsTransactionIdAndARunOfItGoesOnFromItsRecord() {
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, true, StepSpec.of("charge", 0));
    engine.start();
    IllegalStateException bug = new IllegalStateException("a bug in the runner");

    CompletableFuture<WorkflowResult<String>> broken = AsyncRun.submit(runner.spec, RunOptions.builder()
        .transactionId("t-1").build(), Container.empty(), runner.runs, "o", run ->
        run.valueStep(Payment.RESERVE, ctx -> payment.step(ctx, "o"), payment::undo).thenApply(reserved -> {
          throw bug;
        }));

    assertSame(bug, assertThrows(CompletionException.class, broken::join).getCause());
    WorkflowResult<String> again = runner.start("t-1").orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(WorkflowStatus.DONE, again.status());
    assertEquals("o>reserve>charge>ship", again.result());
    assertEquals(List.of("reserve@1", "charge@1", "ship@1"), payment.events, "reserve was recorded: not run again");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aCompletedStepIsRecordedWithItsOutputAndWhenItBegan(boolean async) {
    StoredRun stored = ran(async, StepSpec.of("charge", 0), WorkflowStatus.DONE);

    Checkpoint charge = stored.checkpoints().get(1);
    assertEquals(CheckpointKind.STEP_COMPLETED, charge.kind());
    assertEquals(1, charge.attempts());
    assertEquals("o>reserve>charge", charge.output());
    assertEquals("o>reserve>charge", charge.compensationInput());
    tookAtLeastTheStepsTime(charge);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aToleratedFailureIsRecordedWithItsErrorAndAttemptsAndTheRunGoesOn(boolean async) {
    payment.failures.put("charge", 2);
    StepSpec charge = StepSpec.builder("charge").maxRetries(1).onFailure(StepSpec.OnFailure.CONTINUE).build();

    StoredRun stored = ran(async, charge, WorkflowStatus.DONE);

    assertEquals(List.of(CheckpointKind.STEP_COMPLETED, CheckpointKind.ATTEMPT_FAILED, CheckpointKind.STEP_TOLERATED,
        CheckpointKind.STEP_COMPLETED), stored.checkpoints().stream().map(Checkpoint::kind).toList());
    Checkpoint tolerated = stored.checkpoints().get(2);
    assertEquals(2, tolerated.attempts());
    assertEquals("charge failed on attempt 2", tolerated.error().orElseThrow().message());
    assertEquals(false, tolerated.hasCompensationInput());
    tookAtLeastTheStepsTime(tolerated);
    assertEquals("null>ship", stored.end().orElseThrow().result(), "ship takes charge's empty output");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFailureThatHaltsTheRunIsRecordedWithItsErrorAndAttempts(boolean async) {
    payment.failures.put("charge", 2);

    StoredRun stored = ran(async, StepSpec.builder("charge").maxRetries(1).build(), WorkflowStatus.REVERTED);

    Checkpoint failed = stored.checkpoints().stream().filter(c -> c.kind() == CheckpointKind.STEP_FAILED).findFirst()
        .orElseThrow();
    assertEquals("charge", failed.stepName());
    assertEquals(2, failed.attempts());
    assertEquals("charge failed on attempt 2", failed.error().orElseThrow().message());
    tookAtLeastTheStepsTime(failed);
  }

  /**
   * Runs t-1 on {@code engine} (not started) to its end: reserve, then charge (spec {@code charge})
   * answering {@code answer}, then ship, which runs {@code atShip} and takes charge's output ("none"
   * if it has none).
   */
  WorkflowResult<String> runWithCharge(WorkflowEngine engine, StepSpec charge, StepResponse<String, String> answer,
      Runnable atShip) {
    WorkflowSpec spec = WorkflowSpec.of(1, "payment", Payment.RESERVE, charge, Payment.SHIP)
        .withTypes(Payment.TYPES, "fp-1");
    RunRegistry runs = RunRegistry.of(engine, spec, (String in, RunOptions o) -> null);
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().transactionId("t-1").throwOnError(false).build(),
        Container.empty(), runs, "o");
    try {
      run.valueStep(Payment.RESERVE, ctx -> payment.step(ctx, "o"), payment::undo);
      Optional<String> charged = run.step(charge, Condition.ALWAYS, ctx -> answer, payment::undo);
      return run.done(run.valueStep(Payment.SHIP, ctx -> {
        atShip.run();
        return payment.step(ctx, charged.orElse("none"));
      }, payment::undo));
    } catch (WorkflowRun.Halt halt) {
      return run.halted(halt);
    }
  }

  Checkpoint recorded(CheckpointKind kind) {
    return payment.memory.load(Payment.TYPES, "t-1").orElseThrow().checkpoints().stream()
        .filter(c -> c.kind() == kind).findFirst().orElseThrow(() -> new AssertionError("no " + kind));
  }

  @Test
  void aToleratedFailureIsRecordedWithThePartialWorkItHandsOverBeforeTheNextStepStarts() {
    AtomicBoolean toleratedDurable = new AtomicBoolean();
    List<Boolean> durableWhenShipStarted = new CopyOnWriteArrayList<>();
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(payment.memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        if (update.checkpoints().stream().noneMatch(c -> c.kind() == CheckpointKind.STEP_TOLERATED)) {
          return super.append(types, transactionId, update);
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))
            .thenCompose(later -> super.append(types, transactionId, update))
            .thenRun(() -> toleratedDurable.set(true));
      }
    });

    WorkflowResult<String> result = runWithCharge(engine,
        StepSpec.builder("charge").onFailure(StepSpec.OnFailure.CONTINUE).build(),
        StepResponse.permanentFailure("card declined", "half-paid"), () -> durableWhenShipStarted.add(toleratedDurable.get()));

    assertEquals(WorkflowStatus.DONE, result.status());
    Checkpoint tolerated = recorded(CheckpointKind.STEP_TOLERATED);
    assertEquals("card declined", tolerated.error().orElseThrow().message());
    assertEquals("half-paid", tolerated.compensationInput(), "a later failure compensates it, also after a restart");
    assertEquals(List.of(true), durableWhenShipStarted, "ship starts once charge's checkpoint is durable");
  }

  @Test
  void aFailureThatHaltsTheRunIsRecordedWithThePartialWorkItHandsOver() {
    WorkflowResult<String> result = runWithCharge(payment.engine(), StepSpec.of("charge", 0),
        StepResponse.permanentFailure("card declined", "half-paid"), () -> {});

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("half-paid", recorded(CheckpointKind.STEP_FAILED).compensationInput());
    assertEquals(List.of("reserve@1", "undo-charge(half-paid)@1", "undo-reserve(o>reserve)@1"), payment.events);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aStepThatToleratesItsFailureAlsoToleratesAnOutputThatCannotBeRecordedAndIsRecordedAsTolerated(boolean async) {
    UnrecordableValueException unrecordable = new UnrecordableValueException("the output of step 'charge' cannot be "
        + "recorded", null);
    WorkflowEngine engine = payment.engine(new ForwardingRunStore(payment.memory) {
      @Override
      public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
        return update.checkpoints().stream().anyMatch(c -> c.kind() == CheckpointKind.STEP_COMPLETED
            && c.stepName().equals("charge")) ? CompletableFuture.failedFuture(unrecordable)
            : super.append(types, transactionId, update);
      }
    });
    Payment.Runner runner = payment.new Runner(engine, async,
        StepSpec.builder("charge").onFailure(StepSpec.OnFailure.CONTINUE).build());
    engine.start();

    WorkflowResult<String> result = runner.start("t-1").orTimeout(10, TimeUnit.SECONDS).join();

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("null>ship", result.result(), "ship takes charge's empty output");
    assertSame(unrecordable, result.errors().get(0).cause());
    assertEquals(unrecordable.getMessage(), recorded(CheckpointKind.STEP_TOLERATED).error().orElseThrow().message());
    payment.events.clear();
    assertEquals("null>ship", runner.start("t-1").orTimeout(10, TimeUnit.SECONDS).join().result());
    assertEquals(List.of(), payment.events, "a run of the same transaction id replays charge's tolerated failure");
  }

  /**
   * Records what a process killed in charge's retry pause leaves: reserve completed, and charge's
   * first attempt failed {@code agoMillis} ago.
   */
  void killedInTheRetryPause(long agoMillis) {
    killedInTheRetryPause(payment, agoMillis);
  }

  /** {@link #killedInTheRetryPause(long)} in {@code payment}'s record. */
  static void killedInTheRetryPause(Payment payment, long agoMillis) {
    recordedUpTo(payment, null, Checkpoint.builder(1, CheckpointKind.ATTEMPT_FAILED, 1, "charge").attempts(1)
        .ended(Instant.now().minusMillis(agoMillis)).error(CHARGE_FAILED).build());
  }

  static final StoredError CHARGE_FAILED = new StoredError(IllegalStateException.class.getName(),
      "charge failed on attempt 1");

  /**
   * Records run t-1 with {@code deadline} (none if null): reserve completed, then {@code charge}, the
   * last event of charge's first attempt.
   */
  static void recordedUpTo(Payment payment, Instant deadline, Checkpoint charge) {
    NewRun.Builder run = NewRun.builder("t-1", "fp-1").input("o");
    if (deadline != null) {
      run.deadline(deadline);
    }
    payment.memory.begin(Payment.TYPES, run.build()).join();
    payment.memory.append(Payment.TYPES, "t-1", RunUpdate.of(
        Checkpoint.builder(0, CheckpointKind.STEP_COMPLETED, 0, "reserve").attempts(1).output("o>reserve")
            .compensationInput("o>reserve").build(), charge)).join();
  }

  /** Starts an engine on the record, whose recovery resumes t-1: the resumed run's result. */
  WorkflowResult<String> resumed(boolean async, StepSpec charge) throws Exception {
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, charge);
    engine.start();
    return runner.resumedResult();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRunResumedInItsRetryPauseAfterItsRecordedDeadlineFailsTheStepWithoutAnotherAttempt(boolean async)
      throws Exception {
    recordedUpTo(payment, Instant.now().minusMillis(1), Checkpoint.builder(1, CheckpointKind.ATTEMPT_FAILED, 1,
        "charge").attempts(1).error(CHARGE_FAILED).build());

    WorkflowResult<String> result = resumed(async, StepSpec.builder("charge").maxRetries(1).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("charge", result.errors().get(0).step());
    assertEquals(1, result.errors().get(0).attempts());
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("undo-reserve(o>reserve)@1"), payment.events, "no attempt of charge; reserve is compensated");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRetryDecidedForARecordedWaitIsNotTakenOnceTheRunsRecordedDeadlineHasPassed(boolean async) throws Exception {
    StepSpec charge = StepSpec.builder("charge").maxRetries(1).autoRetry(false).build();
    recordedUpTo(payment, Instant.now().minusMillis(1), Checkpoint.builder(1, CheckpointKind.STEP_WAITING, 1,
        "charge").attempts(1).error(CHARGE_FAILED).build());
    assertTrue(payment.memory.endWait(Payment.TYPES, "t-1", Checkpoint.builder(2, CheckpointKind.RETRY_DECIDED, 1,
        "charge").attempts(1).build()).join());

    WorkflowResult<String> result = resumed(async, charge);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().get(0).attempts());
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("undo-reserve(o>reserve)@1"), payment.events, "the retry is not attempted");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aResumedRunThatFailsAndCannotCompensateIsCountedFailedByTheRecovery(boolean async) throws Exception {
    killedInTheRetryPause(0);
    payment.failures.put("charge", 2);
    payment.failures.put("undo-reserve", 1);
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, StepSpec.builder("charge").maxRetries(1).build());
    engine.start();

    assertEquals(WorkflowStatus.FAILED, runner.resumedResult().status());
    WorkflowEngine.Recovery recovery = engine.recovery().get(10, TimeUnit.SECONDS);
    assertEquals(1, recovery.failed(), recovery.toString());
    assertEquals(0, recovery.reverted() + recovery.done() + recovery.suspended() + recovery.waiting());
  }

  /**
   * Starts an engine on the record with {@code charge} (a stage's step if {@code async}), and waits for
   * the run it resumes to end DONE; returns when it started.
   */
  long resume(boolean async, StepSpec charge) throws Exception {
    WorkflowEngine engine = payment.engine();
    Payment.Runner runner = payment.new Runner(engine, async, charge);
    long start = System.nanoTime();
    engine.start();
    assertEquals(WorkflowStatus.DONE, runner.resumedResult().status());
    return start;
  }

  /**
   * A record with a hole, as concurrent appends of one run can leave when one of them fails: no
   * checkpoint numbered 1, and charge completed on its second attempt without the failed first one.
   * The resumed run takes charge's outcome as recorded (its failed attempts only tell of the
   * attempts, and the outcome says how many there were), runs only ship, and numbers ship's
   * checkpoint after the highest recorded one, so no number is used twice.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRecordWithoutTheFailedAttemptAndWithAGapInItsNumbersIsReplayedFromItsOutcomes(boolean async) throws Exception {
    payment.memory.begin(Payment.TYPES, NewRun.builder("t-1", "fp-1").input("o").build()).join();
    payment.memory.append(Payment.TYPES, "t-1", RunUpdate.of(
        Checkpoint.builder(0, CheckpointKind.STEP_COMPLETED, 0, "reserve").attempts(1).output("o>reserve")
            .compensationInput("o>reserve").build(),
        Checkpoint.builder(2, CheckpointKind.STEP_COMPLETED, 1, "charge").attempts(2).output("o>reserve>charge")
            .compensationInput("o>reserve>charge").build())).join();

    resume(async, StepSpec.builder("charge").maxRetries(1).build());

    assertEquals(List.of("ship@1"), payment.events, "reserve and charge are not run again");
    StoredRun stored = payment.memory.load(Payment.TYPES, "t-1").orElseThrow();
    assertEquals("o>reserve>charge>ship", stored.end().orElseThrow().result());
    assertEquals(List.of("0 STEP_COMPLETED reserve@1", "2 STEP_COMPLETED charge@2", "3 STEP_COMPLETED ship@1"),
        stored.checkpoints().stream().map(c -> c.sequence() + " " + c.kind() + " " + c.stepName() + "@" + c.attempts())
            .toList());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRunResumedAfterItsRetryPauseWasOverRetriesAtOnce(boolean async) throws Exception {
    killedInTheRetryPause(60_000);
    StepSpec charge = StepSpec.builder("charge").maxRetries(1).retryInterval(30_000).build();

    long start = resume(async, charge);

    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "no pause");
    assertEquals(List.of("charge@2", "ship@1"), payment.events, "reserve and the failed attempt are not run again");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRunResumedInItsRetryPausePausesForWhatIsLeftOfIt(boolean async) throws Exception {
    killedInTheRetryPause(0);
    StepSpec charge = StepSpec.builder("charge").maxRetries(1).retryInterval(300).build();

    long start = resume(async, charge);

    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "the pause goes on after the restart");
    assertEquals(List.of("charge@2", "ship@1"), payment.events);
  }
}
