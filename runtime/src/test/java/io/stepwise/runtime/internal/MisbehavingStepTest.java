package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.Probe;
import io.stepwise.runtime.fixtures.Probe.Fault;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Confirmation;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.RestockOrderWorkflowRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Steps that break the contract, or fail in unusual ways: the failure is recorded, never lost. */
class MisbehavingStepTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();

  final Probe probe = new Probe();
  final RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void nullStepResponseFailsTheStepWithAMessageNamingIt() {
    probe.fault("create-items", Fault.RETURN_NULL);

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("create-items", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    String message = error.cause().getMessage();
    assertTrue(message.contains("step 'create-items' returned null"), message);
    assertTrue(message.contains("StepResponse"), message);
  }

  @Test
  void nullStepResponseIsAProgrammingErrorAndNotRetried() {
    probe.fault("create-items", Fault.RETURN_NULL); // maxRetries = 2

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:create-order@1", "invoke:create-items@1"), probe.events("invoke:"));
    assertEquals(1, result.errors().get(0).attempts());
  }

  @Test
  void nullStepResponseThrowsByDefault() {
    probe.fault("create-order", Fault.RETURN_NULL);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.run(ACME));

    assertTrue(e.getCause().getMessage().contains("'create-order'"), e.getCause().getMessage());
    assertTrue(e.getMessage().contains("'create-order'"), e.getMessage());
  }

  @Test
  void checkedExceptionFromAStepIsItsCauseAsIs() {
    StepSpec read = StepSpec.of("read-file", 1);
    WorkflowSpec spec = WorkflowSpec.of(1, "io", read);
    IOException ioe = new IOException("disk gone");
    List<Integer> attempts = new ArrayList<>();

    WorkflowRun run = WorkflowRun.start(spec, NO_THROW, Container.empty());
    WorkflowResult<String> result;
    try {
      String text = run.<String>valueStep(read, ctx -> {
        attempts.add(ctx.attempt());
        throw ioe;
      }, null);
      result = run.done(text);
    } catch (WorkflowRun.Halt halt) {
      result = run.halted(halt);
    }

    assertEquals(List.of(1, 2), attempts);
    assertSame(ioe, result.errors().get(0).cause());
    assertEquals(2, result.errors().get(0).attempts());
  }

  @Test
  void interruptedStepIsNotRetriedAndTheInterruptIsKept() {
    StepSpec slow = StepSpec.of("slow", 5);
    WorkflowSpec spec = WorkflowSpec.of(1, "interrupts", slow);
    List<Integer> attempts = new ArrayList<>();

    WorkflowRun run = WorkflowRun.start(spec, NO_THROW, Container.empty());
    WorkflowResult<Void> result;
    try {
      run.voidStep(slow, ctx -> {
        attempts.add(ctx.attempt());
        throw new InterruptedException("shutting down");
      }, null);
      result = run.done(null);
    } catch (WorkflowRun.Halt halt) {
      result = run.halted(halt);
    }

    assertEquals(List.of(1), attempts);
    assertTrue(Thread.interrupted(), "the interrupt must be restored for the caller");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertInstanceOf(InterruptedException.class, result.errors().get(0).cause());
  }

  @Test
  void anErrorThatIsNotFatalIsRecordedLikeAnException() {
    StepSpec first = StepSpec.of("first", 0);
    StepSpec broken = StepSpec.of("broken", 0);
    WorkflowSpec spec = WorkflowSpec.of(1, "errors", first, broken);
    List<String> undone = new ArrayList<>();
    AssertionError bug = new AssertionError("a bug in the step");

    WorkflowRun run = WorkflowRun.start(spec, NO_THROW, Container.empty());
    WorkflowResult<Void> result;
    try {
      String one = run.<String>valueStep(first, ctx -> "one", (c, ctx) -> undone.add(c));
      run.voidStep(broken, ctx -> {
        throw bug;
      }, null);
      assertFalse(one.isEmpty());
      result = run.done(null);
    } catch (WorkflowRun.Halt halt) {
      result = run.halted(halt);
    }

    assertEquals(List.of("one"), undone);
    assertSame(bug, result.errors().get(0).cause());
    assertEquals(WorkflowStatus.REVERTED, result.status());
  }

  @Test
  void aStepResponseOutputOfNullIsPassedOnAsNull() {
    StepSpec maybe = StepSpec.of("maybe", 0);
    WorkflowSpec spec = WorkflowSpec.of(1, "nulls", maybe);
    List<Object> compensated = new ArrayList<>();

    WorkflowRun run = WorkflowRun.start(spec, NO_THROW, Container.empty());
    String out = run.<String, String>step(maybe, ctx -> new StepResponse<>(null, "undo-me"), (c, ctx) -> compensated.add(c));
    WorkflowResult<String> result = run.done(out);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(null, result.result());
    assertEquals(List.of(), compensated);
  }
}
