package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Skipped steps on both paths, as Medusa means them ({@link SkipWorkflows}). A step that fails for
 * good with {@code skipOnPermanentFailure} compensates nothing and skips the steps after it (never
 * invoked, never compensated, heard as skipped), up to its {@code skipUntil} step, which runs; the
 * run ends DONE with the error. In a {@code @Parallel} group, the failed step's siblings finish and
 * keep their outputs. A later failure compensates the steps that completed, not the skipped ones. A
 * {@code skippable} step that returns {@code StepResponse.skip()} is skipped; another step that does
 * fails for good.
 */
class SkipMatrixTest {

  // ---- skipOnPermanentFailure, with and without skipUntil

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void withoutFailuresEveryStepRuns(Path path) {
    Probe p = new Probe(path);
    WorkflowResult<Optional<String>> result = SkipWorkflows.skips(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals(Optional.of("notified shipped gift-charge points=42"), result.result());
    assertEquals(List.of("order#1", "charge#1", "gift#1", "wrap#1", "ship#1", "points#1", "notify#1"), p.calls());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of(), p.events.lines().stream().filter(line -> line.startsWith("skipped")).toList());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailureSkipsTheStepsUpToItsSkipUntilStepWhichRunsAndTheRunGoesOn(Path path) {
    Probe p = new Probe(path).failAlways("charge");
    WorkflowResult<Optional<String>> result = SkipWorkflows.skips(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals(Optional.of("notified shipped no gift points=42"), result.result());
    assertEquals(List.of("charge INVOKE 2 IllegalStateException: charge failed on attempt 2"), errors(result));
    // gift and wrap are never invoked; ship (the skipUntil step) and the steps after it run
    assertEquals(List.of("order#1", "charge#1", "charge#2", "ship#1", "points#1", "notify#1"), p.calls());
    assertEquals(List.of(), p.undone());
    assertEquals(List.of("run-begin skips", "step order#1", "ok order#1", "step charge#1",
        "retry charge#1 IllegalStateException 0ms", "step charge#2", "failed charge#2 IllegalStateException",
        "skipped charge#2", "skipped gift#1", "skipped wrap#1", "step ship#1", "ok ship#1", "step points#1",
        "ok points#1", "step notify#1", "ok notify#1", "finish skips DONE"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailureWithoutSkipUntilSkipsEveryStepAfterItAndTheSkippedResultIsEmpty(Path path) {
    Probe p = new Probe(path).permanentFailure("points", "no points today");
    WorkflowResult<Optional<String>> result = SkipWorkflows.skips(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals(Optional.empty(), result.result());
    assertEquals(List.of("points INVOKE 1 PermanentStepFailureException: no points today"), errors(result));
    assertEquals(List.of("order#1", "charge#1", "gift#1", "wrap#1", "ship#1", "points#1"), p.calls());
    assertEquals(List.of(), p.undone(), "the run does not compensate");
    assertEquals(List.of("failed points#1 PermanentStepFailureException", "skipped points#1", "skipped notify#1",
        "finish skips DONE"), lastLines(p, 4));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void twoSkippingFailuresInOneRunEachSkipTheirSteps(Path path) {
    Probe p = new Probe(path).failAlways("charge").failAlways("points");
    WorkflowResult<Optional<String>> result = SkipWorkflows.skips(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals(Optional.empty(), result.result());
    assertEquals(List.of("charge INVOKE 2 IllegalStateException: charge failed on attempt 2",
        "points INVOKE 1 IllegalStateException: points failed on attempt 1"), errors(result));
    assertEquals(List.of("order#1", "charge#1", "charge#2", "ship#1", "points#1"), p.calls());
    assertEquals(List.of(), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aLaterFailureCompensatesTheCompletedStepsNeverTheSkippedOnes(Path path) {
    // notify halts the run: points, ship and order (completed) are compensated; gift and wrap
    // (skipped) and charge (failed) are not
    Probe p = new Probe(path).failAlways("charge").failAlways("notify");
    WorkflowResult<Optional<String>> result = SkipWorkflows.skips(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(Optional.empty(), result.result());
    assertEquals(List.of("charge INVOKE 2 IllegalStateException: charge failed on attempt 2",
        "notify INVOKE 1 IllegalStateException: notify failed on attempt 1"), errors(result));
    assertEquals(List.of("points points-42", "ship shipped no gift", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void partialWorkOfTheSkippingFailureIsCompensatedInItsPlaceOnlyWhenALaterStepFails(Path path) {
    Probe done = new Probe(path).permanentFailure("charge", "card declined", "charge-partial");
    assertEquals(WorkflowStatus.DONE, SkipWorkflows.skips(path).run(done).status());
    assertEquals(List.of(), done.undone());

    Probe p = new Probe(path).permanentFailure("charge", "card declined", "charge-partial").failAlways("notify");
    WorkflowResult<Optional<String>> result = SkipWorkflows.skips(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("points points-42", "ship shipped no gift", "charge charge-partial", "order order"),
        p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelDuringTheSkippingStepCompensatesTheRunInsteadOfSkipping(Path path) throws Exception {
    Probe p = new Probe(path).hold("charge").permanentFailure("charge", "card declined", "charge-partial");
    WorkflowResult<Optional<String>> result = SkipWorkflows.skips(path).runCancellingTheHeldStep(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(Optional.empty(), result.result());
    assertEquals(1, errors(result).size(), errors(result).toString());
    assertTrue(errors(result).get(0).startsWith("charge INVOKE 1 WorkflowCancelledException: workflow '"
        + path.workflow("skips") + "' (transaction " + p.id + ") was cancelled during step 'charge'"),
        errors(result).toString());
    assertEquals(List.of("order#1", "charge#1"), p.calls());
    assertEquals(List.of("charge charge-partial", "order order"), p.undone(), "its partial work first");
    assertTrue(p.events.lines().stream().noneMatch(line -> line.startsWith("skipped")), p.events.lines().toString());
  }

  // ---- @Parallel

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailingGroupMemberLetsItsSiblingFinishAndSkipsTheStepsAfterTheGroup(Path path) {
    Probe p = new Probe(path).failAlways("quote");
    WorkflowResult<String> result = SkipWorkflows.group(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("billed reserve unshipped", result.result());
    assertEquals(List.of("quote INVOKE 1 IllegalStateException: quote failed on attempt 1"), errors(result));
    assertEquals(Set.of("order#1", "quote#1", "reserve#1", "bill#1"), Set.copyOf(p.calls()));
    assertEquals("bill#1", p.calls().get(p.calls().size() - 1));
    assertEquals(List.of(), p.undone());
    List<String> skipped = p.events.lines().stream().filter(line -> line.startsWith("skipped")).toList();
    assertEquals(List.of("skipped quote#1", "skipped ship#1"), skipped);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void afterAGroupMembersSkippingFailureALaterFailureCompensatesItsSiblingNotTheSkippedStep(Path path) {
    Probe p = new Probe(path).failAlways("quote").failAlways("bill");
    WorkflowResult<String> result = SkipWorkflows.group(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("reserve reserve", "order order"), p.undone());
  }

  // ---- a step that skips itself

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aSkippableStepThatSkipsItselfHasNoOutputAndTheRunGoesOn(Path path) {
    Probe p = new Probe(path).skip("coupon");
    WorkflowResult<String> result = SkipWorkflows.self(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("billed shipped without coupon", result.result());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("order#1", "coupon#1", "ship#1", "bill#1"), p.calls());
    assertEquals(List.of("run-begin skip-self", "step order#1", "ok order#1", "step coupon#1", "skipped coupon#1",
        "step ship#1", "ok ship#1", "step bill#1", "ok bill#1", "finish skip-self DONE"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aStepThatSkippedItselfIsNotCompensatedWhenALaterStepFails(Path path) {
    Probe p = new Probe(path).skip("coupon").failAlways("bill");
    WorkflowResult<String> result = SkipWorkflows.self(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("ship shipped without coupon", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aStepThatSkipsItselfWithoutBeingSkippableFailsForGoodSayingWhatToAdd(Path path) {
    Probe p = new Probe(path).skip("bill");
    WorkflowResult<String> result = SkipWorkflows.self(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("bill INVOKE 1 IllegalStateException: step 'bill' returned StepResponse.skip(bill skips "
        + "itself), but it is not declared skippable, so the steps that take its output expect one; add skippable "
        + "= true to its @Step (they then take Optional), or fail it with StepResponse.permanentFailure(message)"),
        errors(result));
    assertEquals(List.of("order#1", "coupon#1", "ship#1", "bill#1"), p.calls(), "not retried");
    assertEquals(List.of("ship shipped coupon", "coupon coupon-1", "order order"), p.undone());
  }

  private static List<String> lastLines(Probe p, int count) {
    List<String> lines = p.events.lines();
    return lines.subList(lines.size() - count, lines.size());
  }
}
