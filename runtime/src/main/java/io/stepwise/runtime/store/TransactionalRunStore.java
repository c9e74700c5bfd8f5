package io.stepwise.runtime.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A {@link RunStore} on a database that can also run a step's work in the transaction that records
 * the step's checkpoint, so that a step whose work is on the store's database runs exactly once:
 * the work's writes and its checkpoint are committed together, or not at all.
 *
 * <p>The work runs on the store's writer, inside the batch of concurrent writes that share one
 * commit: keep it short (a few statements), since the checkpoints of other runs wait for it.
 */
public interface TransactionalRunStore extends RunStore {
  /**
   * Runs {@code work} with the store's connection, then appends {@code updateOf.apply(result)} to run
   * {@code transactionId} (as {@link #append}), in one transaction.
   *
   * @return completes with the work's result once the work's writes and the update are committed;
   *     exceptionally with the work's exception (or that of {@code updateOf}) after rolling the work
   *     back, or with a {@link RunStoreException} as {@link #append} — and then nothing of the work or
   *     of the update is committed
   */
  <T> CompletableFuture<T> appendWithWork(RunTypes types, String transactionId, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf);

  /**
   * Records that run {@code run.transactionId()} begins, runs {@code work} with the store's
   * connection, then appends {@code updateOf.apply(result)}, in one transaction: the run's first
   * step, when its work is on the store's database, costs no commit of its own beginning.
   *
   * <p>The run's row comes first: if a run with that transaction id is recorded already, {@code
   * work} is not called, nothing is written, and the future completes exceptionally with a {@link
   * RunStoreException}. (The engine relies on it: a run whose transaction id was given lets its first
   * step carry its beginning, and finds out so whether the id names a recorded run, which it then
   * replays; a step of that run must not act.)
   *
   * @return as {@link #appendWithWork}; exceptionally with a {@link RunStoreException} (and nothing
   *     written, {@code work} not called) if a run with that transaction id is recorded already
   */
  <T> CompletableFuture<T> beginWithWork(RunTypes types, NewRun run, ConnectionWork<T> work,
      Function<? super T, RunUpdate> updateOf);
}
