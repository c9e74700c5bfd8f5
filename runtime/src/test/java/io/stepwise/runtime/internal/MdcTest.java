package io.stepwise.runtime.internal;

import static io.stepwise.runtime.internal.WorkflowRun.MDC_STEP;
import static io.stepwise.runtime.internal.WorkflowRun.MDC_TRANSACTION_ID;
import static io.stepwise.runtime.internal.WorkflowRun.MDC_WORKFLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * STYLE.md §8: logging with the transaction id, workflow and step in the MDC. The keys are visible
 * inside steps, conditions and compensations, and removed (or restored) afterwards.
 */
class MdcTest {

  /** What the MDC held at one point of a run. */
  record Seen(String where, String transactionId, String workflow, String step, String requestId) {
    static Seen now(String where) {
      return new Seen(where, MDC.get(MDC_TRANSACTION_ID), MDC.get(MDC_WORKFLOW), MDC.get(MDC_STEP), MDC.get("request-id"));
    }
  }

  /** The user's workflow: it looks at the MDC whenever it is called. */
  static final class LoggingWorkflow {
    final List<Seen> seen = new ArrayList<>();

    String reserve(StepContext ctx) {
      seen.add(Seen.now("invoke:" + ctx.stepName()));
      return "reservation";
    }

    void release(String reservation, StepContext ctx) {
      seen.add(Seen.now("compensate:" + ctx.stepName()));
    }

    boolean shouldCheck(StepContext ctx) {
      seen.add(Seen.now("when:" + ctx.stepName()));
      return true;
    }

    void check(StepContext ctx) {
      seen.add(Seen.now("invoke:" + ctx.stepName()));
    }

    void uncheck(StepContext ctx) {
      seen.add(Seen.now("compensate:" + ctx.stepName()));
    }

    String charge(String reservation, boolean fail, StepContext ctx) {
      seen.add(Seen.now("invoke:" + ctx.stepName() + "@" + ctx.attempt()));
      if (fail) {
        throw new IllegalStateException("declined");
      }
      return "charged " + reservation;
    }
  }

  /** Its runner, in the generated shape. */
  static final class LoggingWorkflowRunner {
    static final StepSpec RESERVE = StepSpec.of("reserve", 0);
    static final StepSpec CHECK = StepSpec.of("check", 0);
    static final StepSpec CHARGE = StepSpec.of("charge", 1);
    static final WorkflowSpec SPEC = WorkflowSpec.of(1, "logging", RESERVE, CHECK, CHARGE);

    final LoggingWorkflow workflow;

    LoggingWorkflowRunner(LoggingWorkflow workflow) {
      this.workflow = workflow;
    }

    WorkflowResult<String> run(Boolean fail, RunOptions options) {
      WorkflowRun run = WorkflowRun.start(SPEC, options, Container.empty());
      try {
        String reserve = run.<String>valueStep(RESERVE, ctx -> workflow.reserve(ctx), (c, ctx) -> workflow.release(c, ctx));
        run.voidStep(CHECK, ctx -> workflow.shouldCheck(ctx), ctx -> workflow.check(ctx), ctx -> workflow.uncheck(ctx));
        String charge = run.<String>valueStep(CHARGE, ctx -> workflow.charge(reserve, fail, ctx), null);
        return run.done(charge);
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    }
  }

  /** A workflow whose step runs another workflow (a sub-workflow), then looks at the MDC again. */
  static final class OuterWorkflow {
    final LoggingWorkflowRunner inner;
    final List<Seen> seen = new ArrayList<>();

    OuterWorkflow(LoggingWorkflowRunner inner) {
      this.inner = inner;
    }

    String callInner(boolean innerFails, StepContext ctx) {
      seen.add(Seen.now("before-inner"));
      WorkflowResult<String> result = inner.run(innerFails, RunOptions.builder().transactionId("inner-tx").build());
      seen.add(Seen.now("after-inner"));
      return result.result();
    }

    void undoCallInner(String result, StepContext ctx) {
      seen.add(Seen.now("compensate:" + ctx.stepName()));
    }

    void fail(StepContext ctx) {
      seen.add(Seen.now("invoke:" + ctx.stepName()));
      throw new IllegalStateException("outer fails");
    }
  }

