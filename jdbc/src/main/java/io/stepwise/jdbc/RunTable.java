package io.stepwise.jdbc;

import io.stepwise.jdbc.JsonCodec.What;
import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunEnd;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import io.stepwise.runtime.store.StoredError;
import io.stepwise.runtime.store.StoredRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the store's two tables: statements, binding encoded values, and reading rows back. The
 * same SQL on H2 and PostgreSQL. Stateless after construction; thread-safe.
 */
final class RunTable {
  private static final String HEADER = "transaction_id, workflow_name, fingerprint, parent_transaction_id, status, "
      + "deadline, created_at, updated_at, ended_at";
  /** The most checkpoint rows one INSERT carries (a power of two: see {@link #insertCheckpoints(int)}). */
  static final int MAX_ROWS_PER_INSERT = 64;
  private static final int CHECKPOINT_PARAMETERS = 12;
  /** The parameters of a row of {@link #insertGuardedCheckpoints(int)}: a checkpoint's and two of its guard. */
  static final int GUARDED_CHECKPOINT_PARAMETERS = CHECKPOINT_PARAMETERS + 2;
  /** The parameters of {@link #insertRun} and of {@link #updateRun}. */
  static final int INSERT_RUN_PARAMETERS = 11;
  static final int UPDATE_RUN_PARAMETERS = 10;
  /**
   * The check that a run addressed by its transaction id is of the expected workflow, written as an
   * expression no index serves. As {@code workflow_name = ?}, it let PostgreSQL's planner choose the
   * index on {@code (workflow_name, status, created_at)} over the primary key while a table's
   * statistics were those of an empty one (a new store), and each statement then read every run of
   * the workflow: an append cost 0.5 ms after 3,000 runs instead of 0.1, growing with the table.
   */
  private static final String SAME_WORKFLOW = "workflow_name || '' = ?";
  private static final String UNFINISHED = "('" + RunStatus.RUNNING + "', '" + RunStatus.COMPENSATING + "')";

  final Schema schema;
  /** Inserts a header unless one with the transaction id exists: 0 rows means a duplicate. */
  final String insertRun;
  /** Updates an unfinished run's header for an append: 0 rows means no such unfinished run of the workflow. */
  final String updateRun;
  /**
   * Reopens a DONE run for a revert (a compare-and-set on its status): 0 rows means it is missing,
   * of another workflow, or not DONE.
   */
  final String revertRun;
  /**
   * Reopens a WAITING run for the application's decision (a compare-and-set on its status): 0 rows
   * means it is missing, of another workflow, or not WAITING.
   */
  final String endWaitRun;
  /**
   * The INSERT of a checkpoint's row, of {@code 2^k} rows at index {@code k} ({@link #MAX_ROWS_PER_INSERT} at
   * most): a batch's checkpoints go in as few statements as its size in binary has ones, whose texts
   * repeat, so that the driver's cache of prepared statements keeps them.
   */
  private final String[] insertCheckpoints;
  /** {@code INSERT INTO <checkpoints> (<columns>) VALUES }, which each checkpoint INSERT begins with. */
  private final String insertCheckpointsInto;
  private final String guardedCheckpointRow;
  final String selectRun;
  final String selectHeader;
  final String selectCheckpoints;
  private final String selectUnfinished;

