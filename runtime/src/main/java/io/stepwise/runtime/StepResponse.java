package io.stepwise.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * What a step returns: its output, which later steps receive through {@code @From}, and the input
 * of its compensation.
 *
 * <pre>{@code
 * @Step("create-order")
 * StepResponse<RestockOrder, String> createOrder(@Input CreateRestockOrderInput input) {
 *   RestockOrder order = suppliers.createRestockOrder(input);
 *   return new StepResponse<>(order, order.id());   // output, compensation input
 * }
 * }</pre>
 *
 * <p>{@link #permanentFailure(String)} fails the step at once, with no retry;
 * {@link #permanentFailure(String, Object)} also hands the partial work of the failing step to its
 * own compensation. {@link #skip()} says, at run time, that the step skips itself (Medusa's {@code
 * StepResponse.skip()}); only a step declared {@code @Step(skippable = true)} may return it.
 *
 * @param <O> the step's output
 * @param <C> the input of the step's compensation
 */
public final class StepResponse<O, C> {
  private final O output;
  private final C compensationInput;
  private final String failureMessage;
  private final boolean compensateFailure;
  /** Why the step skipped itself ({@code ""} if it gave no reason); null unless it did. */
  private final String skipReason;

  private StepResponse(O output, C compensationInput, String failureMessage, boolean compensateFailure,
      String skipReason) {
    this.output = output;
    this.compensationInput = compensationInput;
    this.failureMessage = failureMessage;
    this.compensateFailure = compensateFailure;
    this.skipReason = skipReason;
  }

  /**
   * A response whose output is also the compensation input, as in Medusa. Use it where the output
   * type {@code O} is the compensation input type {@code C} (or a subtype of it); otherwise use
   * {@link #StepResponse(Object, Object)}.
   */
  @SuppressWarnings("unchecked") // documented contract: O must be a C
  public StepResponse(O output) {
    this(output, (C) output, null, false, null);
  }

  /** A response with an output and a distinct compensation input. */
  public StepResponse(O output, C compensationInput) {
    this(output, compensationInput, null, false, null);
  }

  /**
   * Fails the step at once, with no retry. The step's own compensation does not run; the steps
   * that completed before it are compensated.
   */
  public static <O, C> StepResponse<O, C> permanentFailure(String message) {
    return new StepResponse<>(null, null, requireMessage(message), false, null);
  }

  /**
   * Fails the step at once, with no retry, and runs the step's own compensation first, with
   * {@code compensationInput}: the partial work the step did before it failed.
   */
  public static <O, C> StepResponse<O, C> permanentFailure(String message, C compensationInput) {
    return new StepResponse<>(null, compensationInput, requireMessage(message), true, null);
  }

  /**
   * The step skips itself: it has no output, is never compensated (what it did is not undone), and
   * the run goes on with the next step; listeners hear {@code onStepSkipped}. Only a step declared
   * {@code @Step(skippable = true)} may skip, so that the steps that take its output take an {@code
   * Optional}; any other step that returns this fails for good, with an error that says so. A step
   * that takes a {@code java.sql.Connection} and skips has its work rolled back.
   */
  public static <O, C> StepResponse<O, C> skip() {
    return new StepResponse<>(null, null, null, false, "");
  }

  /** The step skips itself, for {@code reason} (logged); see {@link #skip()}. */
  public static <O, C> StepResponse<O, C> skip(String reason) {
    return new StepResponse<>(null, null, null, false, Objects.requireNonNull(reason, "skip needs a reason"));
  }

  private static String requireMessage(String message) {
    return Objects.requireNonNull(message, "permanentFailure needs a message");
  }

  /** The step's output; {@code null} for a permanent failure. */
  public O output() {
    return output;
  }

  /** The input of the step's compensation. */
  public C compensationInput() {
    return compensationInput;
  }

  /** Whether this response fails the step permanently. */
  public boolean isPermanentFailure() {
    return failureMessage != null;
  }

  /** The message of a permanent failure, empty for a successful response. */
  public Optional<String> failureMessage() {
    return Optional.ofNullable(failureMessage);
  }

  /** Whether the step skips itself: {@link #skip()}. */
  public boolean isSkip() {
    return skipReason != null;
  }

  /** Why the step skipped itself: empty unless it gave a reason to {@link #skip(String)}. */
  public Optional<String> skipReason() {
    return skipReason == null || skipReason.isEmpty() ? Optional.empty() : Optional.of(skipReason);
  }

  /**
   * Whether the failing step's own compensation runs, with {@link #compensationInput()}: true only
   * for {@link #permanentFailure(String, Object)}.
   */
  public boolean compensatesFailure() {
    return compensateFailure;
  }

  @Override
  public String toString() {
    if (isSkip()) {
      return skipReason.isEmpty() ? "StepResponse.skip()" : "StepResponse.skip(" + skipReason + ")";
    }
    return isPermanentFailure()
        ? "StepResponse.permanentFailure(" + failureMessage + ")"
        : "StepResponse(" + output + ")";
  }
}
