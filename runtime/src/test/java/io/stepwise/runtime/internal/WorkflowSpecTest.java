package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fail-fast checks between generated code and the runtime (STYLE.md §8). */
class WorkflowSpecTest {

  @Test
  void specKeepsNameAndStepsInDeclarationOrder() {
    StepSpec a = StepSpec.of("a", 0);
    StepSpec b = StepSpec.of("b", 3);
    WorkflowSpec spec = WorkflowSpec.of(WorkflowSpec.GENERATED_CODE_VERSION, "wf", a, b);

    assertEquals("wf", spec.name());
    assertEquals(List.of(a, b), spec.steps());
    assertThrows(UnsupportedOperationException.class, () -> spec.steps().add(a));
  }

  @Test
  void runnerGeneratedForAnotherVersionFailsFastAndSaysToUseTheSameVersions() {
    int other = WorkflowSpec.GENERATED_CODE_VERSION + 1;

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> WorkflowSpec.of(other, "create-restock-order", StepSpec.of("a", 0)));

    String message = e.getMessage();
    assertTrue(message.contains("'create-restock-order'"), message);
    assertTrue(message.contains("version " + other), message);
    assertTrue(message.contains("version " + WorkflowSpec.GENERATED_CODE_VERSION), message);
    assertTrue(message.contains("use the same version of stepwise-processor and stepwise-runtime"), message);
  }

  @Test
  void olderGeneratedCodeVersionFailsToo() {
    assertThrows(IllegalStateException.class, () -> WorkflowSpec.of(0, "wf"));
  }

  @Test
  void stepSpecCountsAttempts() {
    assertEquals(1, StepSpec.of("once", 0).maxAttempts());
    assertEquals(3, StepSpec.of("thrice", 2).maxAttempts());
    assertEquals(2, StepSpec.of("thrice", 2).maxRetries());
    assertEquals("thrice", StepSpec.of("thrice", 2).name());
  }

  @Test
  void negativeMaxRetriesIsRejectedNamingTheStep() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepSpec.of("charge", -1));

    assertTrue(e.getMessage().contains("'charge'"), e.getMessage());
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void skipUntilNamesALaterStepOfTheWorkflowAndNeedsSkip() {
    StepSpec charge = StepSpec.builder("charge").onFailure(StepSpec.OnFailure.SKIP).skipUntil("ship").build();
    StepSpec gift = StepSpec.of("gift", 0);
    StepSpec ship = StepSpec.of("ship", 0);
    StepSpec notify = StepSpec.builder("notify").onFailure(StepSpec.OnFailure.SKIP).build();

    WorkflowSpec.of(1, "wf", charge, gift, ship, notify);

    assertEquals("ship", charge.skipUntil());
    assertEquals(2, charge.resumePosition);
    assertEquals(4, notify.resumePosition, "to the end");
    IllegalArgumentException earlier = assertThrows(IllegalArgumentException.class,
        () -> WorkflowSpec.of(1, "wf", ship, charge));
    assertEquals("step 'charge' of workflow 'wf' resumes at 'ship' after a failure, which is not a later step of the "
        + "workflow", earlier.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WorkflowSpec.of(1, "wf", charge, gift));
    IllegalArgumentException withoutSkip = assertThrows(IllegalArgumentException.class,
        () -> StepSpec.builder("charge").onFailure(StepSpec.OnFailure.CONTINUE).skipUntil("ship").build());
    assertEquals("step 'charge' resumes at 'ship' after a failure, which needs onFailure(SKIP)", withoutSkip.getMessage());
  }

  @Test
  void nullRunOptionsAreRejectedNamingTheWorkflowAndTheFix() {
    WorkflowSpec spec = WorkflowSpec.of(1, "wf-without-options");

    NullPointerException e = assertThrows(NullPointerException.class,
        () -> WorkflowRun.start(spec, null, Container.empty()));

    assertTrue(e.getMessage().contains("'wf-without-options'"), e.getMessage());
    assertTrue(e.getMessage().contains("RunOptions.defaults()"), e.getMessage());
  }

  @Test
  void haltedWithoutAFailedStepIsAnError() {
    WorkflowRun run = WorkflowRun.start(WorkflowSpec.of(1, "never-halted"), RunOptions.defaults(), Container.empty());
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.halted(null));
      assertTrue(e.getMessage().contains("'never-halted'"), e.getMessage());
    } finally {
      run.done(null); // leaves the MDC as it was
    }
  }

  @Test
  void aChildHaltedWithoutAFailedStepIsAnErrorThatSaysItIsAChild() {
    StepSpec ship = StepSpec.of("ship", 0);
    WorkflowRun parent = WorkflowRun.start(WorkflowSpec.of(1, "order", ship), RunOptions.defaults(), Container.empty());
    try {
      String message = parent.valueStep(ship, ctx -> {
        WorkflowRun child = WorkflowRun.startChild(WorkflowSpec.of(1, "never-halted"), ctx, Container.empty());
        try {
          return assertThrows(IllegalStateException.class, () -> child.childFailed(null)).getMessage();
        } finally {
          child.childDone(null); // ends the child, as a generated runner would
        }
      }, null);
      assertEquals("child workflow 'never-halted' was not halted by a failed step", message);
    } finally {
      parent.done(null); // leaves the MDC as it was
    }
  }

  @Test
  void aStepIsFoundByItsNameWhenTheRunnerHoldsAnotherSpecOfItAndAStepOfNoWorkflowIsRefused() {
    StepSpec reserve = StepSpec.of("reserve", 0);
    StepSpec charge = StepSpec.of("charge", 0);
    WorkflowSpec spec = WorkflowSpec.of(1, "order", reserve, charge);

    assertEquals(1, spec.position(charge));
    assertEquals(1, spec.position(StepSpec.of("charge", 2)), "a spec of the same name, made elsewhere");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> spec.position(StepSpec.of("ship", 0)));
    assertEquals("step 'ship' is not a step of workflow 'order' " + spec.steps() + "; the runner and its WorkflowSpec "
        + "disagree: generate the runner again with this version of Stepwise", e.getMessage());
    StepSpec third = StepSpec.of("ship", 0);
    WorkflowSpec.of(1, "longer", StepSpec.of("reserve", 0), StepSpec.of("charge", 0), third); // third's place is 2
    assertThrows(IllegalStateException.class, () -> spec.position(third), "a step placed past the workflow's last");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRunThatDoesNotEndDoneHasAnEmptyResultWhereTheResultTypeIsOptional(boolean optional) {
    StepSpec pay = StepSpec.of("pay", 0);
    WorkflowSpec plain = WorkflowSpec.of(1, "order", pay);
    WorkflowSpec spec = optional ? plain.withOptionalResult() : plain;
    WorkflowRun run = WorkflowRun.start(spec, RunOptions.builder().transactionId("t-1").throwOnError(false).build(),
        Container.empty());
    WorkflowResult<Object> result;
    try {
      result = run.done(run.valueStep(pay, ctx -> {
        throw new IllegalStateException("card declined");
      }, null));
    } catch (WorkflowRun.Halt halt) {
      result = run.halted(halt);
    }

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(optional ? Optional.empty() : null, result.result());
    assertEquals(optional, spec.optionalResult());
  }
}
