package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.Optional;

/** Parallel steps, a tolerated failure, a step timeout and retry pauses, through a generated runner. */
@Workflow(value = "fulfilment", result = "ship")
public class FulfilmentWorkflow {

  @Step("order")
  String order(@Input FulfilmentScript run) {
    run.script.call("order");
    return "order-" + run.script.id;
  }

  @Compensate("order")
  void cancelOrder(String order, StepContext ctx) {
    Script.of(ctx).call("undo:order " + order);
  }

  @Step("reserve")
  @Parallel("prepare")
  String reserve(@From("order") String order, @Input FulfilmentScript run) throws Exception {
    run.awaitPartner();
    run.script.call("reserve");
    return "reservation-" + order;
  }

  @Compensate("reserve")
  void release(String reservation, StepContext ctx) {
    Script.of(ctx).call("undo:reserve " + reservation);
  }

  @Step("label")
  @Parallel("prepare")
  String label(@From("order") String order, @Input FulfilmentScript run) throws Exception {
    run.awaitPartner();
    run.script.call("label");
    return "label-" + order;
  }

  @Compensate("label")
  void voidLabel(String label, StepContext ctx) {
    Script.of(ctx).call("undo:label " + label);
  }

  @Step(value = "loyalty", continueOnPermanentFailure = true)
  int loyalty(@Input FulfilmentScript run) {
    run.script.call("loyalty");
    return 42;
  }

  @Step(value = "slow", timeout = "300ms", maxRetries = 1, retryInterval = "50ms")
  String slow(@Input FulfilmentScript run, StepContext ctx) throws InterruptedException {
    run.script.call("slow");
    if (run.holdSlow) {
      run.slowEntered.countDown();
      run.releaseSlow.await();
    }
    long[] plan = run.slowMillis;
    Thread.sleep(plan[Math.min(ctx.attempt(), plan.length) - 1]);
    return "slow done on attempt " + ctx.attempt();
  }

  @Step("ship")
  String ship(@From("reserve") String reservation, @From("label") String label, @From("loyalty") Optional<Integer> points,
      @Input FulfilmentScript run) {
    run.script.call("ship");
    return reservation + " " + label + " points=" + points.map(String::valueOf).orElse("none");
  }

  @Compensate("ship")
  void unship(String shipment, StepContext ctx) {
    Script.of(ctx).call("undo:ship");
  }
}
