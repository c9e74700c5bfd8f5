package io.stepwise.processor.write;

import static io.stepwise.processor.write.RuntimeTypes.TYPES;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;

/**
 * Writes a type as an expression of {@code java.lang.reflect.Type} equal to the one the JDK's
 * reflection gives for the same declaration, without reflection: {@code Foo.class} for a class (or
 * an array of classes), else {@code io.stepwise.runtime.store.Types} calls:
 *
 * <pre>{@code
 * List<Map<String, Integer>>   Types.parameterized(List.class, Types.parameterized(Map.class, String.class, Integer.class))
 * List<String>[]               Types.arrayOf(Types.parameterized(List.class, String.class))
 * List<? extends Number>       Types.parameterized(List.class, Types.subtypeOf(Number.class))
 * Outer<String>.Inner<Integer> Types.parameterizedWithOwner(Types.parameterized(Outer.class, String.class), Outer.Inner.class, Integer.class)
 * Outer<String>.Plain          Types.parameterizedWithOwner(Types.parameterized(Outer.class, String.class), Outer.Plain.class)
 * }</pre>
 */
final class TypeTokens {
  private TypeTokens() {}

  /** The expression of {@code type}, a boxed type of a valid workflow (never a type variable). */
  static CodeBlock of(TypeName type) {
    TypeName plain = type.withoutAnnotations();
    if (isClass(plain)) {
      return CodeBlock.of("$T.class", plain);
    }
    if (plain instanceof ArrayTypeName array) {
      return CodeBlock.of("$T.arrayOf($L)", TYPES, of(array.componentType()));
    }
    if (plain instanceof WildcardTypeName wildcard) {
      return wildcard.lowerBounds().isEmpty()
          ? CodeBlock.of("$T.subtypeOf($L)", TYPES, of(wildcard.upperBounds().get(0)))
          : CodeBlock.of("$T.supertypeOf($L)", TYPES, of(wildcard.lowerBounds().get(0)));
    }
    if (plain instanceof ParameterizedTypeName parameterized) {
      return parameterized(parameterized);
    }
    throw new IllegalStateException("no Type expression for " + type + " in a valid workflow");
  }

  /**
   * {@code Types.parameterized(Raw.class, arguments...)}; for an inner class of a generic class,
   * {@code Types.parameterizedWithOwner(owner, Raw.class, arguments...)}, without arguments where
   * the inner class has no type parameters of its own ({@code Outer<String>.Plain}).
   */
  private static CodeBlock parameterized(ParameterizedTypeName type) {
    ClassName raw = type.rawType().withoutAnnotations();
    ParameterizedTypeName owner = type.enclosingType();
    CodeBlock.Builder code = owner == null
        ? CodeBlock.builder().add("$T.parameterized($T.class", TYPES, raw)
        : CodeBlock.builder().add("$T.parameterizedWithOwner($L, $T.class", TYPES, of(owner), raw);
    for (TypeName argument : type.typeArguments()) {
      code.add(", $L", of(argument));
    }
    return code.add(")").build();
  }

  /** Whether {@code type} is a class, a primitive, or an array of those: its class literal is its Type. */
  private static boolean isClass(TypeName type) {
    if (type instanceof ArrayTypeName array) {
      return isClass(array.componentType().withoutAnnotations());
    }
    return type instanceof ClassName || type.isPrimitive();
  }
}
