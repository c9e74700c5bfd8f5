package io.stepwise.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Supplies the services a workflow's constructor needs. A generated {@code XRunner.create(container)}
 * builds the workflow through its constructor, resolving each parameter by its type (a parameter of
 * type {@code Container} gets the container itself), and steps see the container in {@link
 * StepContext#container()}. The runners of a workflow's child workflows ({@code @ChildWorkflow}) are
 * built from their parent's container, when the parent's runner is created: it must have what the
 * children's constructors need too.
 *
 * <p>Three ready-made containers: {@link #of(Object...)} holds a fixed set of services (tests, small
 * applications), {@link #from(Function)} looks them up with a function (a dependency-injection
 * framework: {@code Container.from(applicationContext::getBean)}), and {@link #empty()} has none.
 * Or implement {@link #resolve(Class)} in a class of your own; as that method is generic, a lambda
 * cannot implement it: {@code from} takes one.
 */
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
   * A container that looks each service up with {@code lookup}, for example a dependency-injection
   * framework's {@code applicationContext::getBean} or {@code injector::getInstance}: {@code
   * resolve(type)} returns {@code lookup.apply(type)}, checked to be an instance of {@code type}. For
   * {@code Container}, it returns itself when {@code lookup} returns null. An exception thrown by
   * {@code lookup} goes to the caller as it is.
   *
   * @throws IllegalStateException from {@code resolve}, naming the type, when {@code lookup} returns
   *     null or an object that is not an instance of the type
   */
  static Container from(Function<Class<?>, ?> lookup) {
    return new FunctionContainer(Objects.requireNonNull(lookup, "lookup"));
  }

  /**
   * A container of the given services, fixed when it is made. {@code resolve(type)}:
   *
   * <ol>
   *   <li>returns the service whose class is exactly {@code type}, if there is one (one only);
   *   <li>else the only service that is an instance of {@code type} (a subclass, or an
   *       implementation of an interface), if there is exactly one;
   *   <li>else, for {@code type} {@code Container}, the container itself;
   * </ol>
   *
   * and throws {@link IllegalStateException} naming the type when no service fits, or naming the
   * candidates when several do (two services of the very same class, or several instances of a
   * supertype and none of it exactly): keep one, or implement {@code Container} to choose.
   *
   * @throws NullPointerException if a service is null
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
