package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.When;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code @When} conditions that say yes, no or throw, on a step with an output and on a void step;
 * the conditional step's output is the workflow's result, an {@code Optional}. The same workflow,
 * synchronous and asynchronous (conditions are synchronous methods on both).
 */
final class ConditionWorkflows {
  private ConditionWorkflows() {}

  static Runner<Optional<String>> runner(Path path) {
    return path.pick(() -> {
      ConditionWorkflows_SyncRunner runner = new ConditionWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      ConditionWorkflows_AsyncRunner runner = new ConditionWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  @Workflow(value = "conditions-sync", result = "express")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    boolean wantsExpress(@From("order") String order, @Input Probe p, StepContext ctx) {
      return order.equals("order") && p.condition(ctx);
    }

    @Step("express")
    @When("wantsExpress")
    String express(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "express-" + order);
    }

    @Compensate("express")
    void cancelExpress(String express, StepContext ctx) {
      Probe.of(ctx).undo(ctx, express);
    }

    boolean wantsNotice(@Input Probe p, StepContext ctx) {
      return p.condition(ctx);
    }

    @Step("notify")
    @When("wantsNotice")
    void notifyCustomer(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("notify")
    void retractNotice(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("ship")
    String ship(@From("express") Optional<String> express, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + express.orElse("standard"));
    }
  }

  @Workflow(value = "conditions-async", result = "express")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    boolean wantsExpress(@From("order") String order, @Input Probe p, StepContext ctx) {
      return order.equals("order") && p.condition(ctx);
    }

    @Step("express")
    @When("wantsExpress")
    CompletableFuture<String> express(@From("order") String order, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "express-" + order);
    }

    @Compensate("express")
    void cancelExpress(String express, StepContext ctx) {
      Probe.of(ctx).undo(ctx, express);
    }

    boolean wantsNotice(@Input Probe p, StepContext ctx) {
      return p.condition(ctx);
    }

    @Step("notify")
    @When("wantsNotice")
    CompletionStage<Void> notifyCustomer(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> null);
    }

    @Compensate("notify")
    void retractNotice(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("express") Optional<String> express, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped " + express.orElse("standard"));
    }
  }
}
