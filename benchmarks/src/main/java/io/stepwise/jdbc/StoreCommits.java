package io.stepwise.jdbc;

/**
 * Reads {@link JdbcRunStore}'s count of committed transactions (package-private, kept for tests of
 * group commit) for {@code DurableThroughput}, which reports commits per run on H2, whose server
 * keeps no such statistic. In the benchmarks module only: same package, same class loader.
 */
public final class StoreCommits {
  private StoreCommits() {}

  /** How many transactions {@code store}'s writer has committed. */
  public static long of(JdbcRunStore store) {
    return store.commits();
  }
}
