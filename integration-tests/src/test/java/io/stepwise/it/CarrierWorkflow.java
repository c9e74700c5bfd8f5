package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletionStage;

/** Books a carrier over HTTP; run as a child of {@link PayAndShipWorkflow}. */
@Workflow("carrier")
public class CarrierWorkflow {
  private final RemoteApi api;

  public CarrierWorkflow(RemoteApi api) {
    this.api = api;
  }

  @Step(value = "book-carrier", timeout = "5s")
  CompletionStage<StepResponse<String, String>> book(@Input String reservation, StepContext ctx) {
    return api.post("/book", ctx.transactionId())
        .thenApply(booking -> new StepResponse<>(booking, booking));
  }

  @Compensate("book-carrier")
  void cancel(String booking, StepContext ctx) {
    Script.of(ctx).record("undo:book-carrier " + booking);
  }
}
