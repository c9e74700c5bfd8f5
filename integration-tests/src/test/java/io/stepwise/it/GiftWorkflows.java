package io.stepwise.it;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.When;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Workflows whose result is an {@code Optional}: the last step is conditional ({@code @When}) or
 * tolerates its failure. Each step calls the run's {@link Script} under its own name, so a test
 * makes any of them fail.
 */
public final class GiftWorkflows {
  private GiftWorkflows() {}

  /** Synchronous (WorkflowRun); the last step is conditional. */
  @Workflow("wrap-gift")
  public static final class Wrap {
    @Step("order")
    String order(@Input Script script) {
      script.call("order");
      return "order-" + script.id;
    }

    @Compensate("order")
    void cancel(String order, StepContext ctx) {
      Script.of(ctx).call("undo:order " + order);
    }

    boolean isGift(@Input Script script) {
      return true;
    }

    @Step("wrap")
    @When("isGift")
    String wrap(@From("order") String order, @Input Script script) {
      return wrapped(order, script, "wrap");
    }

    static String wrapped(String order, Script script, String call) {
      script.call(call);
      return "wrapped " + order;
    }
  }

  /** Asynchronous (AsyncRun): its first step returns a stage; the last step is conditional. */
  @Workflow("wrap-gift-async")
  public static final class WrapAsync {
    @Step("order")
    CompletionStage<String> order(@Input Script script) {
      return CompletableFuture.supplyAsync(() -> "order-" + script.id).thenApply(order -> {
        script.call("order-async");
        return order;
      });
    }

    boolean always() {
      return true;
    }

    @Step("wrap")
    @When("always")
    String wrap(@From("order") String order, @Input Script script) {
      return Wrap.wrapped(order, script, "wrap-async");
    }
  }

  /** Synchronous; the last step tolerates its failure. */
  @Workflow("award-points")
  public static final class Award {
    @Step("order")
    String order(@Input Script script) {
      script.call("order");
      return "order-" + script.id;
    }

    @Step(value = "points", continueOnPermanentFailure = true)
    Integer points(@From("order") String order, @Input Script script) {
      script.call("points");
      return order.length();
    }
  }

  /** Asynchronous: its first step returns a stage; the last step tolerates its failure. */
  @Workflow("award-points-async")
  public static final class AwardAsync {
    @Step("order")
    CompletionStage<String> order(@Input Script script) {
      return CompletableFuture.runAsync(() -> script.call("order")).thenApply(nothing -> "order-" + script.id);
    }

    @Step(value = "points", continueOnPermanentFailure = true)
    Integer points(@From("order") String order, @Input Script script) {
      return new Award().points(order, script);
    }
  }

  /** Runs both gift workflows as children: a failed child's result is empty, not null. */
  @Workflow("gift-box")
  public static final class Box {
    @Step("wrap")
    @ChildWorkflow(Wrap.class)
    Script wrap(@Input Script script) {
      return script;
    }

    @Step("wrap-async")
    @ChildWorkflow(WrapAsync.class)
    Script wrapAsync(@Input Script script) {
      return script;
    }
  }
}
