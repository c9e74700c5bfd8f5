package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.ConditionalOrderWorkflow;
import io.stepwise.runtime.fixtures.ConditionalOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.ConditionalOrderWorkflowRunner;
import io.stepwise.runtime.fixtures.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SPEC.md: "A step skipped by @When is neither invoked nor compensated." */
class ConditionTest {
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();

  final Probe probe = new Probe();
  final ConditionalOrderWorkflowRunner runner = new ConditionalOrderWorkflowRunner(new ConditionalOrderWorkflow(probe));

  @Test
  void falseConditionsSkipTheStepsAndLaterStepsReceiveEmpty() {
    WorkflowResult<String> result = runner.run(new Input("bob", 3, false), NO_THROW);

    assertEquals(List.of(
        "invoke:create-order@1",
        "when:apply-discount=false",
        "when:gift-wrap=false",
        "when:add-bonus=false",
        "invoke:summarize@1"), probe.events());
    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("order-bob discount=none bonus=none", result.result());
  }

  @Test
  void trueConditionsRunTheStepsAndLaterStepsReceiveTheirOutputs() {
    WorkflowResult<String> result = runner.run(new Input("ann", 12, true), NO_THROW);

    assertEquals(List.of(
        "invoke:create-order@1",
        "when:apply-discount=true",
        "invoke:apply-discount@1",
        "when:gift-wrap=true",
        "invoke:gift-wrap@1",
        "when:add-bonus=true",
        "invoke:add-bonus@1",
        "invoke:summarize@1"), probe.events());
    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("order-ann discount=10 bonus=6", result.result());
  }

  @Test
  void skippedStepsAreNotCompensatedWhenALaterStepFails() {
    probe.failInvokeAlways("summarize");

    WorkflowResult<String> result = runner.run(new Input("bob", 3, true), NO_THROW);

    assertEquals(List.of("compensate:gift-wrap()@1", "compensate:create-order(order-bob)@1"),
        probe.events("compensate:"));
    assertEquals(List.of("invoke:create-order@1", "invoke:gift-wrap@1", "invoke:summarize@1"),
        probe.events("invoke:"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
  }

  @Test
  void stepsThatRanUnderATrueConditionAreCompensatedWithTheirOwnInput() {
    probe.failInvokeAlways("summarize");

    WorkflowResult<String> result = runner.run(new Input("ann", 12, true), NO_THROW);

    assertEquals(List.of(
        "compensate:add-bonus(6)@1",
        "compensate:gift-wrap()@1",
        "compensate:apply-discount(discount-order-ann)@1",
        "compensate:create-order(order-ann)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
  }

  @Test
  void throwingConditionFailsItsStepAndCompensatesTheEarlierOnes() {
    probe.failCondition("gift-wrap");

    WorkflowResult<String> result = runner.run(new Input("ann", 12, true), NO_THROW);

    assertEquals(List.of(
        "invoke:create-order@1",
        "when:apply-discount=true",
        "invoke:apply-discount@1",
        "when:gift-wrap=true", // recorded, then thrown
        "compensate:apply-discount(discount-order-ann)@1",
        "compensate:create-order(order-ann)@1"), probe.events());
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("gift-wrap", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertEquals(1, error.attempts());
    // the condition's own exception, as for a step: callers catch their own exception types
    assertSame(probe.onlyThrown("gift-wrap", StepPhase.INVOKE), error.cause());
  }

  @Test
  void throwingConditionIsNotRetriedEvenIfTheStepHasRetries() {
    probe.failCondition("apply-discount"); // apply-discount: maxRetries = 2

    WorkflowResult<String> result = runner.run(new Input("ann", 12, true), NO_THROW);

    assertEquals(List.of("when:apply-discount=true"), probe.events("when:"));
    assertEquals(List.of("invoke:create-order@1"), probe.events("invoke:"));
    assertEquals(List.of("compensate:create-order(order-ann)@1"), probe.events("compensate:"));
    assertEquals("apply-discount", result.errors().get(0).step());
  }

  @Test
  void throwingConditionWithThrowOnErrorThrowsWithTheConditionsException() {
    probe.failCondition("add-bonus");

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run(new Input("ann", 12, false), RunOptions.defaults()));

    assertSame(e.result().errors().get(0).cause(), e.getCause());
    assertSame(probe.onlyThrown("add-bonus", StepPhase.INVOKE), e.getCause());
    assertTrue(e.getMessage().contains("'add-bonus'"), e.getMessage());
    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertEquals(List.of("compensate:apply-discount(discount-order-ann)@1", "compensate:create-order(order-ann)@1"),
        probe.events("compensate:"));
  }

  @Test
  void conditionSeesTheStepsContext() {
    runner.run(new Input("ann", 12, true), NO_THROW);

    List<String> seen = probe.contexts().stream()
        .filter(c -> c.where().startsWith("when:"))
        .map(c -> c.stepName() + "/" + c.attempt() + "/" + c.compensating() + "/" + c.workflowName())
        .toList();
    assertEquals(List.of(
        "apply-discount/1/false/conditional-order",
        "gift-wrap/1/false/conditional-order",
        "add-bonus/1/false/conditional-order"), seen);
  }

  // The three overloads with a Condition, driven directly: skipped gives empty, run gives the output.
  @Test
  void conditionOverloadsReturnEmptyWhenSkippedAndTheOutputWhenRun() {
    StepSpec a = StepSpec.of("a", 0);
    StepSpec b = StepSpec.of("b", 0);
    StepSpec c = StepSpec.of("c", 0);
    WorkflowSpec spec = WorkflowSpec.of(1, "overloads", a, b, c);
    List<String> ran = new ArrayList<>();

    WorkflowRun skip = WorkflowRun.start(spec, RunOptions.defaults(), Container.empty());
    Optional<String> skippedStep = skip.<String, String>step(a, ctx -> false,
        ctx -> { ran.add("a"); return new io.stepwise.runtime.StepResponse<>("A"); }, null);
    Optional<Integer> skippedValue = skip.<Integer>valueStep(b, ctx -> false, ctx -> { ran.add("b"); return 2; }, null);
    skip.voidStep(c, ctx -> false, ctx -> ran.add("c"), null);
    assertEquals(Optional.empty(), skippedStep);
    assertEquals(Optional.empty(), skippedValue);
    assertEquals(List.of(), ran);
    assertEquals(WorkflowStatus.DONE, skip.done("x").status());

    WorkflowRun run = WorkflowRun.start(spec, RunOptions.defaults(), Container.empty());
    Optional<String> ranStep = run.<String, String>step(a, ctx -> true,
        ctx -> { ran.add("a"); return new io.stepwise.runtime.StepResponse<>("A"); }, null);
    Optional<Integer> ranValue = run.<Integer>valueStep(b, ctx -> true, ctx -> { ran.add("b"); return 2; }, null);
    run.voidStep(c, ctx -> true, ctx -> ran.add("c"), null);
    assertEquals(Optional.of("A"), ranStep);
    assertEquals(Optional.of(2), ranValue);
    assertEquals(List.of("a", "b", "c"), ran);
    WorkflowResult<Optional<Integer>> done = run.done(ranValue);
    assertSame(ranValue, done.result());
  }
}
