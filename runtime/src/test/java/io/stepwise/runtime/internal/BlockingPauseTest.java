package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.ShippingWorkflowRunner;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retry pause of a synchronous run ({@link Driver#BLOCKING}): the run's thread sleeps through it
 * (it does not spin), an interrupt ends it and the step gives up, and a pause of a few milliseconds
 * lasts a few milliseconds, not a whole slice of the cancel check.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingPauseTest {
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();
  static final long MS = 1_000_000L;

  final Script script = new Script();

  /** Runs the workflow on a thread of its own, 'charge' failing on every attempt, 5 s apart. */
  Thread runChargeFailingWithLongPauses(ShippingWorkflowRunner runner, RunOptions options,
      AtomicReference<WorkflowResult<String>> result) {
    Thread caller = new Thread(() -> result.set(runner.run("k", options)), "caller");
    caller.start();
    return caller;
  }

  ShippingWorkflowRunner chargeFailingWithLongPauses() {
    script.onInvoke("charge", Script.failAlways());
    return ShippingWorkflowRunner.create(script, StepSpec.builder("charge").maxRetries(3).retryInterval(5_000).build());
  }

  /** Waits until the first attempt of 'charge' failed and the caller sleeps in the pause that follows. */
  void awaitPause(Thread caller) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000 * MS;
    while (!(script.events().contains("throw:charge@1:Boom") && caller.getState() == Thread.State.TIMED_WAITING)) {
      assertTrue(System.nanoTime() < deadline, "the run's thread never slept in its pause: " + caller.getState());
      Thread.sleep(1);
    }
  }

  /** The pause ended within 2 s of {@code since}, and 'charge' gave up without another attempt. */
  void assertGaveUpAfterTheFirstAttempt(Thread caller, long since, AtomicReference<WorkflowResult<String>> result)
      throws Exception {
    caller.join(5_000);
    assertTrue(System.nanoTime() - since < 2_000 * MS, "the 5 s pause ended early");
    assertEquals(WorkflowStatus.REVERTED, result.get().status());
    assertEquals(List.of("invoke:charge@1"), script.events("invoke:charge"), "no attempt after the pause");
  }

  @Test
  void theRunsThreadSleepsThroughAPauseAndAnInterruptEndsItAndTheRetries() throws Exception {
    AtomicReference<WorkflowResult<String>> result = new AtomicReference<>();
    Thread caller = runChargeFailingWithLongPauses(chargeFailingWithLongPauses(), NO_THROW, result);
    awaitPause(caller);

    long interrupted = System.nanoTime();
    caller.interrupt();

    assertGaveUpAfterTheFirstAttempt(caller, interrupted, result);
    assertEquals(1, result.get().errors().get(0).attempts());
  }

  @Test
  void aCancelEndsThePauseWithinASliceAndTheRunIsCompensated() throws Exception {
    ShippingWorkflowRunner runner = chargeFailingWithLongPauses();
    AtomicReference<WorkflowResult<String>> result = new AtomicReference<>();
    Thread caller = runChargeFailingWithLongPauses(runner,
        RunOptions.builder().transactionId("tx-cancel").throwOnError(false).build(), result);
    awaitPause(caller);

    long cancelled = System.nanoTime();
    assertTrue(runner.cancel("tx-cancel"));

    assertGaveUpAfterTheFirstAttempt(caller, cancelled, result);
    assertEquals(List.of("compensate:reserve(res-k)@1"), script.events("compensate:"));
  }

  @Test
  void aPauseOfAMillisecondIsNotRoundedUpToTheCancelChecksSlice() {
    script.onInvoke("charge", Script.fail(20));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(20).retryInterval(1).build());

    long start = System.nanoTime();
    WorkflowResult<String> result = runner.run("k", NO_THROW);
    long elapsed = System.nanoTime() - start;

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(21, script.events("invoke:charge").size());
    // 20 pauses of 1 ms; rounded up to the 50 ms slice, they would take a whole second
    assertTrue(elapsed < 20 * Driver.PAUSE_SLICE_MILLIS * MS * 3 / 4, "took " + elapsed / MS + " ms");
  }
}
