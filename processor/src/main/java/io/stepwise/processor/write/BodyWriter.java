package io.stepwise.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import io.stepwise.processor.model.WorkflowModel;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * What differs between the two kinds of runner: a synchronous one runs its steps on the calling
 * thread through {@code WorkflowRun}; an asynchronous one, which has a step that returns a
 * {@code CompletionStage}, chains them through {@code AsyncRun}. Each kind writes the {@code steps}
 * method and the statements with which {@code run}, {@code runAsChild} and {@code runAsync} start a
 * run; {@link RunnerWriter} writes the rest of the runner, the same for both.
 */
abstract sealed class BodyWriter permits SyncBodyWriter, AsyncBodyWriter {
  final WorkflowModel model;
  final StepCallWriter calls;

  BodyWriter(WorkflowModel model) {
    this.model = model;
    this.calls = new StepCallWriter(model);
  }

  static BodyWriter of(WorkflowModel model) {
    return model.isAsync() ? new AsyncBodyWriter(model) : new SyncBodyWriter(model);
  }

  /** A paragraph of the javadoc of {@code run(input, options)} on how it waits; empty if there is nothing to say. */
  abstract String runNote();

  /** The statements of {@code run(input, options)}. */
  abstract CodeBlock run();

  /** The statements of {@code runAsChild(input, parent)}. */
  abstract CodeBlock runAsChild();

  /** {@code runAsChildAsync(input, parent)}, for a parent that waits for the child without a thread. */
  abstract Optional<MethodSpec> runAsChildAsync();

  /** The private {@code steps} method, which runs the steps. */
  abstract MethodSpec steps();

  /** A paragraph of the javadoc of {@code runAsync(input, options)} on how it waits; empty if there is nothing to say. */
  abstract String runAsyncNote();

  /** The statements of {@code runAsync(input, options)}. */
  abstract CodeBlock runAsync();

  /** {@code steps(run, input)}, or {@code steps(run)} for a workflow without input. */
  final String stepsCall() {
    return model.inputType().isPresent() ? "steps(run, input)" : "steps(run)";
  }

  /** The run's input, which a durable run records: {@code input}, or {@code null} for a workflow without input. */
  final String inputArg() {
    return model.inputType().isPresent() ? "input" : "null";
  }

  /** One statement, as {@code addStatement} writes it. */
  static CodeBlock statement(String format, Object... args) {
    return CodeBlock.builder().addStatement(format, args).build();
  }

  /** The {@code steps} method's name, modifiers and parameters: {@code (run, [input])}. */
  final MethodSpec.Builder stepsMethod(ClassName runType) {
    MethodSpec.Builder steps = MethodSpec.methodBuilder("steps").addModifiers(Modifier.PRIVATE).addParameter(runType, "run");
    model.inputType().ifPresent(t -> steps.addParameter(t, "input"));
    return steps;
  }
}
