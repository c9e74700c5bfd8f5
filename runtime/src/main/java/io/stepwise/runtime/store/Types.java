package io.stepwise.runtime.store;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Builds {@link Type}s explicitly, so that generated code can name a generic type without
 * reflection:
 *
 * <pre>{@code
 * Type items = Types.parameterized(List.class, RestockOrderItem.class);   // List<RestockOrderItem>
 * Type byId = Types.parameterized(Map.class, String.class, items);       // Map<String, List<RestockOrderItem>>
 * Type some = Types.parameterized(List.class, Types.subtypeOf(Number.class)); // List<? extends Number>
 * }</pre>
 *
 * <p>The types are equal to (and hash and print like) the ones the JDK's reflection returns for the
 * same declarations, in both directions of {@code equals}, and any library that reads {@code
 * java.lang.reflect.Type} (Jackson's {@code TypeFactory.constructType}, say) accepts them.
 */
public final class Types {
  private static final Type[] NONE = {};
  private static final Type[] OBJECT = {Object.class};

  private Types() {}

  /**
   * {@code raw<arguments...>}, for example {@code parameterized(List.class, String.class)} for
   * {@code List<String>}. The owner type is the class that declares {@code raw} (as the JDK's), or
   * none for a top-level class.
   *
   * @throws IllegalArgumentException if {@code raw} is not generic, does not have as many type
   *     parameters as there are arguments, or an argument is a primitive type
   */
  public static ParameterizedType parameterized(Class<?> raw, Type... arguments) {
    return parameterizedWithOwner(null, raw, arguments);
  }

  /**
   * {@code owner.raw<arguments...>}, for an inner class of a generic class, for example {@code
   * parameterizedWithOwner(parameterized(Outer.class, String.class), Outer.Inner.class,
   * Integer.class)} for {@code Outer<String>.Inner<Integer>}.
   *
   * <p>An inner class without type parameters of a generic class takes no arguments: {@code
   * parameterizedWithOwner(parameterized(Outer.class, String.class), Outer.Plain.class)} for {@code
   * Outer<String>.Plain}, a parameterized type as the JDK's reflection gives it.
   *
   * @param owner the enclosing type; null for the class that declares {@code raw} (none for a
   *     top-level class)
   * @throws IllegalArgumentException as {@link #parameterized}, or if {@code owner} is not the class
   *     that declares {@code raw}
   */
  public static ParameterizedType parameterizedWithOwner(Type owner, Class<?> raw, Type... arguments) {
    Objects.requireNonNull(raw, "raw");
    Type[] args = arguments.clone();
    int parameters = raw.getTypeParameters().length;
    if (parameters == 0 && !isInnerOf(owner, raw)) {
      throw new IllegalArgumentException(raw.getTypeName() + " is not generic; use " + raw.getTypeName()
          + ".class itself as its Type");
    }
    if (args.length != parameters) {
      throw new IllegalArgumentException(raw.getName() + " has " + parameters + " type parameter(s), but "
          + args.length + " type argument(s) were given: " + Arrays.toString(args));
    }
    for (Type arg : args) {
      checkArgument(arg, raw);
    }
    Class<?> declaring = raw.getDeclaringClass();
    if (owner == null) {
      return new ParameterizedTypeImpl(declaring, raw, args);
    }
    if (rawClass(owner) != declaring) {
      throw new IllegalArgumentException("the owner of " + raw.getName() + " is "
          + (declaring == null ? "none" : declaring.getName()) + ", not " + owner.getTypeName());
    }
    return new ParameterizedTypeImpl(owner, raw, args);
  }

  /**
   * The array type {@code component[]}: a {@link Class} when {@code component} is one (as the JDK's
   * reflection gives {@code String[].class} for {@code String[]}), else a {@link GenericArrayType}.
   *
   * @throws IllegalArgumentException if {@code component} is {@code void}
   */
  public static Type arrayOf(Type component) {
    Objects.requireNonNull(component, "component");
    if (component instanceof Class<?> c) {
      if (c == void.class) {
        throw new IllegalArgumentException("there is no array of void");
      }
      return c.arrayType();
    }
    return new GenericArrayTypeImpl(component);
  }

  /** The wildcard {@code ? extends bound}; {@code subtypeOf(Object.class)} is {@code ?}. */
  public static WildcardType subtypeOf(Type bound) {
    checkArgument(Objects.requireNonNull(bound, "bound"), null);
    return new WildcardTypeImpl(new Type[] {bound}, NONE);
  }

  /** The wildcard {@code ? super bound}. */
  public static WildcardType supertypeOf(Type bound) {
    checkArgument(Objects.requireNonNull(bound, "bound"), null);
    return new WildcardTypeImpl(OBJECT, new Type[] {bound});
  }

  /**
   * Whether {@code raw} is an inner (not static) class and {@code owner} a parameterized type: then
   * {@code owner.raw} is a parameterized type even without arguments of its own.
   */
  private static boolean isInnerOf(Type owner, Class<?> raw) {
    return owner instanceof ParameterizedType && raw.getDeclaringClass() != null
        && !java.lang.reflect.Modifier.isStatic(raw.getModifiers());
  }

  private static void checkArgument(Type arg, Class<?> of) {
    Objects.requireNonNull(arg, "type argument");
    if (arg instanceof Class<?> c && c.isPrimitive()) {
      throw new IllegalArgumentException("a type argument cannot be the primitive " + c
          + (of == null ? "" : " (in " + of.getName() + ")") + "; use its box, such as Integer for int");
    }
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("an owner type must be a class or a parameterized type, not " + type);
  }

  private static final class ParameterizedTypeImpl implements ParameterizedType {
    private final Type owner;
    private final Class<?> raw;
    private final Type[] arguments;

    ParameterizedTypeImpl(Type owner, Class<?> raw, Type[] arguments) {
      this.owner = owner;
      this.raw = raw;
      this.arguments = arguments;
    }

    @Override
    public Type[] getActualTypeArguments() {
      return arguments.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public Type getOwnerType() {
      return owner;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ParameterizedType that
          && Objects.equals(owner, that.getOwnerType())
          && raw.equals(that.getRawType())
          && Arrays.equals(arguments, that.getActualTypeArguments());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(arguments) ^ Objects.hashCode(owner) ^ raw.hashCode();
    }

    /** As the JDK's: {@code java.util.Map<java.lang.String, java.lang.Integer>}, {@code a.Outer<T>$Inner<U>}. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      if (owner != null) {
        sb.append(owner.getTypeName()).append('$');
        if (owner instanceof ParameterizedType p) {
          sb.append(raw.getName().replace(((Class<?>) p.getRawType()).getName() + "$", ""));
        } else {
          sb.append(raw.getSimpleName());
        }
      } else {
        sb.append(raw.getName());
      }
      StringJoiner joiner = new StringJoiner(", ", "<", ">").setEmptyValue("");
      for (Type argument : arguments) {
        joiner.add(argument.getTypeName());
      }
      return sb.append(joiner).toString();
    }
  }

  private static final class GenericArrayTypeImpl implements GenericArrayType {
    private final Type component;

    GenericArrayTypeImpl(Type component) {
      this.component = component;
    }

    @Override
    public Type getGenericComponentType() {
      return component;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GenericArrayType that && component.equals(that.getGenericComponentType());
    }

    @Override
    public int hashCode() {
      return component.hashCode();
    }

    @Override
    public String toString() {
      return component.getTypeName() + "[]";
    }
  }

  private static final class WildcardTypeImpl implements WildcardType {
    private final Type[] upper;
    private final Type[] lower;

    WildcardTypeImpl(Type[] upper, Type[] lower) {
      this.upper = upper;
      this.lower = lower;
    }

    @Override
    public Type[] getUpperBounds() {
      return upper.clone();
    }

    @Override
    public Type[] getLowerBounds() {
      return lower.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WildcardType that
          && Arrays.equals(lower, that.getLowerBounds())
          && Arrays.equals(upper, that.getUpperBounds());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(lower) ^ Arrays.hashCode(upper);
    }

    /** As the JDK's: {@code ?}, {@code ? extends java.lang.Number}, {@code ? super java.lang.Integer}. */
    @Override
    public String toString() {
      if (lower.length > 0) {
        return "? super " + lower[0].getTypeName();
      }
      if (upper[0].equals(Object.class)) {
        return "?";
      }
      return "? extends " + upper[0].getTypeName();
    }
  }
}
