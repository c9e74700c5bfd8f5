package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Manual retries, Medusa's {@code autoRetry: false}. The same workflow, synchronous and asynchronous:
 *
 * <pre>
 * manual: order, charge (maxRetries 2, autoRetry = false), ship (the result); each compensated
 * timed:  the same two first steps in a workflow with a timeout of 300 ms
 * </pre>
 */
final class ManualRetryWorkflows {
  private ManualRetryWorkflows() {}

  /** A runner of the pair, with its generated {@code retryCharge} and {@code failCharge}. */
  record Manual(Runner<String> runner, Predicate<String> retryCharge, Predicate<String> failCharge) {}

  static Manual manual(Path path) {
    return path.pick(() -> {
      ManualRetryWorkflows_SyncRunner runner = new ManualRetryWorkflows_SyncRunner(new Sync());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), runner::retryCharge,
          runner::failCharge);
    }, () -> {
      ManualRetryWorkflows_AsyncRunner runner = new ManualRetryWorkflows_AsyncRunner(new Async());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), runner::retryCharge,
          runner::failCharge);
    });
  }

  static Manual timed(Path path) {
    return path.pick(() -> {
      ManualRetryWorkflows_TimedSyncRunner runner = new ManualRetryWorkflows_TimedSyncRunner(new TimedSync());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), runner::retryCharge,
          runner::failCharge);
    }, () -> {
      ManualRetryWorkflows_TimedAsyncRunner runner = new ManualRetryWorkflows_TimedAsyncRunner(new TimedAsync());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), runner::retryCharge,
          runner::failCharge);
    });
  }

  @Workflow(value = "manual-timed-sync", timeout = "300ms")
  static final class TimedSync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    String charge(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "charge-" + ctx.attempt());
    }
  }

  @Workflow(value = "manual-timed-async", timeout = "300ms")
  static final class TimedAsync {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    CompletableFuture<String> charge(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "charge-" + ctx.attempt());
    }
  }

  @Workflow("manual-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    String charge(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "charge-" + ctx.attempt());
    }

    @Compensate("charge")
    void refund(String charge, StepContext ctx) {
      Probe.of(ctx).undo(ctx, charge);
    }

    @Step("ship")
    String ship(@From("charge") String charge, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + charge);
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }
  }

  @Workflow("manual-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    CompletableFuture<String> charge(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "charge-" + ctx.attempt());
    }

    @Compensate("charge")
    void refund(String charge, StepContext ctx) {
      Probe.of(ctx).undo(ctx, charge);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("charge") String charge, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped " + charge);
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }
  }
}
