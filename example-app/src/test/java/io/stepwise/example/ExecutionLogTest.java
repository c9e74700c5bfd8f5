package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@link ExecutionLog} records of runs that end done, reverted and failed (on H2). */
class ExecutionLogTest {
  private final Database database = Database.open(TestDatabases.h2());
  private final ExecutionLog log = new ExecutionLog(database.dataSource());

  @AfterEach
  void close() {
    database.close();
  }

  private WorkflowExecution run(SupplierService service, CreateRestockOrderInput input, String transactionId) {
    WorkflowResult<RestockOrder> result = CreateRestockOrderWorkflowRunner.create(Container.of(service)).run(input,
        RunOptions.builder().transactionId(transactionId).throwOnError(false).listener(log).build());
    WorkflowExecution execution = log.find(transactionId).orElseThrow();
    assertEquals(result.status().name().toLowerCase(java.util.Locale.ROOT), execution.status());
    return execution;
  }

  private static CreateRestockOrderInput input() {
    return new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00")));
  }

  private static List<String> statuses(WorkflowExecution execution) {
    List<String> statuses = new ArrayList<>();
    for (WorkflowExecution.Step step : execution.steps()) {
      statuses.add(step.name() + ":" + step.status());
    }
    return statuses;
  }

  @Test
  void recordsADoneRun() {
    WorkflowExecution execution = run(new JdbcSupplierService(database.dataSource()), input(), "tx-done");
    assertEquals("create-restock-order", execution.workflowName());
    assertEquals(List.of("create-order:done", "create-items:done", "update-status:done"), statuses(execution));
    assertNotNull(execution.startedAt());
    assertNotNull(execution.finishedAt());
    assertEquals(Optional.empty(), log.find("tx-unknown"));
  }

  @Test
  void recordsFailedCompensationsWhenTheStoreGoesIntoMaintenance() {
    SupplierService[] store = new SupplierService[1];
    store[0] = new JdbcSupplierService(database.dataSource(), (supplier, order) -> {
      store[0].suspendWrites("database failover");
      return Optional.empty();
    });
    WorkflowExecution execution = run(store[0], input(), "tx-failed");

    assertEquals("failed", execution.status());
    assertEquals(List.of("create-order:compensation_failed", "create-items:compensation_failed", "update-status:failed"),
        statuses(execution));
    String unavailable = "the store accepts no writes at the moment: database failover";
    assertEquals(List.of(new WorkflowExecution.Error("compensate", unavailable)), execution.steps().get(0).errors());
    assertEquals(List.of(new WorkflowExecution.Error("invoke", unavailable)), execution.steps().get(2).errors());
  }

  @Test
  void recordsAnUnexpectedErrorAsAGenericMessage() {
    SupplierService service = new JdbcSupplierService(database.dataSource(), (supplier, order) -> {
      throw new IllegalStateException("java.sql.SQLException: SELECT * FROM secrets");
    });
    WorkflowExecution execution = run(service, input(), "tx-bug");

    assertEquals(WorkflowStatus.REVERTED.name().toLowerCase(java.util.Locale.ROOT), execution.status());
    assertEquals(List.of("create-order:reverted", "create-items:reverted", "update-status:failed"), statuses(execution));
    WorkflowExecution.Step failed = execution.steps().get(2);
    assertEquals(1, failed.attempts());
    assertEquals(List.of(new WorkflowExecution.Error("invoke", PublicErrors.UNEXPECTED)), failed.errors());
  }

  @Test
  void aRunRecordedAgainUnderItsTransactionIdReplacesTheRecord() {
    SupplierService service = new JdbcSupplierService(database.dataSource());
    run(service, new CreateRestockOrderInput("sup_9", List.of(ItemInput.of("prod_1", 1, "1.00"))), "tx-again");
    WorkflowExecution execution = run(service, input(), "tx-again");
    assertEquals("done", execution.status());
    assertEquals(3, execution.steps().size());
  }
}
