package io.stepwise.runtime.internal;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStore;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.StoredRun;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link WorkflowEngine}. Not API: build one with {@link WorkflowEngine#builder()}. */
public final class Engine implements WorkflowEngine {
  final RunStore store;
  final Duration shutdownTimeout;
  private final Map<String, Registration<?, ?>> registrations = new ConcurrentHashMap<>();
  private final CompletableFuture<Recovery> recovery = new CompletableFuture<>();

  public Engine(RunStore store, Duration shutdownTimeout) {
    this.store = Objects.requireNonNull(store, "store");
    this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
  }

  /** The engine behind {@code engine}. */
  static Engine of(WorkflowEngine engine) {
    if (engine instanceof Engine stepwise) {
      return stepwise;
    }
    throw new IllegalArgumentException("WorkflowEngine " + engine.getClass().getName()
        + " is not Stepwise's; build one with WorkflowEngine.builder()");
  }

  /** Registers a runner's workflow. */
  <I, R> Registration<I, R> register(WorkflowSpec spec, Resumer<I, R> resumer) {
    if (spec.types() == null) {
      throw new IllegalArgumentException("the runner of workflow '" + spec.name() + "' was generated without the "
          + "types a durable run records; generate it again with this version of Stepwise");
    }
    Registration<I, R> registration = new Registration<>(this, spec, resumer);
    if (registrations.putIfAbsent(spec.name(), registration) != null) {
      throw new IllegalStateException("this WorkflowEngine already has a runner of workflow '" + spec.name()
          + "'; create one runner per workflow and engine, and share it (runners are thread-safe)");
    }
    return registration;
  }

  @Override
  public void start() {
    recovery.complete(new Recovery(0, 0, 0, 0, 0, 0));
  }

  @Override
  public CompletableFuture<Recovery> recovery() {
    return recovery;
  }

  @Override
  public Optional<StoredRun> timeline(String transactionId) {
    return store.find(transactionId).flatMap(header -> store.load(RunTypes.untyped(header.workflowName()), transactionId));
  }

  @Override
  public List<RunHeader> list(RunQuery query) {
    return store.list(query);
  }

  @Override
  public RunStore store() {
    return store;
  }

  @Override
  public void close() {
    store.close();
  }

  /** One workflow registered with an engine: its spec, and how to resume its runs. */
  static final class Registration<I, R> {
    final Engine engine;
    final WorkflowSpec spec;
    final Resumer<I, R> resumer;

    Registration(Engine engine, WorkflowSpec spec, Resumer<I, R> resumer) {
      this.engine = engine;
      this.spec = spec;
      this.resumer = resumer;
    }

    @SuppressWarnings("unchecked") // the input was recorded with the spec's input type
    CompletableFuture<WorkflowResult<R>> resume(Object input, String transactionId) {
      return resumer.resume((I) input, RunOptions.builder().transactionId(transactionId).throwOnError(false).build());
    }
  }
}
