package io.stepwise.benchmarks;

/**
 * The work of the steps, shared by the workflows and the hand-written sagas so that both do exactly
 * the same work: trivial arithmetic, so that what is measured is the machinery around the steps.
 */
final class Steps {
  private Steps() {}

  static long reserve(Order order) {
    return order.amount() * 31 + 7;
  }

  static long charge(long reservation) {
    return reservation ^ 0x9E37_79B9_7F4A_7C15L;
  }

  /** Throws when the order says so: a fresh exception with its stack trace, as a real failure has. */
  static long ship(long charged, Order order) {
    if (order.failShipping()) {
      throw new IllegalStateException("carrier unavailable");
    }
    return charged >>> 3;
  }

  static long price(Order order) {
    return order.amount() * 17 + 3;
  }

  static long stock(Order order) {
    return order.amount() ^ 0x5DEE_CE66_DL;
  }
}
