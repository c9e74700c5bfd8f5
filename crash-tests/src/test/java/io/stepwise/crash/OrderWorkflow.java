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

/**
 * The synchronous workflow of the crash tests: a step, a {@code @Parallel} group of three (one
 * {@code void}, without compensation), a {@code @When} step, a step with manual retries ({@code
 * autoRetry = false}: the run stops at a recorded wait, and the application retries it) whose attempts
 * and compensations fail at random, a child workflow, and a last step that fails on purpose for every
 * fifth input ({@link CrashOrder#fails()}). Every step and compensation records itself in the effect
 * log through {@link Effects}; each step's output is its invocation's token.
 */
@Workflow("crash-order")
public final class OrderWorkflow {
  private final Effects effects;

  public OrderWorkflow(Effects effects) {
    this.effects = effects;
  }

  @Step("reserve")
  String reserve(@Input CrashOrder order, StepContext ctx) {
    return effects.step(ctx);
  }

  @Compensate("reserve")
  void release(String reservation, StepContext ctx) {
    effects.compensate(ctx, reservation, 0);
  }

  @Step("price")
  @Parallel("prepare")
  String price(@From("reserve") String reservation, StepContext ctx) {
    return effects.step(ctx);
  }

  @Compensate("price")
  void unprice(String price, StepContext ctx) {
    effects.compensate(ctx, price, 0);
  }

  @Step("label")
  @Parallel("prepare")
  StepResponse<String, String> label(@From("reserve") String reservation, StepContext ctx) {
    String token = effects.step(ctx);
    return new StepResponse<>(token, "label-" + token);
  }

  @Compensate("label")
  void voidLabel(String labelId, StepContext ctx) {
    effects.compensate(ctx, labelId, 0);
  }

  @Step(value = "notify", maxRetries = 2)
  @Parallel("prepare")
  void notifyWarehouse(@From("reserve") String reservation, StepContext ctx) {
    effects.flakyStep(ctx, 2);
  }

  boolean wantsGift(@Input CrashOrder order, StepContext ctx) {
    return effects.decide(ctx, "gift", order.wantsGift());
  }

  @Step("gift")
  @When("wantsGift")
  String gift(@From("reserve") String reservation, StepContext ctx) {
    return effects.step(ctx);
  }

  @Compensate("gift")
  void takeBack(String gift, StepContext ctx) {
    effects.compensate(ctx, gift, 0);
  }

  @Step(value = "charge", maxRetries = 3, autoRetry = false)
  String charge(@From("price") String price, @From("label") String label, StepContext ctx) {
    return effects.flakyStep(ctx, 3);
  }

  @Compensate("charge")
  void refund(String charge, StepContext ctx) {
    effects.compensate(ctx, charge, 3);
  }

  @Step("ship")
  @ChildWorkflow(ParcelWorkflow.class)
  CrashOrder ship(@From("charge") String charge, @Input CrashOrder order) {
    return order;
  }

  @Step("confirm")
  StepResponse<String, String> confirm(@From("ship") String parcel, @From("gift") Optional<String> gift,
      @Input CrashOrder order, StepContext ctx) {
    return effects.call(ctx, token -> Confirmation.of(effects, ctx, order, token));
  }

  @Compensate("confirm")
  void unconfirm(String confirmation, StepContext ctx) {
    effects.compensate(ctx, confirmation, 0);
  }
}
