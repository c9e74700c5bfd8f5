package io.stepwise.processor.write;

import static io.stepwise.processor.write.RuntimeTypes.BRANCH;
import static io.stepwise.processor.write.RuntimeTypes.CHILD_RUN;
import static io.stepwise.processor.write.RuntimeTypes.CONDITION;
import static io.stepwise.processor.write.RuntimeTypes.STEP_RESPONSE;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import io.stepwise.processor.model.Arg;
import io.stepwise.processor.model.Call;
import io.stepwise.processor.model.Stage;
import io.stepwise.processor.model.StepModel;
import io.stepwise.processor.model.WorkflowModel;
import java.util.Optional;

/**
 * Writes the call of one step on the run or on a {@code @Parallel} group, the same in synchronous
 * and asynchronous runners:
 *
 * <pre>{@code
 * run.<RestockOrder, String>step(CREATE_ORDER,
 *         ctx -> workflow.createOrder(input),
 *         (compensationInput, ctx) -> workflow.deleteOrder(compensationInput))
 * }</pre>
 *
 * and, for a group, the statements that start its steps and those that read their outputs after
 * its join.
 */
final class StepCallWriter {
  private final WorkflowModel model;

  StepCallWriter(WorkflowModel model) {
    this.model = model;
  }

  /** A single step's call on the run, its output assigned to the step's local if later steps use it. */
  CodeBlock statement(StepModel step) {
    CodeBlock.Builder code = CodeBlock.builder();
    if (step.local().isPresent()) {
      code.add("$T $N = ", localType(step), step.local().get());
    }
    return code.add(call(step, "run")).build();
  }

  /**
   * The start of a {@code @Parallel} group: the group, then each of its steps started on it, in a
   * {@code Branch} where its output is used later.
   */
  CodeBlock groupStart(Stage stage, Stage.Group group, ClassName groupType) {
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("$T $N = run.$L($S)", groupType, group.local(), group.noWait() ? "noWait" : "parallel", group.name());
    for (StepModel step : stage.steps()) {
      CodeBlock.Builder statement = CodeBlock.builder();
      if (step.branch().isPresent()) {
        TypeName compensationInput = step.shape() == StepModel.Shape.CHILD
            ? ParameterizedTypeName.get(CHILD_RUN, step.output())
            : step.compensationInput();
        statement.add("$T $N = ", ParameterizedTypeName.get(BRANCH, step.output(), compensationInput),
            step.branch().get());
      }
      code.addStatement(statement.add(call(step, group.local())).build());
    }
    return code.build();
  }

