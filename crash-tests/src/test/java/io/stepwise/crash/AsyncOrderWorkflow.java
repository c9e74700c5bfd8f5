package io.stepwise.crash;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.When;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link OrderWorkflow} with asynchronous steps: each returns a stage that another thread completes
 * a few milliseconds later. Same steps, same names, same failures.
 */
@Workflow("crash-order-async")
public final class AsyncOrderWorkflow {
  private final Effects effects;

  public AsyncOrderWorkflow(Effects effects) {
    this.effects = effects;
  }

  @Step("reserve")
  CompletableFuture<String> reserve(@Input CrashOrder order, StepContext ctx) {
    return effects.stepAsync(ctx);
  }

  @Compensate("reserve")
  void release(String reservation, StepContext ctx) {
    effects.compensate(ctx, reservation, 0);
  }

  @Step("price")
  @Parallel("prepare")
  CompletableFuture<String> price(@From("reserve") String reservation, StepContext ctx) {
    return effects.stepAsync(ctx);
  }

  @Compensate("price")
  void unprice(String price, StepContext ctx) {
    effects.compensate(ctx, price, 0);
  }

  @Step("label")
  @Parallel("prepare")
  CompletableFuture<StepResponse<String, String>> label(@From("reserve") String reservation, StepContext ctx) {
    return effects.stepAsync(ctx).thenApply(token -> new StepResponse<>(token, "label-" + token));
  }

  @Compensate("label")
  void voidLabel(String labelId, StepContext ctx) {
    effects.compensate(ctx, labelId, 0);
  }

  @Step(value = "notify", maxRetries = 2)
  @Parallel("prepare")
  CompletionStage<Void> notifyWarehouse(@From("reserve") String reservation, StepContext ctx) {
    return effects.flakyStepAsync(ctx, 2).thenApply(token -> null);
  }

  boolean wantsGift(@Input CrashOrder order, StepContext ctx) {
    return effects.decide(ctx, "gift", order.wantsGift());
  }

  @Step("gift")
  @When("wantsGift")
  CompletableFuture<String> gift(@From("reserve") String reservation, StepContext ctx) {
    return effects.stepAsync(ctx);
  }

  @Compensate("gift")
  void takeBack(String gift, StepContext ctx) {
    effects.compensate(ctx, gift, 0);
  }

  @Step(value = "charge", maxRetries = 3, autoRetry = false)
  CompletableFuture<String> charge(@From("price") String price, @From("label") String label, StepContext ctx) {
    return effects.flakyStepAsync(ctx, 3);
  }

  @Compensate("charge")
  void refund(String charge, StepContext ctx) {
    effects.compensate(ctx, charge, 3);
  }

  @Step("ship")
  @ChildWorkflow(AsyncParcelWorkflow.class)
  CrashOrder ship(@From("charge") String charge, @Input CrashOrder order) {
    return order;
  }

  @Step("confirm")
  CompletableFuture<StepResponse<String, String>> confirm(@From("ship") String parcel,
      @From("gift") Optional<String> gift, @Input CrashOrder order, StepContext ctx) {
    return effects.callAsync(ctx, token -> Confirmation.of(effects, ctx, order, token));
  }

  @Compensate("confirm")
  void unconfirm(String confirmation, StepContext ctx) {
    effects.compensate(ctx, confirmation, 0);
  }
}
