package io.stepwise.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A valid workflow, ready to write: names and JavaPoet types only, no {@code Element} or
 * {@code TypeMirror}, so a writer can be tested without a compiler.
 *
 * @param inputType the runner's input type; empty when no step takes {@code @Input}
 * @param result the local holding the result, or empty when the result is {@code Void}
 * @param resultStep the name of the step whose output is the result
 * @param stages the steps in the order they run: a single step, or the consecutive steps of a
 *     {@code @Parallel} group, which run together
 * @param dependencies the constructor's parameters, resolved from the {@code Container}
 * @param suppressions the warnings the generated code itself causes (raw or unchecked types of the user's)
 */
public record WorkflowModel(
    ClassName workflowClass,
    ClassName runnerClass,
    boolean isPublic,
    String workflowName,
    Optional<TypeName> inputType,
    TypeName resultType,
    Optional<String> result,
    String resultStep,
    List<StepModel> steps,
    List<Stage> stages,
    List<Dependency> dependencies,
    List<TypeName> constructorThrows,
    Set<String> suppressions,
    long timeoutMillis) {
  private static final ClassName VOID = ClassName.get(Void.class);

  /**
   * Whether the runner chains the steps asynchronously ({@code AsyncRun}): some step returns a
   * {@code CompletionStage}, or runs a child workflow that does.
   */
  public boolean isAsync() {
    return steps.stream().anyMatch(StepModel::async);
  }

  /** The type of the input a durable run records: the input type, boxed; {@code Void} for a workflow without input. */
  public TypeName recordedInput() {
    return inputType.map(TypeName::box).orElse(VOID);
  }

  /** The fingerprint of the definition, which a durable run records; see {@link Fingerprint}. */
  public String fingerprint() {
    Set<String> noWait = new HashSet<>();
    for (Stage stage : stages) {
      stage.group().filter(Stage.Group::noWait).ifPresent(group -> stage.steps().forEach(step -> noWait.add(step.name())));
    }
    return Fingerprint.of(Fingerprint.canonicalText(workflowName, recordedInput(), resultType, steps, noWait));
  }

  /** A constructor parameter: its type and the class literal to resolve it by. */
  public record Dependency(TypeName type, TypeName classLiteral) {
    public boolean needsCast() {
      return !type.equals(classLiteral);
    }
  }
}
