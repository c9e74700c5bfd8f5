package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.it.PaymentWorkflows.Payment;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cancelled run says so in its result whenever the cancel lands: during a retry pause, during an
 * attempt that then fails, while an asynchronous attempt with a timeout is pending. The step's
 * error is a {@link WorkflowCancelledException} with the real number of attempts, the attempt's own
 * failure as its suppressed exception, and it is the cause of the {@link WorkflowFailedException}.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancelTest {
  private final PaymentWorkflows_PayRunner sync = new PaymentWorkflows_PayRunner(new PaymentWorkflows.Pay());
  private final PaymentWorkflows_PayAsyncRunner async =
      new PaymentWorkflows_PayAsyncRunner(new PaymentWorkflows.PayAsync());

  private static Payment payment() {
    return new Payment(new Script("tx-" + UUID.randomUUID()));
  }

  private static RunOptions throwing(Payment payment) {
    return RunOptions.builder().transactionId(payment.script.id).build();
  }

  @Test
  void synchronousCancelDuringARetryPause() throws Exception {
    Payment payment = payment();
    payment.script.failAlways("charge");
    CompletableFuture<WorkflowResult<String>> run = sync.runAsync(payment, throwing(payment));
    awaitCalls(payment.script, "charge", 1); // the attempt failed: the run pauses for a minute

    assertTrue(sync.cancel(payment.script.id));

    assertCancelledAtCharge(payment, failure(run), IllegalStateException.class);
  }

  @Test
  void synchronousCancelDuringAnAttemptThatThenFails() throws Exception {
    Payment payment = payment();
    payment.script.failAlways("charge");
    payment.release = new CountDownLatch(1);
    CompletableFuture<WorkflowResult<String>> run = sync.runAsync(payment, throwing(payment));
    assertTrue(payment.charging.await(10, TimeUnit.SECONDS));

    assertTrue(sync.cancel(payment.script.id));
    payment.release.countDown();

    assertCancelledAtCharge(payment, failure(run), IllegalStateException.class);
  }

  @Test
  void asynchronousCancelDuringARetryPause() throws Exception {
    Payment payment = payment();
    payment.script.failAlways("charge");
    CompletableFuture<WorkflowResult<String>> run = async.runAsync(payment, throwing(payment));
    awaitCalls(payment.script, "charge", 1);

    assertTrue(async.cancel(payment.script.id));

    assertCancelledAtCharge(payment, failure(run), IllegalStateException.class);
  }

  @Test
  void asynchronousCancelWhileAnAttemptWithATimeoutIsPending() throws Exception {
    Payment payment = payment();
    payment.hang = true;
    CompletableFuture<WorkflowResult<String>> run = async.runAsync(payment, throwing(payment));
    assertTrue(payment.charging.await(10, TimeUnit.SECONDS));

    assertTrue(async.cancel(payment.script.id));

    // the run stops waiting at the attempt's timeout, and does not try again
    assertCancelledAtCharge(payment, failure(run), StepTimeoutException.class);
  }

  private static void assertCancelledAtCharge(Payment payment, WorkflowFailedException e,
      Class<? extends Throwable> attemptFailure) {
    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().size(), result.errors().toString());
    StepError error = result.errors().get(0);
    assertEquals("charge", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertEquals(1, error.attempts(), "one attempt was made");
    WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class, error.cause());
    assertSame(cancelled, e.getCause());
    assertTrue(cancelled.getMessage().contains("(transaction " + payment.script.id + ") was cancelled during step"
        + " 'charge', whose attempt 1 failed with " + attemptFailure.getName()), cancelled.getMessage());
    assertInstanceOf(attemptFailure, cancelled.getSuppressed()[0]);
    assertTrue(e.getMessage().contains("ended REVERTED: it was cancelled at step 'charge'"), e.getMessage());
    assertEquals(List.of("reserve", "charge", "undo:reserve res-" + payment.script.id), payment.script.journal());
  }

  private static WorkflowFailedException failure(CompletableFuture<WorkflowResult<String>> run) {
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, run::join);
    return assertInstanceOf(WorkflowFailedException.class, e.getCause());
  }

  private static void awaitCalls(Script script, String call, int calls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (script.calls(call) < calls && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(calls, script.calls(call));
  }
}
