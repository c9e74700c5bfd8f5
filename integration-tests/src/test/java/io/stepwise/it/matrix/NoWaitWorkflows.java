package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;

/**
 * A step that the steps after it do not wait for, Medusa's {@code noWait}. The same workflow,
 * synchronous and asynchronous.
 *
 * <pre>
 * nowait:  order, email (noWait), ship (takes the order), bill (takes the shipment: the result)
 * group:   order, email (noWait), ship, [pack, label] (@Parallel "prepare"), bill (the result)
 * </pre>
 */
final class NoWaitWorkflows {
  private NoWaitWorkflows() {}

  static Runner<String> noWait(Path path) {
    return path.pick(() -> {
      NoWaitWorkflows_SyncRunner runner = new NoWaitWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      NoWaitWorkflows_AsyncRunner runner = new NoWaitWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  static Runner<String> group(Path path) {
    return path.pick(() -> {
      NoWaitWorkflows_SyncGroupRunner runner = new NoWaitWorkflows_SyncGroupRunner(new SyncGroup());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      NoWaitWorkflows_AsyncGroupRunner runner = new NoWaitWorkflows_AsyncGroupRunner(new AsyncGroup());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow("nowait-group-sync")
  static final class SyncGroup {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "email", noWait = true)
    void email(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Step("ship")
    String ship(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped");
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("pack") @Parallel("prepare")
    String pack(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "packed");
    }

    @Step("label") @Parallel("prepare")
    String label(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "labelled");
    }

    @Step("bill")
    String bill(@From("pack") String pack, @From("label") String label, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "billed " + pack + " " + label);
    }
  }

  @Workflow("nowait-group-async")
  static final class AsyncGroup {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "email", noWait = true)
    CompletableFuture<Void> email(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> null);
    }

    @Step("ship")
    CompletableFuture<String> ship(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped");
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("pack") @Parallel("prepare")
    CompletableFuture<String> pack(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "packed");
    }

    @Step("label") @Parallel("prepare")
    CompletableFuture<String> label(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "labelled");
    }

    @Step("bill")
    CompletableFuture<String> bill(@From("pack") String pack, @From("label") String label, @Input Probe p,
        StepContext ctx) {
      return p.async(ctx, () -> "billed " + pack + " " + label);
    }
  }

  @Workflow("nowait-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "email", noWait = true)
    String email(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "mail");
    }

    @Compensate("email")
    void unsend(String mail, StepContext ctx) {
      Probe.of(ctx).undo(ctx, mail);
    }

    @Step("ship")
    String ship(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + order);
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("bill")
    String bill(@From("ship") String ship, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "billed " + ship);
    }
  }

  @Workflow("nowait-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "email", noWait = true)
    CompletableFuture<String> email(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "mail");
    }

    @Compensate("email")
    void unsend(String mail, StepContext ctx) {
      Probe.of(ctx).undo(ctx, mail);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped " + order);
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("bill")
    CompletableFuture<String> bill(@From("ship") String ship, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "billed " + ship);
    }
  }
}
