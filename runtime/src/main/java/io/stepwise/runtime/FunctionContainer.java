package io.stepwise.runtime;

import java.util.Objects;
import java.util.function.Function;

/** {@link Container#from(Function)}: each service looked up with a function. */
final class FunctionContainer implements Container {
  private final Function<Class<?>, ?> lookup;

  FunctionContainer(Function<Class<?>, ?> lookup) {
    this.lookup = lookup;
  }

  @Override
  public <T> T resolve(Class<T> type) {
    Objects.requireNonNull(type, "type");
    Object service = lookup.apply(type);
    if (service == null) {
      if (type == Container.class) {
        return type.cast(this);
      }
      throw new IllegalStateException("Container.from(...) has no service of type " + type.getName()
          + ": its function returned null for it; return one, or throw an exception that says why there is none");
    }
    if (!type.isInstance(service)) {
      throw new IllegalStateException("Container.from(...) has no service of type " + type.getName()
          + ": its function returned a " + service.getClass().getName() + " for it; return an instance of "
          + type.getName());
    }
    return type.cast(service);
  }

  @Override
  public String toString() {
    return "Container.from(" + lookup + ")";
  }
}
