package io.stepwise.runtime;

import io.stepwise.runtime.internal.NoServiceException;
import java.util.Objects;

/** {@link Container#empty()}: it resolves only itself. */
final class EmptyContainer implements Container {
  static final EmptyContainer INSTANCE = new EmptyContainer();

  private EmptyContainer() {}

  @Override
  public <T> T resolve(Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (type == Container.class) {
      return type.cast(this);
    }
    throw NoServiceException.of(type);
  }

  @Override
  public String toString() {
    return "Container.empty()";
  }
}
