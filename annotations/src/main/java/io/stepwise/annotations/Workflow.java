package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a workflow: a series of {@link Step steps}, each with an optional {@link Compensate
 * compensation}, run in the order they are declared and undone in reverse order when a later step
 * fails (the saga pattern).
 *
 * <p>For a workflow class {@code X} the Stepwise annotation processor generates {@code XRunner} in
 * the same package ({@code Outer_InnerRunner} for a nested class {@code Outer.Inner}). The runner
 * takes the workflow's input and returns a {@code WorkflowResult} of the workflow's result.
 *
 * <p>The compiler checks that the annotated class
 * <ul>
 *   <li>is a class (not an interface, enum or annotation), top-level or {@code static} nested, not
 *       local, not {@code private}, not {@code abstract} and not generic;
 *   <li>has a constructor the runner can call: its only non-private constructor, its only
 *       {@code public} one, or the one annotated {@code @Inject};
 *   <li>has a non-empty {@link #value() name} and at least one {@link Step};
 *   <li>names, in {@link #result()}, a step that exists.
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Workflow {
  /** The workflow's name, for example {@code "create-restock-order"}. Must not be empty. */
  String value();

  /**
   * The name of the step whose output is the workflow's result. Empty (the default) means the last
   * step declared in the class; its output type is the result type, {@code Void} if it returns
   * {@code void}. If the named step may end without an output (it has {@link When}, a failure option
   * or {@code skippable}, or an earlier step's {@code skipOnPermanentFailure} may skip it), the result
   * type is {@code Optional} of its output, empty when the step was skipped or failed.
   */
  String result() default "";

  /**
   * How long a whole run may take, as a duration ({@code "30s"}, {@code "PT2M"}). At the deadline
   * the running step is interrupted and fails with {@code WorkflowTimeoutException} (no retry), no
   * further step starts, and the completed steps are compensated; compensations themselves are not
   * bounded by it. Empty (the default): no timeout.
   */
  String timeout() default "";
}
