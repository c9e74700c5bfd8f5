package io.stepwise.it;

import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A charge that the run's {@link Script} makes fail, retried with a growing pause: synchronous and asynchronous. */
public final class FlakyWorkflows {
  private FlakyWorkflows() {}

  @Workflow("flaky-charge")
  public static final class Charge {
    @Step(value = "charge", maxRetries = 2, retryInterval = "20ms", backoff = 2.0)
    String charge(@Input Script script, StepContext ctx) {
      script.call("charge");
      return "paid on attempt " + ctx.attempt();
    }
  }

  @Workflow("flaky-charge-async")
  public static final class ChargeAsync {
    @Step(value = "charge", maxRetries = 2, retryInterval = "20ms", backoff = 2.0)
    CompletionStage<String> charge(@Input Script script, StepContext ctx) {
      return CompletableFuture.supplyAsync(() -> new Charge().charge(script, ctx));
    }
  }
}
