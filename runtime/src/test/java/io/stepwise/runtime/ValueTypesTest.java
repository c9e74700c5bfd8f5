package io.stepwise.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The immutable value types of the public API: StepError, WorkflowResult, StepResponse, WorkflowFailedException. */
class ValueTypesTest {

  static void assertImmutable(Class<?> type) {
    assertTrue(Modifier.isFinal(type.getModifiers()), type + " must be final");
    for (Field field : type.getDeclaredFields()) {
      if (!field.isSynthetic()) {
        assertTrue(Modifier.isFinal(field.getModifiers()), field + " must be final");
        assertTrue(Modifier.isPrivate(field.getModifiers()), field + " must be private");
      }
    }
  }

  @Test
  void valueTypesAreImmutable() {
    assertImmutable(StepError.class);
    assertImmutable(WorkflowResult.class);
    assertImmutable(StepResponse.class);
    assertImmutable(RunOptions.class);
  }

  @Test
  void stepErrorKeepsItsValues() {
    RuntimeException cause = new RuntimeException("boom");
    StepError error = new StepError("charge", StepPhase.COMPENSATE, cause, 3);

    assertEquals("charge", error.step());
    assertEquals(StepPhase.COMPENSATE, error.phase());
    assertSame(cause, error.cause());
    assertEquals(3, error.attempts());
    assertTrue(error.toString().contains("charge"), error.toString());
    assertTrue(error.toString().contains("COMPENSATE"), error.toString());
  }

  @Test
  void stepErrorRejectsMissingValues() {
    RuntimeException cause = new RuntimeException();
    assertThrows(NullPointerException.class, () -> new StepError(null, StepPhase.INVOKE, cause, 1));
    assertThrows(NullPointerException.class, () -> new StepError("s", null, cause, 1));
    assertThrows(NullPointerException.class, () -> new StepError("s", StepPhase.INVOKE, null, 1));
    assertThrows(IllegalArgumentException.class, () -> new StepError("s", StepPhase.INVOKE, cause, -1));
    assertEquals(0, new StepError("s", StepPhase.INVOKE, cause, 0).attempts(), "0: never started (cancelled, timed out)");
  }

  @Test
  void workflowResultCopiesItsErrorsAndTheyCannotBeChanged() {
    StepError first = new StepError("a", StepPhase.INVOKE, new RuntimeException(), 1);
    List<StepError> errors = new ArrayList<>(List.of(first));
    WorkflowResult<String> result = new WorkflowResult<>("wf", "tx", WorkflowStatus.REVERTED, null, errors);

    errors.add(new StepError("b", StepPhase.COMPENSATE, new RuntimeException(), 1));
    errors.clear();

    assertEquals(List.of(first), result.errors());
    assertThrows(UnsupportedOperationException.class, () -> result.errors().add(first));
    assertThrows(UnsupportedOperationException.class, () -> result.errors().set(0, first));
    assertThrows(UnsupportedOperationException.class, () -> result.errors().clear());
    assertEquals(List.of(first), result.errors());
  }

  @Test
  void workflowResultKeepsItsValues() {
    WorkflowResult<String> done = new WorkflowResult<>("wf", "tx-1", WorkflowStatus.DONE, "value", List.of());

    assertEquals("wf", done.workflowName());
    assertEquals("tx-1", done.transactionId());
    assertEquals(WorkflowStatus.DONE, done.status());
    assertTrue(done.isDone());
    assertEquals("value", done.result());
    assertEquals(List.of(), done.errors());
    assertFalse(new WorkflowResult<>("wf", "tx", WorkflowStatus.FAILED, null, List.of()).isDone());
    assertFalse(new WorkflowResult<>("wf", "tx", WorkflowStatus.REVERTED, null, List.of()).isDone());
    assertEquals("WorkflowResult{workflow=wf, transactionId=tx-1, status=DONE, result=value, errors=[]}",
        done.toString());
  }

