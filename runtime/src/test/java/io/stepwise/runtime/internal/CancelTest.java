package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.LogCapture;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.ShippingWorkflowRunner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A runner's {@code cancel(transactionId)} ({@link RunRegistry#cancel}): the step in progress
 * finishes, no further step (or attempt) starts, and the completed steps are compensated.
 * Every wait is on a latch with a bound; no sleep synchronises anything.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelTest {
  final Script script = new Script();
  final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  static RunOptions options(String tx, RecordingListener listener) {
    return RunOptions.builder().transactionId(tx).throwOnError(false).listener(listener).build();
  }

  static <T> T get(Future<T> future) throws Exception {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the run threw", e.getCause());
    }
  }

  @Test
  void cancelWhileAStepIsBlockedLetsItFinishThenCompensatesInsteadOfTheNextStep() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("charge", Script.block(entered, release));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);
    RecordingListener listener = new RecordingListener();

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k1", options("tx-cancel", listener)));
    Script.await(entered);
    assertTrue(runner.cancel("tx-cancel"));
    assertFalse(run.isDone(), "the step is still blocked: cancel must not wait for it, nor interrupt it");
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(List.of(
        "invoke:reserve@1",
        "return:reserve@1",
        "invoke:charge@1",
        "return:charge@1", // the current step finished normally, and was not interrupted
        "compensate:charge(charge-reservation-k1)@1", // including the current step, most recent first
        "compensate:reserve(res-k1)@1"), script.events());
    assertFalse(script.entry("return:charge@1").interrupted());
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("ship", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertEquals(0, error.attempts());
    WorkflowCancelledException cause = assertInstanceOf(WorkflowCancelledException.class, error.cause());
    assertTrue(cause.getMessage().contains("'ship'"), cause.getMessage());
    assertTrue(cause.getMessage().contains("tx-cancel"), cause.getMessage());
    assertEquals(List.of(), listener.lines("step-begin:ship"));
    assertEquals(List.of(
        "step-success:charge@1=charge-reservation-k1",
        "compensate-begin:shipping/tx-cancel",
        "compensate-success:charge@1",
        "compensate-success:reserve@1",
        "finish:REVERTED"), listener.lines().subList(listener.lines().size() - 5, listener.lines().size()));
  }

  @Test
  void cancelDuringTheLastStepCompensatesEveryStepAsTheCancelPromised() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("ship", Script.block(entered, release));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k9", options("tx-last", new RecordingListener())));
    Script.await(entered);
    assertTrue(runner.cancel("tx-last"), "the run is in its last step: the cancel is taken");
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(List.of("compensate:charge(charge-reservation-k9)@1", "compensate:reserve(res-k9)@1"),
        script.events("compensate:"));
    StepError error = result.errors().get(0);
    assertEquals("ship", error.step());
    assertEquals(0, error.attempts());
    WorkflowCancelledException cause = assertInstanceOf(WorkflowCancelledException.class, error.cause());
    assertTrue(cause.getMessage().contains("during its last step 'ship'"), cause.getMessage());
    assertFalse(runner.cancel("tx-last"), "the run is over");
  }

  @Test
  void aCancelWhileTheRunCompensatesIsRefusedBecauseItsStepsAreOver() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("ship", Script.failAlways()).onCompensate("charge", Script.block(entered, release));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k5", options("tx-undoing", new RecordingListener())));
    Script.await(entered);
    assertFalse(runner.cancel("tx-undoing"), "the run is compensating: there is no step left to stop");
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().size(), "the step's failure only, no cancellation: " + result.errors());
    assertInstanceOf(Script.Boom.class, result.errors().get(0).cause());
  }

  @Test
  void aCancelledRunThrowsWithTheCancellationAsCauseByDefault() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("reserve", Script.block(entered, release));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);

    Future<WorkflowFailedException> run = callers.submit(() -> {
      try {
        runner.run("k2", RunOptions.builder().transactionId("tx-throws").build());
        return null;
      } catch (WorkflowFailedException e) {
        return e;
      }
    });
    Script.await(entered);
    assertTrue(runner.cancel("tx-throws"));
    release.countDown();
    WorkflowFailedException e = get(run);

    assertInstanceOf(WorkflowCancelledException.class, e.getCause());
    assertSame(e.result().errors().get(0).cause(), e.getCause());
    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertEquals(List.of("invoke:reserve@1", "compensate:reserve(res-k2)@1"), script.events("invoke:", "compensate:"));
    assertEquals("charge", e.result().errors().get(0).step());
  }

  @Test
  void aStepMayCancelItsOwnRun() {
    ShippingWorkflowRunner[] self = new ShippingWorkflowRunner[1];
    script.onInvoke("reserve", ctx -> {
      assertTrue(self[0].cancel(ctx.transactionId()));
      return null;
    });
    self[0] = ShippingWorkflowRunner.create(script);

    WorkflowResult<String> result = self[0].run("k3", RunOptions.builder().throwOnError(false).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:reserve@1", "return:reserve@1", "compensate:reserve(res-k3)@1"), script.events());
    assertEquals(List.of("charge/INVOKE/0"), describe(result.errors()));
  }

  @Test
  void cancelOfAnUnknownOrFinishedTransactionReturnsFalse() {
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);
    assertFalse(runner.cancel("tx-never-started"));

    WorkflowResult<String> done = runner.run("k4", RunOptions.builder().transactionId("tx-finished").build());
    assertEquals(WorkflowStatus.DONE, done.status());
    assertFalse(runner.cancel("tx-finished"));

    script.onInvoke("ship", Script.failAlways());
    WorkflowResult<String> reverted = runner.run("k5",
        RunOptions.builder().transactionId("tx-reverted").throwOnError(false).build());
    assertEquals(WorkflowStatus.REVERTED, reverted.status());
    assertFalse(runner.cancel("tx-reverted"));

    assertThrowsWorkflowFailed(() -> runner.run("k6", RunOptions.builder().transactionId("tx-thrown").build()));
    assertFalse(runner.cancel("tx-thrown"));
  }

  @Test
  void cancelOfARunOfAnotherRunnerReturnsFalse() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("charge", Script.block(entered, release));
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);
    ShippingWorkflowRunner other = ShippingWorkflowRunner.create(new Script());

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k7",
        RunOptions.builder().transactionId("tx-mine").build()));
    Script.await(entered);
    assertFalse(other.cancel("tx-mine"));
    release.countDown();

    assertEquals(WorkflowStatus.DONE, get(run).status());
  }

  @Test
  void cancelStopsOnlyTheRunWithThatTransactionId() throws Exception {
    Map<String, CountDownLatch> entered = new ConcurrentHashMap<>(Map.of("tx-a", new CountDownLatch(1), "tx-b", new CountDownLatch(1)));
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("charge", ctx -> {
      entered.get(ctx.transactionId()).countDown();
      Script.await(release);
      return null;
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);

    Future<WorkflowResult<String>> a = callers.submit(() -> runner.run("a",
        RunOptions.builder().transactionId("tx-a").throwOnError(false).build()));
    Future<WorkflowResult<String>> b = callers.submit(() -> runner.run("b",
        RunOptions.builder().transactionId("tx-b").throwOnError(false).build()));
    Script.await(entered.get("tx-a"));
    Script.await(entered.get("tx-b"));
    assertTrue(runner.cancel("tx-a"));
    release.countDown();

    WorkflowResult<String> cancelled = get(a);
    WorkflowResult<String> untouched = get(b);
    assertEquals(WorkflowStatus.REVERTED, cancelled.status());
    assertEquals(List.of("ship/INVOKE/0"), describe(cancelled.errors()));
    assertEquals(WorkflowStatus.DONE, untouched.status());
    assertEquals("shipped b with charge-reservation-b", untouched.result());
    assertEquals(List.of(), untouched.errors());
    assertTrue(script.events().contains("invoke:ship@1"));
    assertEquals(List.of("compensate:charge(charge-reservation-a)@1", "compensate:reserve(res-a)@1"),
        script.events("compensate:"));
  }

  @Test
  void aCancelledStepThatIsRetryingDoesNotStartAnotherAttempt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("charge", ctx -> {
      entered.countDown();
      Script.await(release);
      throw new Script.Boom("charge failed on attempt " + ctx.attempt());
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(3).retryInterval(20).build());
    RecordingListener listener = new RecordingListener();

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k8", options("tx-retrying", listener)));
    Script.await(entered);
    assertTrue(runner.cancel("tx-retrying"));
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoke:reserve@1", "invoke:charge@1", "compensate:reserve(res-k8)@1"),
        script.events("invoke:", "compensate:"));
    // the run was cancelled during 'charge', after its only attempt: the retry was not started, and
    // the attempt's own exception is kept as the cancellation's suppressed one
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class,
        result.errors().get(0).cause());
    assertEquals("workflow 'shipping' (transaction tx-retrying) was cancelled during step 'charge', whose attempt 1"
        + " failed with " + script.thrown("charge").get(0) + "; no further attempt was started, and the completed"
        + " steps are compensated", cancelled.getMessage());
    assertEquals(List.of(script.thrown("charge").get(0)), List.of(cancelled.getSuppressed()));
    // listeners hear the step's own failure, once
    assertEquals(List.of("step-begin:charge@1", "step-failure:charge@1:Boom"), listener.lines("step-").stream()
        .filter(l -> l.contains(":charge@")).toList());
  }

  @Test
  void cancelDuringALongRetryPauseEndsThePauseAtOnce() throws Exception {
    CountDownLatch failedOnce = new CountDownLatch(1);
    script.onInvoke("charge", ctx -> {
      failedOnce.countDown();
      throw new Script.Boom("charge failed on attempt " + ctx.attempt());
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(3).retryInterval(60_000).build());

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k10", options("tx-pausing", new RecordingListener())));
    Script.await(failedOnce);
    long cancelledAt = System.nanoTime();
    assertTrue(runner.cancel("tx-pausing"));
    WorkflowResult<String> result = get(run);
    long tookMillis = (System.nanoTime() - cancelledAt) / 1_000_000;

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertTrue(tookMillis < 5_000, "the run waited " + tookMillis + " ms of a 60 s retry pause after the cancel");
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of("compensate:reserve(res-k10)@1"), script.events("compensate:"));
  }

  @Test
  void aCancelDuringARetryPauseShowsInTheResultTheExceptionAndTheLog() throws Exception {
    CountDownLatch failedTwice = new CountDownLatch(2);
    script.onInvoke("charge", ctx -> {
      failedTwice.countDown();
      throw new Script.Boom("charge failed on attempt " + ctx.attempt());
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(3).retryInterval(10).backoff(1_000).build()); // 10 ms, then 10 s

    try (LogCapture log = LogCapture.open()) {
      Future<WorkflowFailedException> run = callers.submit(() -> assertThrows(WorkflowFailedException.class,
          () -> runner.run("k11", RunOptions.builder().transactionId("tx-pause-log").build())));
      Script.await(failedTwice);
      assertTrue(runner.cancel("tx-pause-log"));
      WorkflowFailedException e = get(run);

      StepError error = e.result().errors().get(0);
      assertEquals(List.of("charge/INVOKE/2"), describe(e.result().errors()), "the real number of attempts");
      WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class, error.cause());
      assertSame(cancelled, e.getCause(), "the exception's cause is the cancellation");
      assertEquals(List.of(script.thrown("charge").get(1)), List.of(cancelled.getSuppressed()),
          "the last attempt's own failure is kept");
      assertTrue(e.getMessage().startsWith("Workflow 'shipping' (transaction tx-pause-log) ended REVERTED: it was"
          + " cancelled at step 'charge': "), e.getMessage());
      assertEquals(List.of("WARN Workflow 'shipping' (tx-pause-log) was cancelled at step 'charge' after 2 attempt(s): "
          + cancelled.getMessage() + "; compensating 1 step(s)"), log.lines("(tx-pause-log) was cancelled"));
      assertEquals(List.of(), log.lines("(tx-pause-log) step 'charge' failed after"));
    }
  }

  @Test
  void aCancelDuringAStepThatThenFailsWithoutRetriesShowsInTheResult() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("charge", ctx -> {
      entered.countDown();
      Script.await(release);
      throw new Script.Boom("declined");
    });
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script);
    RecordingListener listener = new RecordingListener();

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k12", options("tx-fails-anyway", listener)));
    Script.await(entered);
    assertTrue(runner.cancel("tx-fails-anyway"));
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class,
        result.errors().get(0).cause());
    assertEquals(List.of(script.thrown("charge").get(0)), List.of(cancelled.getSuppressed()));
    assertEquals(List.of("step-failure:charge@1:Boom"), listener.lines("step-failure:"));
    assertEquals(List.of("compensate:reserve(res-k12)@1"), script.events("compensate:"));
  }

  @Test
  void compensationsOfACancelledRunAreRetriedAndTheRunEndsFailedIfOneNeverSucceeds() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("charge", Script.block(entered, release));
    script.onCompensate("reserve", Script.failAlways());
    ShippingWorkflowRunner runner = ShippingWorkflowRunner.create(script, StepSpec.of("reserve", 1));

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k9",
        RunOptions.builder().transactionId("tx-cf").throwOnError(false).build()));
    Script.await(entered);
    assertTrue(runner.cancel("tx-cf"));
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("ship/INVOKE/0", "reserve/COMPENSATE/2"), describe(result.errors()));
    assertEquals(List.of("compensate:charge(charge-reservation-k9)@1", "compensate:reserve(res-k9)@1",
        "compensate:reserve(res-k9)@2"), script.events("compensate:"));
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }

  static void assertThrowsWorkflowFailed(Runnable run) {
    try {
      run.run();
    } catch (WorkflowFailedException expected) {
      return;
    }
    throw new AssertionError("expected WorkflowFailedException");
  }
}
