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
 * is not negative, that durations parse and backoff is at least 1, that {@code StepResponse} is
 * given both type arguments, that every parameter is wired to a value of a type it accepts, that
 * {@link #skipUntil()} names a later step outside the step's group and goes with {@link
 * #skipOnPermanentFailure()}, that a {@link #skippable()} step returns a {@code StepResponse}, and
 * that {@link #autoRetry()} {@code = false} goes with retries and without pause options.
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

  /**
   * The pause before the first retry, as a duration: {@code "200ms"}, {@code "2s"}, {@code "1m"},
   * {@code "1h"} or ISO-8601 ({@code "PT1.5S"}). Empty (the default) retries at once. Needs
   * {@link #maxRetries()} {@code > 0}. Compensations are retried with the same pauses.
   */
  String retryInterval() default "";

  /**
   * The factor by which the pause grows after each retry: {@code 2.0} doubles it. At least
   * {@code 1.0} (the default: a constant pause). Needs {@link #retryInterval()}.
   */
  double backoff() default 1.0;

  /** The longest pause between retries, however large the backoff makes it. Needs {@link #retryInterval()}. */
  String maxRetryInterval() default "";

  /**
   * How long one attempt of the step may run, as a duration ({@code "5s"}). When it expires, the
   * step's thread is interrupted, the attempt fails with {@code StepTimeoutException} (and is
   * retried if retries are left), and whatever the step returns later is discarded. The step runs
   * on the run's thread, so a step that ignores interrupts delays the run until it returns. Empty
   * (the default): no timeout.
   */
  String timeout() default "";

  /**
   * Whether an attempt that exceeded the {@link #timeout()} is retried like any failed attempt
   * ({@code true}, the default), or fails the step for good at once ({@code false}), as a timed-out
   * step does in Medusa. Stepwise retries by default because a timeout is most often a slow
   * dependency that the next attempt finds recovered; set {@code false} when a step that timed out
   * must not run again (its effect may still land late) or when the run should fail fast. Other
   * failures of the step are still retried. {@code false} needs a {@link #timeout()} and {@link
   * #maxRetries()} {@code > 0}, or it would change nothing.
   */
  boolean retryOnTimeout() default true;

  /**
   * Whether a failed attempt is retried by the runtime ({@code true}, the default), or waits for the
   * application ({@code false}), as Medusa's {@code autoRetry: false}: the run then waits at this
   * step, holding no thread of its own, until the application calls the generated runner's {@code
   * retryXxx(transactionId)}, which attempts the step again (counting against {@link #maxRetries()};
   * {@code StepContext.attempt()} goes on counting), or {@code failXxx(transactionId)}, which fails the
   * step for good with a {@code ManualStepFailureException} (the run then compensates, or goes on as
   * {@link #continueOnPermanentFailure()} or {@link #skipOnPermanentFailure()} say). {@code Xxx} is the
   * step's name in camel case: {@code retryChargePayment} for {@code "charge-payment"}. A cancel of
   * the waiting run, or the workflow's timeout, ends the wait and fails the step as they would during
   * a retry pause. A failure on the last attempt fails the step at once, without a wait. {@code false}
   * needs {@link #maxRetries()} {@code > 0}, and takes no {@link #retryInterval()}, {@link #backoff()}
   * nor {@link #maxRetryInterval()}: there is no pause to shape.
   */
  boolean autoRetry() default true;

  /**
   * When the step fails for good (after its retries), record the error and go on with the next
   * steps, as Medusa's {@code continueOnPermanentFailure}; the run can still end {@code DONE}, with
   * the error in its {@code errors()}. The step then has no output: a parameter {@link From} it must
   * be {@code Optional<T>}.
   */
  boolean continueOnPermanentFailure() default false;

  /**
   * When the step fails for good (after its retries), record the error, compensate nothing, and skip
   * every step after it, as Medusa's {@code skipOnPermanentFailure}: the skipped steps are never
   * invoked and never compensated, listeners hear {@code onStepSkipped} for the failed step and for
   * each skipped one, and the run ends {@code DONE} with the error in its {@code errors()}. With
   * {@link #skipUntil()}, the steps are skipped only up to the step it names, which runs, and the run
   * goes on normally from there. A later failure in the run compensates the steps that completed
   * (never the skipped ones), as usual.
   *
   * <p>The failed step has no output, and neither has a step it may skip: a parameter {@link From}
   * either must be {@code Optional<T>}, and so is the workflow's result if its result step may be
   * skipped. In a {@link Parallel} group, "the steps after" are those after the group: the other
   * steps of the group run (they started together) and keep their outputs.
   */
  boolean skipOnPermanentFailure() default false;

  /**
   * Where a run goes on after this step failed with {@link #skipOnPermanentFailure()}: the name of a
   * step declared after this one (and not in its {@link Parallel} group). The steps in between are
   * skipped; the named step runs (with its whole group, if it is in one). Medusa's {@code
   * skipOnPermanentFailure: "step-x"}. Empty (the default): every step after this one is skipped.
   * Needs {@code skipOnPermanentFailure = true}.
   */
  String skipUntil() default "";

  /**
   * Whether the step may skip itself at run time by returning {@code StepResponse.skip()} (Medusa's
   * {@code return StepResponse.skip()}): it then has no output, is never compensated, and the run goes
   * on with the next step. A parameter {@link From} it must be {@code Optional<T>}. The step must
   * return {@code StepResponse<O, C>} (or a {@code CompletionStage} of one). A step that returns
   * {@code skip()} without it fails for good, with an error that says to add it.
   */
  boolean skippable() default false;

  /**
   * Whether the steps after this one start at once, without waiting for it, as Medusa's {@code
   * noWait}: the step starts on the run's executor (with its own retries and timeout, as a step of a
   * {@link Parallel} group), the next steps start together with it, and the run ends only when it and
   * the rest have ended. Its output is for nobody: no parameter may be {@link From} it.
   *
   * <p>It is settled, like any step, in the order it completed: its compensation is on the stack
   * with the steps that completed before it, below those that completed after it. If it fails for
   * good, the steps in progress finish, no further step starts, and every completed step (this one
   * too, if it completed) is compensated, the most recent first; {@link #continueOnPermanentFailure()}
   * records the error and lets the run go on. If a later step fails while it still runs, the run waits
   * for it, then compensates what completed. A cancel stops the run before its next step, as always,
   * and the run waits for the noWait step before it compensates.
   *
   * <p>The compiler checks that the step is not the workflow's result step (named by {@link
   * Workflow#result()}, or the last declared step) nor the last step, not in a {@link Parallel} group
   * (a group's steps are all waited for), does not set {@link #skipOnPermanentFailure()} (the steps
   * it would skip may be over when it fails), and that no {@link From} takes its output.
   */
  boolean noWait() default false;
}
