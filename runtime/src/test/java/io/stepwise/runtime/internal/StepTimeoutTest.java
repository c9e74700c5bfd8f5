package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.ShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Warmup;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code StepSpec.builder(name).timeout(ms)}: an attempt that runs longer is interrupted, fails with
 * {@link StepTimeoutException}, and is retried like any failure; what it returns late is discarded,
 * and the interrupt never outlives the attempt.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StepTimeoutTest {
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

  static StepSpec charge(long timeoutMillis, int maxRetries) {
    return StepSpec.builder("charge").timeout(timeoutMillis).maxRetries(maxRetries).build();
  }

  @Test
  void aStepBlockedInSleepIsInterruptedAtItsTimeoutAndFailsWithStepTimeoutException() {
    script.onInvoke("charge", Script.sleep(10_000));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(100, 0));

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        "invoke:reserve@1",
        "return:reserve@1",
        "invoke:charge@1",
        "throw:charge@1:InterruptedException",
        "compensate:reserve(res-k)@1"), script.events());
    // from a point before the runtime starts charge's clock (reserve returning) to the interrupt
    long blocked = script.entry("throw:charge@1:InterruptedException").nanos() - script.entry("return:reserve@1").nanos();
    assertTrue(blocked >= 100 * MS, "interrupted after " + blocked / MS + " ms, before the timeout");
    assertTrue(blocked < 5_000 * MS, "interrupted after " + blocked / MS + " ms");
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    StepTimeoutException timeout = assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertEquals("step 'charge' timed out after 100 ms on attempt 1", timeout.getMessage());
    assertSame(timeout, listener.only("step-failure:charge@1:StepTimeoutException").payload());
    assertFalse(script.entry("compensate:reserve(res-k)@1").interrupted(), "the compensation ran interrupted");
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void aStepBlockedOnALatchIsInterruptedAndRetriedAndTheSecondAttemptSucceeds() {
    CountDownLatch never = new CountDownLatch(1);
    script.onInvoke("charge", ctx -> {
      if (ctx.attempt() == 1) {
        Script.await(never);
      }
      return null;
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(80, 1));

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k with charge-reservation-k", result.result());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("invoke:charge@1", "throw:charge@1:InterruptedException", "invoke:charge@2",
        "return:charge@2"), script.events("invoke:charge", "throw:charge", "return:charge"));
    assertFalse(script.entry("invoke:charge@2").interrupted(), "the retry started with the interrupt still set");
    assertFalse(script.entry("invoke:ship@1").interrupted(), "the next step started with the interrupt still set");
    assertEquals(List.of("step-begin:charge@1", "step-attempt-failure:charge@1:StepTimeoutException",
        "step-begin:charge@2", "step-success:charge@2=charge-reservation-k"),
        listener.lines("step-").stream().filter(l -> l.contains(":charge@")).toList());
  }

  @Test
  void whatATimedOutStepReturnsLateIsDiscarded() {
    script.onInvoke("charge", ctx -> {
      if (ctx.attempt() == 1) {
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          return "late-charge"; // swallows the interrupt and returns as if nothing happened
        }
      }
      return null;
    });
    script.onInvoke("ship", Script.failAlways());
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(80, 1));

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(List.of("return:charge@1", "return:charge@2"), script.events("return:charge"));
    assertEquals(WorkflowStatus.REVERTED, result.status()); // ship fails: charge is compensated once, with attempt 2's output
    assertEquals(List.of("compensate:charge(charge-reservation-k)@1", "compensate:reserve(res-k)@1"),
        script.events("compensate:"));
    assertEquals(List.of("step-success:charge@2=charge-reservation-k"), listener.lines("step-success:charge"));
  }

  @Test
  void aTimedOutStepWithoutRetriesIsNeitherPassedOnNorCompensatedWithItsLateResult() {
    script.onInvoke("charge", ctx -> {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        return "late-charge";
      }
      return null;
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(80, 0));

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("invoke:reserve@1", "invoke:charge@1", "compensate:reserve(res-k)@1"),
        script.events("invoke:", "compensate:"));
    assertEquals(List.of(), listener.lines("step-success:charge"));
  }

  @Test
  void anInterruptTheStepRestoresIsClearedBeforeTheRunGoesOn() {
    script.onInvoke("charge", ctx -> {
      if (ctx.attempt() == 1) {
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // good manners: keep the interrupt status
          throw new IllegalStateException("gave up", e);
        }
      }
      return null;
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(80, 1));

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("throw:charge@1:IllegalStateException"), script.events("throw:"));
    assertFalse(script.entry("invoke:charge@2").interrupted());
    assertFalse(script.entry("invoke:ship@1").interrupted());
  }

  @Test
  void aStepThatIgnoresInterruptsDelaysTheRunUntilItReturnsAndStillFails() {
    AtomicBoolean interruptedWhenDone = new AtomicBoolean();
    script.onInvoke("charge", ctx -> {
      long until = System.nanoTime() + 250 * MS;
      while (System.nanoTime() < until) {
        Thread.onSpinWait(); // never looks at the interrupt
      }
      interruptedWhenDone.set(Thread.currentThread().isInterrupted());
      return "busy-charge";
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(50, 0));

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", options);
    long elapsed = System.nanoTime() - start;

    assertTrue(interruptedWhenDone.get(), "the runtime did not interrupt the step at its timeout");
    assertTrue(elapsed >= 250 * MS, "the run did not wait for the step: " + elapsed / MS + " ms");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    assertEquals("step 'charge' timed out after 50 ms on attempt 1", result.errors().get(0).cause().getMessage());
    assertEquals(List.of("return:charge@1"), script.events("return:charge"));
    assertEquals(List.of("compensate:reserve(res-k)@1"), script.events("compensate:"));
    assertFalse(script.entry("compensate:reserve(res-k)@1").interrupted());
  }

  @Test
  void aStepThatFinishesInTimeIsNotInterruptedLater() {
    script.onInvoke("ship", Script.sleep(300)); // no timeout; an alarm left over from charge would interrupt it
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(100, 0),
        StepSpec.builder("reserve").timeout(100).build());

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(WorkflowStatus.DONE, result.status(), () -> result.errors().toString());
    assertEquals(List.of(), script.events("throw:"));
  }

  @Test
  void aStepThatFailsBeforeItsTimeoutFailsWithItsOwnException() {
    script.onInvoke("charge", Script.failAlways());
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(5_000, 0));

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", options);

    assertTrue(System.nanoTime() - start < 2_500 * MS);
    assertSame(script.thrown("charge").get(0), result.errors().get(0).cause());
  }

  @Test
  void everyAttemptHasItsOwnTimeout() {
    script.onInvoke("charge", Script.sleep(10_000));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, charge(40, 2));

    WorkflowResult<String> result = runner.run("k", options);

    assertEquals(List.of("charge/INVOKE/3"), describe(result.errors()));
    assertEquals("step 'charge' timed out after 40 ms on attempt 3", result.errors().get(0).cause().getMessage());
    assertEquals(List.of("throw:charge@1:InterruptedException", "throw:charge@2:InterruptedException",
        "throw:charge@3:InterruptedException"), script.events("throw:"));
    assertEquals(List.of("step-begin:charge@1", "step-attempt-failure:charge@1:StepTimeoutException",
        "step-begin:charge@2", "step-attempt-failure:charge@2:StepTimeoutException", "step-begin:charge@3",
        "step-failure:charge@3:StepTimeoutException"), listener.lines("step-").stream()
            .filter(l -> l.contains(":charge@")).toList());
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertFalse(script.entry("invoke:charge@" + attempt).interrupted(), "attempt " + attempt);
    }
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }
}
