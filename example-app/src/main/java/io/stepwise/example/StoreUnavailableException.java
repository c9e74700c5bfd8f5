package io.stepwise.example;

/**
 * The store does not accept writes at the moment (see {@link SupplierService#suspendWrites(String)}).
 * Unlike a {@link RestockException}, the same operation may succeed later.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }
}
