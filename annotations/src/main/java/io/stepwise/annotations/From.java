package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Wires a parameter of a {@link Step} or {@link When} method to the output of an earlier step.
 *
 * <p>The compiler checks that the named step exists, is declared before the step that uses it, and
 * has an output (does not return {@code void}), and that the parameter's type accepts that output
 * by Java's assignment rules, generics included. If the named step may be skipped or fail without
 * stopping the run (it has {@link When}, {@code continueOnPermanentFailure}, {@code
 * skipOnPermanentFailure} or {@code skippable}, or an earlier step's {@code skipOnPermanentFailure}
 * may skip it), the parameter must be {@code Optional<T>} with {@code T} accepting the output: it is
 * empty when the step was skipped or failed.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface From {
  /** The name of the step whose output this parameter receives. */
  String value();
}
