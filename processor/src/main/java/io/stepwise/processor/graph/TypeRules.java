package io.stepwise.processor.graph;

import io.stepwise.processor.Names;
import java.util.Optional;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Java's assignment rules, as the generated code will be compiled: subtyping with generics and
 * wildcards, boxing and unboxing, widening of primitives. Unchecked conversion (a raw
 * {@code List} into a {@code List<String>}) is refused: it would be a warning in generated code and a
 * heap-pollution hole at run time.
 */
public final class TypeRules {
  private final Types types;
  private final Elements elements;

  public TypeRules(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
  }

  /** Whether a value of type {@code source} may be passed where {@code target} is declared. */
  public boolean accepts(TypeMirror target, TypeMirror source) {
    boolean sourcePrimitive = source.getKind().isPrimitive();
    boolean targetPrimitive = target.getKind().isPrimitive();
    if (sourcePrimitive && targetPrimitive) {
      return types.isAssignable(source, target);
    }
    if (sourcePrimitive) {
      return types.isSubtype(boxed(source), target);
    }
    if (targetPrimitive) {
      Optional<PrimitiveType> unboxed = unboxed(source);
      return unboxed.isPresent() && types.isAssignable(unboxed.get(), target);
    }
    return types.isSubtype(source, target);
  }

  /** Whether {@code type} is {@code CompletionStage} or a subtype of it, such as {@code CompletableFuture}. */
  public boolean isCompletionStage(TypeMirror type) {
    return io.stepwise.processor.collect.WorkflowCollector.isCompletionStage(elements, types, type);
  }

  public boolean same(TypeMirror a, TypeMirror b) {
    return types.isSameType(a, b);
  }

  /** The boxed type of a primitive; any other type as it is. */
  public TypeMirror boxed(TypeMirror type) {
    return type.getKind().isPrimitive() ? types.boxedClass((PrimitiveType) type).asType() : type;
  }

  private Optional<PrimitiveType> unboxed(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    try {
      return Optional.of(types.unboxedType(type));
    } catch (IllegalArgumentException notABox) {
      return Optional.empty();
    }
  }

  /** {@code Optional<boxed type>}. */
  public TypeMirror optionalOf(TypeMirror type) {
    TypeElement optional = elements.getTypeElement(Names.OPTIONAL);
    return types.getDeclaredType(optional, boxed(type));
  }

  /** Whether the type is {@code Optional<...>} with a type argument. */
  public static boolean isOptional(TypeMirror type) {
    return isClass(type, Names.OPTIONAL) && ((DeclaredType) type).getTypeArguments().size() == 1;
  }

  /** Whether the type is the class or interface of that qualified name, with any type arguments. */
  public static boolean isClass(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(qualifiedName);
  }

  /** The type argument of an {@code Optional<T>}. */
  public static TypeMirror optionalArgument(TypeMirror type) {
    return ((DeclaredType) type).getTypeArguments().get(0);
  }
}
