package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;

/** A workflow with a short timeout for the whole run. */
@Workflow(value = "deadline", timeout = "300ms")
public class DeadlineWorkflow {

  @Step("quick")
  String quick(@Input Script script) {
    script.call("quick");
    return "quick";
  }

  @Compensate("quick")
  void undoQuick(String out, StepContext ctx) {
    Script.of(ctx).call("undo:quick");
  }

  @Step(value = "long", maxRetries = 3)
  void longStep(@Input Script script) throws InterruptedException {
    script.call("long");
    Thread.sleep(5_000);
  }
}
