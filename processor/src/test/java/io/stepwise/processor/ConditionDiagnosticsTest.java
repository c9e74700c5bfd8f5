package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.messages;
import static io.stepwise.processor.DiagnosticTesting.source;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @When}: the condition it names, where it may appear, and the Optional wiring of conditional steps. */
class ConditionDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  @Test
  void conditionalWorkflow_compilesCleanly() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  boolean isBig(@From(\"create\") String order, @Input String in, StepContext ctx) { return order.length() > 3; }",
        "  @Step(\"gift\") @When(\"isBig\") int gift(@From(\"create\") String order) { return 1; }",
        "  @Compensate(\"gift\") void takeBack(Integer gifts) {}",
        "  @Step(\"ship\") String ship(@From(\"gift\") Optional<Integer> gifts, @From(\"create\") String order) { return order; }",
        "  @Step(\"log\") void log(@From(\"gift\") Optional<? extends Number> gifts) {}",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  @Test
  void conditionalStep_intoANonOptionalParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  boolean isBig() { return true; }",
        "  @Step(\"gift\") @When(\"isBig\") String gift(@From(\"create\") String order) { return order; }",
        "  @Step(\"ship\") void ship(@From(\"gift\") String giftCard) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("String giftCard");
    assertThat(c).hadErrorContaining("@From parameters of a step that may end without an output must be Optional<T>, empty when it did; "
        + "step 'gift' has @When, so parameter 'giftCard' must be Optional<String>, not String");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void conditionalPrimitiveStep_needsOptionalOfTheBox() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean isBig() { return true; }",
        "  @Step(\"gift\") @When(\"isBig\") int gift(@Input String in) { return 1; }",
        "  @Step(\"ship\") void ship(@From(\"gift\") int gifts) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionalNeedsOptional]")
        .inFile(src).onLineContaining("int gifts");
    assertThat(c).hadErrorContaining("parameter 'gifts' must be Optional<Integer>, not int");
  }

  @Test
  void optionalOfTheWrongType_fromAConditionalStep_isAMismatch() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean isBig() { return true; }",
        "  @Step(\"gift\") @When(\"isBig\") String gift(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@From(\"gift\") Optional<Integer> gifts) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("Optional<Integer> gifts");
    assertThat(c).hadErrorContaining("step 'gift' produces Optional<String>, which parameter 'gifts' of type Optional<Integer> cannot accept.");
  }

  @Test
  void emptyWhen() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") @When(\"\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WhenEmpty]")
        .inFile(src).onLineContaining("@When(\"\")");
    assertThat(c).hadErrorContaining("@When must name a boolean method of the workflow class; the name is empty");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void unknownCondition_suggestsTheClosestMethod() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean isBig() { return true; }",
        "  @Step(\"create\") @When(\"isBgi\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownCondition]")
        .inFile(src).onLineContaining("@When(\"isBgi\")");
    assertThat(c).hadErrorContaining(
        "@When must name a boolean method of the workflow class, but Checkout has no method 'isBgi'; did you mean 'isBig'?");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void overloadedCondition_isAmbiguous_andItsWiringIsNotMisplaced() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean isBig() { return true; }",
        "  boolean isBig(@Input String in) { return in.length() > 3; }",
        "  @Step(\"create\") @When(\"isBig\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:AmbiguousCondition]")
        .inFile(src).onLineContaining("@When(\"isBig\")");
    assertThat(c).hadErrorContaining("@When must name exactly one method; Checkout has 2 methods named 'isBig'. Rename all but one");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void conditionNotBoolean() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  String isBig() { return \"yes\"; }",
        "  @Step(\"create\") @When(\"isBig\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionNotBoolean]")
        .inFile(src).onLineContaining("String isBig()");
    assertThat(c).hadErrorContaining("@When conditions must return boolean; isBig() returns String");
    assertThat(messages(c, Diagnostic.Kind.ERROR).get(0)).doesNotContain("null");
    assertNoRunner(c, "Checkout");
  }

  /** Boolean is refused too, and the message says why: its null would decide nothing. */
  @Test
  void conditionReturningBoxedBoolean_saysWhy() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  Boolean isBig() { return true; }",
        "  @Step(\"create\") @When(\"isBig\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionNotBoolean]")
        .inFile(src).onLineContaining("Boolean isBig()");
    assertThat(c).hadErrorContaining("@When conditions must return boolean; isBig() returns Boolean. "
        + "A Boolean may be null, which would mean neither 'run' nor 'skip': return primitive boolean");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void conditionSharedByTwoSteps_isReportedOnce() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  void isBig() {}",
        "  @Step(\"create\") @When(\"isBig\") String create(@Input String in) { return in; }",
        "  @Step(\"ship\") @When(\"isBig\") void ship(@Input String in) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionNotBoolean]")
        .inFile(src).onLineContaining("void isBig()");
    assertThat(c).hadErrorContaining("isBig() returns void");
  }

  @Test
  void conditionIsAStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"check\") boolean check(@Input String in) { return true; }",
        "  @Step(\"create\") @When(\"check\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionIsStep]")
        .inFile(src).onLineContaining("@When(\"check\")");
    assertThat(c).hadErrorContaining(
        "@When conditions must be plain methods, not @Step or @Compensate methods; check(String) is a @Step");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void conditionIsACompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") void undo(String id) {}",
        "  @Step(\"ship\") @When(\"undo\") void ship(@From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionIsStep]")
        .inFile(src).onLineContaining("@When(\"undo\")");
    assertThat(c).hadErrorContaining("undo(String) is a @Compensate method");
  }

  @Test
  void privateCondition() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  private boolean isBig() { return true; }",
        "  @Step(\"create\") @When(\"isBig\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionPrivate]")
        .inFile(src).onLineContaining("private boolean isBig()");
    assertThat(c).hadErrorContaining(
        "@When conditions must not be private, because the generated runner calls them; make isBig() package-private or public");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void genericCondition() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  <T> boolean isBig() { return true; }",
        "  @Step(\"create\") @When(\"isBig\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ConditionGeneric]")
        .inFile(src).onLineContaining("<T> boolean isBig()");
    assertThat(c).hadErrorContaining("@When conditions must not declare type parameters; isBig() declares <T>");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void whenOnAPlainMethod() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean isBig() { return true; }",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @When(\"isBig\") void audit() {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WhenOutsideStep]")
        .inFile(src).onLineContaining("void audit()");
    assertThat(c).hadErrorContaining("@When is only allowed on @Step methods; audit() is not a step");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void whenOnACompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean isBig() { return true; }",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") @When(\"isBig\") void undo(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:WhenOutsideStep]")
        .inFile(src).onLineContaining("void undo(");
    assertThat(c).hadErrorContaining("@When is only allowed on @Step methods; undo(String) is not a step");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void whenOnAMethodOfAPlainClass() {
    JavaFileObject src = source("Helper",
        "class Helper {",
        "  boolean isBig() { return true; }",
        "  @When(\"isBig\") void audit() {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]")
        .inFile(src).onLineContaining("void audit()");
    assertThat(c).hadErrorContaining("@When methods must be declared in a @Workflow class; Helper is not one");
  }

  // ---- the wiring of condition parameters

  @Test
  void conditionParameter_fromALaterStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  boolean isBig(@From(\"label\") String label) { return true; }",
        "  @Step(\"ship\") @When(\"isBig\") void ship(@From(\"create\") String order) {}",
        "  @Step(\"label\") String label(@From(\"create\") String order) { return order; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"label\")");
    assertThat(c).hadErrorContaining("'label' is declared after 'ship'. Move 'label' above 'ship'");
  }

  @Test
  void conditionParameter_unwired_inAConditionSharedByTwoSteps_isReportedOnce() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  boolean isBig(String order) { return true; }",
        "  @Step(\"notify\") @When(\"isBig\") void notify(@From(\"create\") String order) {}",
        "  @Step(\"audit\") String audit(@From(\"create\") String order) { return order; }",
        "  @Step(\"archive\") @When(\"isBig\") void archive(@From(\"audit\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter]")
        .inFile(src).onLineContaining("boolean isBig(");
    assertThat(c).hadErrorContaining("Parameters of @When methods must be annotated @Input or @From(\"step\")");
    // what fits every step the condition serves: the earliest one's choices
    assertThat(c).hadErrorContaining("Values of a fitting type: @Input, @From(\"create\").");
  }

  @Test
  void conditionParameter_inputAndFrom() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  boolean isBig(@Input @From(\"create\") String order) { return true; }",
        "  @Step(\"ship\") @When(\"isBig\") void ship(@From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:InputAndFrom]")
        .inFile(src).onLineContaining("boolean isBig(");
    assertThat(c).hadErrorContaining("parameter 'order' is both");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void conditionParameter_inputOfAnotherType() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  boolean isBig(@Input CharSequence text) { return true; }",
        "  @Step(\"ship\") @When(\"isBig\") void ship(@From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:InputTypeMismatch]")
        .inFile(src).onLineContaining("CharSequence text");
    assertThat(c).hadErrorContaining("parameter 'text' is CharSequence, but parameter 'in' of create(String) is String");
  }

  @Test
  void misspeltCondition_doesNotAlsoReportTheWiringOfTheMethodMeant() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  boolean isLarge(@From(\"create\") String order, @Input String in) { return true; }",
        "  @Step(\"gift\") @When(\"isLage\") void gift(@From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownCondition]").inFile(src).onLineContaining("isLage");
    assertThat(c).hadErrorContaining("did you mean 'isLarge'?");
    assertNoRunner(c, "Checkout");
  }
}
