package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs consecutive steps concurrently, as Medusa's {@code parallelize}: every {@link Step} that
 * carries {@code @Parallel} with the same name belongs to one group. The group starts all its steps
 * together (on the run's executor) and waits for all of them before the next step. If one fails, the
 * others run to completion, then every completed step of the group is compensated (in reverse order
 * of completion), then the earlier steps.
 *
 * <p>The compiler checks that the group's steps are declared one after another, that there are at
 * least two, and that none of them takes a {@link From} another step of the same group (they run at
 * the same time, so none can wait for another's output).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Parallel {
  /** The group's name, for example {@code "reserve-stock"}. */
  String value();
}