  /** After a group's join: the locals of the outputs that later steps use, read from their branches. */
  CodeBlock branchOutputs(Stage stage) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (StepModel step : stage.steps()) {
      if (step.branch().isPresent()) {
        code.addStatement("$T $N = $N.$L()", localType(step), step.local().orElseThrow(), step.branch().get(),
            step.optionalOutput() ? "optionalOutput" : "output");
      }
    }
    return code.build();
  }

  /**
   * {@code run.<O, C>step(SPEC, [condition,] body, compensation)} on the run or a group; {@code
   * stepAsync} and the like for a step that returns a {@code CompletionStage}; {@code
   * transactionalStep(SPEC, [condition,] (ctx, connection) -> ..., compensation)} for one that takes
   * a {@code java.sql.Connection}.
   */
  CodeBlock call(StepModel step, String target) {
    CodeBlock.Builder code = CodeBlock.builder().add(method(step, target)).add(",$>$>");
    if (step.condition().isPresent()) {
      code.add("\nctx -> $L,", invocation(step.condition().get()));
    } else if (step.optionalOutput()) {
      code.add("\n$T.ALWAYS,", CONDITION);
    }
    if (step.hook().isPresent()) {
      // fields with this.: a step's local (a lambda parameter in an asynchronous chain) may have the same name
      return code.add("\nthis.$N,\nctx -> $L)$<$<", step.hook().get().slot(), invocation(step.call())).build();
    }
    if (step.child().isPresent()) {
      return code.add(childBody(step)).add("$<$<").build();
    }
    code.add(step.transactional() ? transactionalBody(step) : CodeBlock.of("\nctx -> $L,", invocation(step.call())));
    if (step.compensation().isEmpty()) {
      code.add("\nnull");
    } else if (step.shape() == StepModel.Shape.VOID && !step.transactional()) {
      code.add("\nctx -> $L", invocation(step.compensation().get()));
    } else {
      code.add("\n(compensationInput, ctx) -> $L", invocation(step.compensation().get()));
    }
    return code.add(")$<$<").build();
  }

  /**
   * {@code target.<O, C>step(SPEC}, or the method of the step's kind: {@code valueStep}, {@code
   * childStep}, {@code hook}, {@code voidStep} ({@code Async} for a {@code CompletionStage}), {@code
   * transactionalStep} for a step that takes a {@code java.sql.Connection}.
   */
  private static CodeBlock method(StepModel step, String target) {
    String async = step.async() ? "Async" : "";
    if (step.transactional()) {
      return CodeBlock.of("$N.<$T, $T>transactionalStep($N", target, step.output(), step.compensationInput(),
          step.constant());
    }
    return switch (step.shape()) {
      case RESPONSE -> CodeBlock.of("$N.<$T, $T>step$L($N", target, step.output(), step.compensationInput(), async,
          step.constant());
      case VALUE -> CodeBlock.of("$N.<$T>valueStep$L($N", target, step.output(), async, step.constant());
      case CHILD -> CodeBlock.of("$N.<$T>childStep$L($N", target, step.output(), async, step.constant());
      case HOOK -> CodeBlock.of("$N.<$T>hook($N", target, step.hook().orElseThrow().input(), step.constant());
      case VOID -> CodeBlock.of("$N.voidStep$L($N", target, async, step.constant());
    };
  }

  /**
   * The body of a step that takes a {@code java.sql.Connection}, which answers with a {@code
   * StepResponse}: the step's own, one whose output is also the compensation input, or one of
   * nulls for a void step.
   */
  private CodeBlock transactionalBody(StepModel step) {
    return switch (step.shape()) {
      case RESPONSE -> CodeBlock.of("\n(ctx, connection) -> $L,", invocation(step.call()));
      case VALUE -> CodeBlock.of("\n(ctx, connection) -> new $T<>($L),", STEP_RESPONSE, invocation(step.call()));
      case VOID -> CodeBlock.of("\n(ctx, connection) -> {$>\n$L;\nreturn new $T<>(null, null);$<\n},",
          invocation(step.call()), STEP_RESPONSE);
      default -> throw new IllegalStateException("a " + step.shape() + " step takes no Connection: " + step.name());
    };
  }

  /** The body of a child step: the step method builds the child's input, the child's runner runs it. */
  private CodeBlock childBody(StepModel step) {
    StepModel.Child child = step.child().orElseThrow();
    String runAsChild = step.async() ? "runAsChildAsync" : "runAsChild";
    if (child.takesInput()) {
      return CodeBlock.of("\nctx -> this.$N.$L($L, ctx))", child.field(), runAsChild, invocation(step.call()));
    }
    return CodeBlock.of("\nctx -> {$>\n$L;\nreturn this.$N.$L(ctx);$<\n})", invocation(step.call()), child.field(),
        runAsChild);
  }

  /** {@code workflow.method(args)}, or {@code Workflow.method(args)} for a static method. */
  CodeBlock invocation(Call call) {
    CodeBlock.Builder code = CodeBlock.builder();
    if (call.isStatic()) {
      code.add("$T.$N(", model.workflowClass(), call.method());
    } else {
      code.add("workflow.$N(", call.method());
    }
    for (int i = 0; i < call.args().size(); i++) {
      Arg arg = call.args().get(i);
      code.add(i == 0 ? "" : ", ");
      if (arg instanceof Arg.Input) {
        code.add("input");
      } else if (arg instanceof Arg.Local local) {
        code.add("$N", local.name());
      } else if (arg instanceof Arg.Context) {
        code.add("ctx");
      } else if (arg instanceof Arg.Connection) {
        code.add("connection");
      } else {
        code.add("compensationInput");
      }
    }
    return code.add(")").build();
  }

  /** The type of a step's local: {@code Optional<O>} for a step that may end without an output. */
  static TypeName localType(StepModel step) {
    return step.optionalOutput() ? ParameterizedTypeName.get(ClassName.get(Optional.class), step.output()) : step.output();
  }
}
