package io.stepwise.runtime.store;

import java.sql.Connection;

/**
 * A unit of work on the store's own database, which {@link TransactionalRunStore#appendWithWork}
 * runs inside the transaction that records its checkpoint.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface ConnectionWork<T> {
  /**
   * Does the work with {@code connection}, which is in the store's transaction: the work must not
   * commit, roll back (except to its own savepoints), close it or change its auto-commit. It may be
   * called again after a rollback, but only one call's writes are ever committed.
   *
   * @throws Exception to fail the work: its writes are rolled back, and no checkpoint is recorded
   */
  T run(Connection connection) throws Exception;
}
