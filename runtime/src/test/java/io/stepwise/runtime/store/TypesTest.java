package io.stepwise.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Types} builds the types that the JDK's reflection gives for the same declarations. */
class TypesTest {
  record Item(String sku) {}

  static final class Outer<T> {
    final class Inner<U> {}

    final class Plain {}

    static final class Nested<V> {}
  }

  // The declarations whose types the JDK's reflection gives, to compare with.
  List<Item> items;
  Map<String, List<Item>> byId;
  Optional<Item> maybe;
  List<? extends Number> numbers;
  List<? super Integer> sinks;
  List<?> anything;
  List<Item>[] arrayOfLists;
  String[] strings;
  Outer<String>.Inner<Integer> inner;
  Outer<String>.Plain plain;
  Outer.Nested<String> nested;

  private static Type jdk(String field) throws NoSuchFieldException {
    return TypesTest.class.getDeclaredField(field).getGenericType();
  }

  private static void assertSameAsJdk(Type built, String field) throws NoSuchFieldException {
    Type jdk = jdk(field);
    assertEquals(jdk, built, "JDK equals built");
    assertEquals(built, jdk, "built equals JDK");
    assertEquals(jdk.hashCode(), built.hashCode(), "hashCode");
    assertEquals(jdk.toString(), built.toString(), "toString");
    assertEquals(jdk.getTypeName(), built.getTypeName(), "getTypeName");
  }

  @Test
  void parameterizedTypesEqualTheJdks() throws Exception {
    Type items = Types.parameterized(List.class, Item.class);
    assertSameAsJdk(items, "items");
    assertSameAsJdk(Types.parameterized(Map.class, String.class, items), "byId");
    assertSameAsJdk(Types.parameterized(Optional.class, Item.class), "maybe");
    assertSameAsJdk(Types.parameterized(Outer.Nested.class, String.class), "nested");
    assertSameAsJdk(Types.parameterizedWithOwner(Types.parameterized(Outer.class, String.class), Outer.Inner.class,
        Integer.class), "inner");
  }

  /** {@code Outer<String>.Plain}: an inner class without type parameters of a generic class is parameterized by its owner. */
  @Test
  void innerClassWithoutTypeParametersOfAGenericClassTakesNoArguments() throws Exception {
    ParameterizedType plain = Types.parameterizedWithOwner(Types.parameterized(Outer.class, String.class), Outer.Plain.class);
    assertSameAsJdk(plain, "plain");
    assertEquals(0, plain.getActualTypeArguments().length);
    IllegalArgumentException notGeneric = assertThrows(IllegalArgumentException.class,
        () -> Types.parameterizedWithOwner(Outer.class, Outer.Plain.class));
    assertEquals("io.stepwise.runtime.store.TypesTest$Outer$Plain is not generic; use "
        + "io.stepwise.runtime.store.TypesTest$Outer$Plain.class itself as its Type", notGeneric.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Types.parameterizedWithOwner(Types.parameterized(Outer.class, String.class), Outer.Plain.class, Integer.class));
    assertThrows(IllegalArgumentException.class,
        () -> Types.parameterizedWithOwner(Types.parameterized(Outer.class, String.class), Outer.Nested.class));
  }

  @Test
  void wildcardsAndArraysEqualTheJdks() throws Exception {
    assertSameAsJdk(Types.parameterized(List.class, Types.subtypeOf(Number.class)), "numbers");
    assertSameAsJdk(Types.parameterized(List.class, Types.supertypeOf(Integer.class)), "sinks");
    assertSameAsJdk(Types.parameterized(List.class, Types.subtypeOf(Object.class)), "anything");
    Type arrayOfLists = Types.arrayOf(Types.parameterized(List.class, Item.class));
    assertTrue(arrayOfLists instanceof GenericArrayType);
    assertSameAsJdk(arrayOfLists, "arrayOfLists");
    assertSame(String[].class, Types.arrayOf(String.class));
    assertSameAsJdk(Types.arrayOf(String.class), "strings");
  }

  @Test
  void differentArgumentsMakeDifferentTypes() {
    ParameterizedType listOfItems = Types.parameterized(List.class, Item.class);
    assertNotEquals(Types.parameterized(List.class, String.class), listOfItems);
    assertNotEquals(Types.parameterized(Optional.class, Item.class), listOfItems);
    assertEquals(Types.parameterized(List.class, Item.class), listOfItems);
    assertEquals(List.class, listOfItems.getRawType());
    assertEquals(null, listOfItems.getOwnerType());
    listOfItems.getActualTypeArguments()[0] = String.class;   // a copy: the type stays as built
    assertEquals(Item.class, listOfItems.getActualTypeArguments()[0]);
  }

  @Test
  void mistakesAreRefusedWithTheFacts() {
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> Types.parameterized(Map.class, String.class));
    assertEquals("java.util.Map has 2 type parameter(s), but 1 type argument(s) were given: [class java.lang.String]",
        count.getMessage());
    IllegalArgumentException notGeneric = assertThrows(IllegalArgumentException.class,
        () -> Types.parameterized(String.class));
    assertEquals("java.lang.String is not generic; use java.lang.String.class itself as its Type",
        notGeneric.getMessage());
    IllegalArgumentException primitive = assertThrows(IllegalArgumentException.class,
        () -> Types.parameterized(List.class, int.class));
    assertEquals("a type argument cannot be the primitive int (in java.util.List); use its box, such as Integer for int",
        primitive.getMessage());
    IllegalArgumentException owner = assertThrows(IllegalArgumentException.class,
        () -> Types.parameterizedWithOwner(String.class, Outer.Inner.class, Integer.class));
    assertEquals("the owner of io.stepwise.runtime.store.TypesTest$Outer$Inner is "
        + "io.stepwise.runtime.store.TypesTest$Outer, not java.lang.String", owner.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Types.arrayOf(void.class));
    IllegalArgumentException lowerBound = assertThrows(IllegalArgumentException.class, () -> Types.supertypeOf(int.class));
    assertEquals("a type argument cannot be the primitive int; use its box, such as Integer for int",
        lowerBound.getMessage());
    IllegalArgumentException upperBound = assertThrows(IllegalArgumentException.class, () -> Types.subtypeOf(long.class));
    assertEquals("a type argument cannot be the primitive long; use its box, such as Integer for int",
        upperBound.getMessage());
    IllegalArgumentException wildcardOwner = assertThrows(IllegalArgumentException.class,
        () -> Types.parameterizedWithOwner(Types.subtypeOf(Outer.class), Outer.Nested.class, String.class));
    assertEquals("an owner type must be a class or a parameterized type, not ? extends "
        + "io.stepwise.runtime.store.TypesTest$Outer", wildcardOwner.getMessage());
  }

  /** A static nested class's owner is its declaring class: given as a plain class, it is the JDK's type. */
  @Test
  void aNestedClassWithItsOwnerGivenAsAClassEqualsTheJdks() throws Exception {
    assertSameAsJdk(Types.parameterizedWithOwner(Outer.class, Outer.Nested.class, String.class), "nested");
  }
}
