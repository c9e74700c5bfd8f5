package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.ShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Warmup;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code WorkflowSpec.of(...).withTimeout(ms)}: the step running at the deadline is interrupted and
 * fails with {@link WorkflowTimeoutException}, which is never retried; a run past its deadline starts
 * no further step; compensations are not bounded by the deadline.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkflowTimeoutTest {
  static final long MS = 1_000_000L;

  final Script script = new Script();
  final RecordingListener listener = new RecordingListener();
  final RunOptions options = RunOptions.builder().throwOnError(false).listener(listener).build();

  @BeforeAll
  static void warmUp() {
    Warmup.run();
  }

  @AfterEach
  void noInterruptLeftOnTheCallersThread() {
    assertFalse(Thread.interrupted(), "the run left the caller's thread interrupted");
  }

  @Test
  void theStepRunningAtTheDeadlineIsInterruptedAndNotRetriedAndEarlierStepsAreCompensated() {
    script.onInvoke("charge", Script.sleep(10_000));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 150, StepSpec.of("charge", 3));

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", options);
    long elapsed = System.nanoTime() - start;

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        "invoke:reserve@1",
        "return:reserve@1",
        "invoke:charge@1",
        "throw:charge@1:InterruptedException",
        "compensate:reserve(res-k)@1"), script.events());
    long interruptedAt = script.entry("throw:charge@1:InterruptedException").nanos() - start;
    assertTrue(interruptedAt >= 150 * MS, "interrupted " + interruptedAt / MS + " ms after the start");
    assertTrue(elapsed < 5_000 * MS, "took " + elapsed / MS + " ms");
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    WorkflowTimeoutException timeout = assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals("workflow 'shipping' timed out after 150 ms, in step 'charge'", timeout.getMessage());
    assertSame(timeout, listener.only("step-failure:charge@1:WorkflowTimeoutException").payload());
    assertEquals(List.of("step-begin:charge@1"), listener.lines("step-begin:charge"));
    assertFalse(script.entry("compensate:reserve(res-k)@1").interrupted());
  }

  @Test
  void aTimedOutRunThrowsWithTheTimeoutAsCauseByDefault() {
    script.onInvoke("reserve", Script.sleep(10_000));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 100);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run("k", RunOptions.defaults()));

    assertInstanceOf(WorkflowTimeoutException.class, e.getCause());
    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertEquals(List.of("reserve/INVOKE/1"), describe(e.result().errors()));
    assertEquals(List.of(), script.events("compensate:"));
  }

  @Test
  void aRunPastItsDeadlineBetweenStepsFailsBeforeTheNextStepWithZeroAttempts() {
    // a slow listener: the time it takes is the run's, but no step is running
    WorkflowListener slow = new WorkflowListener() {
      @Override
      public void onStepSuccess(StepContext step, Object output) {
        if (step.stepName().equals("reserve")) {
          long until = System.nanoTime() + 300 * MS;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        }
      }
    };
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 200, StepSpec.of("charge", 3));

    WorkflowResult<String> result = runner.run("k",
        RunOptions.builder().throwOnError(false).listener(slow).listener(listener).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:reserve@1", "compensate:reserve(res-k)@1"), script.events("invoke:", "compensate:"));
    assertEquals(List.of("charge/INVOKE/0"), describe(result.errors()));
    WorkflowTimeoutException timeout = assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertEquals("workflow 'shipping' timed out after 200 ms, before step 'charge'", timeout.getMessage());
    assertEquals(List.of(), listener.lines("step-begin:charge"));
  }

  @Test
  void aSlowConditionTakesTheRunPastItsDeadlineBeforeItsStep() {
    StepSpec reserveSpec = StepSpec.of("reserve", 0);
    StepSpec chargeSpec = StepSpec.of("charge", 2);
    WorkflowSpec spec = WorkflowSpec.of(1, "slow-condition", reserveSpec, chargeSpec).withTimeout(200);

    // the shape generated for a @When step, with a condition that takes 300 ms
    WorkflowRun run = WorkflowRun.start(spec, options, Container.empty());
    WorkflowResult<String> result;
    try {
      String reserve = run.<String>valueStep(reserveSpec,
          ctx -> script.invoke("reserve", ctx, "r"), (c, ctx) -> script.compensate("reserve", c, ctx));
      Optional<String> charge = run.<String>valueStep(chargeSpec, ctx -> {
        Thread.sleep(300);
        return script.condition("charge", true, ctx);
      }, ctx -> script.invoke("charge", ctx, "c-" + reserve), null);
      result = run.done(charge.orElse("none"));
    } catch (WorkflowRun.Halt halt) {
      result = run.halted(halt);
    }

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:reserve@1", "return:reserve@1", "when:charge=true", "compensate:reserve(r)@1"),
        script.events());
    assertEquals(List.of("charge/INVOKE/0"), describe(result.errors()));
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
  }

  @Test
  void aStepTimeoutShorterThanWhatIsLeftFailsTheAttemptWithStepTimeoutAndIsRetried() {
    script.onInvoke("charge", ctx -> {
      if (ctx.attempt() == 1) {
        Thread.sleep(10_000);
      }
      return null;
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 5_000,
        StepSpec.builder("charge").timeout(50).maxRetries(1).build());

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("invoke:charge@1", "invoke:charge@2"), script.events("invoke:charge"));
  }

  @Test
  void aDeadlineShorterThanTheStepTimeoutFailsTheStepWithWorkflowTimeout() {
    script.onInvoke("charge", Script.sleep(10_000));
    // 1 s: long enough for reserve to end before it on a loaded machine, still far shorter than charge's 5 s
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 1_000,
        StepSpec.builder("charge").timeout(5_000).maxRetries(2).build());

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
  }

  @Test
  void aStepTimeoutExpiringAtTheSameTimeAsTheWorkflowIsAStepTimeout() {
    script.onInvoke("reserve", Script.sleep(10_000));
    // the workflow has a little less than 5 s left when reserve starts: the step's own 200 ms come first
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 5_000,
        StepSpec.builder("reserve").timeout(200).build());

    WorkflowResult<String> result = runner.run("k", options);

    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
  }

  @Test
  void compensationsAreNotBoundedByTheWorkflowTimeout() {
    script.onInvoke("charge", Script.sleep(10_000));
    script.onCompensate("reserve", Script.sleep(300)); // runs past the deadline; an interrupt would fail it
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 200);

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", options);
    long elapsed = System.nanoTime() - start;

    assertEquals(WorkflowStatus.REVERTED, result.status(), () -> result.errors().toString());
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of(), script.events("compensate-throw:"));
    assertTrue(elapsed >= 500 * MS, "took " + elapsed / MS + " ms");
  }

  @Test
  void aRetryPauseDoesNotOutlastTheDeadline() {
    script.onInvoke("charge", Script.failAlways());
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 200,
        StepSpec.builder("charge").maxRetries(3).retryInterval(3_000).build());

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", options);
    long elapsed = System.nanoTime() - start;

    assertTrue(elapsed < 2_000 * MS, "the run outlasted its 200 ms timeout by a 3 s retry pause: "
        + elapsed / MS + " ms");
    assertTrue(elapsed >= 200 * MS, "took " + elapsed / MS + " ms");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:charge@1"), script.events("invoke:charge")); // no attempt after the deadline
    // the step failed with its last attempt's exception; the deadline only stopped the retries
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    assertSame(script.thrown("charge").get(0), result.errors().get(0).cause());
    assertEquals(List.of("compensate:reserve(res-k)@1"), script.events("compensate:"));
  }

  @Test
  void aRunThatFinishesInTimeIsDoneAndLeavesNoAlarmBehind() throws InterruptedException {
    ShippingWorkflowRunner.create(new Script()).run("warm-up", RunOptions.defaults()); // class loading is not the point
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.withTimeout(script, 300);

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", options);
    long pastDeadline = start + 400 * MS - System.nanoTime();
    if (pastDeadline > 0) {
      Thread.sleep(pastDeadline / MS + 1); // an alarm left behind would interrupt this sleep
    }

    assertEquals(WorkflowStatus.DONE, result.status(), () -> result.errors().toString());
    assertEquals("shipped k with charge-reservation-k", result.result());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void withTimeoutMakesANewSpecAndRejectsNegativeValues() {
    WorkflowSpec spec = WorkflowSpec.of(1, "w", StepSpec.of("a", 0));
    WorkflowSpec timed = spec.withTimeout(250);

    assertEquals(0, spec.timeoutMillis());
    assertEquals(250, timed.timeoutMillis());
    assertEquals("w", timed.name());
    assertEquals(spec.steps(), timed.steps());
    assertEquals(0, timed.withTimeout(0).timeoutMillis());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec.withTimeout(-1));
    assertTrue(e.getMessage().contains("'w'"), e.getMessage());
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }
}
