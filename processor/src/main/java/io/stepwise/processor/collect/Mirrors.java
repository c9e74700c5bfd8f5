package io.stepwise.processor.collect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** Reads annotations through mirrors, by qualified name; never reflectively. */
public final class Mirrors {
  private Mirrors() {}

  public static Optional<AnnotationMirror> find(Element element, String annotationName) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(annotationName)) {
        return Optional.of(mirror);
      }
    }
    return Optional.empty();
  }

  public static boolean has(Element element, String annotationName) {
    return find(element, annotationName).isPresent();
  }

  /** The value of an attribute, its default if not given; null if the attribute does not exist. */
  public static AnnotationValue value(Elements elements, AnnotationMirror mirror, String attribute) {
    Map<? extends ExecutableElement, ? extends AnnotationValue> values = elements.getElementValuesWithDefaults(mirror);
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : values.entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(attribute)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /**
   * The value as written in the source, for pointing at it: the explicit value if the attribute is
   * given, null if it takes its default (then a diagnostic points at the annotation).
   */
  public static AnnotationValue explicitValue(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(attribute)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /**
   * The attributes given explicitly, by name, as {@link #explicitValue} finds them one at a time:
   * for reading several of one annotation.
   */
  public static Map<String, AnnotationValue> explicitValues(AnnotationMirror mirror) {
    Map<String, AnnotationValue> values = new HashMap<>();
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : mirror.getElementValues().entrySet()) {
      values.putIfAbsent(entry.getKey().getSimpleName().toString(), entry.getValue());
    }
    return values;
  }

  public static String string(AnnotationValue value) {
    return value != null && value.getValue() instanceof String s ? s : "";
  }

  /** The strings of an array value, skipping anything else; empty if it is not an array. */
  public static List<String> strings(AnnotationValue value) {
    List<String> strings = new ArrayList<>();
    if (value == null || !(value.getValue() instanceof List<?> items)) {
      return strings;
    }
    for (Object item : items) {
      if (item instanceof AnnotationValue v && v.getValue() instanceof String s) {
        strings.add(s);
      }
    }
    return strings;
  }

  public static boolean bool(AnnotationValue value) {
    return value != null && value.getValue() instanceof Boolean b && b;
  }

  public static int integer(AnnotationValue value) {
    return value != null && value.getValue() instanceof Integer i ? i : 0;
  }
}
