package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.internal.RunRegistry;
import io.stepwise.runtime.internal.StepSpec;
import io.stepwise.runtime.internal.WorkflowRun;
import io.stepwise.runtime.internal.WorkflowSpec;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.UnrecordableValueException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step whose output Jackson cannot read back fails (and the run compensates) with an error naming
 * the workflow, the step and the type, instead of stopping the run at every restart.
 */
class UnrecordableOutputTest {
  /** Jackson writes it (its getter) but cannot create it back: no default constructor, no creator. */
  public static final class Ticket {
    private final String code;

    public Ticket(String code, int ignored) {
      this.code = code;
    }

    public String getCode() {
      return code;
    }
  }

  static final StepSpec RESERVE = StepSpec.of("reserve", 0);
  static final StepSpec ISSUE = StepSpec.of("issue-ticket", 0);
  static final RunTypes TYPES = RunTypes.builder("tickets", String.class, Ticket.class)
      .step(0, String.class, String.class)
      .step(1, Ticket.class, Ticket.class)
      .build();
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "tickets", RESERVE, ISSUE).withTypes(TYPES, "fp");

  @TempDir
  Path dir;

  @Test
  void theStepFailsWithAnErrorThatNamesTheStepAndTheTypeAndTheRunIsCompensated() throws SQLException {
    List<String> events = new CopyOnWriteArrayList<>();
    try (Connection keepOpen = TestDatabases.h2(dir.resolve("t")).getConnection();
        WorkflowEngine engine = WorkflowEngine.builder().store(JdbcRunStore.create(TestDatabases.h2(dir.resolve("t"))))
            .build()) {
      RunRegistry runs = RunRegistry.of(engine, SPEC, (String in, RunOptions o) -> null);
      WorkflowRun run = WorkflowRun.start(SPEC, RunOptions.builder().transactionId("t-1").throwOnError(false).build(),
          Container.empty(), runs, "seat-1");
      WorkflowResult<Ticket> result;
      try {
        String seat = run.valueStep(RESERVE, ctx -> "seat-1", (s, ctx) -> events.add("release " + s));
        run.valueStep(ISSUE, ctx -> {
          events.add("issue");
          return new Ticket(seat, 0);
        }, null);
        result = run.done(null);
      } catch (WorkflowRun.Halt halt) {
        result = run.halted(halt);
      }

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(List.of("issue", "release seat-1"), events);
      StepError error = result.errors().get(0);
      assertEquals("issue-ticket", error.step());
      assertInstanceOf(UnrecordableValueException.class, error.cause());
      String message = error.cause().getMessage();
      assertTrue(message.contains("issue-ticket") && message.contains("tickets")
          && message.contains(Ticket.class.getTypeName()), message);
      assertEquals(RunStatus.REVERTED, engine.store().find("t-1").orElseThrow().status());
      keepOpen.getAutoCommit();
    }
  }
}
