package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.matrix.ManualRetryGroupWorkflows.Manual;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Manual retries ({@code autoRetry = false}) of a member of a {@code @Parallel} group and of a step of a
 * child workflow, on both paths, without an engine ({@link ManualRetryGroupWorkflows}): the member waits
 * while its sibling completes, and {@code retryCharge}, {@code failCharge}, a cancel, or the sibling's
 * failure for good ends the wait.
 */
class ManualRetryGroupTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aWaitingMemberIsRetriedAfterItsSiblingCompletedAndTheRunEndsDoneWithBothOutputs(Path path) throws Exception {
    Probe p = new Probe(path).fail("charge", 1);
    Manual manual = ManualRetryGroupWorkflows.group(path);
    CompletableFuture<WorkflowResult<String>> run = runUntilChargeWaitsAndLabelCompleted(manual, p);
    assertFalse(run.isDone(), "the group waits for its member");

    assertTrue(manual.retry().test(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("shipped charge-2 label", result.result());
    assertEquals(Set.of("order#1", "charge#1", "label#1", "charge#2", "ship#1"), Set.copyOf(p.calls()));
    assertEquals(List.of("charge#1", "charge#2"), p.calls().stream().filter(c -> c.startsWith("charge")).toList());
    assertEquals(List.of(), p.undone());
    assertFalse(manual.retry().test(p.id), "the run is over");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void failingAWaitingMemberCompensatesItsCompletedSiblingAndTheRunReverts(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("charge");
    Manual manual = ManualRetryGroupWorkflows.group(path);
    CompletableFuture<WorkflowResult<String>> run = runUntilChargeWaitsAndLabelCompleted(manual, p);

    assertTrue(manual.fail().test(p.id));
    assertFalse(manual.retry().test(p.id), "the wait is over");
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("charge INVOKE 1 ManualStepFailureException: step 'charge' of workflow '"
        + path.workflow("manual-group") + "' (transaction " + p.id + ") was failed by the application after attempt 1"
        + " of 3 failed with java.lang.IllegalStateException: charge failed on attempt 1"), errors(result));
    assertEquals(List.of("label label", "order order"), p.undone());
    assertFalse(p.calls().contains("charge#2"));
    assertFalse(p.calls().contains("ship#1"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelWhileAMemberWaitsCompensatesTheGroupAndTheRunReverts(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("charge");
    Manual manual = ManualRetryGroupWorkflows.group(path);
    CompletableFuture<WorkflowResult<String>> run = runUntilChargeWaitsAndLabelCompleted(manual, p);

    assertTrue(manual.runner().cancel(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(1, result.errors().size(), result.errors().toString());
    assertEquals("charge", result.errors().get(0).step());
    assertEquals(WorkflowCancelledException.class, result.errors().get(0).cause().getClass());
    assertEquals(List.of("label label", "order order"), p.undone());
    assertEquals(Set.of("order#1", "charge#1", "label#1"), Set.copyOf(p.calls()));
    assertEquals(3, p.calls().size(), p.calls().toString());
    assertFalse(manual.retry().test(p.id), "the run is over");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aSiblingThatFailsForGoodEndsTheWaitWithoutAFurtherAttemptAndTheRunReverts(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("charge").hold("label").failAlways("label");
    Manual manual = ManualRetryGroupWorkflows.group(path);
    CompletableFuture<WorkflowResult<String>> run = runUntil(manual, p, "waiting charge#1 IllegalStateException");
    assertTrue(p.entered.await(5, TimeUnit.SECONDS), "label is at work while charge waits");

    p.release(); // label fails for good now
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(Set.of("label INVOKE 1 IllegalStateException: label failed on attempt 1",
        "charge INVOKE 1 IllegalStateException: charge failed on attempt 1"), Set.copyOf(errors(result)));
    assertEquals(Set.of("order#1", "charge#1", "label#1"), Set.copyOf(p.calls()));
    assertEquals(3, p.calls().size(), p.calls().toString());
    assertFalse(p.calls().contains("charge#2"), "no further attempt");
    assertEquals(List.of("order order"), p.undone());
    assertTrue(p.events.lines().contains("failed charge#1 IllegalStateException"), p.events.lines().toString());
    assertFalse(manual.retry().test(p.id), "the wait ended with the run");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aStepOfAChildWorkflowWaitsAndARetryThroughTheChildsRunnerEndsTheParentDone(Path path) throws Exception {
    Probe p = new Probe(path).fail("label", 1);
    Manual manual = ManualRetryGroupWorkflows.parent(path);
    CompletableFuture<WorkflowResult<String>> run = runUntil(manual, p, "waiting label#1 IllegalStateException");
    assertFalse(run.isDone());
    assertFalse(manual.retry().test(p.id), "the parent's run has no step label");

    assertTrue(manual.retry().test(p.id + "/ship"), "the child's run waits");
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirmed labelled-2 box", result.result());
    assertEquals(List.of("order#1", "ship/pack#1", "ship/label#1", "ship/label#2", "confirm#1"), p.calls());
    assertFalse(manual.retry().test(p.id + "/ship"), "the child's run is over");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void failingAWaitingStepOfAChildCompensatesTheChildAsAUnitAndTheParent(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("label");
    Manual manual = ManualRetryGroupWorkflows.parent(path);
    CompletableFuture<WorkflowResult<String>> run = runUntil(manual, p, "waiting label#1 IllegalStateException");

    assertTrue(manual.fail().test(p.id + "/ship"));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("ship/pack box", "order order"), p.undone());
    assertEquals(List.of("order#1", "ship/pack#1", "ship/label#1"), p.calls());
    assertEquals("ship", result.errors().get(0).step());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelOfTheParentEndsTheWaitOfItsChildsStepAndCompensatesBoth(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("label");
    Manual manual = ManualRetryGroupWorkflows.parent(path);
    CompletableFuture<WorkflowResult<String>> run = runUntil(manual, p, "waiting label#1 IllegalStateException");

    assertTrue(manual.runner().cancel(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("ship/pack box", "order order"), p.undone());
    assertEquals(List.of("order#1", "ship/pack#1", "ship/label#1"), p.calls());
  }

  @org.junit.jupiter.api.Test
  void aParentStepThatTimesOutWhileItsChildWaitsEndsTheChildsWaitAndTheChildCompensates() throws Exception {
    Probe p = new Probe(Path.ASYNC_LATER).failAlways("label");
    ManualRetryGroupWorkflows_ParentTimeoutAsyncRunner parent =
        new ManualRetryGroupWorkflows_ParentTimeoutAsyncRunner(new ManualRetryGroupWorkflows.ParentTimeoutAsync());

    WorkflowResult<String> result = parent.runAsync(p, p.options().throwOnError(false).build()).get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals("ship", result.errors().get(0).step());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!p.undone().contains("ship/pack box")) {
      assertTrue(System.nanoTime() < end, "the abandoned child still waits at label: " + p.undone() + " " + p.calls());
      Thread.sleep(10);
    }
    assertEquals(List.of("order#1", "ship/pack#1", "ship/label#1"), p.calls(), "no further attempt of label");
    assertFalse(new ManualRetryGroupWorkflows_ParcelAsyncRunner(new ManualRetryGroupWorkflows.ParcelAsync())
        .retryLabel(p.id + "/ship"), "the child's wait is over");
  }

  /** Starts a run of the group, and waits until charge waits after its first attempt and label has completed. */
  private static CompletableFuture<WorkflowResult<String>> runUntilChargeWaitsAndLabelCompleted(Manual manual, Probe p)
      throws InterruptedException {
    CompletableFuture<WorkflowResult<String>> run = runUntil(manual, p, "waiting charge#1 IllegalStateException");
    assertTrue(p.events.await("ok label#1"), p.events.lines().toString());
    return run;
  }

  private static CompletableFuture<WorkflowResult<String>> runUntil(Manual manual, Probe p, String waiting)
      throws InterruptedException {
    CompletableFuture<WorkflowResult<String>> run = manual.runner().runAsync(p, p.options().build());
    assertTrue(p.events.await(waiting), p.events.lines().toString());
    return run;
  }
}
