package com.example.shop;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowResult;

/** Runs one order that is paid and one whose charge is declined, through the generated runner. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Warehouse warehouse = new Warehouse();
    PlaceOrderWorkflowRunner runner = new PlaceOrderWorkflowRunner(new PlaceOrderWorkflow(warehouse));

    WorkflowResult<String> paid = runner.run(new Order("tea", 2, 850));
    System.out.println(paid.status() + ": " + paid.result());

    WorkflowResult<String> declined = runner.run(new Order("piano", 1, 500_000),
        RunOptions.builder().throwOnError(false).build());
    StepError error = declined.errors().get(0);
    System.out.println(declined.status() + ": " + error.step() + " " + error.phase() + " "
        + error.cause().getMessage());
    System.out.println("journal: " + warehouse.journal());
  }
}
