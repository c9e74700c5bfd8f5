package io.stepwise.it.matrix;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Manual retries ({@code autoRetry = false}) where the wait cannot stop the run as a whole: a member of a
 * {@code @Parallel} group, and a step of a child workflow. The same workflows, synchronous and asynchronous:
 *
 * <pre>
 * group:  order, then the group "prepare" of charge (maxRetries 2, autoRetry = false) and label, then ship; each compensated
 * parent: order, then ship, which runs the child "parcel": pack, label (maxRetries 2, autoRetry = false); then confirm
 * </pre>
 */
final class ManualRetryGroupWorkflows {
  private ManualRetryGroupWorkflows() {}

  /** A runner of a pair, with the generated {@code retryXxx} and {@code failXxx} of its manual step. */
  record Manual(Runner<String> runner, Predicate<String> retry, Predicate<String> fail) {}

  static Manual group(Path path) {
    return path.pick(() -> {
      ManualRetryGroupWorkflows_GroupSyncRunner runner = new ManualRetryGroupWorkflows_GroupSyncRunner(new GroupSync());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), runner::retryCharge,
          runner::failCharge);
    }, () -> {
      ManualRetryGroupWorkflows_GroupAsyncRunner runner = new ManualRetryGroupWorkflows_GroupAsyncRunner(new GroupAsync());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), runner::retryCharge,
          runner::failCharge);
    });
  }

  /** The parent's runner, with the {@code retryLabel}/{@code failLabel} of a runner of its child workflow. */
  static Manual parent(Path path) {
    return path.pick(() -> {
      ManualRetryGroupWorkflows_ParentSyncRunner runner = new ManualRetryGroupWorkflows_ParentSyncRunner(new ParentSync());
      ManualRetryGroupWorkflows_ParcelSyncRunner child = new ManualRetryGroupWorkflows_ParcelSyncRunner(new ParcelSync());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), child::retryLabel, child::failLabel);
    }, () -> {
      ManualRetryGroupWorkflows_ParentAsyncRunner runner =
          new ManualRetryGroupWorkflows_ParentAsyncRunner(new ParentAsync());
      ManualRetryGroupWorkflows_ParcelAsyncRunner child =
          new ManualRetryGroupWorkflows_ParcelAsyncRunner(new ParcelAsync());
      return new Manual(Runner.of(runner::run, runner::runAsync, runner::cancel), child::retryLabel, child::failLabel);
    });
  }

  @Workflow("manual-group-sync")
  static final class GroupSync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    @Parallel("prepare")
    String charge(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "charge-" + ctx.attempt());
    }

    @Compensate("charge")
    void refund(String charge, StepContext ctx) {
      Probe.of(ctx).undo(ctx, charge);
    }

    @Step("label")
    @Parallel("prepare")
    String label(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "label");
    }

    @Compensate("label")
    void voidLabel(String label, StepContext ctx) {
      Probe.of(ctx).undo(ctx, label);
    }

    @Step("ship")
    String ship(@From("charge") String charge, @From("label") String label, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + charge + " " + label);
    }
  }

  @Workflow("manual-group-async")
  static final class GroupAsync {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    @Parallel("prepare")
    CompletableFuture<String> charge(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "charge-" + ctx.attempt());
    }

    @Compensate("charge")
    void refund(String charge, StepContext ctx) {
      Probe.of(ctx).undo(ctx, charge);
    }

    @Step("label")
    @Parallel("prepare")
    CompletableFuture<String> label(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "label");
    }

    @Compensate("label")
    void voidLabel(String label, StepContext ctx) {
      Probe.of(ctx).undo(ctx, label);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("charge") String charge, @From("label") String label, @Input Probe p,
        StepContext ctx) {
      return p.async(ctx, () -> "shipped " + charge + " " + label);
    }
  }

  @Workflow("manual-parent-sync")
  static final class ParentSync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step("ship")
    @ChildWorkflow(ParcelSync.class)
    Probe ship(@From("order") String order, @Input Probe p) {
      return p;
    }

    @Step("confirm")
    String confirm(@From("ship") String parcel, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "confirmed " + parcel);
    }
  }

  @Workflow("manual-parent-async")
  static final class ParentAsync {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step("ship")
    @ChildWorkflow(ParcelAsync.class)
    Probe ship(@From("order") String order, @Input Probe p) {
      return p;
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("ship") String parcel, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "confirmed " + parcel);
    }
  }

  /** {@link ParentAsync} whose step that runs the child times out after 300 ms. */
  @Workflow("manual-parent-timeout-async")
  static final class ParentTimeoutAsync {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "ship", timeout = "300ms")
    @ChildWorkflow(ParcelAsync.class)
    Probe ship(@From("order") String order, @Input Probe p) {
      return p;
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("ship") String parcel, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "confirmed " + parcel);
    }
  }

  /** The child of the synchronous parent. */
  @Workflow("manual-parcel-sync")
  static final class ParcelSync {
    @Step("pack")
    String pack(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "box");
    }

    @Compensate("pack")
    void unpack(String box, StepContext ctx) {
      Probe.of(ctx).undo(ctx, box);
    }

    @Step(value = "label", maxRetries = 2, autoRetry = false)
    String label(@From("pack") String box, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "labelled-" + ctx.attempt() + " " + box);
    }
  }

  /** The child of the asynchronous parent. */
  @Workflow("manual-parcel-async")
  static final class ParcelAsync {
    @Step("pack")
    CompletableFuture<String> pack(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "box");
    }

    @Compensate("pack")
    void unpack(String box, StepContext ctx) {
      Probe.of(ctx).undo(ctx, box);
    }

    @Step(value = "label", maxRetries = 2, autoRetry = false)
    CompletableFuture<String> label(@From("pack") String box, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "labelled-" + ctx.attempt() + " " + box);
    }
  }
}