  RunTable(Schema schema) {
    this.schema = schema;
    String runs = schema.runs;
    this.insertRun = "INSERT INTO " + runs + " (transaction_id, workflow_name, fingerprint, parent_transaction_id, "
        + "status, input_json, deadline, created_at, updated_at, lease_owner, lease_until) "
        + "SELECT ?, ?, ?, ?, '" + RunStatus.RUNNING + "', ?, ?, ?, ?, ?, ? "
        + "WHERE NOT EXISTS (SELECT 1 FROM " + runs + " WHERE transaction_id = ?)";
    this.updateRun = "UPDATE " + runs + " SET status = COALESCE(?, status), result_json = COALESCE(?, result_json), "
        + "errors_json = COALESCE(?, errors_json), ended_at = COALESCE(?, ended_at), updated_at = ?, "
        + "lease_owner = ?, lease_until = ? "
        + "WHERE transaction_id = ? AND " + SAME_WORKFLOW + " AND (status IN " + UNFINISHED + " OR ? = 1)";
    this.revertRun = "UPDATE " + runs + " SET status = '" + RunStatus.COMPENSATING + "', result_json = NULL, "
        + "errors_json = NULL, ended_at = NULL, updated_at = ?, lease_owner = ?, lease_until = ? "
        + "WHERE transaction_id = ? AND " + SAME_WORKFLOW + " AND status = '" + RunStatus.DONE + "'";
    this.endWaitRun = "UPDATE " + runs + " SET status = '" + RunStatus.RUNNING + "', updated_at = ?, lease_owner = ?, "
        + "lease_until = ? WHERE transaction_id = ? AND " + SAME_WORKFLOW + " AND status = '" + RunStatus.WAITING + "'";
    this.insertCheckpointsInto = "INSERT INTO " + schema.checkpoints + " (transaction_id, seq, step_position, "
        + "step_name, kind, attempts, output_json, compensation_input_json, error_type, error_message, started_at, "
        + "ended_at) VALUES ";
    String row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.insertCheckpoints = new String[Integer.numberOfTrailingZeros(MAX_ROWS_PER_INSERT) + 1];
    for (int k = 0; k < insertCheckpoints.length; k++) {
      insertCheckpoints[k] = insertCheckpointsInto + String.join(", ", Collections.nCopies(1 << k, row));
    }
    this.guardedCheckpointRow = "((SELECT transaction_id FROM " + runs + " WHERE transaction_id = ? AND " + SAME_WORKFLOW
        + " AND (status IN " + UNFINISHED + " OR ? = 1)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.selectRun = "SELECT " + HEADER + ", input_json, result_json, errors_json FROM " + runs
        + " WHERE transaction_id = ?";
    this.selectHeader = "SELECT " + HEADER + " FROM " + runs + " WHERE transaction_id = ?";
    this.selectCheckpoints = "SELECT seq, step_position, step_name, kind, attempts, output_json, "
        + "compensation_input_json, error_type, error_message, started_at, ended_at FROM " + schema.checkpoints
        + " WHERE transaction_id = ? ORDER BY seq";
    this.selectUnfinished = "SELECT transaction_id FROM " + runs + " WHERE workflow_name = ? AND status IN "
        + UNFINISHED + " AND parent_transaction_id IS NULL ORDER BY created_at, transaction_id";
  }

  // ---- encoding, on the caller's thread

  /** A checkpoint with its values as JSON: null where it has none. */
  record EncodedCheckpoint(Checkpoint checkpoint, String outputJson, String compensationInputJson) {}

  /** An update with its values as JSON. */
  record EncodedUpdate(RunUpdate update, List<EncodedCheckpoint> checkpoints, String resultJson, String errorsJson) {}

  static EncodedUpdate encode(JsonCodec codec, RunTypes types, String transactionId, RunUpdate update) {
    String workflow = types.workflowName();
    List<EncodedCheckpoint> checkpoints = new ArrayList<>(update.checkpoints().size());
    for (Checkpoint c : update.checkpoints()) {
      String output = null;
      String compensationInput = null;
      if (c.kind().hasOutput()) {
        output = codec.write(c.output(), types.output(c.position(), c.stepName()),
            new What("the output", c.stepName(), c.position(), workflow, transactionId));
      }
      if (c.hasCompensationInput()) {
        compensationInput = codec.write(c.compensationInput(), types.compensationInput(c.position(), c.stepName()),
            new What("the compensation input", c.stepName(), c.position(), workflow, transactionId));
      }
      checkpoints.add(new EncodedCheckpoint(c, output, compensationInput));
    }
    String result = null;
    String errors = null;
    if (update.end().isPresent()) {
      RunEnd end = update.end().get();
      result = codec.write(end.result(), types.result(), What.ofRun("the result", workflow, transactionId));
      errors = JsonCodec.writeErrors(end.errors());
    }
    return new EncodedUpdate(update, checkpoints, result, errors);
  }

  // ---- writing, on the writer's thread

