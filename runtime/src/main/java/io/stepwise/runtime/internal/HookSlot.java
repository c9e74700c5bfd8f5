package io.stepwise.runtime.internal;

import io.stepwise.runtime.HookCompensation;
import io.stepwise.runtime.HookHandler;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** The handler registered for one hook of one runner: at most one, set once. Not API. */
public final class HookSlot<T> {
  /** A handler with its optional compensation. */
  static final class Registration<T> {
    final HookHandler<T> handler;
    final HookCompensation<T> compensation;

    Registration(HookHandler<T> handler, HookCompensation<T> compensation) {
      this.handler = handler;
      this.compensation = compensation;
    }
  }

  private final String workflow;
  private final String hook;
  private final AtomicReference<Registration<T>> registration = new AtomicReference<>();

  public HookSlot(String workflow, String hook) {
    this.workflow = workflow;
    this.hook = hook;
  }

  /**
   * Registers the handler and its compensation (may be null).
   *
   * @throws IllegalStateException if a handler is already registered
   */
  public void register(HookHandler<T> handler, HookCompensation<T> compensation) {
    Registration<T> next = new Registration<>(Objects.requireNonNull(handler, "handler"), compensation);
    if (!registration.compareAndSet(null, next)) {
      throw new IllegalStateException("hook '" + hook + "' of workflow '" + workflow
          + "' already has a handler; a hook takes at most one");
    }
  }

  Registration<T> current() {
    return registration.get();
  }
}
