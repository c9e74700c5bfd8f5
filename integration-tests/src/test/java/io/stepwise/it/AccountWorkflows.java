package io.stepwise.it;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Parallel;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.When;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.StepResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.MDC;

/**
 * Workflows whose steps take a {@code java.sql.Connection}, on the table {@code account}: their work
 * commits in the transaction that records their checkpoint ({@link TransactionalStepsTest}).
 */
final class AccountWorkflows {
  static final String SCHEMA = "CREATE TABLE account (id BIGINT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(100) NOT NULL, "
      + "balance BIGINT DEFAULT 0 NOT NULL, vip BOOLEAN DEFAULT FALSE NOT NULL)";

  private AccountWorkflows() {}

  /**
   * Opens an account: creates its row (a StepResponse), deposits 100 (a plain value, retried once),
   * flags a VIP (void, conditional), then reads the balance beside a check that refuses some owners
   * (a parallel group). The compensation deletes the row through the DataSource it was built with.
   */
  @Workflow(value = "open-account", result = "deposit")
  public static class OpenAccount {
    private final DataSource dataSource;
    /** How many rows of the owner another connection saw while create-account's transaction was open. */
    final List<Long> rowsSeenElsewhere = new CopyOnWriteArrayList<>();
    /** Deposit attempts still to fail, after their update. */
    final AtomicInteger depositFailures = new AtomicInteger();
    /** The MDC that each call of create-account saw (its work runs on the run store's thread). */
    final List<Map<String, String>> createAccountMdc = new CopyOnWriteArrayList<>();

    public OpenAccount(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    @Step("create-account")
    StepResponse<Long, Long> createAccount(@Input String owner, Connection connection) throws SQLException {
      Map<String, String> mdc = MDC.getCopyOfContextMap();
      createAccountMdc.add(mdc == null ? Map.of() : mdc);
      long id = insert(connection, owner);
      rowsSeenElsewhere.add(count(dataSource, owner));
      return new StepResponse<>(id, id);
    }

    @Compensate("create-account")
    void closeAccount(Long id) throws SQLException {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement delete = connection.prepareStatement("DELETE FROM account WHERE id = ?")) {
        delete.setLong(1, id);
        delete.executeUpdate();
      }
    }

    @Step(value = "deposit", maxRetries = 1)
    long deposit(@From("create-account") Long id, Connection connection) throws SQLException {
      try (PreparedStatement update = connection.prepareStatement("UPDATE account SET balance = balance + 100 WHERE id = ?")) {
        update.setLong(1, id);
        update.executeUpdate();
      }
      if (depositFailures.getAndDecrement() > 0) {
        throw new SQLException("the deposit's transaction is rolled back");
      }
      return balance(connection, id);
    }

    boolean isVip(@Input String owner) {
      return owner.startsWith("vip-");
    }

    @Step("flag-vip")
    @When("isVip")
    void flagVip(@From("create-account") Long id, Connection connection) throws SQLException {
      try (PreparedStatement update = connection.prepareStatement("UPDATE account SET vip = TRUE WHERE id = ?")) {
        update.setLong(1, id);
        update.executeUpdate();
      }
    }

    @Step("audit")
    @Parallel("finish")
    String audit(@From("create-account") Long id, Connection connection) throws SQLException {
      return "balance " + balance(connection, id);
    }

    @Step("check")
    @Parallel("finish")
    void check(@Input String owner) {
      if (owner.startsWith("refused-")) {
        throw new PermanentStepFailureException(owner + " may not open an account");
      }
    }
  }

  /** An asynchronous workflow: the transactional step itself is synchronous, chained after an asynchronous one. */
  @Workflow(value = "open-account-async", result = "create-account")
  public static class OpenAccountAsync {
    @Step("normalize")
    CompletableFuture<String> normalize(@Input String owner) {
      return CompletableFuture.supplyAsync(() -> owner.trim());
    }

    @Step("create-account")
    long createAccount(@From("normalize") String owner, Connection connection) throws SQLException {
      return insert(connection, owner);
    }
  }

  /** Inserts a row, then skips itself for an owner named "skip-...": its row is rolled back. */
  @Workflow(value = "skipping-account", result = "create-account")
  public static class SkippingAccount {
    @Step(value = "create-account", skippable = true)
    StepResponse<Long, Long> createAccount(@Input String owner, Connection connection) throws SQLException {
      long id = insert(connection, owner);
      return owner.startsWith("skip-") ? StepResponse.skip("no account for " + owner) : new StepResponse<>(id, id);
    }
  }

  /** What {@link GiftAccount}'s compensation was called with, in order. */
  static final List<String> UNDONE = new CopyOnWriteArrayList<>();

  /**
   * Inserts a row, then fails for good for an owner named "fail-...", handing over the row's id as
   * partial work (skipOnPermanentFailure): the row is rolled back, so nothing is left to compensate.
   */
  @Workflow(value = "gift-account", result = "welcome")
  public static class GiftAccount {
    @Step(value = "create-account", skipOnPermanentFailure = true)
    StepResponse<Long, Long> createAccount(@Input String owner, Connection connection) throws SQLException {
      long id = insert(connection, owner);
      return owner.startsWith("fail-") ? StepResponse.permanentFailure("no gift for " + owner, id)
          : new StepResponse<>(id, id);
    }

    @Compensate("create-account")
    void deleteAccount(Long id) {
      UNDONE.add("create-account(" + id + ")");
    }

    @Step("welcome")
    String welcome(@Input String owner) {
      return "welcome " + owner;
    }
  }

  /** A value the store cannot record: Jackson fails on its getter. */
  public static final class Unwritable {
    public String getValue() {
      throw new IllegalStateException("not writable");
    }
  }

  /** Inserts a row, then answers with a value the store cannot record with the step's checkpoint. */
  @Workflow("unrecordable-account")
  public static class UnrecordableAccount {
    @Step("create-account")
    Unwritable createAccount(@Input String owner, Connection connection) throws SQLException {
      insert(connection, owner);
      return new Unwritable();
    }
  }

  /** How often {@link TolerantUnrecordable}'s first step was called. */
  static final AtomicInteger DESCRIBED = new AtomicInteger();

  /** A step that answers with a value the store cannot record, and tolerates its failure (skipOnPermanentFailure). */
  @Workflow(value = "tolerant-unrecordable", result = "welcome")
  public static class TolerantUnrecordable {
    @Step(value = "describe", skipOnPermanentFailure = true)
    Unwritable describe(@Input String owner) {
      DESCRIBED.incrementAndGet();
      return new Unwritable();
    }

    @Step("welcome")
    String welcome(@Input String owner) {
      return "welcome " + owner;
    }
  }

  /** Inserts an account of {@code owner}; returns its id. */
  static long insert(Connection connection, String owner) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO account (owner) VALUES (?)",
        Statement.RETURN_GENERATED_KEYS)) {
      insert.setString(1, owner);
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  static long count(DataSource dataSource, String owner) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM account WHERE owner = ?")) {
      select.setString(1, owner);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long balance(Connection connection, long id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT balance FROM account WHERE id = ?")) {
      select.setLong(1, id);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
