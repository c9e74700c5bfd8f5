package io.stepwise.crash;

import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What the crash tests' steps, compensations and conditions do: each records itself in the {@link
 * EffectLog}, works a few milliseconds (so that kills land inside steps), and fails on purpose where
 * the workflow asks. The workflows get it from their container.
 *
 * <p>Each invocation of a step gets a token, {@code <generation>.<n>}, unique across the child JVMs
 * of a test: the step's output, so that the store's record names the invocation whose output it
 * kept.
 */
public final class Effects {
  /** How often an attempt that may fail (one that retries are left for) fails. */
  private static final double FLAKINESS = 0.4;
  private final EffectLog log;
  private final AtomicLong invocations = new AtomicLong();
  /** Where asynchronous steps work and complete their stages, 1 to 4 ms after they were invoked. */
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
    Thread thread = new Thread(r, "crash-step-completer");
    thread.setDaemon(true);
    return thread;
  });

  Effects(EffectLog log) {
    this.log = log;
  }

  /** A synchronous step: invoked, works, succeeds; returns its token. */
  public String step(StepContext ctx) {
    return flakyStep(ctx, 0);
  }

  /**
   * A synchronous step with {@code maxRetries} retries, whose attempts fail at random while retries
   * are left (so that it always succeeds by its last attempt); returns its token.
   */
  public String flakyStep(StepContext ctx, int maxRetries) {
    return call(ctx, token -> outcome(ctx, token, maxRetries));
  }

  /** An asynchronous step: invoked now, works and succeeds on another thread a few milliseconds later. */
  public CompletableFuture<String> stepAsync(StepContext ctx) {
    return flakyStepAsync(ctx, 0);
  }

  /** {@link #flakyStep} as an asynchronous step. */
  public CompletableFuture<String> flakyStepAsync(StepContext ctx, int maxRetries) {
    return callAsync(ctx, token -> outcome(ctx, token, maxRetries));
  }

  /**
   * A synchronous step that ends as {@code body} says: records the invocation, works, then returns
   * what {@code body} returns for the invocation's token (or throws what it throws).
   */
  public <T> T call(StepContext ctx, Function<String, T> body) {
    String token = invoke(ctx);
    work();
    return body.apply(token);
  }

  /** {@link #call} as an asynchronous step: {@code body} runs on another thread, 1 to 4 ms later. */
  public <T> CompletableFuture<T> callAsync(StepContext ctx, Function<String, T> body) {
    String token = invoke(ctx);
    CompletableFuture<T> stage = new CompletableFuture<>();
    timer.schedule(() -> {
      try {
        stage.complete(body.apply(token));
      } catch (RuntimeException e) {
        stage.completeExceptionally(e);
      }
    }, ThreadLocalRandom.current().nextInt(1, 5), TimeUnit.MILLISECONDS);
    return stage;
  }

  private String outcome(StepContext ctx, String token, int maxRetries) {
    if (failsAtRandom(ctx, maxRetries)) {
      throw fail(ctx, token);
    }
    return succeed(ctx, token);
  }

  /** Records that the step of {@code ctx} is invoked; returns the invocation's token. */
  private String invoke(StepContext ctx) {
    String token = log.generation() + "." + invocations.incrementAndGet();
    log.write(Effect.Kind.INVOKE, ctx.transactionId(), ctx.stepName(), ctx.attempt(), token, null);
    return token;
  }

  /** Records that the invocation {@code token} succeeds; returns the token. */
  public String succeed(StepContext ctx, String token) {
    log.write(Effect.Kind.OK, ctx.transactionId(), ctx.stepName(), ctx.attempt(), token, null);
    return token;
  }

  /** Records that the invocation {@code token} fails; returns the exception to throw, whose message names the token. */
  public PlannedFailure fail(StepContext ctx, String token) {
    log.write(Effect.Kind.FAIL, ctx.transactionId(), ctx.stepName(), ctx.attempt(), token, null);
    return new PlannedFailure("planned failure of step '" + ctx.stepName() + "', invocation " + token);
  }

  /** A {@code @When} condition of the step {@code step}: records its decision and returns it. */
  public boolean decide(StepContext ctx, String step, boolean decision) {
    log.write(Effect.Kind.WHEN, ctx.transactionId(), step, 0, null, Boolean.toString(decision));
    return decision;
  }

  /**
   * A compensation with input {@code data}, whose step has {@code maxRetries} retries: records
   * itself, works, and fails at random while retries are left.
   */
  public void compensate(StepContext ctx, String data, int maxRetries) {
    String token = log.generation() + ".c" + invocations.incrementAndGet();
    log.write(Effect.Kind.COMPENSATE, ctx.transactionId(), ctx.stepName(), ctx.attempt(), token, data);
    work();
    if (failsAtRandom(ctx, maxRetries)) {
      log.write(Effect.Kind.UNCOMPENSATED, ctx.transactionId(), ctx.stepName(), ctx.attempt(), token, data);
      throw new PlannedFailure("planned failure of the compensation of step '" + ctx.stepName() + "', invocation "
          + token);
    }
    log.write(Effect.Kind.COMPENSATED, ctx.transactionId(), ctx.stepName(), ctx.attempt(), token, data);
  }

  /** Sleeps 1 to 4 ms: the step's work, during which a kill may come. */
  private static void work() {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static boolean failsAtRandom(StepContext ctx, int maxRetries) {
    return ctx.attempt() <= maxRetries && ThreadLocalRandom.current().nextDouble() < FLAKINESS;
  }

  /** A failure on purpose. */
  public static final class PlannedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PlannedFailure(String message) {
      super(message);
    }
  }
}
