package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;

/** A workflow that {@link CheckoutWorkflow} runs as a child. */
@Workflow("create-shipment")
public class ShipmentWorkflow {

  /** The child's input. */
  public record Request(Script script, String order) {}

  @Step("book-carrier")
  String book(@Input Request request, StepContext ctx) {
    request.script().call("book-carrier");
    request.script().record("child tx " + ctx.transactionId());
    return "carrier-for-" + request.order();
  }

  @Compensate("book-carrier")
  void unbook(String booking, StepContext ctx) {
    Script.of(ctx).call("undo:book-carrier " + booking);
  }

  @Step("print-label")
  String label(@From("book-carrier") String booking, @Input Request request) {
    request.script().call("print-label");
    return "label-" + booking;
  }

  @Compensate("print-label")
  void voidLabel(String label, StepContext ctx) {
    Script.of(ctx).call("undo:print-label " + label);
  }
}
