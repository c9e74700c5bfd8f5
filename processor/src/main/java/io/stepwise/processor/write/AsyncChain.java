package io.stepwise.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.NameAllocator;
import io.stepwise.processor.Names;
import io.stepwise.processor.model.ModelBuilder;
import io.stepwise.processor.model.StepModel;
import io.stepwise.processor.model.WorkflowModel;
import java.util.List;

/**
 * The body of the {@code steps} method of a workflow with asynchronous steps: the steps chained with
 * {@code thenCompose}, each step's output the parameter of the lambda that runs the steps after it,
 * so that later steps see it as a plain local, as in a synchronous runner:
 *
 * <pre>{@code
 * return run.<Reservation, String>step(RESERVE, ...).thenCompose(reserve ->
 *     run.<Payment>valueStepAsync(CHARGE, ctx -> workflow.charge(reserve), ...).thenCompose(charge ->
 *     run.<Shipment>valueStep(SHIP, ctx -> workflow.ship(reserve, charge), null)));
 * }</pre>
 *
 * A {@code @Parallel} group is a block: the group, its branches, then {@code join()} and the rest
 * of the chain.
 */
final class AsyncChain {
  private static final ClassName ASYNC_GROUP = ClassName.get(Names.INTERNAL_PACKAGE, "AsyncRun", "Group");

  private final WorkflowModel model;
  private final List<List<StepModel>> stages;
  private final NameAllocator names;

  AsyncChain(WorkflowModel model, NameAllocator names) {
    this.model = model;
    this.stages = model.stages();
    this.names = names;
  }

  /** Statements that run the stages from {@code index} on, ending with the {@code return} of the chain. */
  CodeBlock statements(int index) {
    List<StepModel> stage = stages.get(index);
    if (stage.get(0).group().isEmpty()) {
      // not addStatement: the expression holds the statements of a later group's block
      return CodeBlock.of("return $>$L$<;\n", expression(index));
    }
    String groupName = stage.get(0).group().get();
    CodeBlock.Builder code = CodeBlock.builder()
        .add(RunnerWriter.groupStatements(model, stage, names, ASYNC_GROUP));
    String group = names.get("group:" + groupName);
    String joined = names.newName(ModelBuilder.camel(groupName) + "Joined", "joined:" + groupName);
    boolean last = index + 1 == stages.size();
    code.add("return $N.join().$L($N -> {\n$>", group, last ? "thenApply" : "thenCompose", joined)
        .add(RunnerWriter.branchOutputs(stage, names));
    if (last) {
      code.addStatement("return $L", model.result().orElse("null"));
    } else {
      code.add(statements(index + 1));
    }
    return code.add("$<});\n").build();
  }

  /** The chain from the single step at {@code index} on, as one expression. */
  private CodeBlock expression(int index) {
    StepModel step = stages.get(index).get(0);
    CodeBlock call = RunnerWriter.call(model, step, "run");
    String output = step.local().orElseGet(() ->
        names.newName(ModelBuilder.camel(step.name()) + "Done", "done:" + step.name()));
    if (index + 1 == stages.size()) {
      if (model.result().equals(step.local())) {
        return call; // the chain completes with this step's output, the result
      }
      return CodeBlock.of("$L.thenApply($N -> $L)", call, output, model.result().orElse("null"));
    }
    if (stages.get(index + 1).get(0).group().isPresent()) {
      return CodeBlock.of("$L.thenCompose($N -> {\n$>$L$<})", call, output, statements(index + 1));
    }
    return CodeBlock.of("$L.thenCompose($N ->\n$L)", call, output, expression(index + 1));
  }
}
