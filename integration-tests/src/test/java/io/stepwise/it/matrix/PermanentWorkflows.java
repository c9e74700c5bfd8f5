package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletableFuture;

/**
 * {@code permanentFailure}, with and without partial work for the step's own compensation, and a
 * compensation input apart from the output. The same workflow, synchronous and asynchronous.
 */
final class PermanentWorkflows {
  private PermanentWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      PermanentWorkflows_SyncRunner runner = new PermanentWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      PermanentWorkflows_AsyncRunner runner = new PermanentWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("permanent-sync")
  static final class Sync {
    @Step("reserve")
    String reserve(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "reservation");
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reservation);
    }

    @Step(value = "charge", maxRetries = 2)
    StepResponse<String, String> charge(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "payment", "payment-id"));
    }

    @Compensate("charge")
    void refund(String paymentId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, paymentId);
    }

    @Step("ship")
    String ship(@From("charge") String payment, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped with " + payment);
    }
  }

  @Workflow("permanent-async")
  static final class Async {
    @Step("reserve")
    CompletableFuture<String> reserve(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "reservation");
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reservation);
    }

    @Step(value = "charge", maxRetries = 2)
    CompletableFuture<StepResponse<String, String>> charge(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "payment", "payment-id"));
    }

    @Compensate("charge")
    void refund(String paymentId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, paymentId);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("charge") String payment, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped with " + payment);
    }
  }
}
