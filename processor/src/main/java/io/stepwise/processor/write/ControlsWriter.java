package io.stepwise.processor.write;

import static io.stepwise.processor.write.RunnerWriter.modifiers;
import static io.stepwise.processor.write.RuntimeTypes.COMPLETABLE_FUTURE;
import static io.stepwise.processor.write.RuntimeTypes.HOOK_COMPENSATION;
import static io.stepwise.processor.write.RuntimeTypes.HOOK_HANDLER;
import static io.stepwise.processor.write.RuntimeTypes.WORKFLOW_FAILED;
import static io.stepwise.processor.write.RuntimeTypes.WORKFLOW_RESULT;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.stepwise.processor.model.StepModel;
import io.stepwise.processor.model.WorkflowModel;
import java.util.Objects;

/**
 * Writes the runner's methods that act on runs rather than start them: the handlers of hooks
 * ({@code onXxx}), {@code cancel}, {@code revert} and {@code revertAsync}, and the manual retries'
 * {@code retryXxx} and {@code failXxx}. Part of {@link RunnerWriter}'s runner, after its {@code run}
 * methods.
 */
final class ControlsWriter {
  private ControlsWriter() {}

  /** Adds the methods, in the order the runner lists them. */
  static void addTo(TypeSpec.Builder type, WorkflowModel model) {
    for (StepModel step : model.steps()) {
      step.hook().ifPresent(hook -> {
        type.addMethod(hookRegistration(model, step, hook, false));
        type.addMethod(hookRegistration(model, step, hook, true));
      });
    }
    type.addMethod(MethodSpec.methodBuilder("cancel")
        .addModifiers(modifiers(model))
        .returns(boolean.class)
        .addParameter(String.class, "transactionId")
        .addJavadoc("Cancels the run in progress with this transaction id: the step that is running finishes, no\n"
            + "further step starts, and the completed steps are compensated (the run ends {@code REVERTED}).\n\n"
            + "@return whether a run with this transaction id was in progress\n")
        .addStatement("return runs.cancel(transactionId)")
        .build());
    addReverts(type, model);
    for (StepModel step : model.steps()) {
      if (!step.options().autoRetry()) {
        type.addMethod(manualDecision(model, step, true));
        type.addMethod(manualDecision(model, step, false));
      }
    }
  }

  /**
   * {@code revert(transactionId)} and {@code revertAsync(transactionId)}: Medusa's cancel of a
   * completed transaction, on the run's record (a runner bound to a {@code WorkflowEngine}).
   */
  private static void addReverts(TypeSpec.Builder type, WorkflowModel model) {
    TypeName resultType = ParameterizedTypeName.get(WORKFLOW_RESULT, model.resultType());
    type.addMethod(MethodSpec.methodBuilder("revert")
        .addModifiers(modifiers(model))
        .returns(resultType)
        .addParameter(String.class, "transactionId")
        .addJavadoc("Reverts the run with this transaction id, which ended {@code DONE}: compensates every step that\n"
            + "completed, in reverse order of completion, each with its recorded compensation input, as a failed\n"
            + "step would (skipped steps and steps without a compensation are passed over, a child workflow is\n"
            + "compensated as a unit). The run ends {@code REVERTED}, with no result. A run that ended\n"
            + "{@code REVERTED} or {@code FAILED} is not reverted again: its recorded result is returned, and\n"
            + "nothing runs. Concurrent reverts of one run compensate it once; a revert that a crash interrupted\n"
            + "is finished by the next {@code WorkflowEngine.start()}. Needs the run's record: the runner must\n"
            + "be bound to a {@code WorkflowEngine}, in this process or any other on the same store.\n\n")
        .addJavadoc("@return the run's result, {@code REVERTED}\n")
        .addJavadoc("@throws $T if the run ends {@code FAILED}: a compensation failed after its retries\n"
            + "    (its {@code result().errors()} say which)\n", WORKFLOW_FAILED)
        .addJavadoc("@throws IllegalArgumentException if no run of this workflow has this transaction id\n")
        .addJavadoc("@throws IllegalStateException if the runner has no engine, or the run has not ended (use\n"
            + "    {@link #cancel}), or another process is reverting it\n")
        .addStatement("return runs.revert(transactionId)")
        .build());
    type.addMethod(MethodSpec.methodBuilder("revertAsync")
        .addModifiers(modifiers(model))
        .returns(ParameterizedTypeName.get(COMPLETABLE_FUTURE, resultType))
        .addParameter(String.class, "transactionId")
        .addJavadoc("Reverts the run with this transaction id as {@link #revert} does, on Stepwise's pool.\n\n")
        .addJavadoc("@return the run's result, {@code REVERTED}; completes exceptionally with what {@link #revert}\n"
            + "    throws\n")
        .addJavadoc("@throws IllegalStateException if the runner has no engine\n")
        .addStatement("return runs.revertAsync(transactionId)")
        .build());
  }

