package io.stepwise.processor.collect;

import io.stepwise.processor.Names;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Reads a {@code @Workflow} class into a {@link WorkflowDecl}: facts only, no judgement. */
public final class WorkflowCollector {
  private static final String COMPLETION_STAGE = "java.util.concurrent.CompletionStage";
  /** How deep to look for the {@code CompletionStage} supertype; class hierarchies are far shallower. */
  private static final int MAX_SUPERTYPE_STEPS = 1_000;

  private final Elements elements;
  private final Types types;

  public WorkflowCollector(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  public WorkflowDecl collect(TypeElement type) {
    AnnotationMirror workflow = Mirrors.find(type, Names.WORKFLOW).orElseThrow();
    AnnotationValue nameValue = Mirrors.value(elements, workflow, "value");
    AnnotationValue resultValue = Mirrors.explicitValue(workflow, "result");

    List<StepDecl> steps = new ArrayList<>();
    List<CompensationDecl> compensations = new ArrayList<>();
    List<ExecutableElement> methods = new ArrayList<>();
    List<ExecutableElement> constructors = new ArrayList<>();
    Map<ExecutableElement, List<ParamDecl>> params = new LinkedHashMap<>();
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.CONSTRUCTOR) {
        constructors.add((ExecutableElement) member);
      } else if (member.getKind() == ElementKind.METHOD) {
        ExecutableElement method = (ExecutableElement) member;
        methods.add(method);
        List<ParamDecl> methodParams = params(method);
        params.put(method, methodParams);
        Optional<AnnotationMirror> step = Mirrors.find(method, Names.STEP);
        Optional<AnnotationMirror> hook = Mirrors.find(method, Names.HOOK);
        if (step.isPresent()) {
          steps.add(step(steps.size(), method, methodParams, step.get()));
        } else if (hook.isPresent()) {
          steps.add(hook(steps.size(), method, methodParams, hook.get()));
        } else {
          Mirrors.find(method, Names.COMPENSATE)
              .ifPresent(mirror -> compensations.add(compensation(method, methodParams, mirror)));
        }
      }
    }
    AnnotationValue timeoutValue = durationValue(Mirrors.explicitValues(workflow), "timeout");
    return new WorkflowDecl(type, workflow, Mirrors.string(nameValue), nameValue,
        Mirrors.string(resultValue), resultValue, Mirrors.string(timeoutValue), timeoutValue, List.copyOf(skipZones(steps)), List.copyOf(compensations),
        List.copyOf(methods), List.copyOf(constructors), params);
  }

  private StepDecl step(int index, ExecutableElement method, List<ParamDecl> params, AnnotationMirror mirror) {
    AnnotationValue nameValue = Mirrors.value(elements, mirror, "value");
    AnnotationValue retries = Mirrors.value(elements, mirror, "maxRetries");
    Optional<StepDecl.ParallelDecl> parallel = Mirrors.find(method, Names.PARALLEL).map(parallelMirror -> {
      AnnotationValue value = Mirrors.value(elements, parallelMirror, "value");
      return new StepDecl.ParallelDecl(parallelMirror, Mirrors.string(value), value);
    });
    boolean async = isCompletionStage(method.getReturnType());
    Map<String, AnnotationValue> given = Mirrors.explicitValues(mirror);
    return new StepDecl(index, method, mirror, Mirrors.string(nameValue), nameValue,
        Mirrors.integer(retries), given.get("maxRetries"), returns(method, async),
        params, when(method), options(given), parallel, async, Optional.empty());
  }

  /** A {@code @Hook} method, read as a step without options whose "output" is the hook's input. */
  private StepDecl hook(int index, ExecutableElement method, List<ParamDecl> params, AnnotationMirror mirror) {
    AnnotationValue nameValue = Mirrors.value(elements, mirror, "value");
    StepDecl.Options none = new StepDecl.Options(
        "", null, 1.0, null, "", null, "", null, true, null, false, null, false, null, "", null, false, null, false, null, true, null);
    return new StepDecl(index, method, mirror, Mirrors.string(nameValue), nameValue, 0, null,
        new Returns.Hook(method.getReturnType()), params, when(method), none, Optional.empty(),
        isCompletionStage(method.getReturnType()), Optional.empty());
  }

  private Optional<StepDecl.WhenDecl> when(ExecutableElement method) {
    return Mirrors.find(method, Names.WHEN).map(whenMirror -> {
      AnnotationValue value = Mirrors.value(elements, whenMirror, "value");
      return new StepDecl.WhenDecl(whenMirror, Mirrors.string(value), value);
    });
  }

  /** The {@code @Workflow} classes that the steps of {@code workflow} run through {@code @ChildWorkflow}. */
  public static List<TypeElement> childWorkflows(TypeElement workflow) {
    List<TypeElement> children = new ArrayList<>();
    for (Element member : workflow.getEnclosedElements()) {
      if (member.getKind() != ElementKind.METHOD || !Mirrors.has(member, Names.STEP)) {
        continue;
      }
      Mirrors.find(member, Names.CHILD_WORKFLOW).ifPresent(mirror -> mirror.getElementValues().values().forEach(value -> {
        if (value.getValue() instanceof DeclaredType type && type.asElement() instanceof TypeElement child
            && Mirrors.has(child, Names.WORKFLOW)) {
          children.add(child);
        }
      }));
    }
    return children;
  }

  /** The options of a {@code @Step}, from the attributes {@code given} explicitly. */
  private static StepDecl.Options options(Map<String, AnnotationValue> given) {
    AnnotationValue retryInterval = durationValue(given, "retryInterval");
    AnnotationValue backoff = given.get("backoff");
    AnnotationValue maxRetryInterval = durationValue(given, "maxRetryInterval");
    AnnotationValue timeout = durationValue(given, "timeout");
    AnnotationValue retryOnTimeout = given.get("retryOnTimeout");
    AnnotationValue continueOn = given.get("continueOnPermanentFailure");
    AnnotationValue skipOn = given.get("skipOnPermanentFailure");
    AnnotationValue skipUntil = durationValue(given, "skipUntil"); // "" is the default, as for a duration
    AnnotationValue skippable = given.get("skippable");
    AnnotationValue noWait = given.get("noWait");
    AnnotationValue autoRetry = given.get("autoRetry");
    return new StepDecl.Options(
        Mirrors.string(retryInterval), retryInterval,
        backoff != null && backoff.getValue() instanceof Double d ? d : 1.0, backoff,
        Mirrors.string(maxRetryInterval), maxRetryInterval,
        Mirrors.string(timeout), timeout,
        retryOnTimeout == null || Mirrors.bool(retryOnTimeout), retryOnTimeout,
        Mirrors.bool(continueOn), continueOn,
        Mirrors.bool(skipOn), skipOn,
        Mirrors.string(skipUntil), skipUntil,
        Mirrors.bool(skippable), skippable,
        Mirrors.bool(noWait), noWait,
        autoRetry == null || Mirrors.bool(autoRetry), autoRetry);
  }

  /**
   * The steps, each that an earlier step's {@code skipOnPermanentFailure} may skip marked with that
   * step: the steps after it (after its {@code @Parallel} group, whose steps run together with it),
   * up to its {@code skipUntil} step (and that step's group), or to the end. A {@code skipUntil} that
   * names no later step of another group skips nothing here: the validator reports it.
   */
  private static List<StepDecl> skipZones(List<StepDecl> steps) {
    List<StepDecl> marked = new ArrayList<>(steps);
    for (StepDecl failing : steps) {
      if (!failing.options().skipOnPermanentFailure()) {
        continue;
      }
      int from = failing.index() + 1;
      while (from < steps.size() && sameGroup(steps.get(from), failing)) {
        from++;
      }
      int until = steps.size();
      String resumeAt = failing.options().skipUntil();
      if (!resumeAt.isEmpty()) {
        until = from;
        for (StepDecl step : steps) {
          if (step.name().equals(resumeAt) && step.index() >= from) {
            until = step.index();
            break;
          }
        }
        while (until > from && sameGroup(steps.get(until - 1), steps.get(until))) {
          until--; // the group of the step the run resumes at runs whole
        }
      }
      for (int i = from; i < until; i++) {
        if (marked.get(i).skippedBy().isEmpty()) {
          marked.set(i, marked.get(i).skippedBy(failing.name()));
        }
      }
    }
    return marked;
  }

  /** Whether two steps are in one {@code @Parallel} group (an empty group name is no group). */
  public static boolean sameGroup(StepDecl a, StepDecl b) {
    return a.parallel().isPresent() && b.parallel().isPresent() && !a.parallel().get().group().isEmpty()
        && a.parallel().get().group().equals(b.parallel().get().group());
  }

  /**
   * A duration attribute as written, null if not given. An explicit {@code ""} is the default (no
   * pause, no timeout), so it counts as not given: it is neither a bad duration nor a misplaced option.
   */
  private static AnnotationValue durationValue(Map<String, AnnotationValue> given, String attribute) {
    AnnotationValue value = given.get(attribute);
    return value != null && Mirrors.string(value).isEmpty() ? null : value;
  }

  private CompensationDecl compensation(ExecutableElement method, List<ParamDecl> params, AnnotationMirror mirror) {
    AnnotationValue value = Mirrors.value(elements, mirror, "value");
    return new CompensationDecl(method, mirror, Mirrors.string(value), value, params);
  }

  /** The parameters of a step, condition or compensation, with their wiring. */
  public List<ParamDecl> params(ExecutableElement method) {
    List<ParamDecl> params = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      params.add(new ParamDecl(parameter, parameter.getSimpleName().toString(), parameter.asType(), binding(parameter)));
    }
    return List.copyOf(params);
  }

  private Binding binding(VariableElement parameter) {
    Optional<AnnotationMirror> input = Mirrors.find(parameter, Names.INPUT);
    Optional<AnnotationMirror> from = Mirrors.find(parameter, Names.FROM);
    if (input.isPresent() && from.isPresent()) {
      return new Binding.Both(input.get());
    }
    if (input.isPresent()) {
      return new Binding.Input(input.get());
    }
    if (from.isPresent()) {
      AnnotationValue value = Mirrors.value(elements, from.get(), "value");
      return new Binding.From(Mirrors.string(value), from.get(), value);
    }
    if (isStepContext(parameter.asType())) {
      return new Binding.Context();
    }
    if (isNamed(parameter.asType(), Names.CONNECTION)) {
      return new Binding.Connection();
    }
    return new Binding.None();
  }

  /** What the step returns; {@code async}: whether its return type is a {@code CompletionStage}. */
  private Returns returns(ExecutableElement method, boolean async) {
    TypeMirror type = method.getReturnType();
    Optional<AnnotationMirror> child = Mirrors.find(method, Names.CHILD_WORKFLOW);
    if (child.isPresent()) {
      AnnotationValue value = Mirrors.value(elements, child.get(), "value");
      TypeMirror workflow = value != null && value.getValue() instanceof TypeMirror t ? t : null;
      return new Returns.Child(workflow, type, child.get(), value);
    }
    if (async) {
      return stageReturns(type);
    }
    return valueReturns(type, type);
  }

  /**
   * What a step returns synchronously, or what its stage completes with: {@code type}.
   * {@code returned} is the method's return type, for messages.
   */
  private static Returns valueReturns(TypeMirror type, TypeMirror returned) {
    if (type.getKind() == TypeKind.VOID) {
      return new Returns.Void();
    }
    if (isNamed(type, Names.STEP_RESPONSE)) {
      List<? extends TypeMirror> args = ((DeclaredType) type).getTypeArguments();
      if (args.size() != 2) {
        return new Returns.BadResponse(returned, true);
      }
      if (args.get(0).getKind() == TypeKind.WILDCARD || args.get(1).getKind() == TypeKind.WILDCARD) {
        return new Returns.BadResponse(returned, false);
      }
      return new Returns.Response(args.get(0), args.get(1));
    }
    return new Returns.Plain(type);
  }

  /**
   * A step that returns a {@code CompletionStage} (or a subtype): read as what the stage completes
   * with, {@code X} of its {@code CompletionStage<X>} supertype. {@code Void} is no output,
   * {@code ? extends T} is T; a raw stage, {@code ?}, {@code ? super T} and a stage of a stage are
   * errors.
   */
  private Returns stageReturns(TypeMirror type) {
    Optional<DeclaredType> stage = completionStageSupertype(type);
    if (stage.isEmpty() || stage.get().getTypeArguments().size() != 1) {
      return new Returns.BadStage(type, Returns.BadStage.Problem.RAW);
    }
    TypeMirror completesWith = stage.get().getTypeArguments().get(0);
    if (completesWith.getKind() == TypeKind.WILDCARD) {
      TypeMirror bound = ((WildcardType) completesWith).getExtendsBound();
      if (bound == null) {
        return new Returns.BadStage(type, Returns.BadStage.Problem.WILDCARD);
      }
      completesWith = bound;
    }
    if (isNamed(completesWith, "java.lang.Void")) {
      return new Returns.Void();
    }
    if (isCompletionStage(completesWith)) {
      return new Returns.BadStage(type, Returns.BadStage.Problem.NESTED);
    }
    return valueReturns(completesWith, type);
  }

  private boolean isCompletionStage(TypeMirror type) {
    return isCompletionStage(elements, types, type);
  }

  /** Whether {@code type} is {@code CompletionStage} or a subtype of it, such as {@code CompletableFuture}. */
  public static boolean isCompletionStage(Elements elements, Types types, TypeMirror type) {
    TypeElement stage = elements.getTypeElement(COMPLETION_STAGE);
    if (stage == null || (type.getKind() != TypeKind.DECLARED && type.getKind() != TypeKind.TYPEVAR)) {
      return false;
    }
    return types.isSubtype(types.erasure(type), types.erasure(stage.asType()));
  }

  /**
   * The {@code CompletionStage<X>} that {@code type} is, or extends: found through the direct
   * supertypes, so that the type arguments of {@code type} are substituted
   * ({@code class Booking<T> implements CompletionStage<List<T>>}). Raw where {@code type} is raw.
   */
  private Optional<DeclaredType> completionStageSupertype(TypeMirror type) {
    TypeElement stage = elements.getTypeElement(COMPLETION_STAGE);
    if (stage == null) {
      return Optional.empty();
    }
    TypeMirror stageErasure = types.erasure(stage.asType());
    ArrayDeque<TypeMirror> pending = new ArrayDeque<>(List.of(type));
    for (int steps = 0; !pending.isEmpty() && steps < MAX_SUPERTYPE_STEPS; steps++) {
      TypeMirror next = pending.removeFirst();
      switch (next.getKind()) {
        case DECLARED -> {
          if (types.isSameType(types.erasure(next), stageErasure)) {
            return Optional.of((DeclaredType) next);
          }
          pending.addAll(types.directSupertypes(next));
        }
        case TYPEVAR -> pending.add(((TypeVariable) next).getUpperBound());
        case INTERSECTION -> pending.addAll(((IntersectionType) next).getBounds());
        default -> { }
      }
    }
    return Optional.empty();
  }

  public static boolean isStepContext(TypeMirror type) {
    return isNamed(type, Names.STEP_CONTEXT);
  }

  /** Whether {@code type} is a declared type whose class has the given qualified name. */
  public static boolean isNamed(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(qualifiedName);
  }
}
