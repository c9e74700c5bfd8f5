package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the compensation of a {@link Step}: what undoes the step when a later step fails.
 * Compensations run in reverse order of completion, each with its own step's compensation input.
 *
 * <p>The compiler checks that the method is in the same {@code @Workflow} class as the named step,
 * that the step exists and has no other compensation, that the method returns {@code void}, is not
 * {@code private} and not generic, and that it takes at most one data parameter, which must accept
 * the step's compensation input (none for a {@code void} step), plus an optional
 * {@code StepContext}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Compensate {
  /** The name of the step this method compensates. */
  String value();
}
