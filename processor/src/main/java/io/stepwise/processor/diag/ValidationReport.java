package io.stepwise.processor.diag;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * The findings of validating one workflow: collected first, printed once. Validators add items and
 * never print.
 */
public final class ValidationReport {
  /** One finding, located as narrowly as we can: element, then annotation, then annotation value. */
  public record Item(Diag diag, String message, Element element, AnnotationMirror mirror, AnnotationValue value) {}

  /** Insertion-ordered, so the same finding reached twice (a condition shared by two steps) prints once. */
  private final Set<Item> items = new LinkedHashSet<>();

  public void error(Diag diag, Element element, Object... args) {
    items.add(new Item(diag, diag.render(args), element, null, null));
  }

  public void error(Diag diag, Element element, AnnotationMirror mirror, Object... args) {
    items.add(new Item(diag, diag.render(args), element, mirror, null));
  }

  public void error(Diag diag, Element element, AnnotationMirror mirror, AnnotationValue value, Object... args) {
    items.add(new Item(diag, diag.render(args), element, mirror, value));
  }

  /** Adds the items of another report, in their order. */
  public void addAll(ValidationReport other) {
    items.addAll(other.items);
  }

  public boolean isClean() {
    return items.isEmpty();
  }

  public List<Item> items() {
    return List.copyOf(items);
  }

  public void printTo(Messager messager) {
    for (Item item : items) {
      if (item.value() != null) {
        messager.printMessage(item.diag().kind(), item.message(), item.element(), item.mirror(), item.value());
      } else if (item.mirror() != null) {
        messager.printMessage(item.diag().kind(), item.message(), item.element(), item.mirror());
      } else {
        messager.printMessage(item.diag().kind(), item.message(), item.element());
      }
    }
  }
}
