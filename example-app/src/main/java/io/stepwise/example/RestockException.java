package io.stepwise.example;

import java.util.Objects;

/**
 * A business rule of the restock service refused an operation: an unknown supplier, a product the
 * supplier does not carry, a rejected order, ... {@link #reason()} tells which, so that callers can
 * map it (for example to an HTTP status) without parsing the message. The message is meant for
 * people: it names the ids involved and never contains internals.
 */
public final class RestockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which rule refused the operation. */
  public enum Reason {
    /** No supplier has the given id. */
    UNKNOWN_SUPPLIER,
    /** The supplier does not carry a product of the order. */
    PRODUCT_NOT_CARRIED,
    /** No restock order has the given id. */
    ORDER_NOT_FOUND,
    /** The order is not in a status that allows the operation. */
    INVALID_STATUS,
    /** The {@link ConfirmationPolicy} rejected the order. */
    ORDER_REJECTED
  }

  private final Reason reason;

  public RestockException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
