package io.stepwise.runtime.internal;

import static io.stepwise.runtime.internal.WorkflowRun.MDC_STEP;
import static io.stepwise.runtime.internal.WorkflowRun.MDC_TRANSACTION_ID;
import static io.stepwise.runtime.internal.WorkflowRun.MDC_WORKFLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncOrderWorkflowRunner;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.Completer;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import io.stepwise.runtime.fixtures.SyncOrderWorkflowRunner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncRun#startChild} and {@link AsyncRun#childStepAsync}: a child workflow with asynchronous
 * steps runs inside a step of its parent without a waiting thread, with the transaction id
 * {@code <parent tx>/<step>}; when the parent fails later, the child's completed steps are
 * compensated as a unit, in reverse, in the parent's compensation order.
 */
class AsyncChildTest extends AsyncRunTestSupport {
  final AsyncShippingWorkflowRunner shipping = AsyncShippingWorkflowRunner.create(script, stages);
  final AsyncOrderWorkflowRunner orders = AsyncOrderWorkflowRunner.create(script, stages, shipping);

  @Test
  void aChildWithAsyncStepsRunsUnderTheParentsTransactionAndWaitsWithoutAThread() throws Exception {
    stages.hold("charge");

    CompletableFuture<WorkflowResult<String>> run = orders.runAsync("k1", options("tx-parent"));
    Stages.Call charge = stages.next("charge");
    executor.drain();
    assertEquals(0, executor.active());
    assertFalse(run.isDone());
    assertEquals("tx-parent/fulfil", charge.transactionId());
    assertEquals(Map.of(MDC_TRANSACTION_ID, "tx-parent/fulfil", MDC_WORKFLOW, AsyncShippingWorkflowRunner.WORKFLOW,
        MDC_STEP, "charge"), charge.mdc());
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("tx-parent", result.transactionId());
    assertEquals("invoice-order-k1 for shipped k1 with charge-reservation-k1, gift gift-k1, label label-k1",
        result.result());
    assertEquals(List.of("invoke:open@1", "invoke:reserve@1", "invoke:charge@1", "invoke:gift@1", "invoke:label@1",
        "invoke:ship@1", "invoke:invoice@1"), script.events("invoke:"));
    // the child's later steps ran in its own segment, with its own keys
    assertEquals(Map.of(MDC_TRANSACTION_ID, "tx-parent/fulfil", MDC_WORKFLOW, AsyncShippingWorkflowRunner.WORKFLOW,
        MDC_STEP, "ship"), script.entry("invoke:ship@1").mdc());
    // the parent's next step, with the parent's keys
    assertEquals(Map.of(MDC_TRANSACTION_ID, "tx-parent", MDC_WORKFLOW, AsyncOrderWorkflowRunner.WORKFLOW,
        MDC_STEP, "invoice"), script.entry("invoke:invoice@1").mdc());
    assertEquals(executor.threadName(), script.entry("invoke:invoice@1").thread());
    assertEquals(List.of("begin:async-order/tx-parent", "begin:async-shipping/tx-parent/fulfil"),
        listener.lines("begin:"));
    assertEquals(List.of("finish:DONE", "finish:DONE"), listener.lines("finish:"));
    executor.drain();
    assertEquals(List.of(), executor.leftovers());
  }

  @Test
  void whenTheParentFailsLaterTheChildsCompletedStepsAreCompensatedAsAUnitInReverse() throws Exception {
    stages.hold("invoice");
    Boom boom = new Boom("invoice rejected");

    CompletableFuture<WorkflowResult<String>> run = orders.runAsync("k2", options("tx-parent-fails"));
    Stages.Call invoice = stages.next("invoice");
    Completer.on("http-client", () -> assertTrue(invoice.fail(boom)));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoice/INVOKE/1"), describe(result.errors()));
    assertSame(boom, result.errors().get(0).cause());
    assertEquals(List.of(
        "compensate:label(label-id-k2)@1",
        "compensate:gift(gift-k2)@1",
        "compensate:charge(charge-reservation-k2)@1",
        "compensate:reserve(res-k2)@1",
        "compensate:open(order-k2)@1"), script.events("compensate:"));
    assertEquals(Map.of(MDC_TRANSACTION_ID, "tx-parent-fails/fulfil", MDC_WORKFLOW, AsyncShippingWorkflowRunner.WORKFLOW,
        MDC_STEP, "label"), script.entry("compensate:label(label-id-k2)@1").mdc());
    assertEquals(Map.of(MDC_TRANSACTION_ID, "tx-parent-fails", MDC_WORKFLOW, AsyncOrderWorkflowRunner.WORKFLOW,
        MDC_STEP, "open"), script.entry("compensate:open(order-k2)@1").mdc());
  }

