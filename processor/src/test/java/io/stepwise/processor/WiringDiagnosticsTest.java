package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.messages;
import static io.stepwise.processor.DiagnosticTesting.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The data flow between steps: {@code @Input}, {@code @From}, unwired and misplaced parameters, and
 * the type rules of passing one step's output to another ({@code TypeMismatch}).
 */
class WiringDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  // ---- unwired, both, misplaced

  @Test
  void unwiredParameter_listsTheValuesThatFit() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter]")
        .inFile(src).onLineContaining("String order");
    assertThat(c).hadErrorContaining(
        "Parameters of @Step methods must be annotated @Input or @From(\"step\") (or be a StepContext); "
            + "parameter 'order' of type String is not. Values of a fitting type: @Input, @From(\"create\").");
    assertNoRunner(c, "Checkout");
  }

  /** The first step, where @Input is most often forgotten, is offered the input another step declares. */
  @Test
  void unwiredParameter_offersTheInputOfALaterStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"a\") String a(String in) { return in; }",
        "  @Step(\"b\") String b(@Input String in, @From(\"a\") String x) { return x; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter]")
        .inFile(src).onLineContaining("String a(String in)");
    assertThat(c).hadErrorContaining("parameter 'in' of type String is not. Values of a fitting type: @Input.");
  }

  /** The input declared on a later step's condition counts too; a type it does not fit gets no @Input. */
  @Test
  void unwiredParameter_offersTheInputOfALaterConditionOnlyWhereItFits() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"a\") String a(CharSequence text, int count) { return \"\"; }",
        "  boolean big(@Input String in) { return true; }",
        "  @Step(\"b\") @When(\"big\") void b(@From(\"a\") String x) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(2);
    assertThat(c).hadErrorContaining("parameter 'text' of type CharSequence is not. Values of a fitting type: @Input.")
        .inFile(src).onLineContaining("String a(CharSequence text");
    assertThat(c).hadErrorContaining("parameter 'count' of type int is not. "
            + "Annotate it @Input, or @From(\"step\") naming an earlier step whose output it accepts.")
        .inFile(src).onLineContaining("String a(CharSequence text");
  }

  /** Only steps it may use are offered: earlier ones, none of its own @Parallel group. */
  @Test
  void unwiredParameter_offersNoStepOfItsOwnParallelGroup() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"a\") String a(@Input String in) { return in; }",
        "  @Step(\"b\") @Parallel(\"g\") String b(@From(\"a\") String x) { return x; }",
        "  @Step(\"c\") @Parallel(\"g\") String c(String y) { return y; }",
        "  @Step(\"d\") String d(@From(\"c\") String z) { return z; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter]")
        .inFile(src).onLineContaining("String c(String y)");
    assertThat(c).hadErrorContaining("parameter 'y' of type String is not. Values of a fitting type: @Input, @From(\"a\").");
  }

  @Test
  void unwiredParameter_withNothingThatFits_explainsTheWiring() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(int parcels) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter]")
        .inFile(src).onLineContaining("int parcels");
    assertThat(c).hadErrorContaining("parameter 'parcels' of type int is not. "
        + "Annotate it @Input, or @From(\"step\") naming an earlier step whose output it accepts.");
  }

  @Test
  void inputAndFromOnOneParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@Input @From(\"create\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:InputAndFrom]")
        .inFile(src).onLineContaining("@Input @From(\"create\")");
    assertThat(c).hadErrorContaining("Parameters must not be both @Input and @From; parameter 'order' is both. Keep one");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void inputOnAPlainMethodOfAWorkflow() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  String normalize(@Input String raw) { return raw.trim(); }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:MisplacedWiring]")
        .inFile(src).onLineContaining("String normalize(");
    assertThat(c).hadErrorContaining("@Input is only allowed on parameters of @Step methods and of @When conditions; "
        + "parameter 'raw' of normalize(String) is neither");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void inputOnAPlainMethodOfAPlainClass() {
    JavaFileObject src = source("Helper",
        "class Helper {",
        "  String normalize(@Input String raw) { return raw.trim(); }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:MisplacedWiring]")
        .inFile(src).onLineContaining("String normalize(");
    assertThat(c).hadErrorContaining("parameter 'raw' of normalize(String) is neither");
  }

  @Test
  void fromOnAWorkflowConstructorParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  Checkout(@From(\"create\") String currency) {}",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:MisplacedWiring]")
        .inFile(src).onLineContaining("Checkout(@From");
    assertThat(c).hadErrorContaining("@From is only allowed on parameters of @Step methods and of @When conditions; "
        + "parameter 'currency' of Checkout(String) is neither");
  }

  @Test
  void inputsOfDifferentTypes() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@Input Integer quantity) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:InputTypeMismatch]")
        .inFile(src).onLineContaining("Integer quantity");
    assertThat(c).hadErrorContaining(
        "parameter 'quantity' is Integer, but parameter 'in' of create(String) is String. Give them the same type");
    assertNoRunner(c, "Checkout");
  }

  // ---- @From names

  @Test
  void unknownFromStep_pointsAtTheValueAndSuggests() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create-order\") String create(@Input String in) { return in; }",
        "  @Step(\"charge\") void charge(@From(\"crate-order\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownStep]")
        .inFile(src).onLineContaining("crate-order");
    assertThat(c).hadErrorContaining(
        "@From must name a step of the workflow, but 'checkout' has no step 'crate-order'; did you mean 'create-order'?");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void unknownFromStep_withNothingClose_hasNoSuggestion() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create-order\") String create(@Input String in) { return in; }",
        "  @Step(\"charge\") void charge(@From(\"shipping-label\") String label) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:UnknownStep]")
        .inFile(src).onLineContaining("shipping-label");
    assertThat(c).hadErrorContaining("'checkout' has no step 'shipping-label'");
    assertThat(messages(c, Diagnostic.Kind.ERROR).get(0)).doesNotContain("did you mean");
  }

  @Test
  void fromALaterStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"charge\") void charge(@From(\"create\") String order) {}",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"create\")");
    assertThat(c).hadErrorContaining("'create' is declared after 'charge'. Move 'create' above 'charge', or use another step");
    assertNoRunner(c, "Checkout");
  }

  /** Moving the used step up would put it before a step it uses: the user moves down instead. */
  @Test
  void fromALaterStep_thatCannotMoveUp_offersMovingTheUserDown() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create-order\") String create(@Input String in) { return in; }",
        "  @Step(\"charge-payment\") String charge(@From(\"award-points\") Integer points) { return \"p\"; }",
        "  @Step(\"reserve\") String reserve(@From(\"create-order\") String order) { return order; }",
        "  @Step(\"award-points\") int award(@From(\"reserve\") String reservation) { return 1; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"award-points\")");
    assertThat(c).hadErrorContaining("'award-points' is declared after 'charge-payment'. "
        + "Move 'charge-payment' below 'award-points', or use another step");
    // the move it offers compiles
    assertThat(compile(source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create-order\") String create(@Input String in) { return in; }",
        "  @Step(\"reserve\") String reserve(@From(\"create-order\") String order) { return order; }",
        "  @Step(\"award-points\") int award(@From(\"reserve\") String reservation) { return 1; }",
        "  @Step(\"charge-payment\") String charge(@From(\"award-points\") Integer points) { return \"p\"; }",
        "}"))).succeededWithoutWarnings();
  }

  /** Two steps that use each other's output: no order compiles, and no move is offered. */
  @Test
  void fromALaterStep_thatUsesTheUser_offersNoMove() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"charge-payment\") String charge(@Input String in, @From(\"award-points\") Integer points) { return in; }",
        "  @Step(\"award-points\") int award(@From(\"charge-payment\") String payment) { return 1; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"award-points\")");
    assertThat(c).hadErrorContaining("'award-points' is declared after 'charge-payment'. 'award-points' itself uses "
        + "the output of 'charge-payment', so neither can run first: no order of the steps compiles. "
        + "Take the value from another step");
    assertThat(messages(c, Diagnostic.Kind.ERROR).get(0)).doesNotContain("Move");
  }

  /** A cycle through a third step, here through a condition, is named with the steps it goes through. */
  @Test
  void fromALaterStep_inACycleThroughAnotherStep_namesTheCycle() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"charge\") String charge(@Input String in, @From(\"award\") Integer points) { return in; }",
        "  @Step(\"reserve\") String reserve(@From(\"charge\") String payment) { return payment; }",
        "  boolean reserved(@From(\"reserve\") String reservation) { return true; }",
        "  @Step(\"award\") @When(\"reserved\") Integer award() { return 1; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"award\")");
    assertThat(c).hadErrorContaining("'award' itself uses the output of 'charge' (through 'reserve'), so neither can "
        + "run first: no order of the steps compiles. Take the value from another step");
  }

  /** No cycle, but each simple move breaks another step: the message says why, and offers neither. */
  @Test
  void fromALaterStep_whereNeitherMoveCompiles_saysWhy() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"charge\") String charge(@Input String in, @From(\"award\") Integer points) { return in; }",
        "  @Step(\"rate\") int rate(@Input String in) { return 2; }",
        "  @Step(\"notify\") void notify(@From(\"charge\") String payment) {}",
        "  @Step(\"award\") Integer award(@From(\"rate\") Integer rate) { return rate; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"award\")");
    assertThat(c).hadErrorContaining("'award' is declared after 'charge'. Neither move compiles: "
        + "with 'award' above 'charge', 'award' would come before 'rate', whose output it uses; "
        + "with 'charge' below 'award', 'notify' would come before 'charge', whose output it uses. "
        + "Move more steps, or use another step");
  }

  /** A step of a @Parallel group moves around the group as a whole, never into it. */
  @Test
  void fromALaterStep_byAStepOfAParallelGroup_movesAboveTheGroup() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"label\") @Parallel(\"prepare\") String label(@From(\"rate\") Integer rate) { return \"l\"; }",
        "  @Step(\"rate\") Integer rate(@Input String in) { return 1; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"rate\")");
    assertThat(c).hadErrorContaining("'rate' is declared after 'label'. "
        + "Move 'rate' above @Parallel group 'prepare', or use another step");
    // the move it offers compiles
    assertThat(compile(source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"rate\") Integer rate(@Input String in) { return 1; }",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"label\") @Parallel(\"prepare\") String label(@From(\"rate\") Integer rate) { return \"l\"; }",
        "}"))).succeededWithoutWarnings();
  }

  @Test
  void fromItself() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"retry\") String retry(@From(\"retry\") String previous) { return previous; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:FromItself]")
        .inFile(src).onLineContaining("@From(\"retry\")");
    assertThat(c).hadErrorContaining("@From must name an earlier step; step 'retry' cannot use its own output");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void fromAVoidStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"notify\") void notify(@Input String in) {}",
        "  @Step(\"ship\") void ship(@From(\"notify\") String order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:FromVoidStep]")
        .inFile(src).onLineContaining("@From(\"notify\")");
    assertThat(c).hadErrorContaining("step 'notify' returns void. Return the value from 'notify', or remove @From");
    assertNoRunner(c, "Checkout");
  }

  // ---- type rules

  @Test
  void listOfObjectParameter_rejectsListOfStringOutput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"names\") List<String> names(@Input String in) { return List.of(in); }",
        "  @Step(\"count\") int count(@From(\"names\") List<Object> values) { return values.size(); }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("List<Object> values");
    assertThat(c).hadErrorContaining("@From parameters must accept the output of their step; "
        + "step 'names' produces List<String>, which parameter 'values' of type List<Object> cannot accept.");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void wildcardParameter_acceptsListOfStringOutput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"names\") List<String> names(@Input String in) { return List.of(in); }",
        "  @Step(\"count\") int count(@From(\"names\") List<? extends CharSequence> values) { return values.size(); }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  /** A parameter that takes the compensation input of a StepResponse step is told where that goes. */
  @Test
  void compensationInputTakenWithFrom_saysThatFromReceivesTheOutput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") StepResponse<Integer, String> create(@Input String in) { return new StepResponse<>(1, in); }",
        "  @Compensate(\"create\") void delete(String orderId) {}",
        "  @Step(\"confirm\") void confirm(@From(\"create\") String orderId) {}",
        "  @Step(\"label\") void label(@From(\"create\") CharSequence orderId) {}",
        "  @Step(\"ship\") void ship(@From(\"create\") Long parcels) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(3);
    assertThat(c).hadErrorContaining("step 'create' produces Integer, which parameter 'orderId' of type String cannot "
            + "accept. @From receives the step's output (Integer); its compensation input (String) goes only to its "
            + "@Compensate method.")
        .inFile(src).onLineContaining("confirm(@From");
    // a type that accepts the compensation input, without being it
    assertThat(c).hadErrorContaining("parameter 'orderId' of type CharSequence cannot accept. "
            + "@From receives the step's output (Integer); its compensation input (String) goes only to its "
            + "@Compensate method.")
        .inFile(src).onLineContaining("CharSequence orderId");
    // a type that accepts neither
    assertThat(c).hadErrorContaining("step 'create' produces Integer, which parameter 'parcels' of type Long cannot accept.")
        .inFile(src).onLineContaining("Long parcels");
    assertThat(messages(c, Diagnostic.Kind.ERROR).stream().filter(m -> m.contains("Long cannot accept")).findFirst().get())
        .doesNotContain("compensation input");
  }

  /** The same for a step that may be skipped, whose output is taken as an Optional. */
  @Test
  void compensationInputOfAConditionalStep_takenAsOptional_saysThatFromReceivesTheOutput() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  boolean big() { return true; }",
        "  @Step(\"create\") @When(\"big\") StepResponse<Integer, String> create(@Input String in) {",
        "    return new StepResponse<>(1, in); }",
        "  @Step(\"confirm\") void confirm(@From(\"create\") Optional<String> orderId) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]").inFile(src).onLineContaining("Optional<String> orderId");
    assertThat(c).hadErrorContaining("step 'create' produces Optional<Integer>, which parameter 'orderId' of type "
        + "Optional<String> cannot accept. @From receives the step's output (Integer); its compensation input (String) "
        + "goes only to its @Compensate method.");
  }

  @Test
  void rawListOutput_isRejectedByListOfStringParameter() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @SuppressWarnings(\"rawtypes\")",
        "  @Step(\"names\") List names(@Input String in) { return new ArrayList(); }",
        "  @Step(\"count\") int count(@From(\"names\") List<String> values) { return values.size(); }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("List<String> values");
    assertThat(c).hadErrorContaining("step 'names' produces List, which parameter 'values' of type List<String> cannot accept.");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void boxingAndWidening_areAccepted() {
    // int → Integer (boxing), Integer → int (unboxing), int → long and Integer → long (widening).
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"count\") int count(@Input String in) { return in.length(); }",
        "  @Step(\"boxed\") Integer boxed(@From(\"count\") Integer count) { return count; }",
        "  @Step(\"unboxed\") int unboxed(@From(\"boxed\") int value) { return value; }",
        "  @Step(\"widened\") long widened(@From(\"count\") long count, @From(\"boxed\") long boxed) { return count + boxed; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
  }

  @Test
  void narrowing_isRejected() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"total\") long total(@Input String in) { return in.length(); }",
        "  @Step(\"ship\") void ship(@From(\"total\") int parcels) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("int parcels");
    assertThat(c).hadErrorContaining("step 'total' produces long, which parameter 'parcels' of type int cannot accept.");
  }

  @Test
  void boxedIntoAnotherBox_isRejected() {
    // Java converts int to long, but never Integer to Long.
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"count\") int count(@Input String in) { return in.length(); }",
        "  @Step(\"ship\") void ship(@From(\"count\") Long parcels) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("Long parcels");
    assertThat(c).hadErrorContaining("step 'count' produces int, which parameter 'parcels' of type Long cannot accept.");
  }

  @Test
  void subclassOutput_isAcceptedBySuperclassParameter_notTheOtherWayRound() {
    JavaFileObject animals = JavaFileObjects.forSourceLines("test.Animal",
        "package test;",
        "public class Animal {}");
    JavaFileObject dogs = JavaFileObjects.forSourceLines("test.Dog",
        "package test;",
        "public class Dog extends Animal {}");
    JavaFileObject good = source("Adoption",
        "@Workflow(\"adoption\") public class Adoption {",
        "  @Step(\"find\") Dog find(@Input String name) { return new Dog(); }",
        "  @Step(\"pet\") void pet(@From(\"find\") Animal animal) {}",
        "}");
    Compilation ok = compile(LINT, good, animals, dogs);
    assertThat(ok).succeededWithoutWarnings();
    assertRunner(ok, "Adoption");

    JavaFileObject bad = source("Adoption",
        "@Workflow(\"adoption\") public class Adoption {",
        "  @Step(\"find\") Animal find(@Input String name) { return new Dog(); }",
        "  @Step(\"walk\") void walk(@From(\"find\") Dog dog) {}",
        "}");
    Compilation c = compile(bad, animals, dogs);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(bad).onLineContaining("Dog dog");
    assertThat(c).hadErrorContaining("step 'find' produces Animal, which parameter 'dog' of type Dog cannot accept.");
  }

  @Test
  void stepResponseOutput_isWhatFromReceives() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") StepResponse<Integer, String> create(@Input String in) { return new StepResponse<>(1, in); }",
        "  @Step(\"ship\") void ship(@From(\"create\") String orderId) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("String orderId");
    assertThat(c).hadErrorContaining("step 'create' produces Integer, which parameter 'orderId' of type String cannot accept.");
  }

  @Test
  void sameSimpleNameInTwoPackages_isShownQualified() {
    JavaFileObject shopOrder = JavaFileObjects.forSourceLines("shop.Order",
        "package shop;",
        "public class Order {}");
    JavaFileObject warehouseOrder = JavaFileObjects.forSourceLines("warehouse.Order",
        "package warehouse;",
        "public class Order {}");
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") shop.Order create(@Input String in) { return new shop.Order(); }",
        "  @Step(\"ship\") void ship(@From(\"create\") warehouse.Order order) {}",
        "}");
    Compilation c = compile(src, shopOrder, warehouseOrder);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("warehouse.Order order");
    assertThat(c).hadErrorContaining(
        "step 'create' produces shop.Order, which parameter 'order' of type warehouse.Order cannot accept.");
  }

  @Test
  void optionalParameter_fromAStepThatAlwaysRuns_isAMismatchWithAHint() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"ship\") void ship(@From(\"create\") Optional<String> order) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:TypeMismatch]")
        .inFile(src).onLineContaining("Optional<String> order");
    assertThat(c).hadErrorContaining("step 'create' produces String, which parameter 'order' of type Optional<String> cannot accept. "
        + "Step 'create' always produces an output, so declare the parameter as String.");
    assertNoRunner(c, "Checkout");
  }
}
