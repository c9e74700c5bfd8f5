package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a hook: a named, typed extension point of a workflow, as Medusa's {@code createHook}.
 * The method runs at its place among the steps, wired like a step ({@link Input}, {@link From}), and
 * returns the hook's input. The application registers at most one handler for it on the generated
 * runner, with an optional compensation:
 *
 * <pre>{@code
 * @Hook("order-created")
 * RestockOrder orderCreated(@From("create-order") RestockOrder order) { return order; }
 *
 * runner.onOrderCreated((order, ctx) -> erp.export(order), (order, ctx) -> erp.remove(order.id()));
 * }</pre>
 *
 * <p>Without a handler the hook does nothing. The handler's failure fails the run like a step's;
 * its compensation runs when a later step fails. A hook has no output, so nothing may be
 * {@link From} it.
 *
 * <p>The compiler checks that the method is not also a {@link Step}, is not private or generic,
 * returns the hook's input (not {@code void}), has a name unique among the workflow's steps and
 * hooks, and that its parameters are wired. The handler's input type is checked by the compiler
 * through the runner's typed registration method.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Hook {
  /** The hook's name, unique among the workflow's steps and hooks, for example {@code "order-created"}. */
  String value();
}
