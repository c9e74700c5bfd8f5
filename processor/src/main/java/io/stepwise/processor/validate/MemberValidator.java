package io.stepwise.processor.validate;

import io.stepwise.processor.Names;
import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.CompensationDecl;
import io.stepwise.processor.collect.Mirrors;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.Returns;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ElementFormatter;
import io.stepwise.processor.diag.ValidationReport;
import io.stepwise.processor.graph.StepGraph;
import io.stepwise.processor.graph.TypeRules;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;

/**
 * Per-member rules: step and compensation signatures and annotation values, and annotations put
 * where they do not belong inside a workflow class.
 */
final class MemberValidator {
  private final TypeRules typeRules;

  MemberValidator(TypeRules typeRules) {
    this.typeRules = typeRules;
  }

  void validate(WorkflowDecl decl, StepGraph graph, ValidationReport report) {
    Map<String, StepDecl> seen = new HashMap<>();
    for (StepDecl step : decl.steps()) {
      validateStep(step, seen, report);
    }
    Set<String> compensated = new HashSet<>();
    Map<String, CompensationDecl> firstCompensation = new HashMap<>();
    for (CompensationDecl compensation : decl.compensations()) {
      validateCompensation(compensation, graph, firstCompensation, compensated, report);
    }
    validatePlainMethods(decl, graph, report);
  }

  private void validateStep(StepDecl step, Map<String, StepDecl> seen, ValidationReport report) {
    ExecutableElement method = step.method();
    if (step.name().isEmpty()) {
      report.error(Diag.STEP_NAME_EMPTY, method, step.mirror(), step.nameValue(),
          WorkflowShapeValidator.kebab(method.getSimpleName().toString()));
    } else {
      StepDecl first = seen.putIfAbsent(step.name(), step);
      if (first != null) {
        report.error(Diag.DUPLICATE_STEP, method, step.mirror(), step.nameValue(), step.name(),
            ElementFormatter.element(first.method()));
      }
    }
    if (Mirrors.has(method, Names.COMPENSATE)) {
      report.error(Diag.STEP_AND_COMPENSATE, method, ElementFormatter.element(method));
    }
    checkCallable(method, "Step", report);
    if (step.maxRetries() < 0) {
      report.error(Diag.NEGATIVE_RETRIES, method, step.mirror(), step.maxRetriesValue(), step.maxRetries());
    }
    if (step.returns() instanceof Returns.BadResponse bad) {
      report.error(bad.raw() ? Diag.RAW_STEP_RESPONSE : Diag.WILDCARD_STEP_RESPONSE, method,
          ElementFormatter.element(method), ElementFormatter.type(bad.type()));
    }
    step.when().ifPresent(when -> {
      if (when.methodName().isEmpty()) {
        report.error(Diag.WHEN_EMPTY, method, when.mirror(), when.value());
      }
    });
    // the parameters' wiring, @Input together with @From included, is WiringCheck's
  }

  private void validateCompensation(CompensationDecl compensation, StepGraph graph,
      Map<String, CompensationDecl> firstCompensation, Set<String> compensated, ValidationReport report) {
    ExecutableElement method = compensation.method();
    checkCallable(method, "Compensate", report);
    if (method.getReturnType().getKind() != TypeKind.VOID) {
      report.error(Diag.COMPENSATE_NOT_VOID, method, ElementFormatter.element(method),
          ElementFormatter.type(method.getReturnType()));
    }
    Optional<StepDecl> step = graph.step(compensation.step());
    if (step.isEmpty()) {
      report.error(Diag.COMPENSATE_UNKNOWN_STEP, method, compensation.mirror(), compensation.value(),
          graph.decl().name(), compensation.step(),
          io.stepwise.processor.diag.Suggestions.didYouMean(compensation.step(), graph.stepNames()));
    } else if (!compensated.add(compensation.step())) {
      report.error(Diag.DUPLICATE_COMPENSATION, method, compensation.mirror(), compensation.value(),
          compensation.step(), ElementFormatter.element(firstCompensation.get(compensation.step()).method()));
    } else {
      firstCompensation.put(compensation.step(), compensation);
    }
    ParamDecl data = null;
    for (ParamDecl param : compensation.params()) {
      if (param.binding() instanceof Binding.Context) {
        continue;
      }
      Optional<AnnotationMirror> wiring = wiringMirror(param);
      if (wiring.isPresent()) {
        report.error(Diag.COMPENSATE_WIRED_PARAMETER, param.element(), wiring.get(),
            wiring.get().getAnnotationType().asElement().getSimpleName(), param.name());
        continue;
      }
      if (data != null) {
        report.error(Diag.COMPENSATE_TOO_MANY_PARAMETERS, param.element(), param.name());
        continue;
      }
      data = param;
      if (step.isPresent()) {
        checkCompensationInput(step.get(), param, report);
      }
    }
  }