  /** Binds {@link #insertRun} whose first parameter is at {@code at + 1}. */
  void bindInsertRun(PreparedStatement ps, int at, String workflow, NewRun run, String inputJson, Instant now,
      String owner, Instant leaseUntil) throws SQLException {
    ps.setString(at + 1, run.transactionId());
    ps.setString(at + 2, workflow);
    ps.setString(at + 3, run.fingerprint());
    ps.setString(at + 4, run.parentTransactionId().orElse(null));
    ps.setString(at + 5, inputJson);
    setTime(ps, at + 6, run.deadline().orElse(null));
    setTime(ps, at + 7, run.created());
    setTime(ps, at + 8, now);
    ps.setString(at + 9, owner);
    setTime(ps, at + 10, leaseUntil);
    ps.setString(at + 11, run.transactionId());
  }

  /** Binds {@link #updateRun} whose first parameter is at {@code at + 1}. */
  void bindUpdateRun(PreparedStatement ps, int at, String workflow, String transactionId, EncodedUpdate update,
      Instant now, String owner, Instant leaseUntil) throws SQLException {
    Optional<RunEnd> end = update.update().end();
    ps.setString(at + 1, update.update().newStatus().map(RunStatus::name).orElse(null));
    ps.setString(at + 2, update.resultJson());
    ps.setString(at + 3, update.errorsJson());
    setTime(ps, at + 4, end.map(RunEnd::ended).orElse(null));
    setTime(ps, at + 5, now);
    ps.setString(at + 6, end.isPresent() ? null : owner);
    setTime(ps, at + 7, end.isPresent() ? null : leaseUntil);
    ps.setString(at + 8, transactionId);
    ps.setString(at + 9, workflow);
    ps.setInt(at + 10, update.update().isCompensationsOnly() ? 1 : 0); // compensations go to an ended run too
  }

  /** Binds {@link #revertRun} or {@link #endWaitRun}, which take the same parameters. */
  void bindReopenRun(PreparedStatement ps, String workflow, String transactionId, Instant now, String owner,
      Instant leaseUntil) throws SQLException {
    setTime(ps, 1, now);
    ps.setString(2, owner);
    setTime(ps, 3, leaseUntil);
    ps.setString(4, transactionId);
    ps.setString(5, workflow);
  }

  /**
   * The INSERT of {@code rows} checkpoint rows, with {@code rows} a power of two up to {@link
   * #MAX_ROWS_PER_INSERT}; bind row {@code i} with {@link #bindCheckpointRow}.
   */
  String insertCheckpoints(int rows) {
    if (rows > MAX_ROWS_PER_INSERT || Integer.bitCount(rows) != 1) {
      throw new IllegalArgumentException("not a power of two up to " + MAX_ROWS_PER_INSERT + ": " + rows);
    }
    return insertCheckpoints[Integer.numberOfTrailingZeros(rows)];
  }

  /** Binds the checkpoint of row {@code row} (from 0) of an {@link #insertCheckpoints(int)} statement. */
  void bindCheckpointRow(PreparedStatement ps, int row, String transactionId, EncodedCheckpoint encoded)
      throws SQLException {
    int at = row * CHECKPOINT_PARAMETERS;
    ps.setString(at + 1, transactionId);
    bindCheckpointValues(ps, at + 1, encoded);
  }

  /**
   * The INSERT of {@code rows} checkpoints of one append that fails unless the append may be written:
   * each row takes its transaction id from the run's row, selected only if the run is of the
   * workflow and unfinished (or the append holds compensations only, which go to an ended run too),
   * so that for any other run the row's transaction id is null, which its column refuses. For {@link
   * BatchWrite#inOneTrip}, which cannot look at a row count before its statements commit.
   */
  String insertGuardedCheckpoints(int rows) {
    return insertCheckpointsInto + String.join(", ", Collections.nCopies(rows, guardedCheckpointRow));
  }

  /**
   * Binds the checkpoint of an {@link #insertGuardedCheckpoints(int)} row whose first parameter is at
   * {@code at + 1}; {@value #GUARDED_CHECKPOINT_PARAMETERS} parameters.
   */
  void bindGuardedCheckpointRow(PreparedStatement ps, int at, String workflow, String transactionId,
      boolean compensationsOnly, EncodedCheckpoint encoded) throws SQLException {
    ps.setString(at + 1, transactionId);
    ps.setString(at + 2, workflow);
    ps.setInt(at + 3, compensationsOnly ? 1 : 0);
    bindCheckpointValues(ps, at + 3, encoded);
  }

