package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.RecordingListener.Heard;
import io.stepwise.runtime.fixtures.RecordingListener.Retry;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link AsyncRun} fires the listener events of a synchronous run, in the same order, across its segments. */
class AsyncListenerTest extends AsyncRunTestSupport {
  @Test
  void aSuccessfulRunFiresEveryEventInOrder() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k1", options("tx-l1"));
    Stages.Call charge = stages.next("charge");
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of(
        "begin:async-shipping/tx-l1",
        "step-begin:reserve@1",
        "step-success:reserve@1=reservation-k1",
        "step-begin:charge@1",
        "step-success:charge@1=charge-reservation-k1",
        "step-begin:gift@1",
        "step-success:gift@1=gift-k1",
        "step-begin:label@1",
        "step-success:label@1=label-k1",
        "step-begin:ship@1",
        "step-success:ship@1=shipped k1 with charge-reservation-k1, gift gift-k1, label label-k1",
        "finish:DONE"), listener.lines());
    assertSame(result, listener.only("finish:DONE").payload());
    assertEquals("tx-l1", listener.only("step-begin:charge@1").context().transactionId());
  }

  @Test
  void eachFailedAttemptThatIsRetriedFiresAttemptFailureWithItsDelayAndTheStepsMdcInTheRunsSegment()
      throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(2).retryInterval(20).backoff(2).build());
    Boom first = new Boom("declined");
    Boom second = new Boom("declined again");

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k3", options("tx-l3"));
    Stages.Call one = stages.next("charge");
    // completed on a client's thread whose MDC is its own: the events still see the run's
    Completer.on("http-client", Map.of("client", "x"), () -> one.fail(first));
    Stages.Call two = stages.next("charge");
    Completer.on("http-client", Map.of("client", "x"), () -> two.fail(second));
    stages.next("charge").complete();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(WorkflowListenerTest.chargeFailedTwiceThen("step-success:charge@3=charge-reservation-k3"),
        WorkflowListenerTest.chargeEvents(listener));
    List<Heard> retries = WorkflowListenerTest.heard(listener, "step-attempt-failure:");
    assertEquals(List.of(1, 2), retries.stream().map(h -> h.context().attempt()).toList());
    assertEquals(List.of(new Retry(first, Duration.ofMillis(20)), new Retry(second, Duration.ofMillis(40))),
        retries.stream().map(Heard::payload).toList());
    WorkflowListenerTest.assertStepMdc(listener, "tx-l3", AsyncShippingWorkflowRunner.WORKFLOW);
  }

  @Test
  void anAsynchronousStepThatFailsEveryAttemptFiresOneStepFailureForTheLast() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 1));
    Boom last = new Boom("declined again");

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k4", options("tx-l4"));
    stages.next("charge").fail(new Boom("declined"));
    stages.next("charge").fail(last);
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("step-begin:charge@1", "step-attempt-failure:charge@1:Boom", "step-begin:charge@2",
        "step-failure:charge@2:Boom"), WorkflowListenerTest.chargeEvents(listener));
    assertSame(last, listener.only("step-failure:charge@2:Boom").payload());
    WorkflowListenerTest.assertStepMdc(listener, "tx-l4", AsyncShippingWorkflowRunner.WORKFLOW);
  }

  @Test
  void aFailedRunFiresRetriesFailureAndCompensationsInOrder() throws Exception {
    stages.hold("charge").hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 1));

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k2", options("tx-l2"));
    Stages.Call first = stages.next("charge");
    Completer.on("http-client", () -> first.fail(new Boom("declined")));
    stages.next("charge").complete();
    Stages.Call label = stages.next("label");
    Completer.on("http-client", () -> label.complete(StepResponse.permanentFailure("printer jammed", "label-partial")));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        "begin:async-shipping/tx-l2",
        "step-begin:reserve@1",
        "step-success:reserve@1=reservation-k2",
        "step-begin:charge@1",
        "step-attempt-failure:charge@1:Boom",
        "step-begin:charge@2",
        "step-success:charge@2=charge-reservation-k2",
        "step-begin:gift@1",
        "step-success:gift@1=gift-k2",
        "step-begin:label@1",
        "step-failure:label@1:PermanentStepFailureException",
        "compensate-begin:async-shipping/tx-l2",
        "compensate-success:label@1",
        "compensate-success:gift@1",
        "compensate-success:charge@1",
        "compensate-success:reserve@1",
        "finish:REVERTED"), listener.lines());
    assertSame(result, listener.only("finish:REVERTED").payload());
  }
}
