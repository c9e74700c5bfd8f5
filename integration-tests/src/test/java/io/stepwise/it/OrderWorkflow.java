package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.When;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.List;
import java.util.Optional;

/**
 * Every step shape: StepResponse, plain, primitive, void, conditional, static, checked exceptions,
 * permanent failures. Each call is recorded in the run's {@link Script}; compensations find it by
 * the run's transaction id.
 */
@Workflow(value = "order", result = "charge")
public class OrderWorkflow {
  private final Pricing pricing;

  public OrderWorkflow(Pricing pricing) {
    this.pricing = pricing;
  }

  @Step(value = "reserve", maxRetries = 2)
  StepResponse<List<String>, String> reserve(@Input Script script, StepContext ctx) {
    script.record("reserve attempt " + ctx.attempt());
    script.call("reserve");
    return new StepResponse<>(List.of("sku-1", "sku-2"), "reservation-" + script.id);
  }

  @Compensate("reserve")
  void release(String reservation, StepContext ctx) {
    Script.of(ctx).call("undo:reserve " + reservation);
  }

  @Step("price")
  int price(@From("reserve") List<String> skus, @Input Script script) {
    script.call("price");
    return pricing.unitPrice() * skus.size();
  }

  @Compensate("price")
  static void unprice(int cents, StepContext ctx) {
    Script.of(ctx).call("undo:price " + cents);
  }

  boolean needsApproval(@From("price") long total, @Input Script script) {
    script.record("condition " + total);
    return total > 1000;
  }

  @Step("approve")
  @When("needsApproval")
  String approve(@From("price") Integer total, @Input Script script) {
    script.call("approve");
    return "approved " + total;
  }

  @Compensate("approve")
  void unapprove(String approval, StepContext ctx) {
    Script.of(ctx).call("undo:approve " + approval);
  }

  @Step(value = "charge", maxRetries = 1)
  StepResponse<Long, String> charge(@From("price") int cents, @From("approve") Optional<String> approval,
      @Input Script script) {
    script.call("charge");
    script.record("charge " + cents + " " + approval.orElse("unapproved"));
    return new StepResponse<>((long) cents, "payment-" + cents);
  }

  @Compensate("charge")
  void refund(String payment, StepContext ctx) {
    Script.of(ctx).call("undo:charge " + payment);
  }

  @Step("ship")
  void ship(@Input Script script, @From("charge") Long charged) throws Exception {
    script.call("ship");
    if (charged < 0) {
      throw new Exception("negative charge");
    }
  }

  @Compensate("ship")
  void unship(StepContext ctx) {
    Script.of(ctx).call("undo:ship");
  }

  @Step("notify")
  StepResponse<String, String> notifyCustomer(@Input Script script) {
    script.call("notify");
    if (script.calls("partial") > 0) {
      return StepResponse.permanentFailure("mail server refused", "draft-" + script.id);
    }
    if (script.calls("permanent") > 0) {
      return StepResponse.permanentFailure("no address");
    }
    return new StepResponse<>("sent");
  }

  @Compensate("notify")
  void unnotify(String draft, StepContext ctx) {
    Script.of(ctx).call("undo:notify " + draft);
  }
}
