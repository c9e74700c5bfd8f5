package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code noWait} steps on both paths ({@link NoWaitWorkflows}): the steps after 'email' start while it
 * runs, and the run ends only once it has ended too. Its failure stops the run before its next step
 * and compensates what completed, in reverse order of completion; a later step's failure waits for
 * it, then compensates it with the rest; a cancel while the run waits for it compensates everything.
 * Listeners hear it, and it sees the run's MDC, as a step of a {@code @Parallel} group.
 */
class NoWaitMatrixTest {
  /** How long a test looks for something that must not happen. */
  private static final long QUIET_MILLIS = 200;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theNextStepsRunWhileItIsBlocked_andTheRunEndsOnlyAfterIt(Path path) throws Exception {
    Probe p = new Probe(path).hold("email");
    CompletableFuture<WorkflowResult<String>> run = NoWaitWorkflows.noWait(path).runAsync(p, p.options().build());

    assertTrue(p.entered.await(5, TimeUnit.SECONDS), "email was entered: " + p);
    assertTrue(p.awaitCall("ship#1"), "ship ran while email was held: " + p);
    assertTrue(p.awaitCall("bill#1"), "bill ran while email was held: " + p);
    Thread.sleep(QUIET_MILLIS);
    assertFalse(run.isDone(), "the run waits for email: " + p);

    p.release();
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);
    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("billed shipped order", result.result());
    assertEquals(Set.of("order#1", "email#1", "ship#1", "bill#1"), Set.copyOf(p.calls()));
    assertEquals(List.of(), p.undone());
    assertEquals("finish nowait DONE", p.events.lines().get(p.events.lines().size() - 1));
    // as a group's step: heard by the listeners, with the run's MDC and its own step
    assertTrue(p.events.lines().containsAll(List.of("step email#1", "ok email#1")), p.events.lines().toString());
    assertEquals(Map.of("stepwise.transactionId", p.id, "stepwise.workflow", path.workflow("nowait"),
        "stepwise.step", "email"), p.mdc("email#1"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void itsFailureAfterTheLastStepCompensatesEveryCompletedStep(Path path) {
    Probe p = new Probe(path).after("email", "bill").failAlways("email");
    WorkflowResult<String> result = NoWaitWorkflows.noWait(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(null, result.result());
    assertEquals(List.of("email INVOKE 1 IllegalStateException: email failed on attempt 1"), errors(result));
    assertEquals(List.of("ship shipped order", "order order"), p.undone(), "bill has no compensation");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void itsFailureStopsTheRunBeforeItsNextStep_theStepInProgressFinishesAndIsCompensated(Path path)
      throws Exception {
    Probe p = new Probe(path).hold("ship").waitsFor("email", "ship#1").failAlways("email");
    CompletableFuture<WorkflowResult<String>> run = NoWaitWorkflows.noWait(path).runAsync(p, p.options().build());

    assertTrue(p.entered.await(5, TimeUnit.SECONDS), "ship was entered: " + p);
    assertTrue(p.awaitCall("email#1"), "email ran while ship was held: " + p);
    assertTrue(p.events.await("failed email#1 IllegalStateException"), "email failed while ship was held: " + p);
    p.release();
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("email INVOKE 1 IllegalStateException: email failed on attempt 1"), errors(result));
    assertFalse(p.calls().contains("bill#1"), "bill never starts: " + p.calls());
    assertEquals(List.of("ship shipped order", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void itsFailureKeepsALaterParallelGroupFromStarting(Path path) throws Exception {
    Probe p = new Probe(path).hold("ship").waitsFor("email", "ship#1").failAlways("email");
    CompletableFuture<WorkflowResult<String>> run = NoWaitWorkflows.group(path).runAsync(p, p.options().build());

    assertTrue(p.entered.await(5, TimeUnit.SECONDS), "ship was entered: " + p);
    assertTrue(p.events.await("failed email#1 IllegalStateException"), "email failed while ship was held: " + p);
    p.release();
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("email INVOKE 1 IllegalStateException: email failed on attempt 1"), errors(result));
    assertEquals(Set.of("order#1", "email#1", "ship#1"), Set.copyOf(p.calls()), "the group never starts");
    assertEquals(List.of("ship shipped", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aLaterStepsFailureWaitsForItThenCompensatesIt(Path path) throws Exception {
    Probe p = new Probe(path).hold("email").failAlways("bill");
    CompletableFuture<WorkflowResult<String>> run = NoWaitWorkflows.noWait(path).runAsync(p, p.options().build());

    assertTrue(p.entered.await(5, TimeUnit.SECONDS), "email was entered: " + p);
    assertTrue(p.awaitCall("bill#1"), "bill ran while email was held: " + p);
    Thread.sleep(QUIET_MILLIS);
    assertFalse(run.isDone(), "the run waits for email: " + p);
    assertEquals(List.of(), p.undone(), "nothing is compensated while email runs");

    p.release();
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);
    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("bill INVOKE 1 IllegalStateException: bill failed on attempt 1"), errors(result));
    // email completed last: it is compensated first
    assertEquals(List.of("email mail", "ship shipped order", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void itIsCompensatedInItsPlaceInTheOrderOfCompletion(Path path) {
    // email completes before ship: ship, then email, then order are compensated
    Probe p = new Probe(path).after("ship", "email").failAlways("bill");
    WorkflowResult<String> result = NoWaitWorkflows.noWait(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("ship shipped order", "email mail", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelWhileTheRunWaitsForItCompensatesEverything(Path path) throws Exception {
    Probe p = new Probe(path).hold("email");
    WorkflowResult<String> result = NoWaitWorkflows.noWait(path).runCancellingTheHeldStep(p, "bill#1");

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(Set.of("order#1", "email#1", "ship#1", "bill#1"), Set.copyOf(p.calls()));
    assertEquals(List.of("email mail", "ship shipped order", "order order"), p.undone());
  }
}
