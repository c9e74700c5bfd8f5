package io.stepwise.it;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Hook;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;

/** Runs {@link ShipmentWorkflow} as a child step, and offers the hook "order-placed". */
@Workflow("checkout")
public class CheckoutWorkflow {

  @Step("order")
  String order(@Input Script script) {
    script.call("order");
    return "order-" + script.id;
  }

  @Compensate("order")
  void cancel(String order, StepContext ctx) {
    Script.of(ctx).call("undo:order " + order);
  }

  @Hook("order-placed")
  String orderPlaced(@From("order") String order) {
    return order;
  }

  @Step("ship")
  @ChildWorkflow(ShipmentWorkflow.class)
  ShipmentWorkflow.Request ship(@From("order") String order, @Input Script script) {
    return new ShipmentWorkflow.Request(script, order);
  }

  @Step("confirm")
  String confirm(@From("ship") String label, @Input Script script) {
    script.call("confirm");
    return "confirmed " + label;
  }
}
