package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @Parallel}: where it may appear, and the shape of a group (named, consecutive, two or more, independent). */
class ParallelDiagnosticsTest {
  private static final List<String> LINT = List.of("-Xlint:all");

  @Test
  void parallelWorkflow_compilesCleanly() {
    // Two groups, one with a conditional member; a condition method between two members does not
    // split the group, since only steps count.
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") public class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@From(\"create\") String order) { return order; }",
        "  boolean isBig(@From(\"create\") String order) { return order.length() > 3; }",
        "  @Step(\"gift\") @Parallel(\"prepare\") @When(\"isBig\") Integer gift(@From(\"create\") String order) { return 1; }",
        "  @Compensate(\"gift\") void takeBack(Integer gifts) {}",
        "  @Step(\"label\") @Parallel(\"prepare\") String label(@Input String in) { return in; }",
        "  @Step(\"mail\") @Parallel(\"notify\") void mail(@From(\"reserve\") String reservation) {}",
        "  @Step(\"sms\") @Parallel(\"notify\") String sms(@From(\"gift\") Optional<Integer> gifts, @From(\"label\") String label) {",
        "    return label;",
        "  }",
        "  @Step(\"ship\") String ship(@From(\"sms\") String sms) { return sms; }",
        "}");
    Compilation c = compile(LINT, src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Checkout");
    String runner;
    try {
      runner = c.generatedSourceFile("test.CheckoutRunner").orElseThrow().getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(runner).contains("run.parallel(\"prepare\")");
    assertThat(runner).contains("run.parallel(\"notify\")");
  }

  @Test
  void emptyGroupName() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Step(\"reserve\") @Parallel(\"\") String reserve(@From(\"create\") String order) { return order; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // and no ParallelSingleStep for the unnamed group
    assertThat(c).hadErrorContaining("[stepwise:ParallelNameEmpty]")
        .inFile(src).onLineContaining("@Parallel(\"\")");
    assertThat(c).hadErrorContaining(
        "@Parallel names must not be empty; name the group, for example @Parallel(\"reserve-stock\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void emptyGroupName_nextToAMember_doesNotLeaveItsGroupWithOneStep() {
    // The unnamed step is most likely meant for the group next to it: naming it fixes both.
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"label\") @Parallel(\"\") String label(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // no ParallelSingleStep for 'prepare'
    assertThat(c).hadErrorContaining("[stepwise:ParallelNameEmpty]")
        .inFile(src).onLineContaining("@Parallel(\"\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void emptyGroupName_betweenMembers_doesNotSplitTheGroup() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"label\") @Parallel(\"\") String label(@Input String in) { return in; }",
        "  @Step(\"pack\") @Parallel(\"prepare\") String pack(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // no ParallelNotConsecutive for 'pack'
    assertThat(c).hadErrorContaining("[stepwise:ParallelNameEmpty]")
        .inFile(src).onLineContaining("@Parallel(\"\")");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void parallelOnAPlainMethodOfAWorkflow() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Parallel(\"prepare\") void audit() {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ParallelOutsideStep]")
        .inFile(src).onLineContaining("void audit()");
    assertThat(c).hadErrorContaining("@Parallel is only allowed on @Step methods; audit() is not a step");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void parallelOnACompensation() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"create\") String create(@Input String in) { return in; }",
        "  @Compensate(\"create\") @Parallel(\"prepare\") void undo(String id) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ParallelOutsideStep]")
        .inFile(src).onLineContaining("void undo(");
    assertThat(c).hadErrorContaining("@Parallel is only allowed on @Step methods; undo(String) is not a step");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void parallelOnAMethodOfAPlainClass() {
    // As for @When: the first thing missing is @Workflow on the class.
    JavaFileObject src = source("Helper",
        "class Helper {",
        "  @Parallel(\"prepare\") void audit() {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]")
        .inFile(src).onLineContaining("void audit()");
    assertThat(c).hadErrorContaining("@Parallel methods must be declared in a @Workflow class; Helper is not one");
  }

  @Test
  void parallelStepInAPlainClass_isOneError() {
    JavaFileObject src = source("Helper",
        "class Helper {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") void reserve(@Input String in) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOutsideWorkflow]")
        .inFile(src).onLineContaining("void reserve(");
    assertThat(c).hadErrorContaining("@Step methods must be declared in a @Workflow class; Helper is not one");
  }

  @Test
  void groupSplitByAnotherStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"charge\") String charge(@Input String in) { return in; }",
        "  @Step(\"label\") @Parallel(\"prepare\") String label(@Input String in) { return in; }",
        "  @Step(\"pack\") @Parallel(\"prepare\") String pack(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1); // on 'label' only: 'pack' follows 'label' directly
    assertThat(c).hadErrorContaining("[stepwise:ParallelNotConsecutive]")
        .inFile(src).onLineContaining("String label(");
    assertThat(c).hadErrorContaining("@Parallel groups must be declared as consecutive steps; step 'label' of group "
        + "'prepare' is separated from the group's earlier steps by step 'charge'. Declare the group's steps one after another");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void groupOfOneStep() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"charge\") String charge(@From(\"reserve\") String reservation) { return reservation; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ParallelSingleStep]")
        .inFile(src).onLineContaining("@Parallel(\"prepare\")");
    assertThat(c).hadErrorContaining("@Parallel groups need at least two steps to run at the same time; "
        + "group 'prepare' has only step 'reserve'. Add a step to it, or remove @Parallel");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void memberUsesTheOutputOfAnEarlierMember() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  @Step(\"label\") @Parallel(\"prepare\") String label(@From(\"reserve\") String reservation) { return reservation; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ParallelDependency]")
        .inFile(src).onLineContaining("@From(\"reserve\") String reservation");
    assertThat(c).hadErrorContaining("Steps of a @Parallel group run at the same time and cannot use each other's output; "
        + "step 'label' takes @From(\"reserve\") of its own group 'prepare'. Move one of them out of the group");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void memberConditionUsesTheOutputOfAnEarlierMember() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@Input String in) { return in; }",
        "  boolean isReserved(@From(\"reserve\") String reservation) { return !reservation.isEmpty(); }",
        "  @Step(\"label\") @Parallel(\"prepare\") @When(\"isReserved\") String label(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:ParallelDependency]")
        .inFile(src).onLineContaining("boolean isReserved(");
    assertThat(c).hadErrorContaining("step 'label' takes @From(\"reserve\") of its own group 'prepare'");
    assertNoRunner(c, "Checkout");
  }

  @Test
  void memberUsesALaterMember_isReportedOnceAsStepOrder() {
    JavaFileObject src = source("Checkout",
        "@Workflow(\"checkout\") class Checkout {",
        "  @Step(\"reserve\") @Parallel(\"prepare\") String reserve(@From(\"label\") String label) { return label; }",
        "  @Step(\"label\") @Parallel(\"prepare\") String label(@Input String in) { return in; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[stepwise:StepOrder]")
        .inFile(src).onLineContaining("@From(\"label\") String label");
    // no move of either compiles: they would still be in one group
    assertThat(c).hadErrorContaining("'label' is declared after 'reserve'. Both are in @Parallel group 'prepare', "
        + "whose steps run at the same time and cannot use each other's output: no order of the two compiles. "
        + "Move one of them out of the group, or use another step");
    assertNoRunner(c, "Checkout");
  }
}
