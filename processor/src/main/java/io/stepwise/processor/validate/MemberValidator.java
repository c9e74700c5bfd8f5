package io.stepwise.processor.validate;

import io.stepwise.processor.Names;
import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.CompensationDecl;
import io.stepwise.processor.collect.Durations;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
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
    Map<String, StepDecl> hookMethods = new HashMap<>();
    for (StepDecl step : decl.steps()) {
      if (step.isHook() && !step.name().isEmpty()) {
        String registration = io.stepwise.processor.model.ModelBuilder.hookRegistration(step.name());
        StepDecl other = hookMethods.putIfAbsent(registration, step);
        if (other != null && !other.name().equals(step.name())) {
          report.error(Diag.HOOK_NAME_CLASH, step.method(), step.mirror(), step.nameValue(), other.name(), step.name(),
              registration);
        }
      }
    }
    Map<String, StepDecl> retryMethods = new HashMap<>();
    for (StepDecl step : decl.steps()) {
      if (!step.options().autoRetry() && !step.name().isEmpty()) {
        String retry = io.stepwise.processor.model.ModelBuilder.manualRetry(step.name());
        StepDecl other = retryMethods.putIfAbsent(retry, step);
        if (other != null && !other.name().equals(step.name())) {
          report.error(Diag.MANUAL_RETRY_NAME_CLASH, step.method(), step.mirror(), step.nameValue(), other.name(),
              step.name(), retry);
        }
      }
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
      report.error(Diag.STEP_NAME_EMPTY, method, step.mirror(), step.nameValue(), step.annotationName(),
          step.annotationName(), WorkflowShapeValidator.kebab(method.getSimpleName().toString()));
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
    if (!step.isHook() && Mirrors.has(method, Names.HOOK)) {
      report.error(Diag.HOOK_AND_STEP, method, Mirrors.find(method, Names.HOOK).get(), ElementFormatter.element(method));
    }
    if (step.isHook()) {
      Mirrors.find(method, Names.PARALLEL).ifPresent(parallel ->
          report.error(Diag.PARALLEL_OUTSIDE_STEP, method, parallel, ElementFormatter.element(method)));
    }
    if (step.isHook() && method.getReturnType().getKind() == javax.lang.model.type.TypeKind.VOID) {
      report.error(Diag.HOOK_RETURNS_VOID, method, ElementFormatter.element(method));
    }
    checkCallable(method, step.annotationName(), report);
    if (step.maxRetries() < 0) {
      report.error(Diag.NEGATIVE_RETRIES, method, step.mirror(), step.maxRetriesValue(), step.maxRetries());
    }
    if (step.returns() instanceof Returns.BadResponse bad) {
      report.error(bad.raw() ? Diag.RAW_STEP_RESPONSE : Diag.WILDCARD_STEP_RESPONSE, method,
          ElementFormatter.element(method), ElementFormatter.type(bad.type()));
    }
    if (step.returns() instanceof Returns.BadStage bad) {
      Diag diag = switch (bad.problem()) {
        case RAW -> Diag.RAW_COMPLETION_STAGE;
        case WILDCARD -> Diag.WILDCARD_COMPLETION_STAGE;
        case NESTED -> Diag.NESTED_COMPLETION_STAGE;
      };
      report.error(diag, method, ElementFormatter.element(method), ElementFormatter.type(bad.type()));
    }
    if (step.async() && step.isHook()) {
      report.error(Diag.COMPLETION_STAGE_NOT_ALLOWED, method, "@Hook methods", "the hook's input",
          ElementFormatter.element(method), ElementFormatter.type(method.getReturnType()),
          "Return the value the handler needs itself");
    } else if (step.async() && step.returns() instanceof Returns.Child) {
      report.error(Diag.COMPLETION_STAGE_NOT_ALLOWED, method, "@ChildWorkflow steps", "the child workflow's input",
          ElementFormatter.element(method), ElementFormatter.type(method.getReturnType()),
          "Return the input itself: a child workflow with asynchronous steps is awaited without blocking a thread");
    }
    validateConnection(step, report);
    validateOptions(step, report);
    step.parallel().ifPresent(parallel -> {
      if (parallel.group().isEmpty()) {
        report.error(Diag.PARALLEL_NAME_EMPTY, method, parallel.mirror(), parallel.value(), "reserve-stock");
      }
    });
    step.when().ifPresent(when -> {
      if (when.methodName().isEmpty()) {
        report.error(Diag.WHEN_EMPTY, method, when.mirror(), when.value());
      }
    });
    // the parameters' wiring, @Input together with @From included, is WiringCheck's
  }

  /**
   * A {@code java.sql.Connection} parameter: one, on a synchronous {@code @Step} that is not a
   * child workflow's.
   */
  private static void validateConnection(StepDecl step, ValidationReport report) {
    List<ParamDecl> connections = step.connectionParams();
    if (connections.isEmpty()) {
      return;
    }
    ExecutableElement method = step.method();
    ParamDecl first = connections.get(0);
    for (ParamDecl extra : connections.subList(1, connections.size())) {
      report.error(Diag.TWO_CONNECTIONS, extra.element(), ElementFormatter.element(method), first.name(), extra.name(),
          extra.name(), first.name());
    }
    if (step.isHook()) {
      report.error(Diag.CONNECTION_NOT_ALLOWED, first.element(), "@Hook methods",
          "they only build the hook's input, which the registered handler receives outside any step's transaction",
          first.name(), ElementFormatter.element(method),
          "Do the database work in a @Step before the hook, or in the handler");
    } else if (step.returns() instanceof Returns.Child) {
      report.error(Diag.CONNECTION_NOT_ALLOWED, first.element(), "@ChildWorkflow steps",
          "they only build the child workflow's input, and the child's steps commit in transactions of their own",
          first.name(), ElementFormatter.element(method),
          "Do the database work in a @Step of the child workflow, or in a @Step of its own before this one");
    } else if (step.async()) {
      report.error(Diag.ASYNC_TRANSACTIONAL_STEP, first.element(), ElementFormatter.element(method),
          ElementFormatter.type(method.getReturnType()), completesWith(step.returns()), first.name());
    }
  }

  /** What an asynchronous step's stage completes with, as a synchronous step would return it. */
  private static String completesWith(Returns returns) {
    if (returns instanceof Returns.Plain plain) {
      return ElementFormatter.type(plain.output());
    }
    if (returns instanceof Returns.Response response) {
      return "StepResponse<" + ElementFormatter.type(response.output()) + ", "
          + ElementFormatter.type(response.compensationInput()) + ">";
    }
    return returns instanceof Returns.Void ? "void" : "the value itself";
  }

  /**
   * Retry pauses, timeout and failure options of a step. An option whose value is itself wrong is
   * reported once, for its value, and not again as misplaced (RetryOptionWithoutRetries,
   * RetryOptionWithoutInterval): one mistake, one error.
   */
  private static void validateOptions(StepDecl step, ValidationReport report) {
    StepDecl.Options o = step.options();
    ExecutableElement method = step.method();
    Long interval = duration(method, step.mirror(), "Step", "retryInterval", o.retryInterval(), o.retryIntervalValue(), report);
    Long maxInterval = duration(method, step.mirror(), "Step", "maxRetryInterval", o.maxRetryInterval(),
        o.maxRetryIntervalValue(), report);
    Long timeout = duration(method, step.mirror(), "Step", "timeout", o.timeout(), o.timeoutValue(), report);
    boolean backoffOk = true;
    if (o.backoffValue() != null && (!(o.backoff() >= 1.0) || Double.isInfinite(o.backoff()))) {
      // Double.toString, not the AnnotationValue's: javac renders NaN as "0.0/0.0"
      report.error(Diag.BAD_BACKOFF, method, step.mirror(), o.backoffValue(), Double.toString(o.backoff()));
      backoffOk = false;
    }
    // the options given with a valid value
    Map<String, AnnotationValue> given = new LinkedHashMap<>();
    if (interval != null) {
      given.put("retryInterval", o.retryIntervalValue());
    }
    if (o.backoffValue() != null && backoffOk) {
      given.put("backoff", o.backoffValue());
    }
    if (maxInterval != null) {
      given.put("maxRetryInterval", o.maxRetryIntervalValue());
    }
    if (!o.retryOnTimeout()) {   // an explicit true is the default, and says nothing wrong
      if (o.timeoutValue() == null) {
        report.error(Diag.RETRY_ON_TIMEOUT_WITHOUT_TIMEOUT, method, step.mirror(), o.retryOnTimeoutValue(), step.name());
      } else if (timeout != null && step.maxRetries() == 0) {
        report.error(Diag.RETRY_OPTION_WITHOUT_RETRIES, method, step.mirror(), o.retryOnTimeoutValue(),
            "retryOnTimeout", step.name(), "retryOnTimeout");
      }
    }
    if (!o.autoRetry() && step.maxRetries() == 0) {
      report.error(Diag.RETRY_OPTION_WITHOUT_RETRIES, method, step.mirror(), o.autoRetryValue(), "autoRetry",
          step.name(), "autoRetry");
    }
    if (!o.autoRetry() && step.maxRetries() > 0) {
      // no pause to shape: the application retries (one error per attribute)
      String retry = io.stepwise.processor.model.ModelBuilder.manualRetry(step.name());
      given.forEach((attribute, value) -> report.error(Diag.MANUAL_RETRY_WITH_PAUSE, method, step.mirror(), value,
          attribute, step.name(), retry, attribute));
    } else if (step.maxRetries() == 0) {
      given.forEach((attribute, value) -> report.error(Diag.RETRY_OPTION_WITHOUT_RETRIES, method, step.mirror(), value,
          attribute, step.name(), attribute));
    } else if (o.retryIntervalValue() == null) {
      given.forEach((attribute, value) -> report.error(Diag.RETRY_OPTION_WITHOUT_INTERVAL, method, step.mirror(), value,
          attribute, step.name(), attribute));
    } else if (interval != null && maxInterval != null && maxInterval < interval) {
      report.error(Diag.MAX_RETRY_INTERVAL_TOO_SHORT, method, step.mirror(), o.maxRetryIntervalValue(), step.name(),
          maxInterval, interval);
    }
    if (o.continueOnPermanentFailure() && o.skipOnPermanentFailure()) {
      report.error(Diag.CONFLICTING_FAILURE_OPTIONS, method, step.mirror(), o.skipValue(), step.name());
    }
  }

  /**
   * Parses a duration attribute; reports and returns null if it is not one. Returns null also if the
   * attribute is not given.
   */
  static Long duration(Element element, AnnotationMirror mirror, String annotation, String attribute, String text,
      AnnotationValue value, ValidationReport report) {
    if (value == null) {
      return null;
    }
    Durations.Parsed parsed = Durations.parse(text);
    if (!parsed.ok()) {
      report.error(Diag.BAD_DURATION, element, mirror, value, annotation, attribute, text, parsed.problem());
      return null;
    }
    if (attribute.equals("timeout") && parsed.millis() == 0) {
      report.error(Diag.ZERO_TIMEOUT, element, mirror, value, annotation);
      return null;
    }
    return parsed.millis();
  }

  private void validateCompensation(CompensationDecl compensation, StepGraph graph,
      Map<String, CompensationDecl> firstCompensation, Set<String> compensated, ValidationReport report) {
    ExecutableElement method = compensation.method();
    checkCallable(method, "Compensate", report);
    if (method.getReturnType().getKind() != TypeKind.VOID) {
      String hint = typeRules.isCompletionStage(method.getReturnType())
          ? ". Compensations run synchronously: finish the work in the method, for example with join(), and return void"
          : "";
      report.error(Diag.COMPENSATE_NOT_VOID, method, ElementFormatter.element(method),
          ElementFormatter.type(method.getReturnType()), hint);
    }
    Optional<StepDecl> step = graph.step(compensation.step());
    if (step.isEmpty()) {
      report.error(Diag.COMPENSATE_UNKNOWN_STEP, method, compensation.mirror(), compensation.value(),
          graph.decl().name(), compensation.step(),
          io.stepwise.processor.diag.Suggestions.didYouMean(compensation.step(), graph.stepNames()));
    } else if (step.get().isHook()) {
      report.error(Diag.HOOK_COMPENSATION, method, compensation.mirror(), compensation.value(), compensation.step(),
          ElementFormatter.element(method));
    } else if (!compensated.add(compensation.step())) {
      report.error(Diag.DUPLICATE_COMPENSATION, method, compensation.mirror(), compensation.value(),
          compensation.step(), ElementFormatter.element(firstCompensation.get(compensation.step()).method()),
          compensation.step());
    } else {
      firstCompensation.put(compensation.step(), compensation);
    }
    ParamDecl data = null;
    for (ParamDecl param : compensation.params()) {
      if (param.binding() instanceof Binding.Context) {
        continue;
      }
      if (param.binding() instanceof Binding.Connection) {
        report.error(Diag.CONNECTION_NOT_ALLOWED, param.element(), "@Compensate methods",
            "a compensation runs after its step's work was committed, in no checkpoint's transaction",
            param.name(), ElementFormatter.element(method),
            "Take a javax.sql.DataSource (through the workflow's constructor, or from ctx.container()) and open "
                + "a connection in the method");
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
    if (returns instanceof Returns.Child) {
      return; // a child step takes no compensation at all: ChildCheck reports it once
    }
    if (returns instanceof Returns.Hook) {
      return; // reported once as HookCompensation
    }
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
    boolean anyConditionUnresolved = false;
    for (StepDecl step : decl.steps()) {
      List<ExecutableElement> candidates = graph.conditionCandidates(step);
      conditions.addAll(candidates);
      anyConditionUnresolved |= step.isConditional() && candidates.isEmpty();
    }
    for (ExecutableElement method : decl.methods()) {
      if (Mirrors.has(method, Names.STEP) || Mirrors.has(method, Names.HOOK)) {
        continue;
      }
      Mirrors.find(method, Names.WHEN).ifPresent(when ->
          report.error(Diag.WHEN_OUTSIDE_STEP, method, when, ElementFormatter.element(method)));
      Mirrors.find(method, Names.PARALLEL).ifPresent(parallel ->
          report.error(Diag.PARALLEL_OUTSIDE_STEP, method, parallel, ElementFormatter.element(method)));
      Mirrors.find(method, Names.CHILD_WORKFLOW).ifPresent(child ->
          report.error(Diag.CHILD_OUTSIDE_STEP, method, child, ElementFormatter.element(method)));
      if (Mirrors.has(method, Names.COMPENSATE)) {
        continue; // its parameters are checked as a compensation's (CompensationWiredParameter)
      }
      // While a @When names no method (UnknownCondition, WhenEmpty), the method it was meant to name
      // looks like a plain one: its wiring is not judged, so the one mistake gives one error.
      if (!conditions.contains(method) && !anyConditionUnresolved) {
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
