package io.stepwise.processor.graph;

import io.stepwise.processor.Names;
import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.Mirrors;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.Returns;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.collect.WorkflowCollector;
import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.diag.ValidationReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * What a workflow that another runs as a child ({@code @ChildWorkflow}) looks like from outside:
 * its input and result types and whether it is valid. Read from the child's class, validated
 * without printing (its own errors are reported where it is declared), cached for the round.
 */
public final class ChildWorkflows {
  /**
   * What a parent needs of a child workflow. {@code input} is empty when no step takes {@code @Input};
   * {@code async}: whether the child's runner runs it as an asynchronous chain, because a step of it,
   * or of a workflow it runs, returns a {@code CompletionStage}. {@code stages}: the child's step
   * names in order, the steps of one {@code @Parallel} group together (for the parent's diagram).
   */
  public record Signature(TypeElement type, String name, Optional<TypeMirror> input, TypeMirror result, boolean valid,
      boolean async, List<List<String>> stages) {}

  private final Elements elements;
  private final TypeRules typeRules;
  private final WorkflowCollector collector;
  private BiFunction<WorkflowDecl, StepGraph, ValidationReport> validator;
  private final Map<String, Signature> cache = new HashMap<>();
  private final Set<String> inProgress = new HashSet<>();

  public ChildWorkflows(Elements elements, TypeRules typeRules, WorkflowCollector collector) {
    this.elements = elements;
    this.typeRules = typeRules;
    this.collector = collector;
  }

  /** The validator that judges children; set once, after both exist. */
  public void validateWith(BiFunction<WorkflowDecl, StepGraph, ValidationReport> validator) {
    this.validator = validator;
  }

  /** Forgets the round's signatures: elements of an earlier round are stale. */
  public void clear() {
    cache.clear();
    inProgress.clear();
  }

  /** The signature of the workflow class {@code type}; empty if it is not a {@code @Workflow} class. */
  public Optional<Signature> of(TypeMirror type) {
    Optional<TypeElement> element = workflowElement(type);
    if (element.isEmpty()) {
      return Optional.empty();
    }
    String key = element.get().getQualifiedName().toString();
    Signature cached = cache.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    WorkflowDecl decl = collector.collect(element.get());
    StepGraph graph = new StepGraph(decl);
    if (!inProgress.add(key)) {
      // A cycle, reported by ChildCheck. Invalid, and with no result: working it out would follow
      // the cycle again (its result step may run a child that leads back here) and never end.
      return Optional.of(signature(decl, graph, false, false));
    }
    try {
      boolean valid = validator == null || validator.apply(decl, graph).isClean();
      Signature signature = signature(decl, graph, valid, true);
      cache.put(key, signature);
      return Optional.of(signature);
    } finally {
      inProgress.remove(key);
    }
  }

  /** The workflows from {@code child} back to {@code parent}, if {@code child} runs {@code parent}, directly or not. */
  public Optional<List<String>> cycle(TypeElement parent, TypeMirror child) {
    return workflowElement(child).flatMap(element -> path(parent, element, new ArrayList<>(), new HashSet<>()));
  }

  private Optional<List<String>> path(TypeElement parent, TypeElement element, List<String> path, Set<String> seen) {
    String name = element.getQualifiedName().toString();
    path.add(element.getSimpleName().toString());
    if (name.equals(parent.getQualifiedName().toString())) {
      return Optional.of(new ArrayList<>(path));
    }
    if (seen.add(name)) {
      for (TypeElement next : WorkflowCollector.childWorkflows(element)) {
        Optional<List<String>> found = path(parent, next, path, seen);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    path.remove(path.size() - 1);
    return Optional.empty();
  }

  private static Optional<TypeElement> workflowElement(TypeMirror type) {
    if (type == null || type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    return Mirrors.has(element, Names.WORKFLOW) ? Optional.of(element) : Optional.empty();
  }

  /**
   * The signature of a workflow. The result type is worked out only for a valid workflow: an
   * invalid one's may be unknown (an unknown result step, a child on a cycle), and {@link #output}
   * never hands it out.
   */
  private Signature signature(WorkflowDecl decl, StepGraph graph, boolean valid, boolean followChildren) {
    Optional<TypeMirror> input = Optional.empty();
    for (StepDecl step : decl.steps()) {
      for (ParamDecl param : graph.wiredParams(step)) {
        if (param.binding() instanceof Binding.Input && input.isEmpty()) {
          input = Optional.of(param.type());
        }
      }
    }
    TypeMirror result = elements.getTypeElement("java.lang.Void").asType();
    Optional<StepDecl> resultStep = valid ? graph.resultStep() : Optional.empty();
    if (resultStep.isPresent()) {
      Optional<TypeMirror> output = output(resultStep.get());
      if (output.isPresent()) {
        result = resultStep.get().mayHaveNoOutput() ? typeRules.optionalOf(output.get()) : typeRules.boxed(output.get());
      }
    }
    boolean async = false;
    for (StepDecl step : decl.steps()) {
      async |= step.async() || (followChildren && step.returns() instanceof Returns.Child child
          && of(child.workflow()).map(Signature::async).orElse(false));
    }
    return new Signature(decl.type(), decl.name(), input, result, valid, async, stages(decl));
  }

  /** The step names of a workflow in order, consecutive members of one group in one stage. */
  private static List<List<String>> stages(WorkflowDecl decl) {
    List<List<String>> stages = new ArrayList<>();
    String group = null;
    for (StepDecl step : decl.steps()) {
      String stepGroup = step.parallel().map(StepDecl.ParallelDecl::group).orElse(null);
      if (stepGroup == null || !stepGroup.equals(group)) {
        stages.add(new ArrayList<>());
      }
      stages.get(stages.size() - 1).add(step.name());
      group = stepGroup;
    }
    return stages.stream().map(List::copyOf).toList();
  }

  /**
   * The output type of a step: its return type, its StepResponse's output, or a child's result.
   * Empty for a void step, a bad StepResponse, and a child that is not a valid workflow: its result
   * is not known, and the step's own error (ChildNotAWorkflow, ChildWorkflowInvalid,
   * ChildWorkflowCycle) is the one to report, not a TypeMismatch on each {@code @From} of it.
   */
  public Optional<TypeMirror> output(StepDecl step) {
    if (step.returns() instanceof Returns.Plain plain) {
      return Optional.of(plain.output());
    }
    if (step.returns() instanceof Returns.Response response) {
      return Optional.of(response.output());
    }
    if (step.returns() instanceof Returns.Child child) {
      return of(child.workflow()).filter(Signature::valid).map(Signature::result);
    }
    return Optional.empty();
  }
}
