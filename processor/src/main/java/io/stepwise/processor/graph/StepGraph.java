package io.stepwise.processor.graph;

import io.stepwise.processor.Names;
import io.stepwise.processor.collect.CompensationDecl;
import io.stepwise.processor.collect.Mirrors;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.collect.WorkflowDecl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;

/**
 * Lookups over one workflow's declarations: steps by name, the compensation and the condition of
 * each step, the constructor the runner calls. Pure: it finds, the checks judge.
 */
public final class StepGraph {
  private final WorkflowDecl decl;
  private final Map<String, StepDecl> stepsByName = new LinkedHashMap<>();
  private final Map<String, CompensationDecl> compensationsByStep = new LinkedHashMap<>();
  /** The workflow's methods by simple name, in declaration order: what a {@code @When} may name. */
  private final Map<String, List<ExecutableElement>> methodsByName = new HashMap<>();

  public StepGraph(WorkflowDecl decl) {
    this.decl = decl;
    for (StepDecl step : decl.steps()) {
      stepsByName.putIfAbsent(step.name(), step);
    }
    for (CompensationDecl compensation : decl.compensations()) {
      compensationsByStep.putIfAbsent(compensation.step(), compensation);
    }
    for (ExecutableElement method : decl.methods()) {
      methodsByName.computeIfAbsent(method.getSimpleName().toString(), name -> new ArrayList<>()).add(method);
    }
  }

  public WorkflowDecl decl() {
    return decl;
  }

  /** The first step of that name. */
  public Optional<StepDecl> step(String name) {
    return Optional.ofNullable(stepsByName.get(name));
  }

  public List<String> stepNames() {
    return new ArrayList<>(stepsByName.keySet());
  }

  /** The first compensation of the step. */
  public Optional<CompensationDecl> compensationOf(StepDecl step) {
    return Optional.ofNullable(compensationsByStep.get(step.name()));
  }

  /** The methods that a step's {@code @When} names, in declaration order; unmodifiable. */
  public List<ExecutableElement> conditionCandidates(StepDecl step) {
    if (step.when().isEmpty()) {
      return List.of();
    }
    return Collections.unmodifiableList(methodsByName.getOrDefault(step.when().get().methodName(), List.of()));
  }

  /** The condition of a step, when its {@code @When} names exactly one method. */
  public Optional<ExecutableElement> condition(StepDecl step) {
    List<ExecutableElement> candidates = conditionCandidates(step);
    return step.isConditional() && candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
  }

  /**
   * The parameters through which a step takes values: those of its condition (called first), then
   * its own.
   */
  public List<ParamDecl> wiredParams(StepDecl step) {
    List<ParamDecl> params = new ArrayList<>();
    condition(step).ifPresent(method -> params.addAll(decl.params(method)));
    params.addAll(step.params());
    return params;
  }

  /** Methods that are neither steps nor compensations: what {@code @When} may name. */
  public List<String> plainMethodNames() {
    List<String> names = new ArrayList<>();
    for (ExecutableElement method : decl.methods()) {
      if (!Mirrors.has(method, Names.STEP) && !Mirrors.has(method, Names.COMPENSATE) && !Mirrors.has(method, Names.HOOK)) {
        names.add(method.getSimpleName().toString());
      }
    }
    return names;
  }

  /** The step whose output is the workflow's result: the named one, else the last declared. */
  public Optional<StepDecl> resultStep() {
    if (!decl.resultStep().isEmpty()) {
      return step(decl.resultStep());
    }
    for (int i = decl.steps().size() - 1; i >= 0; i--) {
      if (!decl.steps().get(i).isHook()) {
        return Optional.of(decl.steps().get(i)); // a hook has no output: the last step proper
      }
    }
    return Optional.empty();
  }

  /** The constructor the runner calls, if the choice is clear; see {@link #constructorCandidates()}. */
  public Optional<ExecutableElement> constructor() {
    List<ExecutableElement> candidates = constructorCandidates();
    return candidates.size() == 1 && !candidates.get(0).getModifiers().contains(Modifier.PRIVATE)
        ? Optional.of(candidates.get(0))
        : Optional.empty();
  }

  /**
   * The constructors the runner could call: those annotated {@code @Inject} if any; else the
   * non-private ones, narrowed to the public ones if there are several.
   */
  public List<ExecutableElement> constructorCandidates() {
    List<ExecutableElement> inject = injectConstructors();
    if (!inject.isEmpty()) {
      return inject;
    }
    List<ExecutableElement> nonPrivate = new ArrayList<>();
    List<ExecutableElement> publics = new ArrayList<>();
    for (ExecutableElement constructor : decl.constructors()) {
      if (!constructor.getModifiers().contains(Modifier.PRIVATE)) {
        nonPrivate.add(constructor);
      }
      if (constructor.getModifiers().contains(Modifier.PUBLIC)) {
        publics.add(constructor);
      }
    }
    return nonPrivate.size() > 1 && publics.size() == 1 ? publics : nonPrivate;
  }

  public List<ExecutableElement> injectConstructors() {
    List<ExecutableElement> inject = new ArrayList<>();
    for (ExecutableElement constructor : decl.constructors()) {
      if (Mirrors.has(constructor, Names.JAVAX_INJECT) || Mirrors.has(constructor, Names.JAKARTA_INJECT)) {
        inject.add(constructor);
      }
    }
    return inject;
  }
}
