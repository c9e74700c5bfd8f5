package io.stepwise.it.durable;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A durable workflow with a manual retry ({@code autoRetry = false}), synchronous and asynchronous:
 * create (compensated), charge (maxRetries 2, autoRetry = false; fails on its first {@code failures}
 * attempts, compensated), confirm (the result). What the steps did is kept outside the store.
 */
final class ManualRetryWorkflows {
  private ManualRetryWorkflows() {}

  static final Map<String, List<String>> EFFECTS = new ConcurrentHashMap<>();

  public record Payment(String id, int failures) {}

  static List<String> effects(String id) {
    return EFFECTS.getOrDefault(id, List.of());
  }

  static String did(String id, String what) {
    EFFECTS.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(what);
    return what;
  }

  static String charge(Payment payment, StepContext ctx) {
    did(payment.id(), "charge#" + ctx.attempt());
    if (ctx.attempt() <= payment.failures()) {
      throw new IllegalStateException("card declined on attempt " + ctx.attempt());
    }
    return "charged-" + ctx.attempt();
  }

  @Workflow("manual-payment")
  public static final class Pay {
    @Step("create")
    String create(@Input Payment payment) {
      return did(payment.id(), "create");
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      did(ctx.transactionId(), "undo:" + created);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    String charge(@Input Payment payment, StepContext ctx) {
      return ManualRetryWorkflows.charge(payment, ctx);
    }

    @Compensate("charge")
    void refund(String charged, StepContext ctx) {
      did(ctx.transactionId(), "undo:" + charged);
    }

    @Step("confirm")
    String confirm(@From("charge") String charged, @Input Payment payment) {
      return did(payment.id(), "confirm " + charged);
    }
  }

  /** {@link Pay} with a deadline: a wait that nobody decides ends at it. */
  @Workflow(value = "manual-payment-deadline", timeout = "1500ms")
  public static final class PayWithDeadline {
    @Step("create")
    String create(@Input Payment payment) {
      return did(payment.id(), "create");
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      did(ctx.transactionId(), "undo:" + created);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    String charge(@Input Payment payment, StepContext ctx) {
      return ManualRetryWorkflows.charge(payment, ctx);
    }
  }

  @Workflow("manual-payment-async")
  public static final class PayAsync {
    @Step("create")
    CompletableFuture<String> create(@Input Payment payment) {
      return CompletableFuture.supplyAsync(() -> did(payment.id(), "create"));
    }

    @Compensate("create")
    void uncreate(String created, StepContext ctx) {
      did(ctx.transactionId(), "undo:" + created);
    }

    @Step(value = "charge", maxRetries = 2, autoRetry = false)
    CompletableFuture<String> charge(@Input Payment payment, StepContext ctx) {
      return CompletableFuture.supplyAsync(() -> ManualRetryWorkflows.charge(payment, ctx));
    }

    @Compensate("charge")
    void refund(String charged, StepContext ctx) {
      did(ctx.transactionId(), "undo:" + charged);
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("charge") String charged, @Input Payment payment) {
      return CompletableFuture.supplyAsync(() -> did(payment.id(), "confirm " + charged));
    }
  }
}
