package io.stepwise.processor.diag;

import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/**
 * Renders elements and types for messages, the same way on every compiler: simple names, with type
 * arguments ({@code List<RestockOrderItem>}), rather than each compiler's own {@code toString()}.
 */
public final class ElementFormatter {
  private ElementFormatter() {}

  /** {@code createOrder(CreateRestockOrderInput)} for a method, the simple name for a type. */
  public static String element(Element element) {
    if (element instanceof ExecutableElement method) {
      String params = method.getParameters().stream()
          .map(VariableElement::asType)
          .map(ElementFormatter::type)
          .collect(Collectors.joining(", "));
      String name = method.getSimpleName().toString();
      if (name.equals("<init>")) {
        name = method.getEnclosingElement().getSimpleName().toString();
      }
      return name + "(" + params + ")";
    }
    if (element instanceof TypeElement type) {
      return nestedName(type);
    }
    return element.getSimpleName().toString();
  }

  /** {@code Outer.Inner} for a nested type, {@code Name} for a top-level one. */
  public static String nestedName(TypeElement type) {
    Element enclosing = type.getEnclosingElement();
    if (enclosing instanceof TypeElement outer) {
      return nestedName(outer) + "." + type.getSimpleName();
    }
    return type.getSimpleName().toString();
  }

  /** A type with simple names and its type arguments. */
  public static String type(TypeMirror type) {
    switch (type.getKind()) {
      case DECLARED: {
        DeclaredType declared = (DeclaredType) type;
        String name = nestedName((TypeElement) declared.asElement());
        List<? extends TypeMirror> args = declared.getTypeArguments();
        if (args.isEmpty()) {
          return name;
        }
        return name + args.stream().map(ElementFormatter::type).collect(Collectors.joining(", ", "<", ">"));
      }
      case ARRAY:
        return type(((ArrayType) type).getComponentType()) + "[]";
      case WILDCARD: {
        WildcardType wildcard = (WildcardType) type;
        if (wildcard.getExtendsBound() != null) {
          return "? extends " + type(wildcard.getExtendsBound());
        }
        if (wildcard.getSuperBound() != null) {
          return "? super " + type(wildcard.getSuperBound());
        }
        return "?";
      }
      default:
        return type.toString();
    }
  }

  /**
   * Two types for one message: simple names, unless they read the same (two {@code Order} types of
   * different packages), then qualified names.
   */
  public static String[] distinct(TypeMirror first, TypeMirror second) {
    String a = type(first);
    String b = type(second);
    if (a.equals(b)) {
      return new String[] {first.toString(), second.toString()};
    }
    return new String[] {a, b};
  }

  /** {@code <T, U>}. */
  public static String typeParameters(List<? extends TypeParameterElement> parameters) {
    return parameters.stream().map(p -> p.getSimpleName().toString()).collect(Collectors.joining(", ", "<", ">"));
  }
}