  /**
   * The child's compensations, run as a unit for the parent, retry on timers too: while the
   * child's compensation of charge waits out its retry interval, no task of the run is active.
   */
  @Test
  void aChildsCompensationRetriesOnATimerWhenTheParentCompensatesItAsAUnit() throws Exception {
    AsyncShippingWorkflowRunner retrying = AsyncShippingWorkflowRunner.create(script, stages,
        StepSpec.builder("charge").maxRetries(1).retryInterval(300).build());
    AsyncOrderWorkflowRunner parent = AsyncOrderWorkflowRunner.create(script, stages, retrying);
    script.onCompensate("charge", Script.fail(1));
    stages.hold("invoice");

    CompletableFuture<WorkflowResult<String>> run = parent.runAsync("k7", options("tx-unit-retry"));
    Stages.Call invoice = stages.next("invoice");
    Completer.on("http-client", () -> assertTrue(invoice.fail(new Boom("invoice rejected"))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (script.events("compensate:charge").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(100); // inside the 300 ms pause
    assertFalse(run.isDone());
    assertEquals(0, executor.active(), "no thread of the run waits out the child's retry pause");
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("invoice/INVOKE/1"), describe(result.errors()));
    assertEquals(List.of(
        "compensate:label(label-id-k7)@1",
        "compensate:gift(gift-k7)@1",
        "compensate:charge(charge-reservation-k7)@1",
        "compensate:charge(charge-reservation-k7)@2",
        "compensate:reserve(res-k7)@1",
        "compensate:open(order-k7)@1"), script.events("compensate:"));
  }

  @Test
  void aChildThatFailsCompensatesItselfAndFailsTheParentsStep() throws Exception {
    stages.hold("label");
    Boom boom = new Boom("label rejected");

    CompletableFuture<WorkflowResult<String>> run = orders.runAsync("k3", options("tx-child-fails"));
    Stages.Call label = stages.next("label");
    assertEquals("tx-child-fails/fulfil", label.transactionId());
    Completer.on("http-client", () -> assertTrue(label.fail(boom)));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        "compensate:gift(gift-k3)@1",
        "compensate:charge(charge-reservation-k3)@1",
        "compensate:reserve(res-k3)@1",
        "compensate:open(order-k3)@1"), script.events("compensate:"));
    assertEquals(List.of("fulfil/INVOKE/1"), describe(result.errors()));
    WorkflowFailedException cause = assertInstanceOf(WorkflowFailedException.class, result.errors().get(0).cause());
    assertSame(boom, cause.getCause());
    assertEquals("tx-child-fails/fulfil", cause.result().transactionId());
    assertEquals(WorkflowStatus.REVERTED, cause.result().status());
    assertEquals(List.of("label/INVOKE/1"), describe(cause.result().errors()));
    assertEquals(List.of(), script.events("invoke:invoice"));
  }

