package io.stepwise.crash;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;

/** The outcome of the last step, "confirm", of both order workflows: the run's end follows from the input. */
final class Confirmation {
  private Confirmation() {}

  /**
   * Succeeds, unless the order {@linkplain CrashOrder#fails() fails}: then throws, or returns a
   * permanent failure that hands {@code confirm-<token>} to the step's own compensation.
   */
  static StepResponse<String, String> of(Effects effects, StepContext ctx, CrashOrder order, String token) {
    if (!order.fails()) {
      return new StepResponse<>(effects.succeed(ctx, token), "confirm-" + token);
    }
    Effects.PlannedFailure failure = effects.fail(ctx, token);
    if (order.failureCompensates()) {
      return StepResponse.permanentFailure(failure.getMessage(), "confirm-" + token);
    }
    throw failure;
  }
}
