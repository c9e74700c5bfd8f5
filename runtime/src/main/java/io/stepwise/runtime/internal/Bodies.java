package io.stepwise.runtime.internal;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.util.concurrent.CompletionStage;

/**
 * The shapes of steps the generated code passes that the step machines do not call as they are (a
 * child workflow, a hook, and every shape of a step that returns a {@code CompletionStage}), each
 * made into a body that returns a {@link StepResponse} (or a stage of one). A synchronous step with
 * a plain value or {@code void} needs no adapter: {@link SyncStepMachine} calls it as it is. Not API.
 */
final class Bodies {
  static final StepResponse<Void, Void> VOID_RESPONSE = new StepResponse<>(null, null);

  private Bodies() {}

  static Compensation<Void> voidCompensation(VoidCompensation compensation) {
    return compensation == null ? null : (Void ignored, StepContext context) -> compensation.compensate(context);
  }

  /** A step that runs a child workflow: its output is the child's result, its compensation input the child run. */
  static <R> StepBody<R, ChildRun<R>> child(ChildBody<R> body) {
    return context -> {
      ChildRun<R> child = body.invoke(context);
      return new StepResponse<R, ChildRun<R>>(child.result(), child);
    };
  }

  static <O> AsyncStepBody<O, O> valueAsync(AsyncValueBody<O> body) {
    return context -> {
      CompletionStage<? extends O> stage = body.invoke(context);
      return stage == null ? null : stage.thenApply(output -> new StepResponse<O, O>(output, output));
    };
  }

  static AsyncStepBody<Void, Void> nothingAsync(AsyncVoidBody body) {
    return context -> {
      CompletionStage<?> stage = body.invoke(context);
      return stage == null ? null : stage.thenApply(ignored -> VOID_RESPONSE);
    };
  }

  static <R> AsyncStepBody<R, ChildRun<R>> childAsync(AsyncChildBody<R> body) {
    return context -> {
      CompletionStage<ChildRun<R>> stage = body.invoke(context);
      return stage == null ? null : stage.thenApply(child -> new StepResponse<R, ChildRun<R>>(child.result(), child));
    };
  }

  /**
   * The compensation of a child-workflow step: the child's completed steps, as a unit. The {@link
   * Compensator} knows it, and compensates the child on the parent's driver; a class of its own for that.
   */
  static final class ChildCompensation implements Compensation<ChildRun<?>> {
    static final ChildCompensation INSTANCE = new ChildCompensation();

    private ChildCompensation() {}

    @Override
    public void compensate(ChildRun<?> child, StepContext context) {
      Throwable failure = Compensator.compensateUnit(child.run(), Driver.BLOCKING).join();
      if (failure instanceof RuntimeException e) {
        throw e;
      }
    }
  }

  /** A hook's call: whether a handler took it, and with which input; what its compensation needs. */
  static final class HookCall<T> {
    final boolean handled;
    final T input;

    HookCall(boolean handled, T input) {
      this.handled = handled;
      this.input = input;
    }
  }

  /**
   * A {@code @Hook}: {@code input} builds the hook's input, then the registered handler (if any)
   * handles it. Its compensation input is the call, for {@link #hookCompensation}.
   */
  static <T> StepBody<Void, HookCall<T>> hook(HookSlot<T> slot, ValueBody<T> input) {
    return context -> {
      T value = input.invoke(context);
      HookSlot.Registration<T> registration = slot.current();
      if (registration != null) {
        registration.handler.handle(value, context);
      }
      return new StepResponse<Void, HookCall<T>>(null, new HookCall<>(registration != null, value));
    };
  }

  /**
   * The compensation of a hook: the handler's compensation (if it registered one), when a handler
   * took the call. A handler is registered once and for good, so it is the one that took the call.
   */
  static <T> Compensation<HookCall<T>> hookCompensation(HookSlot<T> slot) {
    return (call, context) -> {
      HookSlot.Registration<T> registration = slot.current();
      if (call.handled && registration.compensation != null) {
        registration.compensation.compensate(call.input, context);
      }
    };
  }
}
