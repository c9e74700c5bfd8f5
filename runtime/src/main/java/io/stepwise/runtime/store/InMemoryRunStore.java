package io.stepwise.runtime.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RunStore} in memory, for tests and for trying the engine out: it follows the store
 * contract (the same answers and errors as a durable store) but keeps its record only as long as the
 * JVM, and nothing survives a restart.
 *
 * <p>It keeps the values themselves, not copies and not encodings: a value changed after it was
 * recorded changes the record too, and {@link RunTypes} are not needed to read values back (an
 * {@linkplain RunTypes#untyped untyped} load gives the same objects). Futures complete before the
 * method returns.
 */
public final class InMemoryRunStore implements RunStore {
  private static final Comparator<RunHeader> OLDEST_FIRST =
      Comparator.comparing(RunHeader::created).thenComparing(RunHeader::transactionId);

  private final Map<String, Entry> runs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** An empty store. */
  public InMemoryRunStore() {}

  @Override
  public CompletableFuture<BeginResult> begin(RunTypes types, NewRun run) {
    checkOpen();
    Entry fresh = new Entry(types.workflowName(), run);
    Entry existing = runs.putIfAbsent(run.transactionId(), fresh);
    if (existing == null) {
      return CompletableFuture.completedFuture(BeginResult.created());
    }
    try {
      StoredRun stored = existing.snapshot(types);
      return CompletableFuture.completedFuture(
          BeginResult.existing(stored, Objects.equals(stored.input(), run.input())));
    } catch (RunStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> append(RunTypes types, String transactionId, RunUpdate update) {
    checkOpen();
    Entry entry = runs.get(transactionId);
    if (entry == null) {
      return CompletableFuture.failedFuture(RunStoreException.noSuchRun(types.workflowName(), transactionId));
    }
    try {
      entry.append(types, update);
      return CompletableFuture.completedFuture(null);
    } catch (RunStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Boolean> beginRevert(RunTypes types, String transactionId, Checkpoint revertBegun) {
    RunStore.checkRevertBegun(revertBegun);
    return reopen(types, transactionId, entry -> entry.reopen(types, revertBegun, RunStatus.DONE, RunStatus.COMPENSATING));
  }

  /** {@inheritDoc} It does. */
  @Override
  public boolean recordsWaits() {
    return true;
  }

  @Override
  public CompletableFuture<Boolean> endWait(RunTypes types, String transactionId, Checkpoint decision) {
    RunStore.checkDecision(decision);
    return reopen(types, transactionId, entry -> entry.reopen(types, decision, RunStatus.WAITING, RunStatus.RUNNING));
  }

  /** A compare-and-set on the status of run {@code transactionId}, done by {@code how} on its entry. */
  private CompletableFuture<Boolean> reopen(RunTypes types, String transactionId,
      java.util.function.Predicate<Entry> how) {
    checkOpen();
    Entry entry = runs.get(transactionId);
    if (entry == null) {
      return CompletableFuture.failedFuture(RunStoreException.noSuchRun(types.workflowName(), transactionId));
    }
    try {
      return CompletableFuture.completedFuture(how.test(entry));
    } catch (RunStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public Optional<StoredRun> load(RunTypes types, String transactionId) {
    checkOpen();
    Entry entry = runs.get(transactionId);
    return entry == null ? Optional.empty() : Optional.of(entry.snapshot(types));
  }

  @Override
  public Optional<RunHeader> find(String transactionId) {
    checkOpen();
    Entry entry = runs.get(transactionId);
    return entry == null ? Optional.empty() : Optional.of(entry.header());
  }

  @Override
  public List<String> unfinished(String workflowName) {
    checkOpen();
    return headers().stream()
        .filter(h -> h.workflowName().equals(workflowName) && h.status().isResumable()
            && h.parentTransactionId().isEmpty())
        .map(RunHeader::transactionId)
        .toList();
  }

  @Override
  public List<RunHeader> list(RunQuery query) {
    checkOpen();
    return headers().stream().filter(query::matches).skip(query.offset()).limit(query.limit()).toList();
  }

  @Override
  public int purgeEndedBefore(Instant cutoff) {
    checkOpen();
    int purged = 0;
    for (RunHeader header : headers()) {
      if (header.ended().isPresent() && header.ended().get().isBefore(cutoff)
          && runs.remove(header.transactionId()) != null) {
        purged++;
      }
    }
    return purged;
  }

  /** Refuses every later call; the record goes with the store. */
  @Override
  public void close() {
    closed = true;
  }

  private List<RunHeader> headers() {
    List<RunHeader> headers = new ArrayList<>(runs.size());
    for (Entry entry : runs.values()) {
      headers.add(entry.header());
    }
    headers.sort(OLDEST_FIRST);
    return headers;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this InMemoryRunStore is closed");
    }
  }

  /** One run's record; its mutable parts are guarded by the entry itself. */
  private static final class Entry {
    private final String workflowName;
    private final NewRun run;
    private final TreeMap<Integer, Checkpoint> checkpoints = new TreeMap<>();
    private RunStatus status = RunStatus.RUNNING;
    private RunEnd end;
    private Instant updated;

    Entry(String workflowName, NewRun run) {
      this.workflowName = workflowName;
      this.run = run;
      this.updated = Times.now();
    }

    synchronized void append(RunTypes types, RunUpdate update) {
      checkWorkflow(types);
      String transactionId = run.transactionId();
      if (status.isEnded() && !update.isCompensationsOnly()) {
        throw RunStoreException.runEnded(workflowName, transactionId, status);
      }
      if (status == RunStatus.WAITING) {
        throw RunStoreException.runWaits(workflowName, transactionId);
      }
      for (Checkpoint checkpoint : update.checkpoints()) {
        if (checkpoints.containsKey(checkpoint.sequence())) {
          throw RunStoreException.duplicateSequence(workflowName, transactionId, checkpoint);
        }
      }
      for (Checkpoint checkpoint : update.checkpoints()) {
        checkpoints.put(checkpoint.sequence(), checkpoint);
      }
      update.newStatus().ifPresent(s -> status = s);
      update.end().ifPresent(e -> end = e);
      updated = Times.now();
    }

    /**
     * Moves the run from {@code from} to {@code to} with {@code checkpoint}, if it is in {@code from}:
     * a revert's beginning (which clears the end), a wait's end. False if it is not.
     */
    synchronized boolean reopen(RunTypes types, Checkpoint checkpoint, RunStatus from, RunStatus to) {
      checkWorkflow(types);
      if (status != from) {
        return false;
      }
      if (checkpoints.containsKey(checkpoint.sequence())) {
        throw RunStoreException.duplicateSequence(workflowName, run.transactionId(), checkpoint);
      }
      checkpoints.put(checkpoint.sequence(), checkpoint);
      status = to;
      end = null;
      updated = Times.now();
      return true;
    }

    synchronized RunHeader header() {
      return new RunHeader(run.transactionId(), workflowName, run.fingerprint(),
          run.parentTransactionId().orElse(null), status, run.deadline().orElse(null), run.created(), updated,
          end == null ? null : end.ended());
    }

    synchronized StoredRun snapshot(RunTypes types) {
      checkWorkflow(types);
      return new StoredRun(header(), run.input(), new ArrayList<>(checkpoints.values()), end);
    }

    private void checkWorkflow(RunTypes types) {
      if (!types.workflowName().equals(workflowName)) {
        throw RunStoreException.otherWorkflow(run.transactionId(), types.workflowName(), workflowName);
      }
    }
  }
}
