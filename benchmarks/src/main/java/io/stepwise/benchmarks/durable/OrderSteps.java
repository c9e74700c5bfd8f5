package io.stepwise.benchmarks.durable;

/**
 * The work of the three steps, shared by the Stepwise workflow and the DBOS one so that both do
 * exactly the same (trivial) work and record values of the same size: what is measured is the
 * recording.
 */
final class OrderSteps {
  private OrderSteps() {}

  static String reserve(DurableOrder order) {
    return "reservation-" + order.sku() + "-" + order.quantity();
  }

  static long charge(DurableOrder order) {
    return order.quantity() * 1_999L;
  }

  static String ship(long charged, DurableOrder order) {
    return "parcel-" + order.sku() + "-" + charged;
  }
}
