package io.stepwise.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.CompensationDecl;
import io.stepwise.processor.collect.Durations;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.Returns;
import io.stepwise.processor.collect.StepDecl;
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
  /** Names the generated {@code run} method uses itself; step locals never take them. */
  private static final List<String> RESERVED =
      List.of("workflow", "container", "input", "options", "run", "halt", "ctx", "compensationInput");

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

    NameAllocator fields = new NameAllocator();
    for (String reserved : List.of("workflow", "container", "runs")) {
      fields.newName(reserved, "reserved:" + reserved);
    }
    NameAllocator locals = new NameAllocator();
    NameAllocator constants = new NameAllocator();
    RESERVED.forEach(name -> locals.newName(name, "reserved:" + name));
    constants.newName("WORKFLOW_NAME", "reserved:WORKFLOW_NAME");
    constants.newName("SPEC", "reserved:SPEC");
    Map<String, String> localOfStep = new HashMap<>();
    List<StepModel> steps = new ArrayList<>();
    for (StepDecl step : decl.steps()) {
      Optional<String> local = Optional.empty();
      if (used.contains(step.name()) && !(step.returns() instanceof Returns.Void) && !step.isHook()) {
        local = Optional.of(locals.newName(camel(step.name()), step.name()));
        localOfStep.put(step.name(), local.get());
      }
      steps.add(step(step, graph, decl, local, localOfStep, constants.newName(upperSnake(step.name()), step), fields,
          suppressions));
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
        input.map(TypeName::get), resultType, result, resultStep.map(StepDecl::name).orElseThrow(), List.copyOf(steps), List.copyOf(dependencies),
        List.copyOf(thrown), suppressions, millis(decl.timeout(), decl.timeoutValue()));
  }

  private StepModel step(StepDecl step, StepGraph graph, WorkflowDecl decl, Optional<String> local,
      Map<String, String> localOfStep, String constant, NameAllocator fields, Set<String> suppressions) {
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
      hook = Optional.of(new StepModel.Hook(fields.newName(camel(step.name()) + "Hook", "hook:" + step.name()),
          hookRegistration(step.name()), boxed(hookReturns.input(), suppressions)));
    } else if (step.returns() instanceof Returns.Child childReturns) {
      ChildWorkflows.Signature signature = children.of(childReturns.workflow()).orElseThrow(
          () -> new IllegalStateException("no child workflow for a valid step " + step.name()));
      shape = StepModel.Shape.CHILD;
      output = boxed(signature.result(), suppressions);
      compensationInput = output;
      ClassName runner = runnerName(signature.type());
      async = signature.async();
      child = Optional.of(new StepModel.Child(runner,
          fields.newName(camel(step.name()) + "Runner", "child:" + step.name()), signature.input().isPresent(),
          signature.name(), ClassName.get(signature.type())));
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
    Call call = call(step.method(), step.params(), localOfStep);
    Optional<ExecutableElement> conditionMethod = graph.condition(step);
    Optional<Call> condition = conditionMethod.map(method -> call(method, decl.params(method), localOfStep));
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
        millis(o.maxRetryInterval(), o.maxRetryIntervalValue()), millis(o.timeout(), o.timeoutValue()), onFailure);
    Optional<String> group = step.parallel().map(StepDecl.ParallelDecl::group);
    return new StepModel(step.name(), step.maxRetries(), constant, shape, output, compensationInput, local, call,
        condition, child.isPresent() ? Optional.empty() : compensation, List.copyOf(sources), takesInput,
        step.mayHaveNoOutput(), options, group, child, hook, async);
  }

  /** A duration the validator accepted, in milliseconds; 0 if not given. */
  private static long millis(String text, javax.lang.model.element.AnnotationValue value) {
    return value == null ? 0 : Durations.parse(text).millis();
  }

  private static Call call(ExecutableElement method, List<ParamDecl> params, Map<String, String> localOfStep) {
    List<Arg> args = new ArrayList<>();
    for (ParamDecl param : params) {
      Binding binding = param.binding();
      if (binding instanceof Binding.Input) {
        args.add(new Arg.Input());
      } else if (binding instanceof Binding.From from) {
        args.add(new Arg.Local(localOfStep.get(from.step())));
      } else if (binding instanceof Binding.Context) {
        args.add(new Arg.Context());
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

  /** {@code create-order} → {@code createOrder}. */
  public static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        out.append(upper && out.length() > 0 ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = true;
      }
    }
    String id = NameAllocator.toJavaIdentifier(out.length() == 0 ? "step" : out.toString());
    return Character.toLowerCase(id.charAt(0)) + id.substring(1);
  }

  /** The runner method that registers a hook's handler: {@code order-created} → {@code onOrderCreated}. */
  public static String hookRegistration(String hookName) {
    String camel = camel(hookName);
    return "on" + Character.toUpperCase(camel.charAt(0)) + camel.substring(1);
  }

  /** {@code create-order} → {@code CREATE_ORDER}. */
  static String upperSnake(String name) {
    String snake = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]+", "_").toUpperCase();
    snake = snake.replaceAll("^_+|_+$", "");
    return NameAllocator.toJavaIdentifier(snake.isEmpty() ? "STEP" : snake);
  }
}
