package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code @When} on both paths: "express" (an output, its condition takes {@code @From("order")}) and
 * "notify" (void). A condition is evaluated right before its step; a skipped step is neither invoked
 * nor compensated, and a later {@code @From} of it is empty, as is the workflow's result ("express");
 * a condition that throws fails the run there.
 */
class ConditionMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void stepsWhoseConditionsHoldRunAfterTheirConditions(Path path) {
    Probe p = new Probe(path);
    WorkflowResult<Optional<String>> result = ConditionWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(Optional.of("express-order"), result.result());
    assertEquals("shipped express-order", p.output("ship#1"));
    assertEquals(List.of("order#1", "when express", "express#1", "when notify", "notify#1", "ship#1"), p.journal());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void skippedStepsAreNotInvokedAndLaterStepsSeeAnEmptyOptional(Path path) {
    Probe p = new Probe(path).when("express", false).when("notify", false);
    WorkflowResult<Optional<String>> result = ConditionWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(Optional.empty(), result.result());
    assertEquals("shipped standard", p.output("ship#1"));
    assertEquals(List.of("order#1", "when express", "when notify", "ship#1"), p.journal());
    assertEquals(List.of("run-begin conditions", "step order#1", "ok order#1", "skipped express#1", "skipped notify#1",
        "step ship#1", "ok ship#1", "finish conditions DONE"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aSkippedStepIsNotCompensated(Path path) {
    Probe p = new Probe(path).when("express", false).failAlways("ship");
    WorkflowResult<Optional<String>> result = ConditionWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Optional.empty(), result.result(), "an Optional result is empty, not null, when the run is not DONE");
    assertEquals(List.of("ship INVOKE 1 IllegalStateException: ship failed on attempt 1"), errors(result));
    assertEquals(List.of("notify", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aConditionThatThrowsFailsTheRunAtItsStep(Path path) {
    Probe p = new Probe(path).whenThrows("express");
    WorkflowResult<Optional<String>> result = ConditionWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Optional.empty(), result.result());
    assertEquals(List.of("express INVOKE 1 IllegalArgumentException: condition of express failed"), errors(result));
    assertEquals(List.of("order#1", "when express", "undo order order"), p.journal());
    assertEquals(List.of("run-begin conditions", "step order#1", "ok order#1",
        "failed express#1 IllegalArgumentException", "compensate conditions", "undone order#1",
        "finish conditions REVERTED"), p.events.lines());
  }
}
