package io.stepwise.it.matrix;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * The input of every matrix workflow, one per run: what each step, condition and compensation is to
 * do (fail, hang, wait for the test, ...), and a journal of what they did, with the context, MDC
 * and thread each of them saw.
 *
 * <p>The steps of both workflows of a pair call the same methods here: a synchronous step {@link
 * #sync}, an asynchronous one {@link #async}, which does the same work and hands its outcome over
 * in a stage, complete at once ({@link Path#ASYNC_COMPLETED}) or completed on another thread
 * ({@link Path#ASYNC_LATER}). So a step behaves the same on every path, but for what the path itself
 * does differently.
 *
 * <p>Journal lines: {@code step#attempt} when a step is called ({@code ship/pack#1} for the step
 * "pack" of the child workflow that the step "ship" runs); {@code undo step input} when a
 * compensation succeeds ({@code undo step} without data), {@code undo step#attempt failed} when it
 * throws; {@code when step} when a condition is evaluated; {@code interrupted step#attempt} when a
 * hanging step is interrupted; {@code met step} when a step met its partner.
 */
final class Probe {
  private static final Map<String, Probe> BY_ID = new ConcurrentHashMap<>();
  /** Completes the stages of {@link Path#ASYNC_LATER}: none of the run's own threads. */
  private static final ExecutorService COMPLETERS = Executors.newCachedThreadPool(daemon("matrix-completer-"));
  /** A moment after the step method returned, so that the run sees a pending stage. */
  private static final Executor LATER = CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS, COMPLETERS);
  /** How long a hanging or held step waits at most for {@link #release()}. */
  private static final long WAIT_SECONDS = 5;
  /** How long a step that hangs on the run's own thread blocks it: longer than any timeout of the matrix. */
  private static final long BLOCKING_HANG_MILLIS = 1_500;

  final Path path;
  final String id = "m-" + UUID.randomUUID();
  final Events events = new Events();
  private final List<String> journal = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, String>> mdc = new ConcurrentHashMap<>();
  private final Map<String, StepContext> contexts = new ConcurrentHashMap<>();
  private final Map<String, String> threads = new ConcurrentHashMap<>();
  private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
  private final Map<String, Object> outputs = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();

  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Map<String, Integer> callFailures = new ConcurrentHashMap<>();
  private final Set<String> refusals = ConcurrentHashMap.newKeySet();
  private final Map<String, String[]> permanentFailures = new ConcurrentHashMap<>();
  private final Set<String> nullResponses = ConcurrentHashMap.newKeySet();
  private final Set<String> skips = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<Integer>> hangs = new ConcurrentHashMap<>();
  private final Map<String, Boolean> conditions = new ConcurrentHashMap<>();
  private final Set<String> throwingConditions = ConcurrentHashMap.newKeySet();
  private final Map<String, CountDownLatch> partners = new ConcurrentHashMap<>();
  /** The call each step's work waits for: see {@link #waitsFor}. */
  private final Map<String, String> awaitedCalls = new ConcurrentHashMap<>();
  private final Map<String, String> predecessors = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> finished = new ConcurrentHashMap<>();
  private volatile String held;
  /** Counted down when the held step is entered. */
  final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  Probe(Path path) {
    this.path = path;
    BY_ID.put(id, this);
  }

  /** The probe of the run a compensation or hook handler belongs to (a child run's too). */
  static Probe of(StepContext context) {
    String id = context.transactionId();
    return BY_ID.get(id.contains("/") ? id.substring(0, id.indexOf('/')) : id);
  }

  /** Options of a run of this probe: its transaction id, its {@link Events}, and no exception. */
  RunOptions.Builder options() {
    return RunOptions.builder().transactionId(id).throwOnError(false).listener(events);
  }

  // ------------------------------------------------------------------ the plan

  /** The step (or {@code "undo step"}) throws on its first {@code attempts} attempts. */
  Probe fail(String step, int attempts) {
    failures.put(step, attempts);
    return this;
  }

  Probe failAlways(String step) {
    return fail(step, Integer.MAX_VALUE);
  }

  /**
   * The step throws on its first {@code attempts} calls before it starts any work: an asynchronous
   * step throws from its method instead of returning a stage (a synchronous step throws as for {@link #fail}).
   */
  Probe failOnCall(String step, int attempts) {
    callFailures.put(step, attempts);
    return this;
  }

  /** The step throws {@link PermanentStepFailureException}. */
  Probe refuse(String step) {
    refusals.add(step);
    return this;
  }

  /** {@link #respond} returns {@code StepResponse.permanentFailure(message)}. */
  Probe permanentFailure(String step, String message) {
    permanentFailures.put(step, new String[] {message});
    return this;
  }

  /** {@link #respond} returns {@code StepResponse.permanentFailure(message, partialWork)}. */
  Probe permanentFailure(String step, String message, String partialWork) {
    permanentFailures.put(step, new String[] {message, partialWork});
    return this;
  }

  /** {@code step} answers {@code StepResponse.skip("<step> skips itself")} through {@link #respond}. */
  Probe skip(String step) {
    skips.add(step);
    return this;
  }

  /** {@link #respond} returns null instead of a {@code StepResponse}. */
  Probe respondNull(String step) {
    nullResponses.add(step);
    return this;
  }

  /**
   * The step's work hangs on these attempts (every attempt if none is given), until {@link
   * #release()}. A step that runs on the run's thread and returns a completed stage cannot be left
   * behind: it blocks the run for 1.5 s instead, longer than any timeout of the matrix, and is never
   * interrupted.
   */
  Probe hang(String step, Integer... attempts) {
    hangs.put(step, Set.of(attempts));
    return this;
  }

  /** The step's work signals {@link #entered}, then waits for {@link #release()}. */
  Probe hold(String step) {
    this.held = step;
    return this;
  }

  /** What the step's {@code @When} condition returns. */
  Probe when(String step, boolean runs) {
    conditions.put(step, runs);
    return this;
  }

  /** The step's {@code @When} condition throws {@link IllegalArgumentException}. */
  Probe whenThrows(String step) {
    throwingConditions.add(step);
    return this;
  }

  /** The two steps' work waits until both are at work: they pass only if they run at the same time. */
  Probe meet(String step, String partner) {
    CountDownLatch both = new CountDownLatch(2);
    partners.put(step, both);
    partners.put(partner, both);
    return this;
  }

  /** The step's work ends only after {@code predecessor}'s work is over (and a little more): it completes later. */
  Probe after(String step, String predecessor) {
    predecessors.put(step, predecessor);
    finished.computeIfAbsent(predecessor, k -> new CountDownLatch(1));
    return this;
  }

  /** The step's work waits until {@code call} ({@code step#attempt}) has been made: it ends while that call is at work. */
  Probe waitsFor(String step, String call) {
    awaitedCalls.put(step, call);
    return this;
  }

  /** Frees every hanging and held step. */
  void release() {
    release.countDown();
  }

  // ------------------------------------------------------------------ what steps call

  /** The work of a synchronous step, on the thread that calls it. */
  <T> T sync(StepContext ctx, Supplier<T> output) {
    String call = enter(ctx);
    return work(ctx, call, output, true);
  }

  /**
   * The work of an asynchronous step: the call is recorded where it is made, and the work's outcome
   * is the returned stage's, complete at once or completed later on another thread.
   */
  <T> CompletableFuture<T> async(StepContext ctx, Supplier<T> output) {
    String call = enter(ctx);
    if (path == Path.ASYNC_LATER) {
      return CompletableFuture.supplyAsync(() -> work(ctx, call, output, true), LATER);
    }
    try {
      return CompletableFuture.completedFuture(work(ctx, call, output, false));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A step's response: {@code output} with {@code compensationInput}, or the planned skip, permanent
   * failure (or null).
   */
  <O> StepResponse<O, String> respond(StepContext ctx, O output, String compensationInput) {
    if (nullResponses.contains(ctx.stepName())) {
      return null;
    }
    if (skips.contains(ctx.stepName())) {
      return StepResponse.skip(ctx.stepName() + " skips itself");
    }
    String[] failure = permanentFailures.get(ctx.stepName());
    if (failure == null) {
      return new StepResponse<>(output, compensationInput);
    }
    return failure.length == 1
        ? StepResponse.permanentFailure(failure[0])
        : StepResponse.permanentFailure(failure[0], failure[1]);
  }

  /** A {@code @When} condition. */
  boolean condition(StepContext ctx) {
    String step = ctx.stepName();
    String call = "when " + label(ctx);
    record(call, ctx);
    if (throwingConditions.contains(step)) {
      throw new IllegalArgumentException("condition of " + step + " failed");
    }
    return conditions.getOrDefault(step, true);
  }

  /** A compensation (or a hook handler's): throws as planned for {@code "undo step"}, else records it. */
  void undo(StepContext ctx, Object input) {
    String step = ctx.stepName();
    String call = "undo " + label(ctx) + "#" + ctx.attempt();
    note(call, ctx);
    if (ctx.attempt() <= failures.getOrDefault("undo " + step, 0)) {
      journal.add(call + " failed");
      throw new IllegalStateException("undo " + step + " failed on attempt " + ctx.attempt());
    }
    String line = "undo " + label(ctx) + (input == null ? "" : " " + input);
    journal.add(line);
    reached.computeIfAbsent(line, k -> new CountDownLatch(1)).countDown();
  }

  /** Records a line of the test's own (a hook handler's call, say), with what {@link #note} keeps. */
  void record(String line, StepContext ctx) {
    note(line, ctx);
    journal.add(line);
  }

  /** Records a step's call; throws if it is to fail at its call. */
  private String enter(StepContext ctx) {
    String call = label(ctx) + "#" + ctx.attempt();
    record(call, ctx);
    reached.computeIfAbsent(call, k -> new CountDownLatch(1)).countDown();
    if (ctx.attempt() <= callFailures.getOrDefault(ctx.stepName(), 0)) {
      throw new IllegalStateException(ctx.stepName() + " refused the call on attempt " + ctx.attempt());
    }
    return call;
  }

  /**
   * The step's name in the journal: a child workflow's steps after the parent's step that runs it
   * ({@code ship/pack} in the run {@code <id>/ship}). Plans name steps without it.
   */
  private static String label(StepContext ctx) {
    String id = ctx.transactionId();
    int child = id.indexOf('/');
    return child < 0 ? ctx.stepName() : id.substring(child + 1) + "/" + ctx.stepName();
  }

  /** Keeps what a call saw: its context, the MDC, its thread, and when it was made. */
  private void note(String call, StepContext ctx) {
    startedAt.put(call, System.nanoTime());
    contexts.put(call, ctx);
    threads.put(call, Thread.currentThread().getName());
    Map<String, String> now = MDC.getCopyOfContextMap();
    mdc.put(call, now == null ? Map.of() : Map.copyOf(now));
  }

  /** The step's work, as planned; {@code interruptible} where the run may leave it behind. */
  private <T> T work(StepContext ctx, String call, Supplier<T> output, boolean interruptible) {
    String step = ctx.stepName();
    try {
      Set<Integer> hanging = hangs.get(step);
      if (hanging != null && (hanging.isEmpty() || hanging.contains(ctx.attempt()))) {
        if (interruptible) {
          release.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } else {
          Thread.sleep(BLOCKING_HANG_MILLIS);
        }
      }
      if (step.equals(held)) {
        entered.countDown();
        release.await(WAIT_SECONDS, TimeUnit.SECONDS);
      }
      CountDownLatch partner = partners.get(step);
      if (partner != null) {
        partner.countDown();
        if (!partner.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException(step + " never met its partner: the group did not run its steps together");
        }
        journal.add("met " + step);
      }
      String awaited = awaitedCalls.get(step);
      if (awaited != null && !awaitCall(awaited)) {
        throw new IllegalStateException(step + " waited in vain for " + awaited);
      }
      String predecessor = predecessors.get(step);
      if (predecessor != null) {
        finished.get(predecessor).await(WAIT_SECONDS, TimeUnit.SECONDS);
        Thread.sleep(20); // the predecessor's completion reaches the run first
      }
    } catch (InterruptedException e) {
      journal.add("interrupted " + call);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(call + " was interrupted", e);
    }
    if (refusals.contains(step)) {
      throw new PermanentStepFailureException(step + " refused");
    }
    if (ctx.attempt() <= failures.getOrDefault(step, 0)) {
      throw new IllegalStateException(step + " failed on attempt " + ctx.attempt());
    }
    T value = output.get();
    if (value != null) {
      outputs.put(call, value);
    }
    CountDownLatch done = finished.get(step);
    if (done != null) {
      done.countDown();
    }
    return value;
  }

  // ------------------------------------------------------------------ what the test reads

  List<String> journal() {
    return List.copyOf(journal);
  }

  /** The calls of steps, {@code step#attempt}, in order. */
  List<String> calls() {
    return journal.stream().filter(line -> line.matches("[a-z/-]+#\\d+")).toList();
  }

  /** The compensations that succeeded, {@code step input}, in order. */
  List<String> undone() {
    return journal.stream().filter(line -> line.startsWith("undo ") && !line.endsWith(" failed"))
        .map(line -> line.substring("undo ".length())).toList();
  }

  /** The MDC that a call ({@code step#attempt}, {@code when step}, {@code undo step#attempt}, ...) saw. */
  Map<String, String> mdc(String call) {
    return mdc.get(call);
  }

  /** What a step's call produced (before its stage handed it over): null if nothing. */
  Object output(String call) {
    return outputs.get(call);
  }

  /** The context that a call saw. */
  StepContext context(String call) {
    return contexts.get(call);
  }

  /** The names of the threads that every call (step, condition, compensation, handler) was made on. */
  Map<String, String> threads() {
    return Map.copyOf(threads);
  }

  /** The time from one call to another. */
  Duration between(String call, String later) {
    return Duration.ofNanos(startedAt.get(later) - startedAt.get(call));
  }

  /** Waits until the call has been made. */
  boolean awaitCall(String call) throws InterruptedException {
    return reached.computeIfAbsent(call, k -> new CountDownLatch(1)).await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Waits until a compensation has succeeded: {@code step input}, as {@link #undone()} lists it. */
  boolean awaitUndone(String undone) throws InterruptedException {
    return awaitCall("undo " + undone);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      // inheritThreadLocals = false: a completer must not carry the MDC of the run that created it
      Thread thread = new Thread(null, runnable, prefix + count.incrementAndGet(), 0, false);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return path + " " + id + " " + journal;
  }
}