  static final class OuterWorkflowRunner {
    static final StepSpec CALL_INNER = StepSpec.of("call-inner", 0);
    static final StepSpec FAIL = StepSpec.of("fail", 0);
    static final WorkflowSpec SPEC = WorkflowSpec.of(1, "outer", CALL_INNER, FAIL);

    final OuterWorkflow workflow;

    OuterWorkflowRunner(OuterWorkflow workflow) {
      this.workflow = workflow;
    }

    WorkflowResult<String> run(Boolean innerFails, RunOptions options) {
      WorkflowRun run = WorkflowRun.start(SPEC, options, Container.empty());
      try {
        String callInner = run.<String>valueStep(CALL_INNER,
            ctx -> workflow.callInner(innerFails, ctx), (c, ctx) -> workflow.undoCallInner(c, ctx));
        run.voidStep(FAIL, ctx -> workflow.fail(ctx), null);
        return run.done(callInner);
      } catch (WorkflowRun.Halt halt) {
        return run.halted(halt);
      }
    }
  }

  @BeforeEach
  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void theMdcIsReallyBacked() {
    MDC.put("probe", "value");
    assertEquals("value", MDC.get("probe"), "the tests need an slf4j binding with a real MDC");
  }

  @Test
  void keysAreSetInStepsConditionsAndCompensationsAndRemovedAfterwards() {
    LoggingWorkflow workflow = new LoggingWorkflow();
    MDC.put("request-id", "req-1");

    WorkflowResult<String> result = new LoggingWorkflowRunner(workflow)
        .run(true, RunOptions.builder().transactionId("tx-mdc").throwOnError(false).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        new Seen("invoke:reserve", "tx-mdc", "logging", "reserve", "req-1"),
        new Seen("when:check", "tx-mdc", "logging", "check", "req-1"),
        new Seen("invoke:check", "tx-mdc", "logging", "check", "req-1"),
        new Seen("invoke:charge@1", "tx-mdc", "logging", "charge", "req-1"),
        new Seen("invoke:charge@2", "tx-mdc", "logging", "charge", "req-1"),
        new Seen("compensate:check", "tx-mdc", "logging", "check", "req-1"),
        new Seen("compensate:reserve", "tx-mdc", "logging", "reserve", "req-1")), workflow.seen);
    assertNull(MDC.get(MDC_TRANSACTION_ID));
    assertNull(MDC.get(MDC_WORKFLOW));
    assertNull(MDC.get(MDC_STEP));
    assertEquals("req-1", MDC.get("request-id"), "keys that are not the runtime's are left alone");
    assertEquals(Map.of("request-id", "req-1"), MDC.getCopyOfContextMap());
  }

  /** A runner's runAsync: {@code AsyncRuns.supply(options, runs, () -> run(input, options))}, as generated. */
  @Test
  void runAsyncCarriesTheCallersKeysToTheExecutorsThreadAndLeavesNoneThere() throws Exception {
    LoggingWorkflow workflow = new LoggingWorkflow();
    LoggingWorkflowRunner runner = new LoggingWorkflowRunner(workflow);
    java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      RunOptions options = RunOptions.builder().transactionId("tx-async").executor(executor).build();
      // start the executor's thread now: a thread inherits the MDC of the thread that creates it
      executor.submit(() -> { }).get(5, java.util.concurrent.TimeUnit.SECONDS);
      MDC.put("request-id", "req-2");
      WorkflowResult<String> result = AsyncRuns.supply(options, new RunRegistry(), () -> runner.run(false, options))
          .get(5, java.util.concurrent.TimeUnit.SECONDS);

      assertEquals(WorkflowStatus.DONE, result.status());
      assertEquals(new Seen("invoke:reserve", "tx-async", "logging", "reserve", "req-2"), workflow.seen.get(0));
      assertEquals(Map.of("request-id", "req-2"), MDC.getCopyOfContextMap(), "the caller's own MDC is untouched");
      Map<String, String> left = executor.submit(MDC::getCopyOfContextMap).get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(left == null || left.isEmpty(), "the run left " + left + " on the executor's thread");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void keysAreRemovedAfterADoneRunWithAFreshTransactionId() {
    LoggingWorkflow workflow = new LoggingWorkflow();

    WorkflowResult<String> result = new LoggingWorkflowRunner(workflow).run(false, RunOptions.defaults());

    assertEquals("charged reservation", result.result());
    assertEquals(result.transactionId(), workflow.seen.get(0).transactionId());
    assertEquals(4, workflow.seen.size());
    assertMdcEmpty();
  }

  @Test
  void keysAreRemovedWhenTheRunThrows() {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> new LoggingWorkflowRunner(new LoggingWorkflow()).run(true, RunOptions.defaults()));

    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertNull(MDC.get(MDC_TRANSACTION_ID));
    assertNull(MDC.get(MDC_WORKFLOW));
    assertNull(MDC.get(MDC_STEP));
  }

