package io.stepwise.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.CompensationDecl;
import io.stepwise.processor.collect.Durations;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.Returns;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.collect.WorkflowCollector;
import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.graph.ChildWorkflows;
import io.stepwise.processor.graph.StepGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Types;

/** Builds the {@link WorkflowModel} of a workflow that validated clean. */
public final class ModelBuilder {
  private final Types types;
  private final ChildWorkflows children;

  public ModelBuilder(Types types, ChildWorkflows children) {
    this.types = types;
    this.children = children;
  }

  public WorkflowModel build(WorkflowDecl decl, StepGraph graph) {
    TypeElement type = decl.type();
    Set<String> suppressions = new TreeSet<>();

    Set<String> used = new HashSet<>();
    Optional<StepDecl> resultStep = graph.resultStep();
    resultStep.ifPresent(step -> used.add(step.name()));
    Optional<TypeMirror> input = Optional.empty();
    for (StepDecl step : decl.steps()) {
      for (ParamDecl param : graph.wiredParams(step)) {
        if (param.binding() instanceof Binding.From from) {
          used.add(from.step());
        } else if (param.binding() instanceof Binding.Input && input.isEmpty()) {
          input = Optional.of(param.type());
        }
      }
    }

    // every name is decided here, in the order of the runner's declarations: outputs, then stages
    RunnerNames names = new RunnerNames();
    Map<String, String> outputs = new HashMap<>();
    for (StepDecl step : decl.steps()) {
      if (used.contains(step.name()) && !(step.returns() instanceof Returns.Void) && !step.isHook()) {
        outputs.put(step.name(), names.output(step.name()));
      }
    }
    Map<String, String> branches = new HashMap<>();
    List<StageNames> stageNames = stageNames(decl.steps(), outputs, branches, names);
    List<StepModel> steps = new ArrayList<>();
    for (StepDecl step : decl.steps()) {
      steps.add(step(step, graph, decl, outputs, Optional.ofNullable(branches.get(step.name())), names, suppressions));
    }
    List<Stage> stages = new ArrayList<>();
    int first = 0;
    for (StageNames stage : stageNames) {
      stages.add(new Stage(List.copyOf(steps.subList(first, first + stage.size())), stage.group(), stage.chained()));
      first += stage.size();
    }

    TypeName resultType = ClassName.get(Void.class);
    Optional<String> result = Optional.empty();
    if (resultStep.isPresent() && !(resultStep.get().returns() instanceof Returns.Void) && !resultStep.get().isHook()
        && !steps.get(resultStep.get().index()).output().equals(ClassName.get(Void.class))) {
      StepModel model = steps.get(resultStep.get().index());
      resultType = model.optionalOutput() ? optionalOf(model.output()) : model.output();
      result = model.local();
    }

    List<WorkflowModel.Dependency> dependencies = new ArrayList<>();
    List<TypeName> thrown = new ArrayList<>();
    ExecutableElement constructor = graph.constructor().orElseThrow(
        () -> new IllegalStateException("no constructor chosen for a valid workflow"));
    for (var parameter : constructor.getParameters()) {
      TypeMirror parameterType = parameter.asType();
      TypeName literal = TypeName.get(types.erasure(parameterType)).box();
      TypeName declared = TypeName.get(parameterType);
      note(parameterType, suppressions);
      if (isParameterized(parameterType)) {
        suppressions.add("unchecked");
      }
      dependencies.add(new WorkflowModel.Dependency(declared.isPrimitive() ? declared.box() : declared, literal));
    }
    for (TypeMirror exception : constructor.getThrownTypes()) {
      thrown.add(TypeName.get(exception));
    }
    input.ifPresent(t -> note(t, suppressions));

    return new WorkflowModel(ClassName.get(type), runnerName(type), isPublic(type), decl.name(),
        input.map(TypeName::get), resultType, result, resultStep.map(StepDecl::name).orElseThrow(), List.copyOf(steps),
        List.copyOf(stages), List.copyOf(dependencies), List.copyOf(thrown), suppressions,
        millis(decl.timeout(), decl.timeoutValue()));
  }

  /** The names of a stage of {@code size} steps. */
  private record StageNames(int size, Optional<Stage.Group> group, String chained) {}

