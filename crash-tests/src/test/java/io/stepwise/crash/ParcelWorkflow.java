package io.stepwise.crash;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;

/** The child workflow of {@link OrderWorkflow}: two steps, the second with retries that fail at random. */
@Workflow("crash-parcel")
public final class ParcelWorkflow {
  private final Effects effects;

  public ParcelWorkflow(Effects effects) {
    this.effects = effects;
  }

  @Step("pack")
  String pack(@Input CrashOrder order, StepContext ctx) {
    return effects.step(ctx);
  }

  @Compensate("pack")
  void unpack(String box, StepContext ctx) {
    effects.compensate(ctx, box, 0);
  }

  @Step(value = "seal", maxRetries = 2)
  String seal(@From("pack") String box, StepContext ctx) {
    return effects.flakyStep(ctx, 2);
  }

  @Compensate("seal")
  void unseal(String seal, StepContext ctx) {
    effects.compensate(ctx, seal, 2);
  }
}
