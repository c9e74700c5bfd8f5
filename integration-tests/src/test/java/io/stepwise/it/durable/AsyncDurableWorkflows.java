package io.stepwise.it.durable;

import static io.stepwise.it.durable.DurableWorkflows.did;
import static io.stepwise.it.durable.DurableWorkflows.orderOf;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Hook;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.it.durable.DurableWorkflows.OrderInput;
import io.stepwise.it.durable.DurableWorkflows.ParcelRequest;
import io.stepwise.runtime.StepContext;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asynchronous durable workflows: steps that return stages completed on another thread, a hook, a
 * step that tolerates its failure, and an asynchronous child.
 */
public final class AsyncDurableWorkflows {
  private AsyncDurableWorkflows() {}

  @Workflow("durable-parcel-async")
  public static final class ParcelAsync {
    @Step("book")
    CompletionStage<String> book(@Input ParcelRequest request) {
      return CompletableFuture.supplyAsync(() -> {
        did(request.order(), "book", null);
        return "booking-" + request.order();
      });
    }

    @Compensate("book")
    void unbook(String booking, StepContext ctx) {
      did(orderOf(ctx), "undo:book", null);
    }
  }

  @Workflow(value = "durable-order-async", result = "confirm")
  public static final class OrderAsync {
    @Step("create")
    CompletionStage<String> create(@Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        did(input.id(), "create", input.failAt());
        return "order-" + input.id();
      });
    }

    @Compensate("create")
    void cancel(String order, StepContext ctx) {
      did(orderOf(ctx), "undo:create", null);
    }

    @Hook("created")
    String created(@From("create") String order) {
      return order;
    }

    @Step(value = "gift-wrap", continueOnPermanentFailure = true)
    String giftWrap(@From("create") String order, @Input OrderInput input) {
      did(input.id(), "gift-wrap", input.failAt());
      return "wrapped-" + order;
    }

    @Step("ship")
    @ChildWorkflow(ParcelAsync.class)
    ParcelRequest ship(@Input OrderInput input) {
      return new ParcelRequest(input.id());
    }

    @Step("confirm")
    CompletionStage<String> confirm(@From("ship") String booking, @From("gift-wrap") Optional<String> wrap,
        @Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        did(input.id(), "confirm", input.failAt());
        return "confirmed " + booking + " " + wrap.orElse("unwrapped");
      });
    }
  }
}
