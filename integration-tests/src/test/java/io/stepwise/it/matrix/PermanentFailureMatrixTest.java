package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code permanentFailure} on both paths: no retry (although "charge" has maxRetries 2), the failed
 * step's own compensation only for partial work it handed over, first; compensation inputs apart
 * from outputs.
 */
class PermanentFailureMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aPermanentFailureIsNotRetriedAndTheFailedStepIsNotCompensated(Path path) {
    Probe p = new Probe(path).permanentFailure("charge", "card declined");
    WorkflowResult<String> result = PermanentWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge INVOKE 1 PermanentStepFailureException: card declined"), errors(result));
    assertEquals(List.of("reserve#1", "charge#1"), p.calls());
    assertEquals(List.of("reserve reservation"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void partialWorkOfAPermanentFailureIsCompensatedFirstWithItsInput(Path path) {
    Probe p = new Probe(path).permanentFailure("charge", "card declined", "hold-7");
    WorkflowResult<String> result = PermanentWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge INVOKE 1 PermanentStepFailureException: card declined"), errors(result));
    assertEquals(List.of("charge hold-7", "reserve reservation"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aThrownPermanentStepFailureExceptionIsNotRetriedEither(Path path) {
    Probe p = new Probe(path).refuse("charge");
    WorkflowResult<String> result = PermanentWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge INVOKE 1 PermanentStepFailureException: charge refused"), errors(result));
    assertEquals(List.of("reserve#1", "charge#1"), p.calls());
    assertEquals(List.of("reserve reservation"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void laterStepsGetTheOutputAndTheCompensationGetsTheCompensationInput(Path path) {
    Probe p = new Probe(path);
    assertEquals("shipped with payment", PermanentWorkflows.runner(path).run(p).result());

    Probe failing = new Probe(path).failAlways("ship");
    WorkflowResult<String> result = PermanentWorkflows.runner(path).run(failing);
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("ship INVOKE 1 IllegalStateException: ship failed on attempt 1"), errors(result));
    assertEquals(List.of("charge payment-id", "reserve reservation"), failing.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aNullResponseFailsTheStepWithoutARetry(Path path) {
    Probe p = new Probe(path).respondNull("charge");
    WorkflowResult<String> result = PermanentWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge INVOKE 1 IllegalStateException: step 'charge' returned null instead of a StepResponse;"
        + " return new StepResponse<>(output) or StepResponse.permanentFailure(message)"), errors(result));
    assertEquals(List.of("reserve#1", "charge#1"), p.calls());
    assertEquals(List.of("reserve reservation"), p.undone());
  }
}