  /** Binds a checkpoint's columns after its transaction id, the first at {@code at + 1}. */
  private static void bindCheckpointValues(PreparedStatement ps, int at, EncodedCheckpoint encoded)
      throws SQLException {
    Checkpoint c = encoded.checkpoint();
    ps.setInt(at + 1, c.sequence());
    ps.setInt(at + 2, c.position());
    ps.setString(at + 3, c.stepName());
    ps.setString(at + 4, c.kind().name());
    ps.setInt(at + 5, c.attempts());
    ps.setString(at + 6, encoded.outputJson());
    ps.setString(at + 7, encoded.compensationInputJson());
    ps.setString(at + 8, c.error().map(StoredError::type).orElse(null));
    ps.setString(at + 9, c.error().map(StoredError::message).orElse(null));
    setTime(ps, at + 10, c.started());
    setTime(ps, at + 11, c.ended());
  }

  /**
   * Why an append to {@code transactionId} updated no header: the run is missing, has ended, or
   * belongs to another workflow. Reads in the caller's transaction.
   */
  RunStoreException whyNotUpdated(Connection connection, String workflow, String transactionId) throws SQLException {
    Optional<RunHeader> header = header(connection, transactionId);
    if (header.isEmpty()) {
      return RunStoreException.noSuchRun(workflow, transactionId);
    }
    if (!header.get().workflowName().equals(workflow)) {
      return RunStoreException.otherWorkflow(transactionId, workflow, header.get().workflowName());
    }
    if (header.get().status() == RunStatus.WAITING) {
      return RunStoreException.runWaits(workflow, transactionId);
    }
    return RunStoreException.runEnded(workflow, transactionId, header.get().status());
  }

  // ---- reading

  /** A run's row and checkpoint rows, values still JSON. */
  record RawRun(RunHeader header, String inputJson, String resultJson, String errorsJson,
      List<RawCheckpoint> checkpoints) {}

  /** A checkpoint row. */
  record RawCheckpoint(Checkpoint.Builder builder, String outputJson, String compensationInputJson) {}

