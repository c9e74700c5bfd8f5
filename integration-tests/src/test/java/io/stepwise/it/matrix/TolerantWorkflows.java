package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code continueOnPermanentFailure} and {@code skipOnPermanentFailure}: errors recorded, outputs
 * empty, the run goes on. "gift" skips until "ship", the next step: it skips nothing but itself (what
 * skipping the steps after a failure does is {@link SkipWorkflows}'). The same workflow, synchronous
 * and asynchronous.
 */
final class TolerantWorkflows {
  private TolerantWorkflows() {}

  static Runner<String> runner(Path path) {
    return path.pick(() -> {
      TolerantWorkflows_SyncRunner runner = new TolerantWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      TolerantWorkflows_AsyncRunner runner = new TolerantWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  static String summary(Optional<Integer> points, Optional<String> gift) {
    return "shipped points=" + points.map(String::valueOf).orElse("none") + " gift=" + gift.orElse("none");
  }

  @Workflow("tolerant-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "points", maxRetries = 1, continueOnPermanentFailure = true)
    StepResponse<Integer, String> points(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, 42, "points-42"));
    }

    @Compensate("points")
    void revokePoints(String points, StepContext ctx) {
      Probe.of(ctx).undo(ctx, points);
    }

    @Step(value = "gift", skipOnPermanentFailure = true, skipUntil = "ship")
    String gift(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "mug");
    }

    @Compensate("gift")
    void takeBackGift(String gift, StepContext ctx) {
      Probe.of(ctx).undo(ctx, gift);
    }

    @Step("ship")
    String ship(@From("points") Optional<Integer> points, @From("gift") Optional<String> gift, @Input Probe p,
        StepContext ctx) {
      return p.sync(ctx, () -> summary(points, gift));
    }
  }

  @Workflow("tolerant-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "points", maxRetries = 1, continueOnPermanentFailure = true)
    CompletableFuture<StepResponse<Integer, String>> points(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, 42, "points-42"));
    }

    @Compensate("points")
    void revokePoints(String points, StepContext ctx) {
      Probe.of(ctx).undo(ctx, points);
    }

    @Step(value = "gift", skipOnPermanentFailure = true, skipUntil = "ship")
    CompletableFuture<String> gift(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "mug");
    }

    @Compensate("gift")
    void takeBackGift(String gift, StepContext ctx) {
      Probe.of(ctx).undo(ctx, gift);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("points") Optional<Integer> points, @From("gift") Optional<String> gift,
        @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> summary(points, gift));
    }
  }
}
