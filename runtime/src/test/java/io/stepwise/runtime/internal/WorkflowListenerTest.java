package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.ConditionalOrderWorkflow;
import io.stepwise.runtime.fixtures.ConditionalOrderWorkflowRunner;
import io.stepwise.runtime.fixtures.Probe;
import io.stepwise.runtime.fixtures.Probe.Fault;
import io.stepwise.runtime.fixtures.RecordingListener;
import io.stepwise.runtime.fixtures.RecordingListener.Heard;
import io.stepwise.runtime.fixtures.RecordingListener.Retry;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Confirmation;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.RestockOrderWorkflowRunner;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.ShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.ThrowingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** {@code RunOptions.builder().listener(...)}: every event of a run, in order, and listeners never change a run. */
class WorkflowListenerTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));
  static final String WF = RestockOrderWorkflowRunner.WORKFLOW;
  static final String ORDER = "Order[id=order-acme, supplierId=acme]";
  static final String ITEMS = "[item-order-acme-1, item-order-acme-2]";
  static final String CONFIRMATION =
      "Confirmation[orderId=order-acme, itemIds=[item-order-acme-1, item-order-acme-2], reserved=2, audit=audited order-acme]";

  final Probe probe = new Probe();
  final RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  static RunOptions options(String tx, boolean throwOnError, WorkflowListener... listeners) {
    RunOptions.Builder b = RunOptions.builder().transactionId(tx).throwOnError(throwOnError);
    for (WorkflowListener l : listeners) {
      b.listener(l);
    }
    return b.build();
  }

  static List<String> doneRunLines(String tx) {
    return List.of(
        "begin:" + WF + "/" + tx,
        "step-begin:create-order@1",
        "step-success:create-order@1=" + ORDER,
        "step-begin:create-items@1",
        "step-success:create-items@1=" + ITEMS,
        "step-begin:audit@1",
        "step-success:audit@1=audited order-acme",
        "step-begin:reserve-stock@1",
        "step-success:reserve-stock@1=order-acme x2",
        "step-begin:notify-supplier@1",
        "step-success:notify-supplier@1=null",
        "step-begin:confirm@1",
        "step-success:confirm@1=" + CONFIRMATION,
        "finish:DONE");
  }

  @Test
  void doneRunFiresEveryEventInOrder() {
    RecordingListener listener = new RecordingListener();

    WorkflowResult<Confirmation> result = runner.run(ACME, options("tx-done", true, listener));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(doneRunLines("tx-done"), listener.lines());
    // what the callbacks were handed
    WorkflowEvent begin = (WorkflowEvent) listener.heard().get(0).payload();
    assertEquals(WF, begin.workflowName());
    assertEquals("tx-done", begin.transactionId());
    assertSame(result, listener.only("finish:DONE").payload());
    assertSame(result.result(), listener.only("step-success:confirm@1=" + CONFIRMATION).payload());
    for (Heard h : listener.heard()) {
      if (h.context() != null) {
        assertEquals("tx-done", h.context().transactionId(), h.line());
        assertEquals(WF, h.context().workflowName(), h.line());
        assertFalse(h.context().compensating(), h.line());
      }
    }
  }

  @Test
  void stepBeginComesBeforeTheStepRunsAndSuccessAfterIt() {
    List<String> violations = new ArrayList<>();
    WorkflowListener checker = new WorkflowListener() {
      @Override
      public void onStepBegin(StepContext step) {
        if (probe.events().contains(invoked(step))) {
          violations.add("begin after " + invoked(step));
        }
      }

      @Override
      public void onStepSuccess(StepContext step, Object output) {
        if (!probe.events().contains(invoked(step))) {
          violations.add("success before " + invoked(step));
        }
      }

      private String invoked(StepContext step) {
        return "invoke:" + step.stepName() + "@" + step.attempt();
      }
    };

    WorkflowResult<Confirmation> result = runner.run(ACME, options("tx-order", true, checker));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of(), violations);
  }

  @Test
  void revertedRunFiresFailureThenCompensationsInReverseOrderThenFinish() {
    probe.failInvokeAlways("notify-supplier"); // maxRetries 1
    RecordingListener listener = new RecordingListener();

    WorkflowResult<Confirmation> result = runner.run(ACME, options("tx-rev", false, listener));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of(
        "begin:" + WF + "/tx-rev",
        "step-begin:create-order@1",
        "step-success:create-order@1=" + ORDER,
        "step-begin:create-items@1",
        "step-success:create-items@1=" + ITEMS,
        "step-begin:audit@1",
        "step-success:audit@1=audited order-acme",
        "step-begin:reserve-stock@1",
        "step-success:reserve-stock@1=order-acme x2",
        "step-begin:notify-supplier@1",
        "step-attempt-failure:notify-supplier@1:Boom",
        "step-begin:notify-supplier@2",
        "step-failure:notify-supplier@2:Boom",
        "compensate-begin:" + WF + "/tx-rev",
        "compensate-success:reserve-stock@1", // audit has no compensation
        "compensate-success:create-items@1",
        "compensate-success:create-order@1",
        "finish:REVERTED"), listener.lines());
    assertSame(probe.lastThrown("notify-supplier", StepPhase.INVOKE),
        listener.only("step-failure:notify-supplier@2:Boom").payload());
    assertSame(result, listener.only("finish:REVERTED").payload());
    WorkflowEvent compensating = (WorkflowEvent) listener.only("compensate-begin:" + WF + "/tx-rev").payload();
    assertEquals("tx-rev", compensating.transactionId());
    for (String line : listener.lines("compensate-success:")) {
      StepContext ctx = listener.only(line).context();
      assertTrue(ctx.compensating(), line);
      assertEquals(line.substring("compensate-success:".length(), line.indexOf('@')), ctx.stepName());
    }
  }

  @Test
  void onFinishGetsTheResultThatTheExceptionCarries() {
    probe.failInvokeAlways("confirm");
    RecordingListener listener = new RecordingListener();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run(ACME, options("tx-throw", true, listener)));

    assertSame(e.result(), listener.only("finish:REVERTED").payload());
    assertEquals("finish:REVERTED", listener.lines().get(listener.lines().size() - 1));
  }

  @Test
  void failedRunFiresCompensateStepFailureOnceAfterTheCompensationsRetries() {
    probe.failInvokeAlways("confirm").failCompensationAlways("create-items"); // maxRetries 2: 3 attempts
    RecordingListener listener = new RecordingListener();

    WorkflowResult<Confirmation> result = runner.run(ACME, options("tx-failed", false, listener));

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of(
        "step-begin:confirm@1",
        "step-failure:confirm@1:Boom",
        "compensate-begin:" + WF + "/tx-failed",
        "compensate-success:notify-supplier@1",
        "compensate-success:reserve-stock@1",
        "compensate-failure:create-items@3:Boom",
        "compensate-success:create-order@1",
        "finish:FAILED"), listener.lines().subList(listener.lines().indexOf("step-begin:confirm@1"), listener.lines().size()));
    Heard failure = listener.only("compensate-failure:create-items@3:Boom");
    assertTrue(failure.context().compensating());
    assertSame(probe.lastThrown("create-items", StepPhase.COMPENSATE), failure.payload());
    assertSame(result.errors().get(1).cause(), failure.payload());
  }

  @Test
  void retriesFireOneStepBeginPerAttemptAnAttemptFailurePerRetryAndNoFailure() {
    probe.failInvoke("reserve-stock", 2); // maxRetries 2: succeeds on the third attempt
    RecordingListener listener = new RecordingListener();

    WorkflowResult<Confirmation> result = runner.run(ACME, options("tx-retry", true, listener));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of(
        "step-begin:reserve-stock@1",
        "step-attempt-failure:reserve-stock@1:Boom",
        "step-begin:reserve-stock@2",
        "step-attempt-failure:reserve-stock@2:Boom",
        "step-begin:reserve-stock@3",
        "step-success:reserve-stock@3=order-acme x2"), listener.lines().stream()
            .filter(l -> l.contains(":reserve-stock@")).toList());
    assertEquals(List.of(), listener.lines("step-failure:"));
    assertEquals(List.of(1, 2, 3), listener.heard().stream()
        .filter(h -> h.line().startsWith("step-begin:reserve-stock@")).map(h -> h.context().attempt()).toList());
  }

  @Test
  void eachFailedAttemptThatIsRetriedFiresAttemptFailureWithItsDelayAndTheStepsMdc() {
    Script script = new Script().onInvoke("charge", Script.fail(2));
    ShippingWorkflowRunner shipping = ShippingWorkflowRunner.create(script,
        StepSpec.builder("charge").maxRetries(3).retryInterval(20).backoff(2).build());
    RecordingListener listener = new RecordingListener();

    WorkflowResult<String> result = shipping.run("k1", options("tx-attempts", true, listener));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(chargeFailedTwiceThen("step-success:charge@3=charge-reservation-k1"), chargeEvents(listener));
    List<Heard> retries = heard(listener, "step-attempt-failure:");
    assertEquals(List.of(1, 2), retries.stream().map(h -> h.context().attempt()).toList());
    assertEquals(List.of(new Retry(script.thrown("charge").get(0), Duration.ofMillis(20)),
        new Retry(script.thrown("charge").get(1), Duration.ofMillis(40))), retries.stream().map(Heard::payload).toList());
    assertStepMdc(listener, "tx-attempts", ShippingWorkflowRunner.WORKFLOW);
  }

  @Test
  void aStepThatFailsEveryAttemptFiresAttemptFailuresThenOneStepFailureForTheLast() {
    Script script = new Script().onInvoke("charge", Script.failAlways());
    ShippingWorkflowRunner shipping = ShippingWorkflowRunner.create(script, StepSpec.of("charge", 2));
    RecordingListener listener = new RecordingListener();

    WorkflowResult<String> result = shipping.run("k2", options("tx-attempts-fail", false, listener));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(chargeFailedTwiceThen("step-failure:charge@3:Boom"), chargeEvents(listener));
    assertEquals(List.of(Duration.ZERO, Duration.ZERO), heard(listener, "step-attempt-failure:").stream()
        .map(h -> ((Retry) h.payload()).delay()).toList(), "no retry interval: the retry starts at once");
    assertSame(script.thrown("charge").get(2), listener.only("step-failure:charge@3:Boom").payload());
    assertStepMdc(listener, "tx-attempts-fail", ShippingWorkflowRunner.WORKFLOW);
  }

  @Test
  void aListenerThatThrowsOnAnAttemptFailureNeverChangesTheRun() {
    Script script = new Script().onInvoke("charge", Script.fail(1));
    ShippingWorkflowRunner shipping = ShippingWorkflowRunner.create(script, StepSpec.of("charge", 1));
    ThrowingListener thrower = new ThrowingListener();
    RecordingListener after = new RecordingListener();

    WorkflowResult<String> result = shipping.run("k3", options("tx-attempts-throw", true, thrower, after));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("step-begin:charge@1", "step-attempt-failure:charge@1:Boom", "step-begin:charge@2",
        "step-success:charge@2=charge-reservation-k3"), chargeEvents(after));
    assertEquals(after.lines().size(), thrower.calls.get(), "the throwing listener heard every event too");
    assertMdcEmpty();
  }

  /** The events of a step 'charge' whose first two attempts failed and were retried, then {@code last}. */
  static List<String> chargeFailedTwiceThen(String last) {
    return List.of("step-begin:charge@1", "step-attempt-failure:charge@1:Boom", "step-begin:charge@2",
        "step-attempt-failure:charge@2:Boom", "step-begin:charge@3", last);
  }

  static List<String> chargeEvents(RecordingListener listener) {
    return listener.lines("step-").stream().filter(l -> l.contains(":charge@")).toList();
  }

  static List<Heard> heard(RecordingListener listener, String prefix) {
    return listener.heard().stream().filter(h -> h.line().startsWith(prefix)).toList();
  }

  /** Every event of a step's attempt had the run's MDC and the step's name in it. */
  static void assertStepMdc(RecordingListener listener, String tx, String workflow) {
    List<Heard> stepEvents = heard(listener, "step-");
    assertFalse(stepEvents.isEmpty());
    for (Heard h : stepEvents) {
      assertEquals(Map.of(WorkflowRun.MDC_TRANSACTION_ID, tx, WorkflowRun.MDC_WORKFLOW, workflow,
          WorkflowRun.MDC_STEP, h.context().stepName()), h.mdc(), h.line());
    }
  }

  @Test
  void permanentFailureFiresStepFailureAfterOneAttempt() {
    probe.fault("create-items", Fault.PERMANENT); // maxRetries 2, not used
    RecordingListener listener = new RecordingListener();

    runner.run(ACME, options("tx-perm", false, listener));

    assertEquals(List.of(
        "begin:" + WF + "/tx-perm",
        "step-begin:create-order@1",
        "step-success:create-order@1=" + ORDER,
        "step-begin:create-items@1",
        "step-failure:create-items@1:PermanentStepFailureException",
        "compensate-begin:" + WF + "/tx-perm",
        "compensate-success:create-order@1",
        "finish:REVERTED"), listener.lines());
    assertEquals("product prod-2 is not carried", assertInstanceOf(PermanentStepFailureException.class,
        listener.only("step-failure:create-items@1:PermanentStepFailureException").payload()).getMessage());
  }

  @Test
  void whenSkippedStepsFireStepSkippedAndNothingElse() {
    RecordingListener listener = new RecordingListener();
    ConditionalOrderWorkflowRunner conditional = new ConditionalOrderWorkflowRunner(new ConditionalOrderWorkflow(probe));

    WorkflowResult<String> result = conditional.run(new ConditionalOrderWorkflow.Input("bob", 3, false),
        options("tx-skip", true, listener));

    assertEquals("order-bob discount=none bonus=none", result.result());
    assertEquals(List.of(
        "begin:" + ConditionalOrderWorkflowRunner.WORKFLOW + "/tx-skip",
        "step-begin:create-order@1",
        "step-success:create-order@1=order-bob",
        "step-skipped:apply-discount@1",
        "step-skipped:gift-wrap@1",
        "step-skipped:add-bonus@1",
        "step-begin:summarize@1",
        "step-success:summarize@1=order-bob discount=none bonus=none",
        "finish:DONE"), listener.lines());
    assertEquals("apply-discount", listener.only("step-skipped:apply-discount@1").context().stepName());
  }

  @Test
  void throwingConditionFiresStepFailureWithoutStepBegin() {
    probe.failCondition("gift-wrap");
    RecordingListener listener = new RecordingListener();
    ConditionalOrderWorkflowRunner conditional = new ConditionalOrderWorkflowRunner(new ConditionalOrderWorkflow(probe));

    conditional.run(new ConditionalOrderWorkflow.Input("ann", 12, true), options("tx-cond", false, listener));

    assertEquals(List.of(
        "begin:" + ConditionalOrderWorkflowRunner.WORKFLOW + "/tx-cond",
        "step-begin:create-order@1",
        "step-success:create-order@1=order-ann",
        "step-begin:apply-discount@1",
        "step-success:apply-discount@1=10",
        "step-failure:gift-wrap@1:Boom",
        "compensate-begin:" + ConditionalOrderWorkflowRunner.WORKFLOW + "/tx-cond",
        "compensate-success:apply-discount@1",
        "compensate-success:create-order@1",
        "finish:REVERTED"), listener.lines());
  }

  @Test
  void severalListenersHearEachEventInTheOrderTheyWereAdded() {
    List<String> log = new ArrayList<>();
    RecordingListener a = new RecordingListener("A", log);
    RecordingListener b = new RecordingListener("B", log);
    RecordingListener c = new RecordingListener("C", log);

    runner.run(ACME, options("tx-many", true, a, b, c));

    List<String> expected = new ArrayList<>();
    for (String line : doneRunLines("tx-many")) {
      expected.add("A:" + line);
      expected.add("B:" + line);
      expected.add("C:" + line);
    }
    assertEquals(expected, log);
  }

  @Test
  void aThrowingListenerNeverChangesADoneRun() {
    ThrowingListener thrower = new ThrowingListener();
    RecordingListener after = new RecordingListener();

    WorkflowResult<Confirmation> result = runner.run(ACME, options("tx-t1", true, thrower, after));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of(), result.errors());
    assertEquals(CONFIRMATION, result.result().toString());
    assertEquals(List.of("invoke:create-order@1", "invoke:create-items@1", "invoke:audit@1",
        "invoke:reserve-stock@1", "invoke:notify-supplier@1", "invoke:confirm@1"), probe.events()); // no retry
    assertEquals(doneRunLines("tx-t1"), after.lines()); // the next listener still hears everything
    assertEquals(after.lines().size(), thrower.calls.get());
    assertMdcEmpty();
  }

  @Test
  void aThrowingListenerNeverChangesAFailedRun() {
    probe.failInvokeAlways("notify-supplier").failCompensation("create-items", 1);
    RecordingListener plain = new RecordingListener();
    WorkflowResult<Confirmation> expected = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(
        new Probe().failInvokeAlways("notify-supplier").failCompensation("create-items", 1)))
        .run(ACME, options("tx-t2", false, plain));
    ThrowingListener first = new ThrowingListener();
    ThrowingListener last = new ThrowingListener();
    RecordingListener middle = new RecordingListener();

    WorkflowResult<Confirmation> result = runner.run(ACME, options("tx-t2", false, first, middle, last));

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(expected.status(), result.status());
    assertEquals(describe(expected.errors()), describe(result.errors()));
    assertEquals(List.of("notify-supplier/INVOKE/2"), describe(result.errors()));
    assertEquals(List.of(
        "compensate:reserve-stock(order-acme x2)@1",
        "compensate:create-items([item-order-acme-1, item-order-acme-2])@1",
        "compensate:create-items([item-order-acme-1, item-order-acme-2])@2",
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(plain.lines(), middle.lines());
    assertEquals(middle.lines().size(), first.calls.get());
    assertEquals(middle.lines().size(), last.calls.get());
    assertMdcEmpty();
  }

  @Test
  void aThrowingListenerDoesNotChangeWhatRunThrows() {
    probe.failInvokeAlways("create-order");
    ThrowingListener thrower = new ThrowingListener();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run(ACME, options("tx-t3", true, thrower)));

    assertSame(probe.onlyThrown("create-order", StepPhase.INVOKE), e.getCause());
    assertEquals(List.of("create-order/INVOKE/1"), describe(e.result().errors()));
    assertNull(e.result().result());
    assertMdcEmpty();
  }

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }

  static void assertMdcEmpty() {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    assertTrue(mdc == null || mdc.isEmpty(), () -> "MDC after the run: " + mdc);
  }
}
