package io.stepwise.processor.collect;

import io.stepwise.processor.diag.ElementFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Finds annotations of a workflow that javac could not resolve (yet): an annotation type that is
 * missing ({@code @Inject} without its import), or a value that is not resolved
 * ({@code @Step(StepNames.CREATE)} where {@code StepNames} is missing or generated in a later round).
 * Judging such a workflow would add errors to javac's own (an unresolved {@code @Inject} makes the
 * constructors look ambiguous) or generate a runner from wrong names, so the workflow is deferred.
 */
public final class UnresolvedAnnotations {
  /** How javac renders a value it could not attribute; a string constant renders quoted. */
  private static final String JAVAC_ERROR_VALUE = "<error>";

  private UnresolvedAnnotations() {}

  /**
   * What could not be resolved, for "Could not generate XRunner because %s could not be resolved":
   * in the workflow's own annotations, or in a child workflow it runs ({@link UnresolvedChildren}).
   */
  public static Optional<String> find(TypeElement type) {
    return inOwnAnnotations(type).or(() -> UnresolvedChildren.find(type));
  }

  /** What could not be resolved in the annotations of the type, its methods, constructors and their parameters. */
  static Optional<String> inOwnAnnotations(TypeElement type) {
    for (Element element : annotated(type)) {
      for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
        Optional<String> found = inMirror(element, mirror);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** The type, its methods and constructors, and their parameters. */
  private static List<Element> annotated(TypeElement type) {
    List<Element> elements = new ArrayList<>();
    elements.add(type);
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.METHOD || member.getKind() == ElementKind.CONSTRUCTOR) {
        elements.add(member);
        elements.addAll(((ExecutableElement) member).getParameters());
      }
    }
    return elements;
  }

  private static Optional<String> inMirror(Element element, AnnotationMirror mirror) {
    if (mirror.getAnnotationType().getKind() == TypeKind.ERROR) {
      return Optional.of(mirror.getAnnotationType().toString());
    }
    for (AnnotationValue value : mirror.getElementValues().values()) {
      if (isUnresolved(value)) {
        String annotation = mirror.getAnnotationType().asElement().getSimpleName().toString();
        return Optional.of("the value of @" + annotation + " on " + ElementFormatter.element(element));
      }
    }
    return Optional.empty();
  }

  private static boolean isUnresolved(AnnotationValue value) {
    Object v = value.getValue();
    if (v instanceof TypeMirror type) {
      return type.getKind() == TypeKind.ERROR;
    }
    if (v instanceof AnnotationMirror nested) {
      return nested.getAnnotationType().getKind() == TypeKind.ERROR
          || nested.getElementValues().values().stream().anyMatch(UnresolvedAnnotations::isUnresolved);
    }
    if (v instanceof List<?> list) {
      return list.stream().anyMatch(item -> item instanceof AnnotationValue a && isUnresolved(a));
    }
    // javac's unattributed value has the value "<error>" too; a constant is rendered only if it has
    // that value (rendering quotes a string, and so tells the constant "<error>" from javac's error)
    return JAVAC_ERROR_VALUE.equals(v) && JAVAC_ERROR_VALUE.equals(value.toString());
  }
}