  private void checkCompensationInput(StepDecl step, ParamDecl param, ValidationReport report) {
    Returns returns = step.returns();
    if (returns instanceof Returns.Void) {
      report.error(Diag.COMPENSATE_VOID_STEP_PARAMETER, param.element(), param.name(), step.name());
      return;
    }
    var input = returns instanceof Returns.Response response ? response.compensationInput()
        : returns instanceof Returns.Plain plain ? plain.output() : null;
    if (input != null && !typeRules.accepts(param.type(), input)) {
      String[] types = ElementFormatter.distinct(input, param.type());
      report.error(Diag.COMPENSATE_TYPE_MISMATCH, param.element(), step.name(), types[0], param.name(), types[1]);
    }
  }

  /**
   * Methods that are not steps must not carry {@code @When}; methods that are neither steps,
   * compensations nor conditions must not carry {@code @Input}/{@code @From} on their parameters.
   */
  private static void validatePlainMethods(WorkflowDecl decl, StepGraph graph, ValidationReport report) {
    Set<ExecutableElement> conditions = new HashSet<>();
    for (StepDecl step : decl.steps()) {
      conditions.addAll(graph.conditionCandidates(step));
    }
    for (ExecutableElement method : decl.methods()) {
      if (Mirrors.has(method, Names.STEP)) {
        continue;
      }
      Mirrors.find(method, Names.WHEN).ifPresent(when ->
          report.error(Diag.WHEN_OUTSIDE_STEP, method, when, ElementFormatter.element(method)));
      if (Mirrors.has(method, Names.COMPENSATE)) {
        continue; // its parameters are checked as a compensation's (CompensationWiredParameter)
      }
      if (!conditions.contains(method)) {
        reportMisplacedWiring(method, report);
      }
    }
    for (ExecutableElement constructor : decl.constructors()) {
      reportMisplacedWiring(constructor, report);
    }
  }

  /** {@code @Input}/{@code @From} on parameters of a method that is not a step or condition. */
  static void reportMisplacedWiring(ExecutableElement method, ValidationReport report) {
    for (VariableElement parameter : method.getParameters()) {
      for (String annotation : new String[] {Names.INPUT, Names.FROM}) {
        Mirrors.find(parameter, annotation).ifPresent(mirror -> report.error(Diag.MISPLACED_WIRING, parameter, mirror,
            mirror.getAnnotationType().asElement().getSimpleName(), parameter.getSimpleName(),
            ElementFormatter.element(method)));
      }
    }
  }

  private static Optional<AnnotationMirror> wiringMirror(ParamDecl param) {
    if (param.binding() instanceof Binding.Input input) {
      return Optional.of(input.mirror());
    }
    if (param.binding() instanceof Binding.From from) {
      return Optional.of(from.mirror());
    }
    if (param.binding() instanceof Binding.Both both) {
      return Optional.of(both.inputMirror());
    }
    return Optional.empty();
  }

  /** Steps, compensations and conditions are called by the runner: not private, not generic. */
  static void checkCallable(ExecutableElement method, String annotation, ValidationReport report) {
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      report.error(Diag.STEP_PRIVATE, method, annotation, ElementFormatter.element(method));
    }
    if (!method.getTypeParameters().isEmpty()) {
      report.error(Diag.STEP_GENERIC, method, annotation, ElementFormatter.element(method),
          ElementFormatter.typeParameters(method.getTypeParameters()));
    }
  }
}