  @Test
  void workflowResultRejectsMissingValues() {
    assertThrows(NullPointerException.class, () -> new WorkflowResult<>(null, "tx", WorkflowStatus.DONE, 1, List.of()));
    assertThrows(NullPointerException.class, () -> new WorkflowResult<>("wf", null, WorkflowStatus.DONE, 1, List.of()));
    assertThrows(NullPointerException.class, () -> new WorkflowResult<>("wf", "tx", null, 1, List.of()));
    assertThrows(NullPointerException.class, () -> new WorkflowResult<>("wf", "tx", WorkflowStatus.DONE, 1, null));
  }

  @Test
  void oneArgumentStepResponseUsesItsOutputAsCompensationInput() {
    List<String> items = List.of("i1", "i2");
    StepResponse<List<String>, List<String>> response = new StepResponse<>(items);

    assertSame(items, response.output());
    assertSame(items, response.compensationInput());
    assertFalse(response.isPermanentFailure());
    assertFalse(response.compensatesFailure());
    assertEquals(Optional.empty(), response.failureMessage());
  }

  @Test
  void twoArgumentStepResponseKeepsBoth() {
    StepResponse<String, Integer> response = new StepResponse<>("order", 7);

    assertEquals("order", response.output());
    assertEquals(7, response.compensationInput());
    assertFalse(response.isPermanentFailure());
  }

  @Test
  void permanentFailureWithoutInputDoesNotCompensateTheFailingStep() {
    StepResponse<String, String> response = StepResponse.permanentFailure("out of stock");

    assertTrue(response.isPermanentFailure());
    assertFalse(response.compensatesFailure());
    assertEquals(Optional.of("out of stock"), response.failureMessage());
    assertNull(response.output());
    assertNull(response.compensationInput());
  }

  @Test
  void permanentFailureWithInputCompensatesTheFailingStep() {
    StepResponse<String, String> response = StepResponse.permanentFailure("half done", "partial-1");

    assertTrue(response.isPermanentFailure());
    assertTrue(response.compensatesFailure());
    assertEquals(Optional.of("half done"), response.failureMessage());
    assertNull(response.output());
    assertEquals("partial-1", response.compensationInput());
  }

  @Test
  void permanentFailureNeedsAMessage() {
    assertThrows(NullPointerException.class, () -> StepResponse.permanentFailure(null));
    assertThrows(NullPointerException.class, () -> StepResponse.permanentFailure(null, "x"));
  }

  @Test
  void skipHasNoOutputNoCompensationInputAndMaybeAReason() {
    StepResponse<String, String> plain = StepResponse.skip();
    StepResponse<String, String> because = StepResponse.skip("no coupon");

    assertTrue(plain.isSkip());
    assertFalse(plain.isPermanentFailure());
    assertNull(plain.output());
    assertNull(plain.compensationInput());
    assertEquals(Optional.empty(), plain.skipReason());
    assertEquals("StepResponse.skip()", plain.toString());
    assertEquals(Optional.of("no coupon"), because.skipReason());
    assertEquals("StepResponse.skip(no coupon)", because.toString());
    assertFalse(new StepResponse<>("order").isSkip());
    assertFalse(StepResponse.permanentFailure("out of stock").isSkip());
    assertThrows(NullPointerException.class, () -> StepResponse.skip(null));
  }

  @Test
  void workflowFailedExceptionCarriesResultAndCause() {
    RuntimeException cause = new RuntimeException("boom");
    WorkflowResult<String> result = new WorkflowResult<>("wf", "tx", WorkflowStatus.REVERTED, null,
        List.of(new StepError("s", StepPhase.INVOKE, cause, 1)));

    WorkflowFailedException e = new WorkflowFailedException("failed", result, cause);

    assertSame(result, e.result());
    assertSame(cause, e.getCause());
    assertEquals("failed", e.getMessage());
    assertTrue(RuntimeException.class.isAssignableFrom(WorkflowFailedException.class), "unchecked");
  }
}
