package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a step of a {@link Workflow}. Steps run one at a time, in the order they are declared in
 * the class.
 *
 * <p>A step method returns one of
 * <ul>
 *   <li>{@code StepResponse<O, C>}: {@code O} is the step's output (what {@link From} receives),
 *       {@code C} the input of its {@link Compensate compensation};
 *   <li>a plain type {@code O}: the output, which is also the compensation input;
 *   <li>{@code void}: no output. Nothing may be {@link From} it.
 * </ul>
 * Each parameter is wired with {@link Input} or {@link From}, or is a {@code StepContext}.
 *
 * <p>The compiler checks that the method is in a {@code @Workflow} class, is not {@code private}
 * and not generic, that its name is non-empty and unique in the workflow, that {@link #maxRetries()}
 * is not negative, that {@code StepResponse} is given both type arguments, and that every parameter
 * is wired to a value of a type it accepts.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Step {
  /** The step's name, unique in its workflow, for example {@code "create-order"}. */
  String value();

  /**
   * How many times a failed invocation is tried again before the step counts as failed; also how
   * many times its compensation is tried again. {@code 0} (the default) means one attempt. A step
   * that returns {@code StepResponse.permanentFailure(...)} is never retried. Must be {@code >= 0}.
   */
  int maxRetries() default 0;
}