  @Test
  void valuesThatWereThereBeforeTheRunAreRestored() {
    MDC.put(MDC_TRANSACTION_ID, "caller-tx");
    MDC.put(MDC_WORKFLOW, "caller-workflow");
    MDC.put(MDC_STEP, "caller-step");

    new LoggingWorkflowRunner(new LoggingWorkflow()).run(false, RunOptions.defaults());
    assertEquals("caller-tx", MDC.get(MDC_TRANSACTION_ID));
    assertEquals("caller-workflow", MDC.get(MDC_WORKFLOW));
    assertEquals("caller-step", MDC.get(MDC_STEP));

    assertThrows(WorkflowFailedException.class,
        () -> new LoggingWorkflowRunner(new LoggingWorkflow()).run(true, RunOptions.defaults()));
    assertEquals("caller-tx", MDC.get(MDC_TRANSACTION_ID));
    assertEquals("caller-workflow", MDC.get(MDC_WORKFLOW));
    assertEquals("caller-step", MDC.get(MDC_STEP));
  }

  @Test
  void aSubWorkflowRestoresTheOuterStepsKeys() {
    LoggingWorkflow innerWorkflow = new LoggingWorkflow();
    OuterWorkflow outer = new OuterWorkflow(new LoggingWorkflowRunner(innerWorkflow));

    WorkflowResult<String> result = new OuterWorkflowRunner(outer)
        .run(false, RunOptions.builder().transactionId("outer-tx").throwOnError(false).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        new Seen("invoke:reserve", "inner-tx", "logging", "reserve", null),
        new Seen("when:check", "inner-tx", "logging", "check", null),
        new Seen("invoke:check", "inner-tx", "logging", "check", null),
        new Seen("invoke:charge@1", "inner-tx", "logging", "charge", null)), innerWorkflow.seen);
    assertEquals(List.of(
        new Seen("before-inner", "outer-tx", "outer", "call-inner", null),
        new Seen("after-inner", "outer-tx", "outer", "call-inner", null),
        new Seen("invoke:fail", "outer-tx", "outer", "fail", null),
        new Seen("compensate:call-inner", "outer-tx", "outer", "call-inner", null)), outer.seen);
    assertMdcEmpty();
  }

  @Test
  void aFailingSubWorkflowRestoresTheOuterStepsKeysToo() {
    LoggingWorkflow innerWorkflow = new LoggingWorkflow();
    OuterWorkflow outer = new OuterWorkflow(new LoggingWorkflowRunner(innerWorkflow));

    WorkflowResult<String> result = new OuterWorkflowRunner(outer)
        .run(true, RunOptions.builder().transactionId("outer-tx").throwOnError(false).build());

    // the inner run threw WorkflowFailedException out of the outer step, which failed
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("call-inner", result.errors().get(0).step());
    WorkflowFailedException inner = (WorkflowFailedException) result.errors().get(0).cause();
    assertEquals("inner-tx", inner.result().transactionId());
    assertEquals(List.of(
        new Seen("compensate:check", "inner-tx", "logging", "check", null),
        new Seen("compensate:reserve", "inner-tx", "logging", "reserve", null)),
        innerWorkflow.seen.subList(innerWorkflow.seen.size() - 2, innerWorkflow.seen.size()));
    assertEquals(List.of(new Seen("before-inner", "outer-tx", "outer", "call-inner", null)), outer.seen);
    assertMdcEmpty();
  }

  static void assertMdcEmpty() {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    assertTrue(mdc == null || mdc.isEmpty(), () -> "MDC after the run: " + mdc);
  }
}