  @Test
  void cancellingTheParentStopsTheWaitingChildAfterItsStep() throws Exception {
    stages.hold("charge");

    CompletableFuture<WorkflowResult<String>> run = orders.runAsync("k4", options("tx-parent-cancel"));
    Stages.Call charge = stages.next("charge");
    assertTrue(orders.cancel("tx-parent-cancel"));
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("compensate:charge(charge-reservation-k4)@1", "compensate:reserve(res-k4)@1",
        "compensate:open(order-k4)@1"), script.events("compensate:"));
    assertEquals(List.of(), script.events("invoke:gift", "invoke:invoice"));
    // the parent's step says the parent was cancelled; the child's failure (it stopped too) is kept with it
    WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class,
        result.errors().get(0).cause());
    assertTrue(cancelled.getMessage().contains("(transaction tx-parent-cancel) was cancelled during step 'fulfil'"),
        cancelled.getMessage());
    WorkflowFailedException child = assertInstanceOf(WorkflowFailedException.class, cancelled.getSuppressed()[0]);
    assertInstanceOf(WorkflowCancelledException.class, child.getCause());
    assertEquals("tx-parent-cancel/fulfil", child.result().transactionId());
    assertEquals("fulfil", result.errors().get(0).step());
  }

  /** Opens when the run with this transaction id finishes (a child's run finishes after its parent's here). */
  static final class Finished implements WorkflowListener {
    final String transactionId;
    final CountDownLatch latch = new CountDownLatch(1);
    volatile WorkflowResult<?> result;

    Finished(String transactionId) {
      this.transactionId = transactionId;
    }

    @Override
    public void onFinish(WorkflowResult<?> result) {
      if (result.transactionId().equals(transactionId)) {
        this.result = result;
        latch.countDown();
      }
    }
  }

  @Test
  void aChildWhoseParentStepTimedOutStopsAfterItsStepAndCompensatesItself() throws Exception {
    // regression: the abandoned child went on with gift, label and ship once charge completed, and
    // nothing ever compensated its steps, while the parent said REVERTED
    stages.hold("charge");
    AsyncOrderWorkflowRunner timed = AsyncOrderWorkflowRunner.create(script, stages, shipping,
        StepSpec.builder("fulfil").timeout(150).build());
    Finished child = new Finished("tx-abandon/fulfil");

    CompletableFuture<WorkflowResult<String>> run = timed.runAsync("k5",
        optionsBuilder("tx-abandon").listener(child).build());
    Stages.Call charge = stages.next("charge");
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("fulfil/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("compensate:open(order-k5)@1"), script.events("compensate:"));
    assertFalse(charge.future().isDone(), "the child's stage is left alone");

    Completer.on("http-client", () -> assertTrue(charge.complete()));
    Script.await(child.latch);

    assertEquals(WorkflowStatus.REVERTED, child.result.status());
    assertEquals(List.of(), script.events("invoke:gift", "invoke:label", "invoke:ship", "invoke:invoice"));
    assertEquals(List.of("compensate:open(order-k5)@1", "compensate:charge(charge-reservation-k5)@1",
        "compensate:reserve(res-k5)@1"), script.events("compensate:"));
  }

  /**
   * The child runs inline until it has to wait: here it never does, and ends DONE inside the parent
   * step's call, after the step's timeout. The timeout counts from the call, so the parent discards
   * the child's result, and compensates the child's steps, which nothing else would ever undo.
   */
  @Test
  void aChildThatEndsAfterItsParentStepsTimeoutIsCompensatedAsAUnitNotLost() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    script.onInvoke("ship", Script.block(entered, release));
    AsyncOrderWorkflowRunner timed = AsyncOrderWorkflowRunner.create(script, stages, shipping,
        StepSpec.builder("fulfil").timeout(150).build());
    Finished child = new Finished("tx-late-child/fulfil");

    CompletableFuture<WorkflowResult<String>> run = timed.runAsync("k8",
        optionsBuilder("tx-late-child").listener(child).build());
    Script.await(entered);
    Thread.sleep(300); // past the parent step's timeout, while the child's last step runs
    release.countDown();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("fulfil/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    Script.await(child.latch);
    assertEquals(WorkflowStatus.DONE, child.result.status(), "the child itself completed");
    assertEquals(List.of("compensate:label(label-id-k8)@1", "compensate:gift(gift-k8)@1",
        "compensate:charge(charge-reservation-k8)@1", "compensate:reserve(res-k8)@1", "compensate:open(order-k8)@1"),
        script.events("compensate:"));
  }

  @Test
  void aSynchronousParentWaitsForAnAsyncChildOnItsThread() throws Exception {
    stages.hold("charge");
    SyncOrderWorkflowRunner parent = SyncOrderWorkflowRunner.create(script, stages, shipping);

    CompletableFuture<Thread> parentThread = new CompletableFuture<>();
    Future<WorkflowResult<String>> run = callers.submit(() -> {
      parentThread.complete(Thread.currentThread());
      return parent.run("k6", options("tx-sync-parent"));
    });
    Stages.Call charge = stages.next("charge");
    Completer.awaitParked(get(parentThread)); // the parent's step waits for the child in joinChild
    assertEquals("tx-sync-parent/fulfil", charge.transactionId());
    Completer.on("http-client", () -> assertTrue(charge.complete()));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped k6 with charge-reservation-k6, gift gift-k6, label label-k6", result.result());
    assertEquals(executor.threadName(), script.entry("invoke:ship@1").thread());
  }

  @Test
  void aSynchronousParentsStepTimeoutEndsItsWaitForAnAsyncChildWhichStopsAndCompensatesItself() throws Exception {
    // regression: joinChild waited uninterruptibly, so the parent ignored its step's timeout until the
    // child ended, then discarded the child's result without compensating any of its steps
    stages.hold("charge");
    SyncOrderWorkflowRunner parent = SyncOrderWorkflowRunner.create(script, stages, shipping,
        StepSpec.builder("fulfil").timeout(150).build());
    Finished child = new Finished("tx-sync-timeout/fulfil");

    long start = System.nanoTime();
    Future<WorkflowResult<String>> run = callers.submit(() -> parent.run("k7",
        optionsBuilder("tx-sync-timeout").listener(child).build()));
    Stages.Call charge = stages.next("charge");
    WorkflowResult<String> result = get(run);
    long took = System.nanoTime() - start;

    assertTrue(took < 2_000_000_000L, "the parent waited " + took / 1_000_000 + " ms for a step with a 150 ms timeout");
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("fulfil/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("compensate:open(order-k7)@1"), script.events("compensate:"));

    Completer.on("http-client", () -> assertTrue(charge.complete()));
    Script.await(child.latch);

    assertEquals(WorkflowStatus.REVERTED, child.result.status());
    assertEquals(List.of(), script.events("invoke:gift", "invoke:label", "invoke:ship"));
    assertEquals(List.of("compensate:open(order-k7)@1", "compensate:charge(charge-reservation-k7)@1",
        "compensate:reserve(res-k7)@1"), script.events("compensate:"));
  }

  @Test
  void anInterruptOfASynchronousParentWaitingForAnAsyncChildCancelsTheChild() throws Exception {
    stages.hold("charge");
    SyncOrderWorkflowRunner parent = SyncOrderWorkflowRunner.create(script, stages, shipping);
    Finished child = new Finished("tx-interrupt/fulfil");
    CompletableFuture<Thread> parentThread = new CompletableFuture<>();

    Future<WorkflowResult<String>> run = callers.submit(() -> {
      parentThread.complete(Thread.currentThread());
      return parent.run("k8", optionsBuilder("tx-interrupt").listener(child).build());
    });
    Stages.Call charge = stages.next("charge");
    parentThread.get(5, TimeUnit.SECONDS).interrupt();
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("fulfil/INVOKE/1"), describe(result.errors()));
    WorkflowCancelledException cause = assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertTrue(cause.getMessage().contains("tx-interrupt/fulfil"), cause.getMessage());
    assertInstanceOf(InterruptedException.class, cause.getCause());

    Completer.on("http-client", () -> assertTrue(charge.complete()));
    Script.await(child.latch);
    assertEquals(WorkflowStatus.REVERTED, child.result.status());
    assertEquals(List.of(), script.events("invoke:gift"));
    assertEquals(List.of("compensate:open(order-k8)@1", "compensate:charge(charge-reservation-k8)@1",
        "compensate:reserve(res-k8)@1"), script.events("compensate:"));
  }
}
