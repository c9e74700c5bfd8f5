package io.stepwise.it.durable;

import static io.stepwise.it.durable.DurableWorkflows.did;
import static io.stepwise.it.durable.DurableWorkflows.orderOf;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.it.durable.DurableWorkflows.OrderInput;
import io.stepwise.runtime.StepContext;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A durable order whose "charge" skips, when it fails, the steps up to "confirm" (the result): create,
 * charge (skipOnPermanentFailure, skipUntil "confirm"), gift, wrap, confirm, archive. Synchronous and
 * asynchronous. The input's {@code failAt} lists the steps that fail, comma-separated.
 */
public final class DurableSkipWorkflows {
  private DurableSkipWorkflows() {}

  /** Notes {@code what} under the order; throws if the input plans it to fail. */
  static void step(OrderInput input, String what) {
    boolean fails = input.failAt() != null && Arrays.asList(input.failAt().split(",")).contains(what);
    did(input.id(), what, fails ? what : null);
  }

  @Workflow(value = "durable-skip", result = "confirm")
  public static final class Skip {
    @Step("create")
    String create(@Input OrderInput input) {
      step(input, "create");
      return "order-" + input.id();
    }

    @Compensate("create")
    void cancel(String order, StepContext ctx) {
      did(orderOf(ctx), "undo:create", null);
    }

    @Step(value = "charge", skipOnPermanentFailure = true, skipUntil = "confirm")
    String charge(@Input OrderInput input) {
      step(input, "charge");
      return "charge-" + input.id();
    }

    @Step("gift")
    String gift(@From("charge") Optional<String> charge, @Input OrderInput input) {
      step(input, "gift");
      return "gift";
    }

    @Compensate("gift")
    void takeBack(String gift, StepContext ctx) {
      did(orderOf(ctx), "undo:gift", null);
    }

    @Step("wrap")
    void wrap(@Input OrderInput input) {
      step(input, "wrap");
    }

    @Compensate("wrap")
    void unwrap(StepContext ctx) {
      did(orderOf(ctx), "undo:wrap", null);
    }

    @Step("confirm")
    String confirm(@From("create") String order, @From("gift") Optional<String> gift, @Input OrderInput input) {
      step(input, "confirm");
      return "confirmed " + order + " " + gift.orElse("no gift");
    }

    @Compensate("confirm")
    void unconfirm(String confirmation, StepContext ctx) {
      did(orderOf(ctx), "undo:confirm", null);
    }

    @Step("archive")
    void archive(@Input OrderInput input) {
      step(input, "archive");
    }
  }

  @Workflow(value = "durable-skip-async", result = "confirm")
  public static final class SkipAsync {
    @Step("create")
    CompletableFuture<String> create(@Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        step(input, "create");
        return "order-" + input.id();
      });
    }

    @Compensate("create")
    void cancel(String order, StepContext ctx) {
      did(orderOf(ctx), "undo:create", null);
    }

    @Step(value = "charge", skipOnPermanentFailure = true, skipUntil = "confirm")
    CompletableFuture<String> charge(@Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        step(input, "charge");
        return "charge-" + input.id();
      });
    }

    @Step("gift")
    CompletableFuture<String> gift(@From("charge") Optional<String> charge, @Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        step(input, "gift");
        return "gift";
      });
    }

    @Compensate("gift")
    void takeBack(String gift, StepContext ctx) {
      did(orderOf(ctx), "undo:gift", null);
    }

    @Step("wrap")
    CompletableFuture<Void> wrap(@Input OrderInput input) {
      return CompletableFuture.runAsync(() -> step(input, "wrap"));
    }

    @Compensate("wrap")
    void unwrap(StepContext ctx) {
      did(orderOf(ctx), "undo:wrap", null);
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("create") String order, @From("gift") Optional<String> gift,
        @Input OrderInput input) {
      return CompletableFuture.supplyAsync(() -> {
        step(input, "confirm");
        return "confirmed " + order + " " + gift.orElse("no gift");
      });
    }

    @Compensate("confirm")
    void unconfirm(String confirmation, StepContext ctx) {
      did(orderOf(ctx), "undo:confirm", null);
    }

    @Step("archive")
    CompletableFuture<Void> archive(@Input OrderInput input) {
      return CompletableFuture.runAsync(() -> step(input, "archive"));
    }
  }
}
