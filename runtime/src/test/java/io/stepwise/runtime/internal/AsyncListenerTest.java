package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepResponse;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import java.util.List;
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
