package io.stepwise.runtime.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link RunStore} that forwards every call to another: extend it to decorate a store (count its
 * writes, time them, fail them in a test) by overriding the calls that matter.
 */
public abstract class ForwardingRunStore implements RunStore {
  private final RunStore delegate;

  protected ForwardingRunStore(RunStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store the calls go to. */
  protected RunStore delegate() {
    return delegate;
  }

  @Override
  public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
    return delegate.begin(types, run);
  }

  @Override
  public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
    return delegate.append(types, transactionId, update);
  }

  @Override
  public CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
    return delegate.beginRevert(types, transactionId, revertBegun);
  }

  @Override
  public boolean recordsWaits() {
    return delegate.recordsWaits();
  }

  @Override
  public CompletableFuture<Boolean> endWait(RunTypes types, String transactionId, Checkpoint decision) {
    return delegate.endWait(types, transactionId, decision);
  }

  @Override
  public Optional<StoredRun> load(RunTypes types, String transactionId) {
    return delegate.load(types, transactionId);
  }

  @Override
  public Optional<RunHeader> find(String transactionId) {
    return delegate.find(transactionId);
  }

  @Override
  public List<String> unfinished(String workflowName) {
    return delegate.unfinished(workflowName);
  }

  @Override
  public List<RunHeader> list(RunQuery query) {
    return delegate.list(query);
  }

  @Override
  public int purgeEndedBefore(Instant cutoff) {
    return delegate.purgeEndedBefore(cutoff);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
