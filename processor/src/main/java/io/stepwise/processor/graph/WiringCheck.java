package io.stepwise.processor.graph;

import static io.stepwise.processor.collect.WorkflowCollector.isNamed;

import io.stepwise.processor.Names;
import io.stepwise.processor.collect.Binding;
import io.stepwise.processor.collect.Mirrors;
import io.stepwise.processor.collect.ParamDecl;
import io.stepwise.processor.collect.Returns;
import io.stepwise.processor.collect.StepDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ElementFormatter;
import io.stepwise.processor.diag.Suggestions;
import io.stepwise.processor.diag.ValidationReport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.TypeMirror;

/**
 * The data flow into steps and conditions: every parameter wired; every {@code @From} names an
 * earlier step with an output its type accepts ({@code Optional} for conditional steps); every
 * {@code @Input} has the workflow's one input type.
 */
public final class WiringCheck {
  private final TypeRules typeRules;

  /**
   * The first {@code @Input} parameter, which fixes the workflow's input type. It is found before
   * any parameter is checked, so that a step declared before it is offered {@code @Input} too.
   */
  private ParamDecl firstInput;
  private ExecutableElement firstInputMethod;

  private final ChildWorkflows children;

  /** One per validation: it keeps the workflow's first {@code @Input} while it checks. */
  public WiringCheck(TypeRules typeRules, ChildWorkflows children) {
    this.typeRules = typeRules;
    this.children = children;
  }

  public void check(StepGraph graph, ValidationReport report) {
    List<Wired> wired = wiredMethods(graph);
    firstInput = null;
    firstInputMethod = null;
    for (Wired method : wired) {
      for (ParamDecl param : params(graph, method)) {
        if (firstInput == null && param.binding() instanceof Binding.Input) {
          firstInput = param;
          firstInputMethod = method.method();
        }
      }
    }
    Set<Element> reported = new HashSet<>();
    for (Wired method : wired) {
      checkParams(graph, method, reported, report);
    }
  }

  /** A method whose parameters are wired: a step, or a condition for the step {@code consumer}. */
  private record Wired(StepDecl consumer, ExecutableElement method, String kind) {}

  /**
   * The wired methods in the order the runner calls them: each step's condition, then the step.
   * The workflow's input type is that of the first {@code @Input} among them, wherever it is.
   */
  private static List<Wired> wiredMethods(StepGraph graph) {
    List<Wired> wired = new ArrayList<>();
    for (StepDecl step : graph.decl().steps()) {
      // A condition that is a step or compensation is ConditionCheck's error; its parameters are not a condition's.
      graph.condition(step)
          .filter(method -> !Mirrors.has(method, Names.STEP) && !Mirrors.has(method, Names.COMPENSATE))
          .ifPresent(method -> wired.add(new Wired(step, method, "When")));
      // A method that is both @Step and @Compensate is StepAndCompensate's error; its parameters may be either.
      if (!Mirrors.has(step.method(), Names.COMPENSATE)) {
        wired.add(new Wired(step, step.method(), "Step"));
      }
    }
    return wired;
  }

  private static List<ParamDecl> params(StepGraph graph, Wired wired) {
    return wired.consumer().method().equals(wired.method()) ? wired.consumer().params() : graph.decl().params(wired.method());
  }

