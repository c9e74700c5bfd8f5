package io.stepwise.runtime.internal;

import java.util.List;

/**
 * {@code Container.empty()} was asked for a service, directly or while the runner of a child
 * workflow was built from it. Not API: callers see an {@link IllegalStateException}.
 */
public final class NoServiceException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The service that was asked for. */
  private final transient Class<?> type;
  /** The child workflows that needed it, outermost first (as "'name' (Class)"); empty when asked directly. */
  private final List<String> children;

  NoServiceException(Class<?> type, List<String> children, String message, Throwable cause) {
    super(message, cause);
    this.type = type;
    this.children = List.copyOf(children);
  }

  /** What {@code Container.empty().resolve(type)} throws. */
  public static NoServiceException of(Class<?> type) {
    return new NoServiceException(type, List.of(), "Container.empty() has no service of type " + type.getName()
        + " (it has none); use Container.of(...) with one, or a Container of your own", null);
  }

  Class<?> type() {
    return type;
  }

  List<String> children() {
    return children;
  }
}
