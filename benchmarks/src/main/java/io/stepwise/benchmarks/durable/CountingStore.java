package io.stepwise.benchmarks.durable;

import io.stepwise.runtime.store.BeginResult;
import io.stepwise.runtime.store.ConnectionWork;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredRun;
import io.stepwise.runtime.store.TransactionalRunStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A store that counts what the engine asks of the one it wraps: writes (begins and appends, each a
 * checkpoint the run waits for) and reads, so that the benchmark reports them per run.
 */
final class CountingStore implements TransactionalRunStore {
  private final TransactionalRunStore store;
  final LongAdder writes = new LongAdder();
  final LongAdder reads = new LongAdder();

  CountingStore(TransactionalRunStore store) {
    this.store = store;
  }

  @Override
  public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
    writes.increment();
    return store.begin(types, run);
  }

  @Override
  public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
    writes.increment();
    return store.append(types, transactionId, update);
  }

  @Override
  public <T> CompletableFuture<T> appendWithWork(RunTypes types, String transactionId, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    writes.increment();
    return store.appendWithWork(types, transactionId, work, updateOf);
  }

  @Override
  public <T> CompletableFuture<T> beginWithWork(RunTypes types, NewRun run, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf) {
    writes.increment();
    return store.beginWithWork(types, run, work, updateOf);
  }

  @Override
  public Optional<StoredRun> load(RunTypes types, String transactionId) {
    reads.increment();
    return store.load(types, transactionId);
  }

  @Override
  public Optional<RunHeader> find(String transactionId) {
    reads.increment();
    return store.find(transactionId);
  }

  @Override
  public List<String> unfinished(String workflowName) {
    reads.increment();
    return store.unfinished(workflowName);
  }

  @Override
  public List<RunHeader> list(RunQuery query) {
    reads.increment();
    return store.list(query);
  }

  @Override
  public int purgeEndedBefore(Instant cutoff) {
    return store.purgeEndedBefore(cutoff);
  }

  @Override
  public void close() {
    store.close();
  }
}
