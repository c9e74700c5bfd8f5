package io.stepwise.it.matrix;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Skipped steps, Medusa's way. The same workflows, synchronous and asynchronous.
 *
 * <pre>
 * skips:   order, charge (skipOnPermanentFailure, skipUntil "ship", maxRetries 1), gift, wrap (void),
 *          ship, points (skipOnPermanentFailure: to the end), notify (the result: Optional)
 * group:   order, [quote (skipOnPermanentFailure, skipUntil "bill"), reserve] (@Parallel "prepare"), ship, bill
 * self:    order, coupon (skippable), ship (takes the coupon Optional), bill (returns what the probe plans)
 * </pre>
 */
final class SkipWorkflows {
  private SkipWorkflows() {}

  static Runner<Optional<String>> skips(Path path) {
    return path.pick(() -> {
      SkipWorkflows_SyncRunner runner = new SkipWorkflows_SyncRunner(new Sync());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      SkipWorkflows_AsyncRunner runner = new SkipWorkflows_AsyncRunner(new Async());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  static Runner<String> group(Path path) {
    return path.pick(() -> {
      SkipWorkflows_SyncGroupRunner runner = new SkipWorkflows_SyncGroupRunner(new SyncGroup());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      SkipWorkflows_AsyncGroupRunner runner = new SkipWorkflows_AsyncGroupRunner(new AsyncGroup());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  static Runner<String> self(Path path) {
    return path.pick(() -> {
      SkipWorkflows_SyncSelfRunner runner = new SkipWorkflows_SyncSelfRunner(new SyncSelf());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    }, () -> {
      SkipWorkflows_AsyncSelfRunner runner = new SkipWorkflows_AsyncSelfRunner(new AsyncSelf());
      return Runner.of(runner::run, runner::runAsync, runner::cancel);
    });
  }

  static String giftFor(Optional<String> charge) {
    return "gift-" + charge.orElse("free");
  }

  static String notice(String ship, Optional<Integer> points) {
    return "notified " + ship + " points=" + points.map(String::valueOf).orElse("none");
  }

  @Workflow("skips-sync")
  static final class Sync {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 1, skipOnPermanentFailure = true, skipUntil = "ship")
    StepResponse<String, String> charge(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "charge", "charge-1"));
    }

    @Compensate("charge")
    void refund(String charge, StepContext ctx) {
      Probe.of(ctx).undo(ctx, charge);
    }

    @Step("gift")
    String gift(@From("charge") Optional<String> charge, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> giftFor(charge));
    }

    @Compensate("gift")
    void takeBackGift(String gift, StepContext ctx) {
      Probe.of(ctx).undo(ctx, gift);
    }

    @Step("wrap")
    void wrap(@Input Probe p, StepContext ctx) {
      p.sync(ctx, () -> null);
    }

    @Compensate("wrap")
    void unwrap(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("ship")
    String ship(@From("gift") Optional<String> gift, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + gift.orElse("no gift"));
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step(value = "points", skipOnPermanentFailure = true)
    StepResponse<Integer, String> points(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, 42, "points-42"));
    }

    @Compensate("points")
    void revokePoints(String points, StepContext ctx) {
      Probe.of(ctx).undo(ctx, points);
    }

    @Step("notify")
    String notifyBuyer(@From("ship") String ship, @From("points") Optional<Integer> points, @Input Probe p,
        StepContext ctx) {
      return p.sync(ctx, () -> notice(ship, points));
    }
  }

  @Workflow("skips-async")
  static final class Async {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "charge", maxRetries = 1, skipOnPermanentFailure = true, skipUntil = "ship")
    CompletableFuture<StepResponse<String, String>> charge(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "charge", "charge-1"));
    }

    @Compensate("charge")
    void refund(String charge, StepContext ctx) {
      Probe.of(ctx).undo(ctx, charge);
    }

    @Step("gift")
    CompletableFuture<String> gift(@From("charge") Optional<String> charge, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> giftFor(charge));
    }

    @Compensate("gift")
    void takeBackGift(String gift, StepContext ctx) {
      Probe.of(ctx).undo(ctx, gift);
    }

    @Step("wrap")
    CompletableFuture<Void> wrap(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> null);
    }

    @Compensate("wrap")
    void unwrap(StepContext ctx) {
      Probe.of(ctx).undo(ctx, null);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("gift") Optional<String> gift, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped " + gift.orElse("no gift"));
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step(value = "points", skipOnPermanentFailure = true)
    CompletableFuture<StepResponse<Integer, String>> points(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, 42, "points-42"));
    }

    @Compensate("points")
    void revokePoints(String points, StepContext ctx) {
      Probe.of(ctx).undo(ctx, points);
    }

    @Step("notify")
    CompletableFuture<String> notifyBuyer(@From("ship") String ship, @From("points") Optional<Integer> points,
        @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> notice(ship, points));
    }
  }

  @Workflow("skip-group-sync")
  static final class SyncGroup {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "quote", skipOnPermanentFailure = true, skipUntil = "bill")
    @Parallel("prepare")
    String quote(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "quote");
    }

    @Compensate("quote")
    void withdrawQuote(String quote, StepContext ctx) {
      Probe.of(ctx).undo(ctx, quote);
    }

    @Step("reserve")
    @Parallel("prepare")
    String reserve(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "reserve");
    }

    @Compensate("reserve")
    void release(String reserve, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reserve);
    }

    @Step("ship")
    String ship(@From("reserve") String reserve, @From("quote") Optional<String> quote, @Input Probe p,
        StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + reserve + " " + quote.orElse("unquoted"));
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("bill")
    String bill(@From("reserve") String reserve, @From("ship") Optional<String> ship, @Input Probe p,
        StepContext ctx) {
      return p.sync(ctx, () -> "billed " + reserve + " " + ship.orElse("unshipped"));
    }
  }

  @Workflow("skip-group-async")
  static final class AsyncGroup {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "quote", skipOnPermanentFailure = true, skipUntil = "bill")
    @Parallel("prepare")
    CompletableFuture<String> quote(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "quote");
    }

    @Compensate("quote")
    void withdrawQuote(String quote, StepContext ctx) {
      Probe.of(ctx).undo(ctx, quote);
    }

    @Step("reserve")
    @Parallel("prepare")
    CompletableFuture<String> reserve(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "reserve");
    }

    @Compensate("reserve")
    void release(String reserve, StepContext ctx) {
      Probe.of(ctx).undo(ctx, reserve);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("reserve") String reserve, @From("quote") Optional<String> quote,
        @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped " + reserve + " " + quote.orElse("unquoted"));
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("bill")
    CompletableFuture<String> bill(@From("reserve") String reserve, @From("ship") Optional<String> ship,
        @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "billed " + reserve + " " + ship.orElse("unshipped"));
    }
  }

  @Workflow("skip-self-sync")
  static final class SyncSelf {
    @Step("order")
    String order(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "coupon", skippable = true)
    StepResponse<String, String> coupon(@Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "coupon", "coupon-1"));
    }

    @Compensate("coupon")
    void returnCoupon(String coupon, StepContext ctx) {
      Probe.of(ctx).undo(ctx, coupon);
    }

    @Step("ship")
    String ship(@From("coupon") Optional<String> coupon, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> "shipped " + coupon.orElse("without coupon"));
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("bill")
    StepResponse<String, String> bill(@From("ship") String ship, @Input Probe p, StepContext ctx) {
      return p.sync(ctx, () -> p.respond(ctx, "billed " + ship, "bill-1"));
    }
  }

  @Workflow("skip-self-async")
  static final class AsyncSelf {
    @Step("order")
    CompletableFuture<String> order(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "order");
    }

    @Compensate("order")
    void cancelOrder(String order, StepContext ctx) {
      Probe.of(ctx).undo(ctx, order);
    }

    @Step(value = "coupon", skippable = true)
    CompletableFuture<StepResponse<String, String>> coupon(@Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "coupon", "coupon-1"));
    }

    @Compensate("coupon")
    void returnCoupon(String coupon, StepContext ctx) {
      Probe.of(ctx).undo(ctx, coupon);
    }

    @Step("ship")
    CompletableFuture<String> ship(@From("coupon") Optional<String> coupon, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> "shipped " + coupon.orElse("without coupon"));
    }

    @Compensate("ship")
    void recall(String ship, StepContext ctx) {
      Probe.of(ctx).undo(ctx, ship);
    }

    @Step("bill")
    CompletableFuture<StepResponse<String, String>> bill(@From("ship") String ship, @Input Probe p, StepContext ctx) {
      return p.async(ctx, () -> p.respond(ctx, "billed " + ship, "bill-1"));
    }
  }
}
