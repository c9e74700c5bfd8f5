package io.stepwise.processor.collect;

import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * The facts of one {@code @Workflow} class, as written; no judgement. Valid only for the round it
 * was collected in.
 */
public record WorkflowDecl(
    TypeElement type,
    AnnotationMirror mirror,
    String name,
    AnnotationValue nameValue,
    String resultStep,
    AnnotationValue resultValue,
    String timeout,
    AnnotationValue timeoutValue,
    List<StepDecl> steps,
    List<CompensationDecl> compensations,
    List<ExecutableElement> methods,
    List<ExecutableElement> constructors,
    Map<ExecutableElement, List<ParamDecl>> paramsByMethod) {

  /** The parameters of any method of the class, with their wiring. */
  public List<ParamDecl> params(ExecutableElement method) {
    return paramsByMethod.getOrDefault(method, List.of());
  }
}
