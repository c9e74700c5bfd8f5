package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a {@link Step} conditional: it runs only if the named method returns {@code true}, and is
 * skipped otherwise. A skipped step is neither invoked nor compensated.
 *
 * <p>The named method is a method of the same class that returns {@code boolean}; its parameters are
 * wired like a step's ({@link Input}, {@link From} earlier steps, or a {@code StepContext}). It is
 * called right before the step would run. A parameter {@link From} a conditional step must be
 * declared {@code Optional<T>}, empty when that step was skipped.
 *
 * <p>The compiler checks that exactly one non-private method of that name exists, that it returns
 * {@code boolean}, and that its parameters are wired correctly.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface When {
  /** The name of the {@code boolean} method that decides whether the step runs. */
  String value();
}
