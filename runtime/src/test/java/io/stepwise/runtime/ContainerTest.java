package io.stepwise.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.fixtures.Probe;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.RestockOrderWorkflowRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC.md: Container: resolve(Class); Container.of(Object...) gives a simple one. */
class ContainerTest {
  interface Greeter {}

  static class EnglishGreeter implements Greeter {}

  static class FrenchGreeter implements Greeter {}

  static class LoudEnglishGreeter extends EnglishGreeter {}

  @Test
  void resolvesByExactClass() {
    EnglishGreeter english = new EnglishGreeter();
    Container container = Container.of("a string", english, 42);

    assertSame(english, container.resolve(EnglishGreeter.class));
    assertEquals("a string", container.resolve(String.class));
    assertEquals(42, container.resolve(Integer.class));
    assertEquals("Container.of[a string, " + english + ", 42]", container.toString());
  }

  @Test
  void resolvesBySupertypeWhenOnlyOneServiceFits() {
    FrenchGreeter french = new FrenchGreeter();
    Container container = Container.of("a string", french);

    assertSame(french, container.resolve(Greeter.class));
    assertSame(french, container.resolve(FrenchGreeter.class));
  }

  @Test
  void exactClassWinsOverASubclass() {
    LoudEnglishGreeter loud = new LoudEnglishGreeter();
    EnglishGreeter english = new EnglishGreeter();

    assertSame(english, Container.of(loud, english).resolve(EnglishGreeter.class));
    assertSame(english, Container.of(english, loud).resolve(EnglishGreeter.class));
    assertSame(loud, Container.of(english, loud).resolve(LoudEnglishGreeter.class));
  }

  @Test
  void ambiguousSupertypeIsRejectedNamingTheCandidates() {
    Container container = Container.of(new EnglishGreeter(), "unrelated", new FrenchGreeter());

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> container.resolve(Greeter.class));

    assertTrue(e.getMessage().contains(Greeter.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(EnglishGreeter.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(FrenchGreeter.class.getName()), e.getMessage());
    assertTrue(!e.getMessage().contains(String.class.getName()), e.getMessage());
  }

  @Test
  void twoServicesOfTheSameExactClassAreAmbiguousToo() {
    Container container = Container.of(new EnglishGreeter(), new EnglishGreeter());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> container.resolve(EnglishGreeter.class));

    assertTrue(e.getMessage().contains(EnglishGreeter.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("2 services"), e.getMessage());
  }

  @Test
  void missingServiceIsRejectedNamingTheType() {
    Container container = Container.of("only a string");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> container.resolve(Greeter.class));

    assertTrue(e.getMessage().contains(Greeter.class.getName()), e.getMessage());
  }

  @Test
  void resolvesItselfAsContainer() {
    Container container = Container.of("a string");
    Container empty = Container.empty();

    assertSame(container, container.resolve(Container.class));
    assertSame(empty, empty.resolve(Container.class));
    assertThrows(IllegalStateException.class, () -> empty.resolve(String.class));
  }

  @Test
  void theEmptyContainerSpeaksForItselfNotForContainerOf() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Container.empty().resolve(Greeter.class));

    assertEquals("Container.empty() has no service of type " + Greeter.class.getName()
        + " (it has none); use Container.of(...) with one, or a Container of your own", e.getMessage());
    assertEquals("Container.empty()", Container.empty().toString());
    assertThrows(NullPointerException.class, () -> Container.empty().resolve(null));
  }

  @Test
  void nullServiceIsRejectedNamingItsPosition() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> Container.of("a", null, "c"));

    assertTrue(e.getMessage().contains("service 1"), e.getMessage());
  }

  @Test
  void nullTypeIsRejected() {
    assertThrows(NullPointerException.class, () -> Container.of("a").resolve(null));
  }

  @Test
  void servicesAreFixedWhenTheContainerIsMade() {
    Object[] services = {"first"};
    Container container = Container.of(services);
    services[0] = "second";

    assertEquals("first", container.resolve(String.class));
  }

  @Test
  void fromLooksEachServiceUpWithAFunctionALambdaCanBe() {
    EnglishGreeter english = new EnglishGreeter();
    List<Class<?>> asked = new java.util.ArrayList<>();
    Container container = Container.from(type -> {
      asked.add(type);
      return type == Greeter.class ? english : null;
    });

    Greeter greeter = container.resolve(Greeter.class);

    assertSame(english, greeter);
    assertSame(container, container.resolve(Container.class), "no Container from the function: the container itself");
    assertEquals(List.of(Greeter.class, Container.class), asked);
  }

  @Test
  void fromReturnsTheFunctionsContainerIfItHasOne() {
    Container other = Container.of("x");

    assertSame(other, Container.from(type -> other).resolve(Container.class));
  }

  @Test
  void fromRejectsANullNamingTheType() {
    Container container = Container.from(type -> null);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> container.resolve(Greeter.class));

    assertEquals("Container.from(...) has no service of type " + Greeter.class.getName() + ": its function returned"
        + " null for it; return one, or throw an exception that says why there is none", e.getMessage());
  }

  @Test
  void fromRejectsAnObjectOfTheWrongTypeNamingBoth() {
    Container container = Container.from(type -> "not a greeter");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> container.resolve(Greeter.class));

    assertEquals("Container.from(...) has no service of type " + Greeter.class.getName() + ": its function returned"
        + " a java.lang.String for it; return an instance of " + Greeter.class.getName(), e.getMessage());
  }

  @Test
  void fromLetsTheFunctionsOwnExceptionThrough() {
    IllegalArgumentException mine = new IllegalArgumentException("no bean of that type");
    Container container = Container.from(type -> {
      throw mine;
    });

    assertSame(mine, assertThrows(IllegalArgumentException.class, () -> container.resolve(Greeter.class)));
  }

  @Test
  void fromRejectsANullFunctionAndANullType() {
    assertThrows(NullPointerException.class, () -> Container.from(null));
    assertThrows(NullPointerException.class, () -> Container.from(type -> "x").resolve(null));
  }

  @Test
  void runnerCreateResolvesTheWorkflowsConstructorParameters() {
    Probe probe = new Probe();

    RestockOrderWorkflowRunner runner = RestockOrderWorkflowRunner.create(Container.of("noise", probe));
    WorkflowResult<?> result = runner.run(new Input("acme", List.of("p1", "p2")));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(6, probe.events().size(), "the runner's workflow uses the probe from the container");
  }
}