  Optional<RawRun> read(Connection connection, String transactionId) throws SQLException {
    RunHeader header;
    String input;
    String result;
    String errors;
    try (PreparedStatement ps = connection.prepareStatement(selectRun)) {
      ps.setString(1, transactionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        header = header(rs);
        input = rs.getString("input_json");
        result = rs.getString("result_json");
        errors = rs.getString("errors_json");
      }
    }
    List<RawCheckpoint> checkpoints = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(selectCheckpoints)) {
      ps.setString(1, transactionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Checkpoint.Builder b = Checkpoint.builder(rs.getInt("seq"), CheckpointKind.valueOf(rs.getString("kind")),
                  rs.getInt("step_position"), rs.getString("step_name"))
              .attempts(rs.getInt("attempts"))
              .started(time(rs, "started_at"))
              .ended(time(rs, "ended_at"));
          String errorType = rs.getString("error_type");
          if (errorType != null) {
            b.error(new StoredError(errorType, rs.getString("error_message")));
          }
          checkpoints.add(new RawCheckpoint(b, rs.getString("output_json"), rs.getString("compensation_input_json")));
        }
      }
    }
    return Optional.of(new RawRun(header, input, result, errors, checkpoints));
  }

  /** {@code raw} with its values decoded to {@code types}. */
  static StoredRun decode(JsonCodec codec, RawRun raw, RunTypes types) {
    RunHeader header = raw.header();
    String workflow = header.workflowName();
    String tx = header.transactionId();
    if (!types.workflowName().equals(workflow)) {
      throw RunStoreException.otherWorkflow(tx, types.workflowName(), workflow);
    }
    Object input = codec.read(raw.inputJson(), types.input(), What.ofRun("the input", workflow, tx));
    List<Checkpoint> checkpoints = new ArrayList<>(raw.checkpoints().size());
    for (RawCheckpoint row : raw.checkpoints()) {
      Checkpoint.Builder b = row.builder();
      Checkpoint bare = b.build();
      if (bare.kind().hasOutput()) {
        b.output(codec.read(row.outputJson(), types.output(bare.position(), bare.stepName()),
            new What("the output", bare.stepName(), bare.position(), workflow, tx)));
      }
      if (row.compensationInputJson() != null) {
        b.compensationInput(codec.read(row.compensationInputJson(),
            types.compensationInput(bare.position(), bare.stepName()),
            new What("the compensation input", bare.stepName(), bare.position(), workflow, tx)));
      }
      checkpoints.add(b.build());
    }
    RunEnd end = null;
    if (header.status().isEnded()) {
      Object result = codec.read(raw.resultJson(), types.result(), What.ofRun("the result", workflow, tx));
      end = new RunEnd(header.status(), result, JsonCodec.readErrors(raw.errorsJson()), header.ended().get());
    }
    return new StoredRun(header, input, checkpoints, end);
  }

  Optional<RunHeader> header(Connection connection, String transactionId) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(selectHeader)) {
      ps.setString(1, transactionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(header(rs)) : Optional.empty();
      }
    }
  }

  List<String> unfinished(Connection connection, String workflowName) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(selectUnfinished)) {
      ps.setString(1, workflowName);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  List<RunHeader> list(Connection connection, RunQuery query) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(HEADER).append(" FROM ").append(schema.runs)
        .append(" WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    query.workflowName().ifPresent(name -> {
      sql.append(" AND workflow_name = ?");
      args.add(name);
    });
    if (!query.statuses().isEmpty()) {
      sql.append(" AND status IN (").append(String.join(", ", Collections.nCopies(query.statuses().size(), "?")))
          .append(')');
      query.statuses().stream().sorted().forEach(status -> args.add(status.name()));
    }
    query.createdFrom().ifPresent(from -> {
      sql.append(" AND created_at >= ?");
      args.add(from);
    });
    query.createdBefore().ifPresent(before -> {
      sql.append(" AND created_at < ?");
      args.add(before);
    });
    sql.append(" ORDER BY created_at, transaction_id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
    args.add(query.offset());
    args.add(query.limit());
    try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        Object arg = args.get(i);
        if (arg instanceof Instant instant) {
          setTime(ps, i + 1, instant);
        } else if (arg instanceof Integer n) {
          ps.setInt(i + 1, n);
        } else {
          ps.setString(i + 1, (String) arg);
        }
      }
      List<RunHeader> headers = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          headers.add(header(rs));
        }
      }
      return headers;
    }
  }

  /**
   * Deletes up to {@code limit} runs that ended before {@code cutoff}, with their checkpoints, in
   * the caller's transaction.
   *
   * @return how many runs it deleted
   */
  int purge(Connection connection, Instant cutoff, int limit) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT transaction_id FROM " + schema.runs
        + " WHERE ended_at < ? ORDER BY ended_at FETCH FIRST " + limit + " ROWS ONLY")) {
      setTime(ps, 1, cutoff);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    try (PreparedStatement checkpoints = connection.prepareStatement("DELETE FROM " + schema.checkpoints
        + " WHERE transaction_id = ?");
        PreparedStatement runs = connection.prepareStatement("DELETE FROM " + schema.runs
            + " WHERE transaction_id = ? AND ended_at < ?")) {
      for (String id : ids) {
        checkpoints.setString(1, id);
        checkpoints.addBatch();
        runs.setString(1, id);
        setTime(runs, 2, cutoff);
        runs.addBatch();
      }
      checkpoints.executeBatch();
      int deleted = 0;
      for (int count : runs.executeBatch()) {
        deleted += Math.max(count, 0);
      }
      return deleted;
    }
  }

  private static RunHeader header(ResultSet rs) throws SQLException {
    return new RunHeader(rs.getString("transaction_id"), rs.getString("workflow_name"), rs.getString("fingerprint"),
        rs.getString("parent_transaction_id"), RunStatus.valueOf(rs.getString("status")), time(rs, "deadline"),
        time(rs, "created_at"), time(rs, "updated_at"), time(rs, "ended_at"));
  }

  static void setTime(PreparedStatement ps, int index, Instant instant) throws SQLException {
    if (instant == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
  }

  private static Instant time(ResultSet rs, String column) throws SQLException {
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }
}