  /**
   * Splits the steps into stages (a single step, or the consecutive steps of a {@code @Parallel}
   * group) and names, stage by stage, each group, the branches of its steps whose output is used
   * ({@code branches}, by step) and the parameter that goes on after it in an asynchronous chain.
   */
  private static List<StageNames> stageNames(List<StepDecl> steps, Map<String, String> outputs,
      Map<String, String> branches, RunnerNames names) {
    List<StageNames> stages = new ArrayList<>();
    for (int first = 0, end; first < steps.size(); first = end) {
      Optional<String> group = steps.get(first).parallel().map(StepDecl.ParallelDecl::group);
      end = first + 1;
      while (group.isPresent() && end < steps.size()
          && steps.get(end).parallel().map(StepDecl.ParallelDecl::group).equals(group)) {
        end++;
      }
      if (steps.get(first).options().noWait()) {
        String step = steps.get(first).name();
        stages.add(new StageNames(1, Optional.of(new Stage.Group(step, names.noWait(step), true)), names.done(step)));
        continue;
      }
      if (group.isEmpty()) {
        String step = steps.get(first).name();
        stages.add(new StageNames(1, Optional.empty(),
            outputs.containsKey(step) ? outputs.get(step) : names.done(step)));
        continue;
      }
      Stage.Group named = new Stage.Group(group.get(), names.group(group.get()), false);
      for (StepDecl step : steps.subList(first, end)) {
        if (outputs.containsKey(step.name())) {
          branches.put(step.name(), names.branch(outputs.get(step.name())));
        }
      }
      stages.add(new StageNames(end - first, Optional.of(named), names.joined(group.get())));
    }
    return stages;
  }

  private StepModel step(StepDecl step, StepGraph graph, WorkflowDecl decl, Map<String, String> outputs,
      Optional<String> branch, RunnerNames names, Set<String> suppressions) {
    StepModel.Shape shape;
    TypeName output;
    TypeName compensationInput;
    Optional<StepModel.Child> child = Optional.empty();
    Optional<StepModel.Hook> hook = Optional.empty();
    boolean async = step.async();
    if (step.returns() instanceof Returns.Hook hookReturns) {
      shape = StepModel.Shape.HOOK;
      output = ClassName.get(Void.class);
      compensationInput = output;
      hook = Optional.of(new StepModel.Hook(names.hookField(step.name()), hookRegistration(step.name()),
          boxed(hookReturns.input(), suppressions)));
    } else if (step.returns() instanceof Returns.Child childReturns) {
      ChildWorkflows.Signature signature = children.of(childReturns.workflow()).orElseThrow(
          () -> new IllegalStateException("no child workflow for a valid step " + step.name()));
      shape = StepModel.Shape.CHILD;
      output = boxed(signature.result(), suppressions);
      compensationInput = output;
      ClassName runner = runnerName(signature.type());
      async = signature.async();
      child = Optional.of(new StepModel.Child(runner, names.childField(step.name()), signature.input().isPresent(),
          signature.name(), ClassName.get(signature.type()), signature.stages()));
    } else if (step.returns() instanceof Returns.Response response) {
      shape = StepModel.Shape.RESPONSE;
      output = boxed(response.output(), suppressions);
      compensationInput = boxed(response.compensationInput(), suppressions);
    } else if (step.returns() instanceof Returns.Plain plain) {
      shape = StepModel.Shape.VALUE;
      output = boxed(plain.output(), suppressions);
      compensationInput = output;
    } else {
      shape = StepModel.Shape.VOID;
      output = ClassName.get(Void.class);
      compensationInput = output;
    }
    // what a durable run records: whether a hook's handler took the call, and the hook's input; a
    // child's result (the child's run has a record of its own); else the step's output and compensation input
    StepModel.Recorded recorded = switch (shape) {
      case HOOK -> new StepModel.Recorded(ClassName.get(Boolean.class), hook.orElseThrow().input());
      case CHILD -> new StepModel.Recorded(output, ClassName.get(Void.class));
      default -> new StepModel.Recorded(output, compensationInput);
    };
    Call call = call(step.method(), step.params(), outputs);
    Optional<ExecutableElement> conditionMethod = graph.condition(step);
    Optional<Call> condition = conditionMethod.map(method -> call(method, decl.params(method), outputs));
    Optional<Call> compensation = graph.compensationOf(step).map(ModelBuilder::compensation);
    Set<String> sources = new java.util.LinkedHashSet<>();
    boolean takesInput = false;
    for (ParamDecl param : graph.wiredParams(step)) {
      if (param.binding() instanceof Binding.From from) {
        sources.add(from.step());
      }
      takesInput |= param.binding() instanceof Binding.Input;
    }
    StepDecl.Options o = step.options();
    String onFailure = o.skipOnPermanentFailure() ? "SKIP" : o.continueOnPermanentFailure() ? "CONTINUE" : "COMPENSATE";
    StepModel.Options options = new StepModel.Options(millis(o.retryInterval(), o.retryIntervalValue()), o.backoff(),
        millis(o.maxRetryInterval(), o.maxRetryIntervalValue()), millis(o.timeout(), o.timeoutValue()),
        o.retryOnTimeout(), onFailure, resumeAt(step, decl), o.skippable(), o.autoRetry());
    Optional<String> group = step.parallel().map(StepDecl.ParallelDecl::group);
    return new StepModel(step.name(), step.maxRetries(), names.constant(step.name()), shape, output, compensationInput,
        recorded, Optional.ofNullable(outputs.get(step.name())), branch, call,
        condition, child.isPresent() ? Optional.empty() : compensation, List.copyOf(sources), takesInput,
        step.mayHaveNoOutput(), options, group, child, hook, async, !step.connectionParams().isEmpty());
  }