  /**
   * {@code retryChargePayment(transactionId)} or {@code failChargePayment(transactionId)}: the
   * application's decision for a step with {@code autoRetry = false} at which a run waits.
   */
  private static MethodSpec manualDecision(WorkflowModel model, StepModel step, boolean retry) {
    MethodSpec.Builder method = MethodSpec.methodBuilder(retry
            ? io.stepwise.processor.model.ModelBuilder.manualRetry(step.name())
            : io.stepwise.processor.model.ModelBuilder.manualFail(step.name()))
        .addModifiers(modifiers(model))
        .returns(boolean.class)
        .addParameter(String.class, "transactionId");
    if (retry) {
      method.addJavadoc("Retries step {@code $L} of the run with this transaction id, which waits at it after a\n"
          + "failed attempt ({@code autoRetry = false}): the step's next attempt begins, counting against its\n"
          + "retries. A run bound to an engine whose store records waits is resumed in this process (from\n"
          + "any process that shares the store); otherwise the run waits in the process that runs it.\n"
          + "Returns once the decision is recorded, without waiting for the run.\n\n", step.name());
    } else {
      method.addJavadoc("Fails step {@code $L} of the run with this transaction id, which waits at it after a\n"
          + "failed attempt ({@code autoRetry = false}), for good, with a\n"
          + "{@code ManualStepFailureException}: the run goes on as after any permanent failure of the step\n"
          + "(it compensates, unless the step's failure options say otherwise). A recorded wait is ended\n"
          + "from any process that shares the store, as for a retry. Returns without waiting for the run.\n\n",
          step.name());
    }
    return method
        .addJavadoc("@return whether this call ended the step's wait: false for an unknown or ended run, a run\n"
            + "    not waiting at this step, or a wait already ended (retried, failed, cancelled, timed out)\n")
        .addStatement(retry ? "return runs.retryStep(transactionId, $S)" : "return runs.failStep(transactionId, $S)",
            step.name())
        .build();
  }

  /** {@code onOrderCreated(handler)}, or {@code onOrderCreated(handler, compensation)}. */
  private static MethodSpec hookRegistration(WorkflowModel model, StepModel step, StepModel.Hook hook,
      boolean withCompensation) {
    MethodSpec.Builder method = MethodSpec.methodBuilder(hook.registration())
        .addModifiers(modifiers(model))
        .returns(model.runnerClass())
        .addJavadoc(withCompensation
            ? "Registers the handler of hook {@code $L} with the compensation that undoes it when a later\n"
                + "step fails. A hook takes at most one handler.\n\n"
            : "Registers the handler of hook {@code $L}, which runs at the hook's place among the steps.\n"
                + "A hook takes at most one handler.\n\n", step.name())
        .addJavadoc("@return this runner\n@throws IllegalStateException if the hook already has a handler\n")
        .addParameter(ParameterizedTypeName.get(HOOK_HANDLER, hook.input()), "handler");
    if (withCompensation) {
      method.addParameter(ParameterizedTypeName.get(HOOK_COMPENSATION, hook.input()), "compensation")
          .addStatement("$N.register(handler, $T.requireNonNull(compensation, $S))", hook.slot(), Objects.class,
              "compensation");
    } else {
      method.addStatement("$N.register(handler, null)", hook.slot());
    }
    return method.addStatement("return this").build();
  }
}
