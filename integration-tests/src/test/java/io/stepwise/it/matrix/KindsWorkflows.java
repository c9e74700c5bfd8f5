package io.stepwise.it.matrix;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Hook;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.When;
import io.stepwise.annotations.Workflow;
import io.stepwise.it.matrix.ChildWorkflows.ParcelAsync;
import io.stepwise.it.matrix.ChildWorkflows.ParcelSync;
import io.stepwise.runtime.HookCompensation;
import io.stepwise.runtime.HookHandler;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Every kind of step (a value, a {@code StepResponse}, {@code void}, a child workflow, a hook), with
 * and without {@code @When}, alone and in the {@code @Parallel} groups "prepare" (unconditional but
 * for "reserve") and "dispatch" (all conditional). Written three times: plain
 * steps; asynchronous steps; and plain steps in an asynchronous run (only "order" returns a stage,
 * the children are synchronous), as a workflow that mixes both kinds is.
 */
final class KindsWorkflows {
  private KindsWorkflows() {}

  /** The workflows of this file, and the path each runs on. */
  enum Variant {
    SYNC(Path.SYNC),
    ASYNC_COMPLETED(Path.ASYNC_COMPLETED),
    ASYNC_LATER(Path.ASYNC_LATER),
    /** Plain steps after one whose stage completes later: the asynchronous path runs them. */
    MIXED(Path.ASYNC_LATER);

    final Path path;

    Variant(Path path) {
      this.path = path;
    }
  }

  /** This variant's runner, with a handler of the hook "placed" that records, and its compensation. */
  static Runner<String> runner(Variant variant) {
    HookHandler<String> handler = (order, ctx) -> Probe.of(ctx).record("hook " + order, ctx);
    HookCompensation<String> undo = (order, ctx) -> Probe.of(ctx).undo(ctx, order);
    switch (variant) {
      case SYNC: {
        KindsWorkflows_SyncRunner runner = new KindsWorkflows_SyncRunner(new Sync()).onPlaced(handler, undo);
        return Runner.of(runner::run, runner::runAsync, runner::cancel);
      }
      case MIXED: {
        KindsWorkflows_MixedRunner runner = new KindsWorkflows_MixedRunner(new Mixed()).onPlaced(handler, undo);
        return Runner.of(runner::run, runner::runAsync, runner::cancel);
      }
      default: {
        KindsWorkflows_AsyncRunner runner = new KindsWorkflows_AsyncRunner(new Async()).onPlaced(handler, undo);
        return Runner.of(runner::run, runner::runAsync, runner::cancel);
      }
    }
  }

  static String confirmation(Optional<String> charge, Optional<String> ship, Optional<String> reserve, String bill,
      String box, Optional<String> invoice, Optional<String> crate) {
    return "confirmed " + charge.orElse("-") + " " + ship.orElse("-") + " " + reserve.orElse("-") + " " + bill + " "
        + box + " " + invoice.orElse("-") + " " + crate.orElse("-");
  }

  @Workflow("kinds-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    boolean wanted(@Input Probe p, StepContext ctx) {
      return p.condition(ctx);
    }

    @Step("note")
    @When("wanted")
    void note(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("note")
    void eraseNote(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("charge")
    @When("wanted")
    StepResponse<String, String> charge(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "payment", "payment-id"));
    }

