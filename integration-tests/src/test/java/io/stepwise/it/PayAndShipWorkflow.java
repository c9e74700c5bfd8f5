package io.stepwise.it;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A workflow whose steps call HTTP services without blocking: the charge returns the HTTP client's
 * future, the customer notice a {@code CompletionStage<Void>}, and the carrier booking is a child
 * workflow whose own step is asynchronous.
 */
@Workflow("pay-and-ship")
public class PayAndShipWorkflow {
  private final RemoteApi api;

  public PayAndShipWorkflow(RemoteApi api) {
    this.api = api;
  }

  @Step("reserve")
  String reserve(@Input Script script) {
    script.call("reserve");
    return "res-" + script.id;
  }

  @Compensate("reserve")
  void release(String reservation, StepContext ctx) {
    Script.of(ctx).record("undo:reserve " + reservation);
  }

  @Step(value = "charge", maxRetries = 2, retryInterval = "20ms")
  CompletableFuture<String> charge(@Input Script script, @From("reserve") String reservation, StepContext ctx) {
    script.record("charge#" + ctx.attempt() + " on " + Thread.currentThread().getName());
    return api.post("/charge", script.id);
  }

  @Compensate("charge")
  void refund(String paymentId, StepContext ctx) {
    Script.of(ctx).record("undo:charge " + paymentId);
  }

  @Step("notify-customer")
  @Parallel("dispatch")
  CompletionStage<Void> notifyCustomer(@Input Script script, @From("charge") String paymentId) {
    return api.post("/notify", script.id).thenAccept(answer -> script.record("notified " + paymentId));
  }

  @Step(value = "book", timeout = "2s")
  @Parallel("dispatch")
  @ChildWorkflow(CarrierWorkflow.class)
  String book(@From("reserve") String reservation) {
    return reservation;
  }

  @Step("confirm")
  String confirm(@Input Script script, @From("charge") String paymentId, @From("book") String booking) {
    script.call("confirm");
    script.record("confirm on " + Thread.currentThread().getName());
    return "confirmed " + paymentId + " " + booking;
  }
}