  /**
   * Checks the parameters of a step, or of a condition for one of the steps it serves. A condition
   * shared by several steps is checked for each, but each parameter is reported at most once: the
   * first (earliest) step's finding is the one that holds for all of them.
   */
  private void checkParams(StepGraph graph, Wired wired, Set<Element> reported, ValidationReport report) {
    StepDecl consumer = wired.consumer();
    for (ParamDecl param : params(graph, wired)) {
      if (reported.contains(param.element())) {
        continue;
      }
      ValidationReport found = new ValidationReport();
      Binding binding = param.binding();
      if (binding instanceof Binding.From from) {
        checkFrom(graph, consumer, param, from, found);
      } else if (binding instanceof Binding.Input) {
        checkInput(param, found);
      } else if (binding instanceof Binding.Both) {
        found.error(Diag.INPUT_AND_FROM, param.element(), param.name());
      } else if (binding instanceof Binding.None) {
        found.error(Diag.UNWIRED_PARAMETER, param.element(), wired.kind(), param.name(),
            ElementFormatter.type(param.type()), jdbcHint(wired, param).orElseGet(() -> fits(graph, consumer, param)));
      } else if (binding instanceof Binding.Connection && wired.kind().equals("When")) {
        found.error(Diag.CONNECTION_NOT_ALLOWED, param.element(), "@When conditions",
            "they only decide, from the input and the outputs of earlier steps, in no transaction", param.name(),
            ElementFormatter.element(wired.method()),
            "Read what the condition needs in an earlier @Step, and take that step's output with @From");
      } // a Connection of a step is MemberValidator's

      if (!found.isClean()) {
        reported.add(param.element());
        report.addAll(found);
      }
    }
  }

  private void checkInput(ParamDecl param, ValidationReport report) {
    if (firstInput.element().equals(param.element())) {
      return; // the first @Input itself, or the same parameter of a condition shared by several steps
    }
    if (!typeRules.same(firstInput.type(), param.type())) {
      String[] types = ElementFormatter.distinct(param.type(), firstInput.type());
      report.error(Diag.INPUT_TYPE_MISMATCH, param.element(), param.name(), types[0],
          "parameter '" + firstInput.name() + "' of " + ElementFormatter.element(firstInputMethod), types[1]);
    }
  }

  private void checkFrom(StepGraph graph, StepDecl consumer, ParamDecl param, Binding.From from, ValidationReport report) {
    Optional<StepDecl> found = graph.step(from.step());
    if (found.isEmpty()) {
      report.error(Diag.UNKNOWN_STEP, param.element(), from.mirror(), from.value(), graph.decl().name(), from.step(),
          Suggestions.didYouMean(from.step(), graph.stepNames()));
      return;
    }
    StepDecl target = found.get();
    if (target == consumer) {
      report.error(Diag.FROM_ITSELF, param.element(), from.mirror(), from.value(), consumer.name());
      return;
    }
    if (target.index() > consumer.index()) {
      report.error(Diag.FROM_LATER_STEP, param.element(), from.mirror(), from.value(),
          target.name(), consumer.name(), new StepMoves(graph).fix(consumer, target));
      return;
    }
    if (target.options().noWait()) {
      report.error(Diag.NO_WAIT_FROM, param.element(), from.mirror(), from.value(), target.name(), param.name(),
          ElementFormatter.element((ExecutableElement) param.element().getEnclosingElement()), target.name(),
          target.name());
      return;
    }
    Optional<TypeMirror> output = output(target);
    if (target.isHook()) {
      report.error(Diag.FROM_HOOK, param.element(), from.mirror(), from.value(), target.name());
      return;
    }
    if (target.returns() instanceof Returns.Void) {
      String returned = target.async() ? ElementFormatter.type(target.method().getReturnType()) : "void";
      report.error(Diag.FROM_VOID_STEP, param.element(), from.mirror(), from.value(), target.name(), returned,
          target.name());
      return;
    }
    if (output.isEmpty()) {
      return; // a bad StepResponse, already reported on the target
    }
    TypeMirror produced = output.get();
    if (target.mayHaveNoOutput()) {
      if (!TypeRules.isOptional(param.type())) {
        report.error(Diag.CONDITIONAL_NEEDS_OPTIONAL, param.element(), target.name(), target.whyNoOutput(), param.name(),
            "Optional<" + ElementFormatter.type(typeRules.boxed(produced)) + ">", ElementFormatter.type(param.type()));
        return;
      }
      produced = typeRules.optionalOf(produced);
    }
    if (!typeRules.accepts(param.type(), produced)) {
      String[] types = ElementFormatter.distinct(produced, param.type());
      report.error(Diag.TYPE_MISMATCH, param.element(), from.mirror(), target.name(), types[0], param.name(), types[1],
          mismatchHint(target, param, produced, output.get()));
    }
  }