    @Compensate("charge")
    void refund(String paymentId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, paymentId);
    }

    @Hook("placed")
    @When("wanted")
    String placed(@From("order") String order) {
      return order;
    }

    @Step("ship")
    @When("wanted")
    @ChildWorkflow(ParcelSync.class)
    Probe ship(@Input Probe p) {
      return p;
    }

    @Step("reserve")
    @Parallel("prepare")
    @When("wanted")
    String reserve(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "reservation");
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reservation);
    }

    @Step("bill")
    @Parallel("prepare")
    StepResponse<String, String> bill(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "bill", "bill-id"));
    }

    @Compensate("bill")
    void voidBill(String billId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, billId);
    }

    @Step("notify")
    @Parallel("prepare")
    void notifyCustomer(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("notify")
    void retractNotice(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("box")
    @Parallel("prepare")
    @ChildWorkflow(ParcelSync.class)
    Probe box(@Input Probe p) {
      return p;
    }

    @Step("invoice")
    @Parallel("dispatch")
    @When("wanted")
    StepResponse<String, String> invoice(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "invoice", "invoice-id"));
    }

    @Compensate("invoice")
    void cancelInvoice(String invoiceId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, invoiceId);
    }

    @Step("sms")
    @Parallel("dispatch")
    @When("wanted")
    void sms(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("sms")
    void retractSms(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("crate")
    @Parallel("dispatch")
    @When("wanted")
    @ChildWorkflow(ParcelSync.class)
    Probe crate(@Input Probe p) {
      return p;
    }

    @Step("confirm")
    String confirm(@From("charge") Optional<String> charge, @From("ship") Optional<String> ship,
        @From("reserve") Optional<String> reserve, @From("bill") String bill, @From("box") String box,
        @From("invoice") Optional<String> invoice, @From("crate") Optional<String> crate, @Input Probe p,
        StepContext ctx) {
      return p.sync(ctx, () -> confirmation(charge, ship, reserve, bill, box, invoice, crate));
    }
  }

  @Workflow("kinds-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    boolean wanted(@Input Probe p, StepContext ctx) {
      return p.condition(ctx);
    }

    @Step("note")
    @When("wanted")
    CompletionStage<Void> note(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> null);
    }

    @Compensate("note")
    void eraseNote(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("charge")
    @When("wanted")
    CompletableFuture<StepResponse<String, String>> charge(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "payment", "payment-id"));
    }

    @Compensate("charge")
    void refund(String paymentId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, paymentId);
    }

    @Hook("placed")
    @When("wanted")
    String placed(@From("order") String order) {
      return order;
    }

    @Step("ship")
    @When("wanted")
    @ChildWorkflow(ParcelAsync.class)
    Probe ship(@Input Probe p) {
      return p;
    }

    @Step("reserve")
    @Parallel("prepare")
    @When("wanted")
    CompletableFuture<String> reserve(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "reservation");
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reservation);
    }

    @Step("bill")
    @Parallel("prepare")
    CompletableFuture<StepResponse<String, String>> bill(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "bill", "bill-id"));
    }

    @Compensate("bill")
    void voidBill(String billId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, billId);
    }

    @Step("notify")
    @Parallel("prepare")
    CompletionStage<Void> notifyCustomer(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> null);
    }

    @Compensate("notify")
    void retractNotice(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("box")
    @Parallel("prepare")
    @ChildWorkflow(ParcelAsync.class)
    Probe box(@Input Probe p) {
      return p;
    }

    @Step("invoice")
    @Parallel("dispatch")
    @When("wanted")
    CompletableFuture<StepResponse<String, String>> invoice(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "invoice", "invoice-id"));
    }

    @Compensate("invoice")
    void cancelInvoice(String invoiceId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, invoiceId);
    }

    @Step("sms")
    @Parallel("dispatch")
    @When("wanted")
    CompletionStage<Void> sms(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> null);
    }

    @Compensate("sms")
    void retractSms(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("crate")
    @Parallel("dispatch")
    @When("wanted")
    @ChildWorkflow(ParcelAsync.class)
    Probe crate(@Input Probe p) {
      return p;
    }

    @Step("confirm")
    CompletableFuture<String> confirm(@From("charge") Optional<String> charge, @From("ship") Optional<String> ship,
        @From("reserve") Optional<String> reserve, @From("bill") String bill, @From("box") String box,
        @From("invoice") Optional<String> invoice, @From("crate") Optional<String> crate, @Input Probe p,
        StepContext ctx) {
      return p.async(ctx, () -> confirmation(charge, ship, reserve, bill, box, invoice, crate));
    }
  }

  @Workflow("kinds-mixed")
  static final class Mixed {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    boolean wanted(@Input Probe p, StepContext ctx) {
      return p.condition(ctx);
    }

    @Step("note")
    @When("wanted")
    void note(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("note")
    void eraseNote(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("charge")
    @When("wanted")
    StepResponse<String, String> charge(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "payment", "payment-id"));
    }

    @Compensate("charge")
    void refund(String paymentId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, paymentId);
    }

    @Hook("placed")
    @When("wanted")
    String placed(@From("order") String order) {
      return order;
    }

    @Step("ship")
    @When("wanted")
    @ChildWorkflow(ParcelSync.class)
    Probe ship(@Input Probe p) {
      return p;
    }

    @Step("reserve")
    @Parallel("prepare")
    @When("wanted")
    String reserve(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "reservation");
    }

    @Compensate("reserve")
    void release(String reservation, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reservation);
    }

    @Step("bill")
    @Parallel("prepare")
    StepResponse<String, String> bill(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "bill", "bill-id"));
    }

    @Compensate("bill")
    void voidBill(String billId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, billId);
    }

    @Step("notify")
    @Parallel("prepare")
    void notifyCustomer(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("notify")
    void retractNotice(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("box")
    @Parallel("prepare")
    @ChildWorkflow(ParcelSync.class)
    Probe box(@Input Probe p) {
      return p;
    }

    @Step("invoice")
    @Parallel("dispatch")
    @When("wanted")
    StepResponse<String, String> invoice(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "invoice", "invoice-id"));
    }

    @Compensate("invoice")
    void cancelInvoice(String invoiceId, StepContext ctx) {
      Probe.of(ctx).undo(ctx, invoiceId);
    }

    @Step("sms")
    @Parallel("dispatch")
    @When("wanted")
    void sms(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("sms")
    void retractSms(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("crate")
    @Parallel("dispatch")
    @When("wanted")
    @ChildWorkflow(ParcelSync.class)
    Probe crate(@Input Probe p) {
      return p;
    }

    @Step("confirm")
    String confirm(@From("charge") Optional<String> charge, @From("ship") Optional<String> ship,
        @From("reserve") Optional<String> reserve, @From("bill") String bill, @From("box") String box,
        @From("invoice") Optional<String> invoice, @From("crate") Optional<String> crate, @Input Probe p,
        StepContext ctx) {
      return p.sync(ctx, () -> confirmation(charge, ship, reserve, bill, box, invoice, crate));
    }
  }
}
