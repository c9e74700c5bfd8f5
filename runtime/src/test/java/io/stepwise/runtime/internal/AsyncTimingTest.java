package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowTimeoutException;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncRun}: retry pauses, a compensation's retry pauses and timeouts are timers, and
 * {@code cancel} stops a run that waits. During a pause no task of the run's executor is running
 * (its one thread is free); on a timeout the run stops waiting without cancelling the user's stage,
 * and what the stage later completes with is discarded.
 */
class AsyncTimingTest extends AsyncRunTestSupport {
  static final long MS = 1_000_000;

  // ---------------------------------------------------------------- retries

  @Test
  void aFailedStageIsRetriedAfterItsIntervalOnATimerWithTheExecutorFree() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(2).retryInterval(300).build());

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k1", options("tx-retry"));
    Stages.Call call = stages.next("charge");
    for (int attempt = 1; attempt <= 2; attempt++) {
      assertEquals(attempt, call.attempt());
      Stages.Call failing = call;
      long failedAt = System.nanoTime();
      Completer.Done done = Completer.on("http-client", () -> failing.fail(new Boom("declined")));
      assertTrue(done.tookNanos() < 300 * MS, "the completing thread waited out the pause: " + done.tookNanos() / MS + " ms");
      executor.drain();

      // pausing: the executor's one thread is free, and the next attempt has not started
      assertEquals(0, executor.active());
      assertEquals(executor.submitted(), executor.finished());
      assertEquals(attempt, script.events("invoke:charge").size());
      assertFalse(run.isDone());

      call = stages.next("charge");
      assertEquals(attempt + 1, call.attempt());
      assertTrue(call.nanos() - failedAt >= 300 * MS,
          "attempt " + call.attempt() + " started " + (call.nanos() - failedAt) / MS + " ms after the failure");
      assertEquals(executor.threadName(), call.thread());
    }
    call.complete();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k1 with charge-reservation-k1, gift gift-k1, label label-k1", result.result());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("step-begin:charge@1", "step-begin:charge@2", "step-begin:charge@3"),
        listener.lines("step-begin:charge"));
    assertEquals(List.of("step-success:charge@3=charge-reservation-k1"), listener.lines("step-success:charge"));
  }

  @Test
  void aStepWithAPlainResultIsRetriedAfterItsIntervalOnATimerWithTheExecutorFree() throws Exception {
    CountDownLatch failedOnce = new CountDownLatch(1);
    script.onInvoke("reserve", ctx -> {
      if (ctx.attempt() == 1) {
        failedOnce.countDown();
        throw new Boom("warehouse busy");
      }
      return null;
    });
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("reserve").maxRetries(1).retryInterval(300).build());

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k12", options("tx-plain-retry"));
    Script.await(failedOnce);
    executor.drain();

    // pausing: no thread of the run's executor sleeps through the retry interval
    assertEquals(0, executor.active());
    assertEquals(executor.submitted(), executor.finished());
    assertEquals(List.of("invoke:reserve@1"), script.events("invoke:"));
    assertFalse(run.isDone());
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    long pause = script.entry("invoke:reserve@2").nanos() - script.entry("invoke:reserve@1").nanos();
    assertTrue(pause >= 300 * MS, pause / MS + " ms");
    assertEquals(executor.threadName(), script.entry("invoke:reserve@2").thread());
    assertEquals(2, executor.submitted(), "the start, and the segment after the pause");
  }

  @Test
  void aStepWhoseRetriesAllFailEndsWithTheLastAttemptsException() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(1).retryInterval(50).build());
    Boom last = new Boom("declined again");

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k2", options("tx-retries-fail"));
    stages.next("charge").fail(new Boom("declined"));
    stages.next("charge").fail(last);
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/2"), describe(result.errors()));
    assertSame(last, result.errors().get(0).cause());
    assertEquals(List.of("compensate:reserve(res-k2)@1"), script.events("compensate:"));
  }

  // ---------------------------------------------------------------- timeouts

  @Test
  void aStageThatDoesNotCompleteInTimeFailsTheAttemptWithoutBeingCancelledAndALateResultIsDiscarded() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(1).timeout(150).build());

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k3", options("tx-step-timeout"));
    Stages.Call first = stages.next("charge");
    Stages.Call second = stages.next("charge");
    WorkflowResult<String> result = get(run);
    long ended = System.nanoTime();

    assertTrue(second.nanos() - first.nanos() >= 150 * MS, (second.nanos() - first.nanos()) / MS + " ms");
    assertTrue(ended - second.nanos() >= 150 * MS, (ended - second.nanos()) / MS + " ms");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/2"), describe(result.errors()));
    StepTimeoutException cause = assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertTrue(cause.getMessage().contains("'charge'") && cause.getMessage().contains("attempt 2"), cause.getMessage());
    assertEquals(List.of("compensate:reserve(res-k3)@1"), script.events("compensate:"));
    assertEquals(List.of("step-failure:charge@2:StepTimeoutException"), listener.lines("step-failure:"));
    // the user's stages were left alone: neither cancelled nor completed
    assertFalse(first.future().isDone());
    assertFalse(second.future().isDone());

    // a late result is discarded: nothing runs, nothing changes
    executor.drain();
    List<String> events = script.events();
    List<String> lines = listener.lines();
    int tasks = executor.submitted();
    assertTrue(first.complete());
    assertTrue(second.complete());
    executor.drain();
    assertEquals(events, script.events());
    assertEquals(lines, listener.lines());
    assertEquals(tasks, executor.submitted());
    assertEquals(WorkflowStatus.REVERTED, run.getNow(null).status());
  }

  @Test
  void theLateResultOfATimedOutAttemptIsDiscardedWhileItsRetryWaits() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(1).timeout(400).build());

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k4", options("tx-late"));
    Stages.Call first = stages.next("charge");
    Stages.Call second = stages.next("charge"); // the first attempt timed out
    int tasks = executor.submitted();
    assertTrue(first.complete("charge-late"));
    assertEquals(tasks, executor.submitted(), "the late result started a segment of the run");
    assertFalse(run.isDone());
    assertTrue(second.complete("charge-on-time"));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k4 with charge-on-time, gift gift-k4, label label-k4", result.result());
    assertEquals(List.of(), listener.lines("step-failure:"), "an attempt that is retried fires no failure");
    assertEquals(List.of("step-success:charge@2=charge-on-time"), listener.lines("step-success:charge"));
  }

  @Test
  void theWorkflowsTimeoutEndsAWaitingStepWithWorkflowTimeoutExceptionAndNoRetry() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.withTimeout(script, stages, 200,
        StepSpec.builder("charge").maxRetries(3).timeout(5_000).build());

    long start = System.nanoTime();
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k5", options("tx-wf-timeout"));
    Stages.Call charge = stages.next("charge");
    WorkflowResult<String> result = get(run);
    long took = System.nanoTime() - start;

    assertTrue(took >= 200 * MS && took < 4_000 * MS, took / MS + " ms");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    WorkflowTimeoutException cause = assertInstanceOf(WorkflowTimeoutException.class, result.errors().get(0).cause());
    assertTrue(cause.getMessage().contains("200 ms") && cause.getMessage().contains("'charge'"), cause.getMessage());
    assertEquals(List.of("invoke:charge@1"), script.events("invoke:charge"));
    assertEquals(List.of("compensate:reserve(res-k5)@1"), script.events("compensate:"));

    executor.drain();
    int tasks = executor.submitted();
    List<String> events = script.events();
    assertFalse(charge.future().isDone());
    assertTrue(charge.complete());
    executor.drain();
    assertEquals(tasks, executor.submitted());
    assertEquals(events, script.events());
  }

  // ---------------------------------------------------------------- compensation retries

  @Test
  void aFailedCompensationIsRetriedAfterItsIntervalOnATimerWithTheExecutorFree() throws Exception {
    stages.hold("label");
    CountDownLatch failedOnce = new CountDownLatch(1);
    script.onCompensate("reserve", ctx -> {
      if (ctx.attempt() == 1) {
        failedOnce.countDown();
        throw new Boom("release failed");
      }
      return null;
    });
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("reserve").maxRetries(1).retryInterval(300).build());

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k6", options("tx-comp-retry"));
    Stages.Call label = stages.next("label");
    Completer.on("http-client", () -> label.fail(new Boom("label rejected")));
    Script.await(failedOnce);
    executor.drain();

    // pausing before the compensation's retry: the executor's one thread is free
    assertEquals(0, executor.active());
    assertEquals(executor.submitted(), executor.finished());
    assertFalse(run.isDone());
    assertEquals(List.of("compensate:gift(gift-k6)@1", "compensate:charge(charge-reservation-k6)@1",
        "compensate:reserve(res-k6)@1"), script.events("compensate:"));

    WorkflowResult<String> result = get(run);
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("label/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of("compensate:gift(gift-k6)@1", "compensate:charge(charge-reservation-k6)@1",
        "compensate:reserve(res-k6)@1", "compensate:reserve(res-k6)@2"), script.events("compensate:"));
    long pause = script.entry("compensate:reserve(res-k6)@2").nanos() - script.entry("compensate:reserve(res-k6)@1").nanos();
    assertTrue(pause >= 300 * MS, pause / MS + " ms");
    assertEquals(executor.threadName(), script.entry("compensate:reserve(res-k6)@2").thread());
    assertEquals(List.of("compensate-success:gift@1", "compensate-success:charge@1", "compensate-success:reserve@2"),
        listener.lines("compensate-success:"));
  }

  @Test
  void aCompensationThatNeverSucceedsEndsTheRunFailedAndTheOthersStillRun() throws Exception {
    script.onCompensate("charge", Script.failAlways());
    stages.reply("label", Stages.failed(new Boom("label rejected")));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(1).retryInterval(50).build());

    WorkflowResult<String> result = get(runner.runAsync("k7", options("tx-comp-fails")));

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("label/INVOKE/1", "charge/COMPENSATE/2"), describe(result.errors()));
    assertEquals(List.of("compensate:gift(gift-k7)@1", "compensate:charge(charge-reservation-k7)@1",
        "compensate:charge(charge-reservation-k7)@2", "compensate:reserve(res-k7)@1"), script.events("compensate:"));
    assertEquals(List.of("compensate-success:gift@1", "compensate-failure:charge@2:Boom", "compensate-success:reserve@1"),
        listener.lines("compensate-").stream().filter(l -> !l.startsWith("compensate-begin")).toList());
  }

  // ---------------------------------------------------------------- cancel

  @Test
  void cancelWhileAStepWaitsLetsItsStageCompleteThenCompensatesInsteadOfTheNextStep() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k8", options("tx-cancel"));
    Stages.Call charge = stages.next("charge");
    assertTrue(runner.cancel("tx-cancel"));
    executor.drain();
    assertFalse(run.isDone(), "the run waits for the step in progress");
    assertFalse(charge.future().isDone(), "cancel does not cancel the user's stage");
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(List.of("invoke:reserve@1", "invoke:charge@1",
        "compensate:charge(charge-reservation-k8)@1", "compensate:reserve(res-k8)@1"),
        script.events("invoke:", "when:", "compensate:"));
    assertEquals(List.of("gift/INVOKE/0"), describe(result.errors()));
    WorkflowCancelledException cause = assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertTrue(cause.getMessage().contains("'gift'") && cause.getMessage().contains("tx-cancel"), cause.getMessage());
    List<String> lines = listener.lines();
    assertEquals(List.of(
        "step-success:charge@1=charge-reservation-k8",
        "compensate-begin:async-shipping/tx-cancel",
        "compensate-success:charge@1",
        "compensate-success:reserve@1",
        "finish:REVERTED"), lines.subList(lines.size() - 5, lines.size()));
    assertFalse(runner.cancel("tx-cancel"), "a finished run is no longer registered");
  }

  @Test
  void cancelDuringTheLastStepCompensatesEveryCompletedStep() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("ship", Script.block(entered, release));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k10", options("tx-cancel-last"));
    Script.await(entered);
    assertTrue(runner.cancel("tx-cancel-last"));
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("compensate:label(label-id-k10)@1", "compensate:gift(gift-k10)@1",
        "compensate:charge(charge-reservation-k10)@1", "compensate:reserve(res-k10)@1"), script.events("compensate:"));
    assertEquals(List.of("ship/INVOKE/0"), describe(result.errors()));
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertFalse(runner.cancel("tx-cancel-last"));
  }

  @Test
  void cancelRightAfterRunAsyncBeforeTheRunStartedStopsItBeforeItsFirstStep() throws Exception {
    CountDownLatch unblock = executor.block(); // the run stays queued on the executor
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k11", options("tx-queued"));
    assertTrue(runner.cancel("tx-queued"), "the queued run is found");
    unblock.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(), script.events("invoke:"));
    assertEquals(List.of("reserve/INVOKE/0"), describe(result.errors()));
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertFalse(runner.cancel("tx-queued"), "the run is over");
  }

  @Test
  void aCancelWhileAStepWithATimeoutIsPendingShowsInTheResultAfterTheTimeout() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(3).timeout(200).build());

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k10", options("tx-cancel-pending"));
    Stages.Call charge = stages.next("charge");
    assertTrue(runner.cancel("tx-cancel-pending"));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()), "timed out once, not retried");
    WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class,
        result.errors().get(0).cause());
    assertTrue(cancelled.getMessage().contains("(transaction tx-cancel-pending) was cancelled during step 'charge',"
        + " whose attempt 1 failed with " + StepTimeoutException.class.getName()), cancelled.getMessage());
    assertInstanceOf(StepTimeoutException.class, cancelled.getSuppressed()[0]);
    assertEquals(List.of("step-failure:charge@1:StepTimeoutException"), listener.lines("step-failure:"));
    assertEquals(List.of("compensate:reserve(res-k10)@1"), script.events("compensate:"));
    assertFalse(charge.future().isDone(), "the user's stage is left alone");
  }

  @Test
  void cancelDuringATimerRetryPauseEndsThePauseWithoutAnotherAttempt() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(3).retryInterval(60_000).build());
    Boom boom = new Boom("declined");

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k9", options("tx-cancel-pause"));
    Stages.Call charge = stages.next("charge");
    Completer.on("http-client", () -> charge.fail(boom));
    executor.drain();
    long cancelledAt = System.nanoTime();
    assertTrue(runner.cancel("tx-cancel-pause"));
    WorkflowResult<String> result = get(run);
    long took = System.nanoTime() - cancelledAt;

    assertTrue(took < 2_000 * MS, "the run waited " + took / MS + " ms of a 60 s pause after the cancel");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()));
    // the result says the run was cancelled, during 'charge' after 1 attempt; the attempt's own failure is kept
    WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class,
        result.errors().get(0).cause());
    assertTrue(cancelled.getMessage().contains("cancelled during step 'charge'"), cancelled.getMessage());
    assertEquals(List.of(boom), List.of(cancelled.getSuppressed()));
    assertEquals(List.of("invoke:charge@1"), script.events("invoke:charge"));
    assertEquals(List.of("compensate:reserve(res-k9)@1"), script.events("compensate:"));
  }
}
