package io.stepwise.runtime.internal;

import static io.stepwise.runtime.internal.WorkflowRun.MDC_STEP;
import static io.stepwise.runtime.internal.WorkflowRun.MDC_TRANSACTION_ID;
import static io.stepwise.runtime.internal.WorkflowRun.MDC_WORKFLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * {@link AsyncRun} and the MDC: every segment of a run sets the transaction id and workflow, on
 * whichever thread it runs, and the step's name while a step, condition or compensation runs; the
 * thread that completed the user's stage, the caller of {@code run} and the executor's thread keep
 * their own MDC.
 */
class AsyncMdcTest extends AsyncRunTestSupport {
  static final String WF = AsyncShippingWorkflowRunner.WORKFLOW;
  /** The completing thread's own MDC, with keys of another run that must survive the completion. */
  static final Map<String, String> CLIENT_MDC = Map.of("request-id", "http-1",
      MDC_TRANSACTION_ID, "client-tx", MDC_WORKFLOW, "client-wf", MDC_STEP, "client-step");

  /** This class's runs have no listener: the options of {@link #optionsBuilder} alone. */
  @Override
  RunOptions options(String tx) {
    return optionsBuilder(tx).build();
  }

  static Map<String, String> runKeys(String tx, String step) {
    return Map.of(MDC_TRANSACTION_ID, tx, MDC_WORKFLOW, WF, MDC_STEP, step);
  }

  @Test
  void everySegmentHasTheRunsKeysAndTheCompletingThreadKeepsItsOwn() throws Exception {
    stages.hold("charge").hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k1", options("tx-mdc"));
    Stages.Call charge = stages.next("charge");
    executor.drain();
    Completer.Done first = Completer.on("http-client-1", CLIENT_MDC, () -> assertTrue(charge.complete()));
    Stages.Call label = stages.next("label");
    executor.drain();
    Completer.Done second = Completer.on("http-client-2", CLIENT_MDC, () -> assertTrue(label.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(CLIENT_MDC, first.mdcAfter());
    assertEquals(CLIENT_MDC, second.mdcAfter());
    assertEquals(runKeys("tx-mdc", "reserve"), script.entry("invoke:reserve@1").mdc());
    assertEquals(runKeys("tx-mdc", "charge"), charge.mdc());
    // the segment after charge's stage completed on http-client-1, on the executor
    assertEquals(runKeys("tx-mdc", "gift"), script.entry("when:gift=true").mdc());
    assertEquals(runKeys("tx-mdc", "gift"), script.entry("invoke:gift@1").mdc());
    assertEquals(runKeys("tx-mdc", "label"), label.mdc());
    // the segment after label's stage completed on http-client-2
    assertEquals(runKeys("tx-mdc", "ship"), script.entry("invoke:ship@1").mdc());
    assertNotEquals("http-client-2", script.entry("invoke:ship@1").thread());
    executor.drain();
    assertEquals(List.of(), executor.leftovers(), "a segment left keys on the executor's thread");
  }

  @Test
  void runAsyncCarriesTheCallersMdcIntoEverySegmentAndLeavesNoneBehind() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    MDC.put("request-id", "caller");
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k4", options("tx-mdc-async"));
    MDC.clear();
    Stages.Call charge = stages.next("charge");
    Completer.on("http-client", CLIENT_MDC, () -> assertTrue(charge.complete()));
    assertEquals(WorkflowStatus.DONE, get(run).status());

    // the first segment ran on the executor, the others after charge's stage completed elsewhere
    assertEquals(withRequestId(runKeys("tx-mdc-async", "reserve")), script.entry("invoke:reserve@1").mdc());
    assertEquals(withRequestId(runKeys("tx-mdc-async", "charge")), charge.mdc());
    assertEquals(withRequestId(runKeys("tx-mdc-async", "ship")), script.entry("invoke:ship@1").mdc());
    executor.drain();
    assertEquals(List.of(), executor.leftovers(), "a segment left keys on the executor's thread");
  }

  @Test
  void keysAStepPutsDoNotStayOnTheExecutorsThreadAfterTheRun() throws Exception {
    stages.hold("charge");
    script.onInvoke("gift", ctx -> {
      MDC.put("request.user", "alice"); // a step's own key, never removed
      return null;
    });
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k5", options("tx-mdc-leak"));
    Stages.Call charge = stages.next("charge");
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    assertEquals(WorkflowStatus.DONE, get(run).status());

    executor.drain();
    assertEquals(List.of(), executor.leftovers(), "a segment left keys on the executor's thread");
  }

  @Test
  void compensationsAfterAStageFailedElsewhereHaveTheRunsKeysAndTheirStep() throws Exception {
    stages.hold("label");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k2", options("tx-mdc-comp"));
    Stages.Call label = stages.next("label");
    Completer.Done done = Completer.on("http-client", CLIENT_MDC, () -> assertTrue(label.fail(new Boom("rejected"))));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(CLIENT_MDC, done.mdcAfter());
    assertEquals(runKeys("tx-mdc-comp", "gift"), script.entry("compensate:gift(gift-k2)@1").mdc());
    assertEquals(runKeys("tx-mdc-comp", "charge"), script.entry("compensate:charge(charge-reservation-k2)@1").mdc());
    assertEquals(runKeys("tx-mdc-comp", "reserve"), script.entry("compensate:reserve(res-k2)@1").mdc());
    executor.drain();
    assertEquals(List.of(), executor.leftovers());
  }

  @Test
  void theCallerOfRunKeepsItsOwnKeysWhileItsFirstStepsSeeTheRuns() throws Exception {
    stages.hold("charge");
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages);
    Map<String, String> callerMdc = Map.of("request-id", "caller", MDC_TRANSACTION_ID, "outer-tx", MDC_WORKFLOW, "outer-wf");

    CompletableFuture<Thread> callerThread = new CompletableFuture<>();
    Future<Map<String, String>> caller = callers.submit(() -> {
      callerThread.complete(Thread.currentThread());
      MDC.setContextMap(callerMdc);
      WorkflowResult<String> result = runner.run("k3", options("tx-mdc-sync"));
      assertEquals(WorkflowStatus.DONE, result.status());
      Map<String, String> after = MDC.getCopyOfContextMap();
      MDC.clear();
      return after;
    });
    Stages.Call charge = stages.next("charge");
    Completer.awaitParked(get(callerThread)); // the caller waits for the run: it has handed over
    Completer.on("http-client", CLIENT_MDC, () -> assertTrue(charge.complete()));

    assertEquals(callerMdc, get(caller));
    // the steps before the first wait ran on the caller, with the run's keys over the caller's own
    assertEquals(withRequestId(runKeys("tx-mdc-sync", "reserve")), script.entry("invoke:reserve@1").mdc());
    assertEquals(withRequestId(runKeys("tx-mdc-sync", "charge")), charge.mdc());
    assertEquals(script.entry("invoke:reserve@1").thread(), charge.thread());
    // the later segments run on the executor, and carry the caller's keys too (as log lines of one request should)
    assertEquals(withRequestId(runKeys("tx-mdc-sync", "ship")), script.entry("invoke:ship@1").mdc());
    assertEquals(executor.threadName(), script.entry("invoke:ship@1").thread());
  }

  static Map<String, String> withRequestId(Map<String, String> keys) {
    Map<String, String> all = new java.util.HashMap<>(keys);
    all.put("request-id", "caller");
    return all;
  }
}
