package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The facts a run keeps in its {@link RunRecord} as it goes (what a checkpoint will record): each
 * step's status, attempts, output, compensation input and completion order, the compensation stack,
 * the errors, the status and the wall-clock deadline. The runs are driven the way generated code
 * drives them, and the record is read after each step.
 */
class RunRecordTest {
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();

  final StepSpec reserve = StepSpec.of("reserve", 0);
  final StepSpec charge = StepSpec.of("charge", 2);
  final StepSpec gift = StepSpec.of("gift", 0);
  final StepSpec ship = StepSpec.of("ship", 0);
  final WorkflowSpec spec = WorkflowSpec.of(1, "recorded", reserve, charge, gift, ship);
  final List<String> undone = new ArrayList<>();

  static StepRecord.Status status(WorkflowRun run, StepSpec step) {
    return run.record().step(run.spec().position(step)).status;
  }

  @Test
  void aDoneRunRecordsEachStepsOutputAttemptsAndOrderAndKeepsTheStackForItsParent() {
    WorkflowRun run = WorkflowRun.start(spec, NO_THROW, Container.empty());
    RunRecord record = run.record();

    String reservation = run.<String>valueStep(reserve, ctx -> "res-1", (c, ctx) -> undone.add(c));
    assertEquals(StepRecord.Status.COMPLETED, status(run, reserve));
    assertArrayEquals(new int[] {0}, record.stack());
    assertNull(record.step(1), "a step that has not started has no record");

    int[] calls = {0};
    Long amount = run.<Long, String>step(charge, ctx -> {
      if (++calls[0] < 3) {
        throw new IllegalStateException("declined " + calls[0]);
      }
      return new StepResponse<>(42L, "charge-" + reservation);
    }, (c, ctx) -> undone.add(c));
    Optional<String> wrapped = run.<String>valueStep(gift, ctx -> false, ctx -> "wrapped", (c, ctx) -> undone.add(c));
    run.voidStep(ship, ctx -> { }, null);
    WorkflowResult<Long> result = run.done(amount);

    assertEquals(Optional.empty(), wrapped);
    StepRecord charged = record.step(1);
    assertEquals(StepRecord.Status.COMPLETED, charged.status);
    assertEquals(3, charged.attempts);
    assertEquals(42L, charged.output);
    assertEquals("charge-res-1", charged.compensationInput);
    assertEquals(2, charged.completedAs);
    assertEquals(StepRecord.Status.SKIPPED, record.step(2).status);
    assertEquals(0, record.step(2).attempts);
    assertEquals(0, record.step(2).completedAs, "a skipped step never completed");
    assertEquals(3, record.step(3).completedAs);
    assertNull(record.step(3).compensationInput, "a step without a compensation keeps no input");
    assertArrayEquals(new int[] {0, 1}, record.stack(), "the completed steps with a compensation, in order");
    assertEquals(RunRecord.Status.DONE, record.status());
    assertEquals(List.of(), record.errors());
    assertEquals(0, record.deadlineMillis, "no timeout, no deadline");
    assertEquals(42L, result.result());
    assertEquals(List.of(), undone);
  }

  @Test
  void aHaltedRunRecordsTheFailureAndEachCompensationAndEmptiesTheStack() {
    WorkflowRun run = WorkflowRun.start(spec, NO_THROW, Container.empty());
    RunRecord record = run.record();
    IllegalStateException declined = new IllegalStateException("declined");
    int[] compensations = {0};

    WorkflowResult<Void> result;
    try {
      run.<String>valueStep(reserve, ctx -> "res-2", (c, ctx) -> {
        undone.add(c);
      });
      run.<String>valueStep(charge, ctx -> "charge-2", (c, ctx) -> {
        if (++compensations[0] == 1) {
          throw new IllegalStateException("refund failed once");
        }
        undone.add(c);
      });
      run.voidStep(ship, ctx -> {
        throw declined;
      }, null);
      result = run.done(null);
    } catch (WorkflowRun.Halt halt) {
      assertEquals(RunRecord.Status.REVERTED, record.status(), "the compensations are over when Halt is thrown");
      result = run.halted(halt);
    }

    assertEquals(List.of("charge-2", "res-2"), undone);
    assertEquals(StepRecord.Status.FAILED, record.step(3).status);
    assertEquals(1, record.step(3).attempts);
    assertEquals(3, record.step(3).completedAs);
    assertEquals(StepRecord.Status.COMPENSATED, record.step(1).status);
    assertEquals(2, record.step(1).compensationAttempts);
    assertEquals(StepRecord.Status.COMPENSATED, record.step(0).status);
    assertEquals(1, record.step(0).compensationAttempts);
    assertArrayEquals(new int[0], record.stack());
    assertSame(declined, record.failure());
    assertEquals("ship", record.failedStep());
    assertEquals(List.of("ship"), record.errors().stream().map(e -> e.step()).toList());
    assertEquals(io.stepwise.runtime.WorkflowStatus.REVERTED, result.status());
  }

