package io.stepwise.processor.write;

import static io.stepwise.processor.write.RuntimeTypes.ASYNC_RUNS;
import static io.stepwise.processor.write.RuntimeTypes.GROUP;
import static io.stepwise.processor.write.RuntimeTypes.HALT;
import static io.stepwise.processor.write.RuntimeTypes.WORKFLOW_RUN;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import io.stepwise.processor.model.Stage;
import io.stepwise.processor.model.WorkflowModel;
import java.util.Optional;

/**
 * The body of a synchronous runner: its steps run one after the other on the calling thread, each
 * step's output in a local, a {@code @Parallel} group joined before the next step, a {@code noWait}
 * step started in a group of its own that is never joined (the run waits for it at its end):
 *
 * <pre>{@code
 * RestockOrder createOrder = run.<RestockOrder, String>step(CREATE_ORDER, ...);
 * WorkflowRun.Group prepareGroup = run.parallel("prepare");
 * WorkflowRun.Branch<Integer, String> boxBranch = prepareGroup.<Integer, String>step(BOX, ...);
 * prepareGroup.join();
 * Integer box = boxBranch.output();
 * }</pre>
 *
 * A failed step that has been compensated throws {@code WorkflowRun.Halt} out of {@code steps};
 * {@code run} turns it into the run's result.
 */
final class SyncBodyWriter extends BodyWriter {
  SyncBodyWriter(WorkflowModel model) {
    super(model);
  }

  @Override
  String runNote() {
    return "";
  }

  @Override
  CodeBlock run() {
    return drive(CodeBlock.of("start(SPEC, options, container, runs, $L)", inputArg()), "return run.done($L)",
        "return run.halted(halt)");
  }

  @Override
  CodeBlock runAsChild() {
    return drive(CodeBlock.of("startChild(SPEC, parent, container, $L)", inputArg()), "return run.childDone($L)",
        "throw run.childFailed(halt)");
  }

  /**
   * {@code WorkflowRun run = WorkflowRun.start(...)}, then the steps; {@code done} ends the run with
   * the result, {@code halted} with a failed step's {@code Halt}.
   */
  private CodeBlock drive(CodeBlock start, String done, String halted) {
    return CodeBlock.builder()
        .addStatement("$T run = $T.$L", WORKFLOW_RUN, WORKFLOW_RUN, start)
        .beginControlFlow("try")
        .addStatement(done, stepsCall())
        .nextControlFlow("catch ($T halt)", HALT)
        .addStatement(halted)
        .endControlFlow()
        .build();
  }

  @Override
  Optional<MethodSpec> runAsChildAsync() {
    return Optional.empty();
  }

  @Override
  MethodSpec steps() {
    MethodSpec.Builder steps = stepsMethod(WORKFLOW_RUN)
        .returns(model.resultType())
        .addJavadoc("Runs the steps in order; throws {@link $T} when a failed step has been compensated.\n", HALT);
    for (Stage stage : model.stages()) {
      if (stage.group().isPresent() && stage.group().get().noWait()) {
        steps.addCode(calls.groupStart(stage, stage.group().get(), GROUP)); // never joined: the run waits at its end
      } else if (stage.group().isPresent()) {
        Stage.Group group = stage.group().get();
        steps.addCode(calls.groupStart(stage, group, GROUP))
            .addStatement("$N.join()", group.local())
            .addCode(calls.branchOutputs(stage));
      } else {
        steps.addStatement(calls.statement(stage.step()));
      }
    }
    return steps.addStatement("return $L", model.result().orElse("null")).build();
  }

  @Override
  String runAsyncNote() {
    return "";
  }

  @Override
  CodeBlock runAsync() {
    // run(input, options), on the executor
    return statement(model.inputType().isPresent() ? "return $T.supply(options, runs, () -> run(input, options))"
        : "return $T.supply(options, runs, () -> run(options))", ASYNC_RUNS);
  }
}
