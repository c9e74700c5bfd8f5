package io.stepwise.crash;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/** The child workflow of {@link AsyncOrderWorkflow}: {@link ParcelWorkflow} with asynchronous steps. */
@Workflow("crash-parcel-async")
public final class AsyncParcelWorkflow {
  private final Effects effects;

  public AsyncParcelWorkflow(Effects effects) {
    this.effects = effects;
  }

  @Step("pack")
  CompletableFuture<String> pack(@Input CrashOrder order, StepContext ctx) {
    return effects.stepAsync(ctx);
  }

  @Compensate("pack")
  void unpack(String box, StepContext ctx) {
    effects.compensate(ctx, box, 0);
  }

  @Step(value = "seal", maxRetries = 2)
  CompletableFuture<String> seal(@From("pack") String box, StepContext ctx) {
    return effects.flakyStepAsync(ctx, 2);
  }

  @Compensate("seal")
  void unseal(String seal, StepContext ctx) {
    effects.compensate(ctx, seal, 2);
  }
}