  /**
   * Why a {@code @From} parameter that does not accept the step's output may have been written: it
   * takes the compensation input of a {@code StepResponse} step, or an {@code Optional} of an output
   * that is always there. Empty if neither.
   */
  private String mismatchHint(StepDecl target, ParamDecl param, TypeMirror produced, TypeMirror output) {
    if (!target.mayHaveNoOutput() && TypeRules.isOptional(param.type())
        && typeRules.accepts(TypeRules.optionalArgument(param.type()), produced)) {
      return " Step '" + target.name() + "' always produces an output, so declare the parameter as "
          + ElementFormatter.type(produced) + ".";
    }
    if (target.returns() instanceof Returns.Response response) {
      TypeMirror compensation = response.compensationInput();
      if (typeRules.accepts(param.type(), target.mayHaveNoOutput() ? typeRules.optionalOf(compensation) : compensation)) {
        String[] types = ElementFormatter.distinct(output, compensation);
        return " @From receives the step's output (" + types[0] + "); its compensation input (" + types[1]
            + ") goes only to its @Compensate method.";
      }
    }
    return "";
  }

  /**
   * For a {@code DataSource}, {@code Statement} or {@code PreparedStatement} parameter of a
   * {@code @Step} that may take a {@code Connection}: take the connection instead.
   */
  private static Optional<String> jdbcHint(Wired wired, ParamDecl param) {
    StepDecl step = wired.consumer();
    if (!wired.kind().equals("Step") || step.isHook() || step.returns() instanceof Returns.Child || step.async()) {
      return Optional.empty();
    }
    if (isNamed(param.type(), Names.DATA_SOURCE)) {
      return Optional.of(" A step that works on the database takes a java.sql.Connection instead: its work then "
          + "commits in the transaction that records its checkpoint. A DataSource of its own comes through the "
          + "workflow's constructor.");
    }
    if (isNamed(param.type(), Names.STATEMENT)
        || isNamed(param.type(), Names.PREPARED_STATEMENT)) {
      return Optional.of(" Take a java.sql.Connection instead, and create the statement in the method: its work "
          + "then commits in the transaction that records the step's checkpoint.");
    }
    return Optional.empty();
  }

  /**
   * " Values of a fitting type: ..." for an unwired parameter: the workflow's input, and each step
   * it may take {@code @From}: declared before its step and not in that step's {@code @Parallel} group.
   */
  private String fits(StepGraph graph, StepDecl consumer, ParamDecl param) {
    List<String> fitting = new ArrayList<>();
    Optional<String> group = ParallelCheck.group(consumer);
    for (StepDecl step : graph.decl().steps()) {
      if (step.index() >= consumer.index()) {
        break;
      }
      Optional<TypeMirror> output = output(step);
      if (output.isEmpty() || group.isPresent() && group.equals(ParallelCheck.group(step))) {
        continue;
      }
      TypeMirror produced = step.mayHaveNoOutput() ? typeRules.optionalOf(output.get()) : output.get();
      if (typeRules.accepts(param.type(), produced)) {
        fitting.add("@From(\"" + step.name() + "\")");
      }
    }
    if (firstInput != null && typeRules.accepts(param.type(), firstInput.type())) {
      fitting.add(0, "@Input");
    }
    if (fitting.isEmpty()) {
      return " Annotate it @Input, or @From(\"step\") naming an earlier step whose output it accepts.";
    }
    return " Values of a fitting type: " + String.join(", ", fitting) + ".";
  }

  /** The output type of a step, empty for void steps, bad StepResponses and unknown children. */
  private Optional<TypeMirror> output(StepDecl step) {
    return children.output(step);
  }
}