  /**
   * The step at which a run goes on after {@code step} failed with {@code skipOnPermanentFailure}: its
   * {@code skipUntil} step, or the first step of that step's {@code @Parallel} group, which runs whole.
   */
  private static Optional<String> resumeAt(StepDecl step, WorkflowDecl decl) {
    String named = step.options().skipUntil();
    if (!step.options().skipOnPermanentFailure() || named.isEmpty()) {
      return Optional.empty();
    }
    List<StepDecl> steps = decl.steps();
    int at = steps.stream().filter(s -> s.name().equals(named)).findFirst().orElseThrow().index();
    while (at > 0 && WorkflowCollector.sameGroup(steps.get(at - 1), steps.get(at))) {
      at--;
    }
    return Optional.of(steps.get(at).name());
  }

  /** A duration the validator accepted, in milliseconds; 0 if not given. */
  private static long millis(String text, javax.lang.model.element.AnnotationValue value) {
    return value == null ? 0 : Durations.parse(text).millis();
  }

  private static Call call(ExecutableElement method, List<ParamDecl> params, Map<String, String> outputs) {
    List<Arg> args = new ArrayList<>();
    for (ParamDecl param : params) {
      Binding binding = param.binding();
      if (binding instanceof Binding.Input) {
        args.add(new Arg.Input());
      } else if (binding instanceof Binding.From from) {
        args.add(new Arg.Local(outputs.get(from.step())));
      } else if (binding instanceof Binding.Context) {
        args.add(new Arg.Context());
      } else if (binding instanceof Binding.Connection) {
        args.add(new Arg.Connection());
      } else {
        throw new IllegalStateException("unwired parameter " + param.name() + " in a valid workflow");
      }
    }
    return new Call(method.getSimpleName().toString(), method.getModifiers().contains(Modifier.STATIC), List.copyOf(args));
  }

  private static Call compensation(CompensationDecl compensation) {
    List<Arg> args = new ArrayList<>();
    for (ParamDecl param : compensation.params()) {
      args.add(param.binding() instanceof Binding.Context ? new Arg.Context() : new Arg.CompensationInput());
    }
    ExecutableElement method = compensation.method();
    return new Call(method.getSimpleName().toString(), method.getModifiers().contains(Modifier.STATIC), List.copyOf(args));
  }

  private TypeName boxed(TypeMirror type, Set<String> suppressions) {
    note(type, suppressions);
    return TypeName.get(type).box();
  }

  /** Records the warnings a type causes when written in generated code. */
  private void note(TypeMirror type, Set<String> suppressions) {
    if (containsRaw(type)) {
      suppressions.add("rawtypes");
    }
  }

  private static boolean containsRaw(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return containsRaw(((ArrayType) type).getComponentType());
    }
    if (type.getKind() == TypeKind.WILDCARD) {
      WildcardType wildcard = (WildcardType) type;
      return (wildcard.getExtendsBound() != null && containsRaw(wildcard.getExtendsBound()))
          || (wildcard.getSuperBound() != null && containsRaw(wildcard.getSuperBound()));
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    if (declared.getTypeArguments().isEmpty() && !element.getTypeParameters().isEmpty()) {
      return true;
    }
    if (declared.getEnclosingType().getKind() == TypeKind.DECLARED && containsRaw(declared.getEnclosingType())) {
      return true;
    }
    return declared.getTypeArguments().stream().anyMatch(ModelBuilder::containsRaw);
  }

  private static boolean isParameterized(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return isParameterized(((ArrayType) type).getComponentType());
    }
    return type.getKind() == TypeKind.DECLARED && !((DeclaredType) type).getTypeArguments().isEmpty();
  }

  private static TypeName optionalOf(TypeName type) {
    return ParameterizedTypeName.get(ClassName.get(Optional.class), type);
  }

  /** {@code Outer.Inner} → {@code Outer_InnerRunner}, in the workflow's package. */
  public static ClassName runnerName(TypeElement type) {
    ClassName name = ClassName.get(type);
    return ClassName.get(name.packageName(), String.join("_", name.simpleNames()) + "Runner");
  }

  private static boolean isPublic(TypeElement type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  /** The runner method that registers a hook's handler: {@code order-created} → {@code onOrderCreated}. */
  /**
   * The runner methods of a step with {@code autoRetry = false}: {@code charge-payment} → {@code
   * retryChargePayment} and {@code failChargePayment}.
   */
  public static String manualRetry(String stepName) {
    return RunnerNames.prefixed("retry", stepName);
  }

  public static String manualFail(String stepName) {
    return RunnerNames.prefixed("fail", stepName);
  }

  public static String hookRegistration(String hookName) {
    return RunnerNames.hookRegistration(hookName);
  }
}
