package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.stepwise.processor.DiagnosticTesting.assertNoRunner;
import static io.stepwise.processor.DiagnosticTesting.assertRunner;
import static io.stepwise.processor.DiagnosticTesting.compile;
import static io.stepwise.processor.DiagnosticTesting.generated;
import static io.stepwise.processor.DiagnosticTesting.source;
import static io.stepwise.processor.DiagnosticTesting.stepwiseMessages;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Steps that take a {@code java.sql.Connection}: one such parameter, no annotation, on a
 * synchronous {@code @Step} (in a synchronous or an asynchronous workflow), whose work then commits
 * in the transaction that records its checkpoint. Anywhere else the connection is an error that
 * says why and what to do instead.
 */
class ConnectionDiagnosticsTest {
  private static final String IMPORT = "import java.sql.*; import javax.sql.DataSource; import java.util.concurrent.*;";

  // ---- valid

  @Test
  void connectionStepsOfEveryShape_compileCleanIntoTransactionalSteps() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"create\") StepResponse<Long, String> create(@Input String in, Connection connection) {",
        "    return new StepResponse<>(1L, in);",
        "  }",
        "  @Compensate(\"create\") void delete(String in, StepContext ctx) {}",
        "  @Step(\"count\") int count(Connection db, StepContext ctx, @From(\"create\") Long id) { return 1; }",
        "  @Step(\"touch\") @When(\"wanted\") void touch(@From(\"create\") Long id, Connection connection) throws SQLException {}",
        "  @Compensate(\"touch\") void untouch() {}",
        "  boolean wanted(@From(\"count\") int count) { return count > 0; }",
        "  @Step(value = \"note\", continueOnPermanentFailure = true)",
        "  StepResponse<String, String> note(Connection connection) { return StepResponse.permanentFailure(\"no\"); }",
        "  @Step(\"last\") void last(@From(\"note\") Optional<String> note) {}",
        "}");
    Compilation c = compile(List.of("-Xlint:all"), src);
    assertThat(c).succeededWithoutWarnings();
    assertRunner(c, "Orders");
    String runner = generated(c, "test.OrdersRunner");
    assertThat(runner).contains("run.<Long, String>transactionalStep(CREATE,");
    assertThat(runner).contains("(ctx, connection) -> workflow.create(input, connection),");
    assertThat(runner).contains("(ctx, connection) -> new StepResponse<>(workflow.count(connection, ctx, create)),");
    assertThat(runner).contains("run.<Void, Void>transactionalStep(TOUCH,");
    assertThat(runner).contains("return new StepResponse<>(null, null);");
    assertThat(runner).contains("(compensationInput, ctx) -> workflow.untouch());");
    assertThat(runner).contains("Optional<String> note = run.<String, String>transactionalStep(NOTE,\n"
        + "            Condition.ALWAYS,\n"
        + "            (ctx, connection) -> workflow.note(connection),");
  }

  /** In an asynchronous workflow the transactional step itself is synchronous; the chain goes on after it. */
  @Test
  void connectionStepInAnAsynchronousWorkflow_isChainedLikeAnyStep() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"reserve\") CompletableFuture<String> reserve(@Input String in) {",
        "    return CompletableFuture.completedFuture(in);",
        "  }",
        "  @Step(\"create\") long create(@From(\"reserve\") String r, Connection connection) { return 1L; }",
        "  @Step(\"confirm\") @Parallel(\"end\") void confirm(@From(\"create\") long id, Connection connection) {}",
        "  @Step(\"notify\") @Parallel(\"end\") CompletionStage<Void> notifyCustomer(@From(\"create\") long id) {",
        "    return CompletableFuture.completedFuture(null);",
        "  }",
        "}");
    Compilation c = compile(List.of("-Xlint:all"), src);
    assertThat(c).succeededWithoutWarnings();
    String runner = generated(c, "test.OrdersRunner");
    assertThat(runner).contains("run.<Long, Long>transactionalStep(CREATE,");
    assertThat(runner).contains("endGroup.<Void, Void>transactionalStep(CONFIRM,");
    assertThat(runner).contains("AsyncRun.Group endGroup");
  }

  // ---- errors

  @Test
  void twoConnections() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"create\") long create(@Input String in, Connection connection,",
        "      Connection other) {",
        "    return 1L;",
        "  }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[stepwise:TwoConnections] @Step methods take at most one java.sql.Connection, "
            + "the connection of the transaction their work commits in; create(String, Connection, Connection) takes "
            + "'connection' and 'other'. Remove 'other', and use 'connection' for all the step's statements")
        .inFile(src).onLineContaining("Connection other");
    assertThat(stepwiseMessages(c)).hasSize(1);
    assertNoRunner(c, "Orders");
  }

  @Test
  void asyncTransactionalStep() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "class Reservation {}",
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"reserve\") CompletableFuture<Reservation> reserve(@Input String in,",
        "      Connection connection) {",
        "    return null;",
        "  }",
        "  @Step(\"touch\") CompletionStage<Void> touch(Connection db) { return null; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[stepwise:AsyncTransactionalStep] @Step methods that take a java.sql.Connection "
            + "must return synchronously, because their work commits in the transaction that records the step's "
            + "checkpoint, which a CompletionStage cannot join; reserve(String, Connection) returns "
            + "CompletableFuture<Reservation>. Do the database work in the method and return Reservation, or remove "
            + "parameter 'connection' and open a connection of your own from a javax.sql.DataSource")
        .inFile(src).onLineContaining("Connection connection");
    assertThat(c).hadErrorContaining("[stepwise:AsyncTransactionalStep]")
        .inFile(src).onLineContaining("touch(Connection db)");
    assertThat(c).hadErrorContaining("touch(Connection) returns CompletionStage<Void>. Do the database work in the "
        + "method and return void, or remove parameter 'db'");
    assertThat(stepwiseMessages(c)).hasSize(2);
    assertNoRunner(c, "Orders");
  }

  @Test
  void connectionInCompensation() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"create\") long create(@Input String in, Connection connection) { return 1L; }",
        "  @Compensate(\"create\") void delete(Long id, Connection connection) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[stepwise:ConnectionNotAllowed] @Compensate methods cannot take a "
            + "java.sql.Connection, because a compensation runs after its step's work was committed, in no "
            + "checkpoint's transaction; parameter 'connection' of delete(Long, Connection) is one. Take a "
            + "javax.sql.DataSource (through the workflow's constructor, or from ctx.container()) and open a "
            + "connection in the method")
        .inFile(src).onLineContaining("void delete(");
    assertThat(stepwiseMessages(c)).hasSize(1);
    assertNoRunner(c, "Orders");
  }

  @Test
  void connectionInCondition() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"create\") long create(@Input String in) { return 1L; }",
        "  @Step(\"touch\") @When(\"wanted\") void touch(@From(\"create\") long id) {}",
        "  @Step(\"poke\") @When(\"wanted\") void poke(@From(\"create\") long id) {}",
        "  boolean wanted(@From(\"create\") long id, Connection connection) { return true; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[stepwise:ConnectionNotAllowed] @When conditions cannot take a "
            + "java.sql.Connection, because they only decide, from the input and the outputs of earlier steps, in no "
            + "transaction; parameter 'connection' of wanted(long, Connection) is one. Read what the condition needs "
            + "in an earlier @Step, and take that step's output with @From")
        .inFile(src).onLineContaining("boolean wanted(");
    assertThat(stepwiseMessages(c)).hasSize(1); // once, though two steps share the condition
    assertNoRunner(c, "Orders");
  }

  @Test
  void connectionInHook() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"create\") long create(@Input String in) { return 1L; }",
        "  @Hook(\"created\") String created(@From(\"create\") long id, Connection connection) { return \"\"; }",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[stepwise:ConnectionNotAllowed] @Hook methods cannot take a java.sql.Connection, "
            + "because they only build the hook's input, which the registered handler receives outside any step's "
            + "transaction; parameter 'connection' of created(long, Connection) is one. Do the database work in a "
            + "@Step before the hook, or in the handler")
        .inFile(src).onLineContaining("@Hook(\"created\")");
    assertThat(stepwiseMessages(c)).hasSize(1);
    assertNoRunner(c, "Orders");
  }

  @Test
  void connectionInChildWorkflowStep() {
    JavaFileObject child = source("Ship",
        "@Workflow(\"ship\") public class Ship {",
        "  @Step(\"book\") String book(@Input Long order) { return \"booked\"; }",
        "}");
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"create\") long create(@Input String in) { return 1L; }",
        "  @Step(\"ship\") @ChildWorkflow(Ship.class)",
        "  Long ship(@From(\"create\") long id, Connection connection) { return id; }",
        "}");
    Compilation c = compile(src, child);
    assertThat(c).hadErrorContaining("[stepwise:ConnectionNotAllowed] @ChildWorkflow steps cannot take a "
            + "java.sql.Connection, because they only build the child workflow's input, and the child's steps commit "
            + "in transactions of their own; parameter 'connection' of ship(long, Connection) is one. Do the database "
            + "work in a @Step of the child workflow, or in a @Step of its own before this one")
        .inFile(src).onLineContaining("Long ship(");
    assertThat(stepwiseMessages(c)).hasSize(1);
    assertNoRunner(c, "Orders");
  }

  /** A DataSource or a statement where a Connection would do: the unwired parameter's message says to take one. */
  @Test
  void dataSourceOrStatementParameter_isUnwiredWithAHintToTakeAConnection() {
    JavaFileObject src = source("Orders",
        IMPORT,
        "@Workflow(\"orders\") class Orders {",
        "  @Step(\"create\") long create(@Input String in, DataSource db) { return 1L; }",
        "  @Step(\"touch\") void touch(@From(\"create\") long id, PreparedStatement update) {}",
        "}");
    Compilation c = compile(src);
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter] Parameters of @Step methods must be annotated @Input "
            + "or @From(\"step\") (or be a StepContext); parameter 'db' of type DataSource is not. A step that works on "
            + "the database takes a java.sql.Connection instead: its work then commits in the transaction that records "
            + "its checkpoint. A DataSource of its own comes through the workflow's constructor.")
        .inFile(src).onLineContaining("DataSource db");
    assertThat(c).hadErrorContaining("[stepwise:UnwiredParameter] Parameters of @Step methods must be annotated @Input "
            + "or @From(\"step\") (or be a StepContext); parameter 'update' of type PreparedStatement is not. Take a "
            + "java.sql.Connection instead, and create the statement in the method: its work then commits in the "
            + "transaction that records the step's checkpoint.")
        .inFile(src).onLineContaining("PreparedStatement update");
    assertThat(stepwiseMessages(c)).hasSize(2);
    assertNoRunner(c, "Orders");
  }
}
