package io.stepwise.processor.write;

import static io.stepwise.processor.write.RuntimeTypes.ASYNC_GROUP;
import static io.stepwise.processor.write.RuntimeTypes.ASYNC_RUN;
import static io.stepwise.processor.write.RuntimeTypes.CHILD_RUN;
import static io.stepwise.processor.write.RuntimeTypes.COMPLETABLE_FUTURE;
import static io.stepwise.processor.write.RuntimeTypes.COMPLETION_STAGE;
import static io.stepwise.processor.write.RuntimeTypes.HALT;
import static io.stepwise.processor.write.RuntimeTypes.STEP_CONTEXT;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import io.stepwise.processor.model.Stage;
import io.stepwise.processor.model.WorkflowModel;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * The body of an asynchronous runner: the steps chained with {@code thenCompose}, each step's
 * output the parameter of the lambda that runs the steps after it, so that later steps see it as a
 * plain local, as in a synchronous runner:
 *
 * <pre>{@code
 * return run.<Reservation, String>step(RESERVE, ...).thenCompose(reserve ->
 *     run.<Payment>valueStepAsync(CHARGE, ctx -> workflow.charge(reserve), ...).thenCompose(charge ->
 *     run.<Shipment>valueStep(SHIP, ctx -> workflow.ship(reserve, charge), null)));
 * }</pre>
 *
 * A {@code @Parallel} group is a block: the group, its branches, then {@code join()} and the rest
 * of the chain. A {@code noWait} step is a block too: its group, never joined, then the rest of the chain. {@code run} waits for the chain on the calling thread; {@code runAsync} and
 * {@code runAsChildAsync} do not wait.
 */
final class AsyncBodyWriter extends BodyWriter {
  private final List<Stage> stages;

  AsyncBodyWriter(WorkflowModel model) {
    super(model);
    this.stages = model.stages();
  }

  @Override
  String runNote() {
    return "<p>Waits on the calling thread while a step's {@code CompletionStage} is pending; {@link #runAsync}\n"
        + "waits without a thread.\n\n";
  }

  @Override
  CodeBlock run() {
    return statement("return $T.join($T.start(SPEC, options, container, runs, $L, run -> $L))", ASYNC_RUN, ASYNC_RUN,
        inputArg(), stepsCall());
  }

  @Override
  CodeBlock runAsChild() {
    return statement(model.inputType().isPresent() ? "return $T.joinChild(runAsChildAsync(input, parent))"
        : "return $T.joinChild(runAsChildAsync(parent))", ASYNC_RUN);
  }

  @Override
  Optional<MethodSpec> runAsChildAsync() {
    MethodSpec.Builder method = MethodSpec.methodBuilder("runAsChildAsync")
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(COMPLETABLE_FUTURE, ParameterizedTypeName.get(CHILD_RUN, model.resultType())))
        .addJavadoc("Runs the workflow as a child, inside a step of another workflow, without waiting on a thread.\n"
            + "For generated code only; may change in any release.\n");
    model.inputType().ifPresent(t -> method.addParameter(t, "input"));
    return Optional.of(method
        .addParameter(STEP_CONTEXT, "parent")
        .addStatement("return $T.startChild(SPEC, parent, container, $L, run -> $L)", ASYNC_RUN, inputArg(), stepsCall())
        .build());
  }

  @Override
  MethodSpec steps() {
    return stepsMethod(ASYNC_RUN)
        .returns(ParameterizedTypeName.get(COMPLETION_STAGE, model.resultType()))
        .addJavadoc("Chains the steps in order: each starts when the one before it is done. The stage completes\n"
            + "exceptionally with {@link $T} when a failed step has been compensated.\n", HALT)
        .addCode(statements(0))
        .build();
  }

  @Override
  String runAsyncNote() {
    return "<p>No thread waits while a step's {@code CompletionStage} is pending: the run goes on, on the\n"
        + "executor, when it completes.\n\n";
  }

  @Override
  CodeBlock runAsync() {
    return statement("return $T.submit(SPEC, options, container, runs, $L, run -> $L)", ASYNC_RUN, inputArg(),
        stepsCall());
  }

  /** Statements that run the stages from {@code index} on, ending with the {@code return} of the chain. */
  private CodeBlock statements(int index) {
    Stage stage = stages.get(index);
    if (stage.group().isEmpty()) {
      // not addStatement: the expression holds the statements of a later group's block
      return CodeBlock.of("return $>$L$<;\n", expression(index));
    }
    Stage.Group group = stage.group().get();
    if (group.noWait()) {
      // never joined: the chain goes on at once (a noWait step is never the last), and the run waits at its end
      return CodeBlock.builder().add(calls.groupStart(stage, group, ASYNC_GROUP)).add(statements(index + 1)).build();
    }
    boolean last = index + 1 == stages.size();
    CodeBlock.Builder code = CodeBlock.builder()
        .add(calls.groupStart(stage, group, ASYNC_GROUP))
        .add("return $N.join().$L($N -> {\n$>", group.local(), last ? "thenApply" : "thenCompose", stage.chained())
        .add(calls.branchOutputs(stage));
    if (last) {
      code.addStatement("return $L", model.result().orElse("null"));
    } else {
      code.add(statements(index + 1));
    }
    return code.add("$<});\n").build();
  }

  /** The chain from the single step at {@code index} on, as one expression. */
  private CodeBlock expression(int index) {
    Stage stage = stages.get(index);
    CodeBlock call = calls.call(stage.step(), "run");
    if (index + 1 == stages.size()) {
      if (model.result().equals(stage.step().local())) {
        return call; // the chain completes with this step's output, the result
      }
      return CodeBlock.of("$L.thenApply($N -> $L)", call, stage.chained(), model.result().orElse("null"));
    }
    if (stages.get(index + 1).group().isPresent()) {
      return CodeBlock.of("$L.thenCompose($N -> {\n$>$L$<})", call, stage.chained(), statements(index + 1));
    }
    return CodeBlock.of("$L.thenCompose($N ->\n$L)", call, stage.chained(), expression(index + 1));
  }
}