  @Test
  void aToleratedFailuresPartialWorkGoesOnTheStackAndACompensationThatFailsForGoodIsRecorded() {
    StepSpec tolerant = StepSpec.builder("charge").onFailure(StepSpec.OnFailure.CONTINUE).build();
    WorkflowSpec tolerantSpec = WorkflowSpec.of(1, "tolerant", reserve, tolerant, ship);
    WorkflowRun run = WorkflowRun.start(tolerantSpec, NO_THROW, Container.empty());
    RunRecord record = run.record();

    try {
      run.<String>valueStep(reserve, ctx -> "res-3", (c, ctx) -> {
        throw new IllegalStateException("release failed");
      });
      Optional<String> charged = run.<String, String>step(tolerant, Condition.ALWAYS,
          ctx -> StepResponse.permanentFailure("card expired", "hold-3"), (c, ctx) -> undone.add(c));
      assertEquals(Optional.empty(), charged);
      assertEquals(StepRecord.Status.TOLERATED, record.step(1).status);
      assertEquals("hold-3", record.step(1).compensationInput);
      assertArrayEquals(new int[] {0, 1}, record.stack(), "partial work is compensated only if the run fails later");
      run.voidStep(ship, ctx -> {
        throw new IllegalStateException("no truck");
      }, null);
    } catch (WorkflowRun.Halt halt) {
      run.halted(halt);
    }

    assertEquals(List.of("hold-3"), undone);
    assertEquals(StepRecord.Status.COMPENSATED, record.step(1).status);
    assertEquals(StepRecord.Status.NOT_COMPENSATED, record.step(0).status);
    assertEquals(RunRecord.Status.FAILED, record.status());
    assertEquals(List.of("charge/INVOKE", "ship/INVOKE", "reserve/COMPENSATE"),
        record.errors().stream().map(e -> e.step() + "/" + e.phase()).toList());
  }

  @Test
  void theStepsOfAGroupAreRecordedInTheOrderTheyCompleted() {
    // the group's two tasks run one after the other, the second first, on a thread of their own
    List<Runnable> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.Executor secondFirst = task -> {
      tasks.add(task);
      if (tasks.size() == 2) {
        new Thread(() -> {
          tasks.get(1).run();
          tasks.get(0).run();
        }).start();
      }
    };
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().throwOnError(false).executor(secondFirst).build(),
        Container.empty());
    RunRecord record = run.record();

    WorkflowRun.Group group = run.parallel("both");
    group.<String>valueStep(reserve, ctx -> "res-4", (c, ctx) -> undone.add(c));
    group.<String>valueStep(charge, ctx -> "charge-4", (c, ctx) -> undone.add(c));
    group.join();
    run.done(null);

    assertEquals(1, record.step(1).completedAs, "charge completed first");
    assertEquals(2, record.step(0).completedAs);
    assertArrayEquals(new int[] {1, 0}, record.stack(), "compensated in reverse order of completion");
  }

  @Test
  void aCancelRequestAndTheDeadlineAreFactsOfTheRecord() {
    RunRegistry registry = new RunRegistry();
    long before = System.currentTimeMillis();
    WorkflowRun run = WorkflowRun.start(spec.withTimeout(60_000), RunOptions.builder().transactionId("tx-rec")
        .throwOnError(false).build(), Container.empty(), registry);
    RunRecord record = run.record();

    assertTrue(record.deadlineMillis >= before + 60_000 && record.deadlineMillis <= System.currentTimeMillis() + 60_000,
        "the deadline is on the wall clock: " + record.deadlineMillis);
    assertFalse(record.cancelRequested());
    run.<String>valueStep(reserve, ctx -> {
      assertTrue(registry.cancel("tx-rec"));
      return "res-5";
    }, (c, ctx) -> undone.add(c));
    assertTrue(record.cancelRequested());
    assertThrows(WorkflowRun.Halt.class, () -> run.<String>valueStep(charge, ctx -> "never", null));
    assertEquals(0, record.step(1).attempts, "the run stopped before the step's first attempt");
    assertEquals(List.of("res-5"), undone);
    assertEquals("tx-rec", record.transactionId);
    assertEquals("recorded", record.workflow);
  }

  @Test
  void aCancelIsTakenUntilTheStepsAreOverAndTheEndSaysWhetherOneCameBefore() {
    RunRecord cancelled = new RunRecord("recorded", "tx-1", 4, 0);
    assertTrue(cancelled.requestCancel());
    assertTrue(cancelled.requestCancel(), "a second cancel is taken as the first was");
    assertTrue(cancelled.endSteps(), "a cancel came while the steps ran");
    assertTrue(cancelled.endSteps(), "and it still did when the run ends");
    assertFalse(cancelled.requestCancel(), "the steps are over: nothing is left to stop");
    assertTrue(cancelled.cancelRequested());

    RunRecord ended = new RunRecord("recorded", "tx-2", 4, 0);
    assertFalse(ended.endSteps());
    assertFalse(ended.endSteps());
    assertFalse(ended.requestCancel());
    assertFalse(ended.cancelRequested());
  }

  @Test
  void aStepThatFinishedBeforeStepsAlreadyOnTheStackGoesBelowThem() {
    RunRecord record = new RunRecord("recorded", "tx-1", 4, 0);
    record.pushInOrder(0, 1);
    record.pushInOrder(2, 3);
    record.pushInOrder(3, 4);
    record.pushInOrder(1, 2); // a noWait step that finished second, settled last

    assertArrayEquals(new int[] {0, 1, 2, 3}, record.stack());
    assertArrayEquals(new int[] {3, 2, 1, 0}, record.popAll(), "the most recent first");
  }

  @Test
  void aRunIsEqualOnlyToItselfWhateverItsFactsSoThatARegistryKeepsEachRun() {
    try {
      WorkflowRun one = WorkflowRun.start(spec, NO_THROW, Container.empty());
      WorkflowRun other = WorkflowRun.start(spec, NO_THROW, Container.empty());

      assertTrue(one.equals(one));
      assertFalse(one.equals(other));
      assertFalse(other.equals(one));
    } finally {
      org.slf4j.MDC.clear(); // the runs did not end
    }
  }
}
