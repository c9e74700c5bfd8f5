package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.store.ForwardingRunStore;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The workflow of the tests of manual retries and reverts, hand-written as the processor generates
 * it: 'reserve', 'charge' (whose spec the test gives) and 'ship', each passing its input on with its
 * name appended, and each compensated. Synchronous, or asynchronous with 'charge' returning a stage
 * completed on another thread. The steps and compensations add events, fail as {@link #failures}
 * says, and wait at {@link #gates}.
 */
final class Payment implements AutoCloseable {
  static final StepSpec RESERVE = StepSpec.of("reserve", 0);
  static final StepSpec SHIP = StepSpec.of("ship", 0);
  static final RunTypes TYPES = RunTypes.builder("payment", String.class, String.class)
      .step(0, String.class, String.class)
      .step(1, String.class, String.class)
      .step(2, String.class, String.class)
      .build();

  /** The record every engine of the test shares, as processes share a database. */
  final InMemoryRunStore memory = new InMemoryRunStore();
  final List<String> events = new CopyOnWriteArrayList<>();
  /** How many of the first attempts of a step (or of a compensation, "undo-" + step) fail. */
  final Map<String, Integer> failures = new ConcurrentHashMap<>();
  /** A step (or "undo-" + step) counts its latch in {@link #reached} down, then waits for its gate. */
  final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
  /** How long a step (or "undo-" + step) takes, in milliseconds, by name; none by default. */
  final Map<String, Long> takes = new ConcurrentHashMap<>();
  /** Released once for each wait for a manual retry that begins in memory. */
  final Semaphore waits = new Semaphore(0);
  final WorkflowListener listener = new WorkflowListener() {
    @Override
    public void onStepWaiting(StepContext step, Throwable error) {
      events.add("waiting:" + step.stepName() + "@" + step.attempt() + ":" + error.getMessage());
      waits.release();
    }
  };
  private final List<WorkflowEngine> engines = new ArrayList<>();

  /** An engine on {@link #memory}; closing it leaves the record open, as a restarted process finds it. */
  WorkflowEngine engine() {
    return engine(new ForwardingRunStore(memory) {
      @Override
      public void close() {}
    });
  }

  /** An engine on {@code store}, closed with this. */
  WorkflowEngine engine(RunStore store) {
    WorkflowEngine engine = WorkflowEngine.builder().store(store).build();
    engines.add(engine);
    return engine;
  }

  @Override
  public void close() {
    engines.forEach(WorkflowEngine::close);
  }

  /** A runner; each run its engine resumes is also put in {@link Runner#resumed}. */
  final class Runner {
    final WorkflowSpec spec;
    final RunRegistry runs;
    final boolean async;
    final StepSpec charge;
    final BlockingQueue<CompletableFuture<WorkflowResult<String>>> resumed = new LinkedBlockingQueue<>();

    /** A runner of 'payment' without a timeout, recorded with fingerprint "fp-1" if {@code engine} is not null. */
    Runner(WorkflowEngine engine, boolean async, StepSpec charge) {
      this(engine, async, charge, 0, "fp-1");
    }

    /** A runner of 'payment' with the workflow's timeout (0 for none); a null fingerprint for one without an engine. */
    Runner(WorkflowEngine engine, boolean async, StepSpec charge, long timeoutMillis, String fingerprint) {
      this.async = async;
      this.charge = charge;
      WorkflowSpec payment = WorkflowSpec.of(1, "payment", RESERVE, charge, SHIP).withTimeout(timeoutMillis);
      this.spec = fingerprint == null ? payment : payment.withTypes(TYPES, fingerprint);
      this.runs = RunRegistry.of(engine, spec, this::resume);
    }

    private CompletableFuture<WorkflowResult<String>> resume(String input, RunOptions options) {
      CompletableFuture<WorkflowResult<String>> run = runAsync(input, options);
      resumed.add(run);
      return run;
    }

    /** Starts a run of "o" with {@code transactionId}, which returns its result (throwOnError = false). */
    CompletableFuture<WorkflowResult<String>> start(String transactionId) {
      return runAsync("o", RunOptions.builder().transactionId(transactionId).throwOnError(false).listener(listener)
          .build());
    }

    CompletableFuture<WorkflowResult<String>> runAsync(String input, RunOptions options) {
      if (async) {
        return AsyncRun.submit(spec, options, Container.empty(), runs, input, run ->
            run.valueStepAsync(RESERVE, ctx -> CompletableFuture.completedFuture(step(ctx, input)), Payment.this::undo)
                .thenCompose(r -> run.valueStepAsync(charge, ctx -> CompletableFuture.supplyAsync(() -> step(ctx, r)),
                    Payment.this::undo))
                .thenCompose(c -> run.valueStep(SHIP, ctx -> step(ctx, c), Payment.this::undo)));
      }
      return AsyncRuns.supply(options, runs, () -> {
        WorkflowRun run = WorkflowRun.start(spec, options, Container.empty(), runs, input);
        try {
          return run.done(steps(run, input));
        } catch (WorkflowRun.Halt halt) {
          return run.halted(halt);
        }
      });
    }

    /** Runs the workflow synchronously as the child workflow of a parent's step. */
    ChildRun<String> runAsChild(String input, StepContext parent) {
      WorkflowRun run = WorkflowRun.startChild(spec, parent, Container.empty(), input);
      try {
        return run.childDone(steps(run, input));
      } catch (WorkflowRun.Halt halt) {
        throw run.childFailed(halt);
      }
    }

    private String steps(WorkflowRun run, String input) {
      String r = run.valueStep(RESERVE, ctx -> step(ctx, input), Payment.this::undo);
      String c = run.valueStep(charge, ctx -> step(ctx, r), Payment.this::undo);
      return run.valueStep(SHIP, ctx -> step(ctx, c), Payment.this::undo);
    }

    /** The next run the engine resumed, and its result. */
    WorkflowResult<String> resumedResult() throws Exception {
      CompletableFuture<WorkflowResult<String>> run = resumed.poll(10, TimeUnit.SECONDS);
      assertTrue(run != null, "no run was resumed");
      return run.get(10, TimeUnit.SECONDS);
    }
  }

  String step(StepContext ctx, String in) {
    act(ctx.stepName(), "", ctx);
    return in + ">" + ctx.stepName();
  }

  void undo(String input, StepContext ctx) {
    act("undo-" + ctx.stepName(), "(" + input + ")", ctx);
  }

  /** Adds the event {@code name + detail + "@" + attempt}, then acts as the test says. */
  void act(String name, String detail, StepContext ctx) {
    events.add(name + detail + "@" + ctx.attempt());
    CountDownLatch here = reached.get(name);
    if (here != null) {
      here.countDown();
    }
    CountDownLatch gate = gates.get(name);
    try {
      if (gate != null) {
        assertTrue(gate.await(10, TimeUnit.SECONDS), "the gate of " + name + " was never opened");
      }
      Thread.sleep(takes.getOrDefault(name, 0L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (ctx.attempt() <= failures.getOrDefault(name, 0)) {
      throw new IllegalStateException(name + " failed on attempt " + ctx.attempt());
    }
  }

  /** Waits until a step begins to wait for a manual retry in memory. */
  void awaitWait() throws InterruptedException {
    assertTrue(waits.tryAcquire(10, TimeUnit.SECONDS), "no step began to wait: " + events);
  }
}
