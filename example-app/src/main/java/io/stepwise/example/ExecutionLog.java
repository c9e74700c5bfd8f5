package io.stepwise.example;

import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.WorkflowEvent;
import io.stepwise.runtime.WorkflowListener;
import io.stepwise.runtime.WorkflowResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every workflow run in the database, as it happens, so that it can be looked up by its
 * transaction id later ({@link #find}): Medusa's workflow executions. It is a {@link WorkflowListener};
 * pass it to each run:
 *
 * <pre>{@code
 * runner.run(input, RunOptions.builder().listener(executionLog).build());
 * }</pre>
 *
 * <p>Statuses, lowercase as in Medusa. A run: {@code invoking}, {@code compensating}, then
 * {@code done}, {@code reverted} or {@code failed}. A step: {@code invoking}, then {@code done},
 * {@code failed} or {@code skipped}; a done step that is compensated becomes {@code reverted}, or
 * {@code compensation_failed} if its compensation failed for good.
 *
 * <p>Error messages are stored only as {@link PublicErrors#message(Throwable)} gives them: a business
 * error keeps its message, anything unexpected is stored as a generic message and logged here with
 * its stack trace. A run recorded again under the same transaction id replaces the earlier record.
 * Thread-safe; a write that fails is logged by the runtime and never changes the run.
 */
public final class ExecutionLog implements WorkflowListener {
  private static final Logger log = LoggerFactory.getLogger(ExecutionLog.class);
  /** Error messages are cut to this many characters (the columns hold 2000). */
  private static final int MAX_MESSAGE = 1000;

  private final DataSource dataSource;

  /** A log in the tables of {@code dataSource}, created by {@link Database}. */
  public ExecutionLog(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  // ------------------------------------------------------------------ recording (WorkflowListener)

  @Override
  public void onBegin(WorkflowEvent run) {
    inTransaction(c -> {
      Jdbc.update(c, "DELETE FROM workflow_execution_step WHERE transaction_id = ?", run.transactionId());
      Jdbc.update(c, "DELETE FROM workflow_execution WHERE transaction_id = ?", run.transactionId());
      Jdbc.update(c, "INSERT INTO workflow_execution (transaction_id, workflow_name, status, started_at) VALUES (?, ?, ?, ?)",
          run.transactionId(), run.workflowName(), "invoking", now());
      return null;
    });
  }

  @Override
  public void onStepBegin(StepContext step) {
    saveStep(step, "invoking", step.attempt(), null);
  }

  @Override
  public void onStepSuccess(StepContext step, Object output) {
    saveStep(step, "done", step.attempt(), null);
  }

  @Override
  public void onStepFailure(StepContext step, Throwable error) {
    if (!PublicErrors.isExpected(error)) {
      log.error("Workflow '{}' ({}) step '{}' failed unexpectedly",
          step.workflowName(), step.transactionId(), step.stepName(), error);
    }
    saveStep(step, "failed", step.attempt(), PublicErrors.message(error));
  }

  @Override
  public void onStepSkipped(StepContext step) {
    inTransaction(c -> {
      // a step skipped after it failed keeps its attempts and error; one skipped by @When never ran
      if (updateStep(c, step, "UPDATE workflow_execution_step SET status = ?", "skipped") == 0) {
        insertStep(c, step, "skipped", 0, null);
      }
      return null;
    });
  }

  @Override
  public void onCompensateBegin(WorkflowEvent run) {
    inTransaction(c -> Jdbc.update(c, "UPDATE workflow_execution SET status = ? WHERE transaction_id = ?",
        "compensating", run.transactionId()));
  }

  @Override
  public void onCompensateStepSuccess(StepContext step) {
    inTransaction(c -> updateStep(c, step, "UPDATE workflow_execution_step SET status = ?", "reverted"));
  }

  @Override
  public void onCompensateStepFailure(StepContext step, Throwable error) {
    // the runtime logs a failed compensation with its stack trace
    inTransaction(c -> updateStep(c, step, "UPDATE workflow_execution_step SET status = ?, compensation_error = ?",
        "compensation_failed", shorten(PublicErrors.message(error))));
  }

  @Override
  public void onFinish(WorkflowResult<?> result) {
    inTransaction(c -> Jdbc.update(c, "UPDATE workflow_execution SET status = ?, finished_at = ? WHERE transaction_id = ?",
        result.status().name().toLowerCase(Locale.ROOT), now(), result.transactionId()));
  }

  // ------------------------------------------------------------------ reading

  /** The record of the run with this transaction id, or empty if there is none. */
  public Optional<WorkflowExecution> find(String transactionId) {
    if (transactionId == null) {
      return Optional.empty();
    }
    return inTransaction(c -> {
      String workflowName;
      String status;
      OffsetDateTime startedAt;
      OffsetDateTime finishedAt;
      try (PreparedStatement select = Jdbc.prepare(c, "SELECT workflow_name, status, started_at, finished_at"
          + " FROM workflow_execution WHERE transaction_id = ?", transactionId);
          ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        workflowName = row.getString("workflow_name");
        status = row.getString("status");
        startedAt = row.getObject("started_at", OffsetDateTime.class);
        finishedAt = row.getObject("finished_at", OffsetDateTime.class);
      }
      List<WorkflowExecution.Step> steps = new ArrayList<>();
      try (PreparedStatement select = Jdbc.prepare(c, "SELECT step_name, status, attempts, error, compensation_error"
          + " FROM workflow_execution_step WHERE transaction_id = ? ORDER BY step_index", transactionId);
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          List<WorkflowExecution.Error> errors = new ArrayList<>();
          if (rows.getString("error") != null) {
            errors.add(new WorkflowExecution.Error("invoke", rows.getString("error")));
          }
          if (rows.getString("compensation_error") != null) {
            errors.add(new WorkflowExecution.Error("compensate", rows.getString("compensation_error")));
          }
          steps.add(new WorkflowExecution.Step(
              rows.getString("step_name"), rows.getString("status"), rows.getInt("attempts"), errors));
        }
      }
      return Optional.of(new WorkflowExecution(transactionId, workflowName, status, startedAt, finishedAt, steps));
    });
  }

  // ------------------------------------------------------------------ steps

  /** Sets a step's status, attempts and error, adding the step if it is new. */
  private void saveStep(StepContext step, String status, int attempts, String error) {
    String message = error == null ? null : shorten(error);
    inTransaction(c -> {
      if (updateStep(c, step, "UPDATE workflow_execution_step SET status = ?, attempts = ?, error = ?",
          status, attempts, message) == 0) {
        insertStep(c, step, status, attempts, message);
      }
      return null;
    });
  }

  /** Runs {@code update} (an UPDATE without WHERE) on the row of {@code step}. */
  private static int updateStep(Connection c, StepContext step, String update, Object... values) throws SQLException {
    Object[] parameters = new Object[values.length + 2];
    System.arraycopy(values, 0, parameters, 0, values.length);
    parameters[values.length] = step.transactionId();
    parameters[values.length + 1] = step.stepName();
    return Jdbc.update(c, update + " WHERE transaction_id = ? AND step_name = ?", parameters);
  }

  /** Adds the row of a step, after the steps of the run that began before it. */
  private static void insertStep(Connection c, StepContext step, String status, int attempts, String error)
      throws SQLException {
    Jdbc.update(c, "INSERT INTO workflow_execution_step (transaction_id, step_name, step_index, status, attempts, error)"
        + " SELECT ?, ?, COUNT(*) + 1, ?, ?, ? FROM workflow_execution_step WHERE transaction_id = ?",
        step.transactionId(), step.stepName(), status, attempts, error, step.transactionId());
  }

  private static String shorten(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 3) + "...";
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  private <T> T inTransaction(Jdbc.SqlWork<T> work) {
    return Jdbc.inTransaction(dataSource, work);
  }
}
