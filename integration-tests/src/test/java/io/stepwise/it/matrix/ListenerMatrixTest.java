package io.stepwise.it.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a {@link io.stepwise.runtime.WorkflowListener} hears, event by event, on both paths: attempts,
 * retries, permanent failures, compensations retried or failed for good, timeouts. (Conditions,
 * tolerated failures, children and cancels are heard in their own matrix tests.)
 */
class ListenerMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aRetriedStepIsHeardBeginningAndFailingEachAttemptWithItsPauseAndSucceedingOnce(Path path) {
    Probe p = new Probe(path).fail("flaky", 2);
    RetryWorkflows.runner(path).run(p);

    assertEquals(List.of("run-begin retries", "step first#1", "ok first#1", "step flaky#1",
        "retry flaky#1 IllegalStateException 20ms", "step flaky#2", "retry flaky#2 IllegalStateException 40ms",
        "step flaky#3", "ok flaky#3", "step last#1", "ok last#1", "finish retries DONE"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailedStepIsHeardOnceAfterItsRetriesThenEachCompensationOnTheAttemptItSucceeded(Path path) {
    Probe p = new Probe(path).failAlways("last").fail("undo flaky", 1);
    RetryWorkflows.runner(path).run(p);

    assertEquals(List.of("run-begin retries", "step first#1", "ok first#1", "step flaky#1", "ok flaky#1",
        "step last#1", "retry last#1 IllegalStateException 0ms", "step last#2", "failed last#2 IllegalStateException",
        "compensate retries", "undone flaky#2", "undone first#1", "finish retries REVERTED"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCompensationThatFailsForGoodIsHeardOnItsLastAttempt(Path path) {
    Probe p = new Probe(path).failAlways("last").failAlways("undo flaky");
    RetryWorkflows.runner(path).run(p);

    assertEquals(List.of("run-begin retries", "step first#1", "ok first#1", "step flaky#1", "ok flaky#1",
        "step last#1", "retry last#1 IllegalStateException 0ms", "step last#2", "failed last#2 IllegalStateException",
        "compensate retries", "undo-failed flaky#4 IllegalStateException", "undone first#1", "finish retries FAILED"),
        p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aPermanentFailureWithPartialWorkIsHeardFailingThenItsOwnCompensationFirst(Path path) {
    Probe p = new Probe(path).permanentFailure("charge", "card declined", "hold-7");
    PermanentWorkflows.runner(path).run(p);

    assertEquals(List.of("run-begin permanent", "step reserve#1", "ok reserve#1", "step charge#1",
        "failed charge#1 PermanentStepFailureException", "compensate permanent", "undone charge#1", "undone reserve#1",
        "finish permanent REVERTED"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void anAttemptThatTimedOutIsHeardFailingAndRetried(Path path) {
    Probe p = new Probe(path).hang("slow", 1);
    try {
      TimeoutWorkflows.runner(path).run(p);
    } finally {
      p.release();
    }

    assertEquals(List.of("run-begin timeouts", "step book#1", "ok book#1", "step slow#1",
        "retry slow#1 StepTimeoutException 0ms", "step slow#2", "ok slow#2", "step ship#1", "ok ship#1",
        "finish timeouts DONE"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aListenerThatThrowsChangesNothingAndTheFinishHearsTheResultTheRunReturns(Path path) {
    WorkflowListener throwing = new WorkflowListener() {
      @Override public void onBegin(WorkflowEvent run) { throw new IllegalStateException("begin"); }
      @Override public void onStepBegin(StepContext step) { throw new IllegalStateException("step"); }
      @Override public void onStepSuccess(StepContext step, Object output) { throw new IllegalStateException("ok"); }
      @Override public void onStepAttemptFailure(StepContext step, Throwable error, Duration pause) {
        throw new IllegalStateException("retry");
      }
      @Override public void onStepFailure(StepContext step, Throwable error) {
        throw new IllegalStateException("failed");
      }
      @Override public void onCompensateBegin(WorkflowEvent run) { throw new IllegalStateException("compensate"); }
      @Override public void onCompensateStepSuccess(StepContext step) { throw new IllegalStateException("undone"); }
      @Override public void onFinish(WorkflowResult<?> result) { throw new IllegalStateException("finish"); }
    };
    AtomicReference<WorkflowResult<?>> finished = new AtomicReference<>();
    WorkflowListener finish = new WorkflowListener() {
      @Override public void onFinish(WorkflowResult<?> result) { finished.set(result); }
    };
    Probe p = new Probe(path).failAlways("last").fail("undo flaky", 1);
    WorkflowResult<String> result = RetryWorkflows.runner(path)
        .run(p, RunOptions.builder().transactionId(p.id).throwOnError(false).listener(throwing).listener(p.events)
            .listener(finish).build());

    assertEquals(List.of("run-begin retries", "step first#1", "ok first#1", "step flaky#1", "ok flaky#1",
        "step last#1", "retry last#1 IllegalStateException 0ms", "step last#2", "failed last#2 IllegalStateException",
        "compensate retries", "undone flaky#2", "undone first#1", "finish retries REVERTED"), p.events.lines());
    assertEquals(List.of("flaky flaky@1", "first first"), p.undone());
    assertSame(result, finished.get());
  }
}
