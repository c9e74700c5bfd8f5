package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A charge with long retry pauses, to cancel a run in every moment of a step: synchronous and asynchronous. */
public final class PaymentWorkflows {
  private PaymentWorkflows() {}

  /** What the charge does in one run. */
  public static final class Payment {
    final Script script;
    /** Opens when the charge's first attempt has begun. */
    final CountDownLatch charging = new CountDownLatch(1);
    /** When set, a synchronous attempt waits for it to open before it goes on. */
    volatile CountDownLatch release;
    /** When set, an asynchronous attempt returns a stage that never completes. */
    volatile boolean hang;

    Payment(Script script) {
      this.script = script;
    }

    /** One attempt of the charge: waits if told to, then calls the script (which throws if it says so). */
    String charge(StepContext ctx) throws InterruptedException {
      charging.countDown();
      CountDownLatch gate = release;
      if (gate != null && !gate.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      script.call("charge");
      return "paid " + script.id + " on attempt " + ctx.attempt();
    }
  }

  /** Synchronous (WorkflowRun). */
  @Workflow("pay")
  public static final class Pay {
    @Step("reserve")
    String reserve(@Input Payment payment) {
      payment.script.call("reserve");
      return "res-" + payment.script.id;
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Script.of(ctx).call("undo:reserve " + reservation);
    }

    @Step(value = "charge", maxRetries = 3, retryInterval = "1m")
    String charge(@Input Payment payment, StepContext ctx) throws InterruptedException {
      return payment.charge(ctx);
    }

    @Step("ship")
    String ship(@From("charge") String paid) {
      return "shipped, " + paid;
    }
  }

  /** Asynchronous (AsyncRun): the charge returns a stage, and waits for it at most 300 ms an attempt. */
  @Workflow("pay-async")
  public static final class PayAsync {
    @Step("reserve")
    String reserve(@Input Payment payment) {
      return new Pay().reserve(payment);
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      new Pay().release(reservation, ctx);
    }

    @Step(value = "charge", maxRetries = 3, retryInterval = "1m", timeout = "300ms")
    CompletionStage<String> charge(@Input Payment payment, StepContext ctx) {
      if (payment.hang) {
        payment.script.record("charge");
        payment.charging.countDown();
        return new CompletableFuture<>();
      }
      return CompletableFuture.supplyAsync(() -> {
        try {
          return payment.charge(ctx);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      });
    }

    @Step("ship")
    String ship(@From("charge") String paid) {
      return "shipped, " + paid;
    }
  }
}
