package io.stepwise.processor.collect;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;

/** A {@code @Step} method, as written. {@code index} is its position among the workflow's steps. */
public record StepDecl(
    int index,
    ExecutableElement method,
    AnnotationMirror mirror,
    String name,
    AnnotationValue nameValue,
    int maxRetries,
    AnnotationValue maxRetriesValue,
    Returns returns,
    List<ParamDecl> params,
    Optional<WhenDecl> when) {

  /** {@code @When("method")} on a step. */
  public record WhenDecl(AnnotationMirror mirror, String methodName, AnnotationValue value) {}

  public boolean isConditional() {
    return when.isPresent();
  }
}
