package io.stepwise.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Supplies the services a workflow's constructor needs. A generated {@code XRunner.create(container)}
 * builds the workflow through its constructor, resolving each parameter by type. Adapt a
 * dependency-injection framework by implementing {@link #resolve(Class)}, or use {@link #of(Object...)}.
 */
@FunctionalInterface
public interface Container {

  /**
   * The service of the given type.
   *
   * @throws IllegalStateException if there is none, or the choice is ambiguous
   */
  <T> T resolve(Class<T> type);

  /**
   * A container without services: it resolves only itself, as {@code Container}, and throws
   * {@link IllegalStateException} for any other type. A runner created without a container has it.
   */
  static Container empty() {
    return EmptyContainer.INSTANCE;
  }

  /**
   * A container of the given services. {@code resolve(type)} returns the only service whose class is
   * exactly {@code type}, or else the only one that is an instance of {@code type}; it throws
   * {@link IllegalStateException} if there are several; the container resolves itself as
   * {@code Container}.
   */
  static Container of(Object... services) {
    List<Object> list = new ArrayList<>(services.length);
    for (int i = 0; i < services.length; i++) {
      if (services[i] == null) {
        throw new NullPointerException("Container.of(...): service " + i + " is null");
      }
      list.add(services[i]);
    }
    return new Container() {
      @Override
      public <T> T resolve(Class<T> type) {
        Objects.requireNonNull(type, "type");
        Object found = null;
        List<String> candidates = new ArrayList<>();
        Object exact = null;
        List<String> exactCandidates = new ArrayList<>();
        for (Object service : list) {
          if (service.getClass() == type) {
            exact = service;
            exactCandidates.add(service.getClass().getName());
          }
          if (type.isInstance(service)) {
            found = service;
            candidates.add(service.getClass().getName());
          }
        }
        if (exactCandidates.size() == 1) {
          return type.cast(exact);
        }
        if (exactCandidates.size() > 1) {
          candidates = exactCandidates; // two services of the very same class: no way to choose
        }
        if (candidates.size() > 1) {
          throw new IllegalStateException("Container.of(...) has " + candidates.size()
              + " services of type " + type.getName() + " " + candidates
              + "; keep one, or implement Container to choose");
        }
        if (found == null) {
          if (type == Container.class) {
            return type.cast(this);
          }
          throw new IllegalStateException("Container.of(...) has no service of type "
              + type.getName() + "; add one to Container.of(...)");
        }
        return type.cast(found);
      }

      @Override
      public String toString() {
        return "Container.of" + list;
      }
    };
  }
}
