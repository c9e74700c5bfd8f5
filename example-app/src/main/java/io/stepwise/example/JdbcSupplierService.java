package io.stepwise.example;

import static io.stepwise.example.RestockSql.CARRIED;
import static io.stepwise.example.RestockSql.CONFIRM;
import static io.stepwise.example.RestockSql.COUNT_ORDERS;
import static io.stepwise.example.RestockSql.DELETE_ITEM;
import static io.stepwise.example.RestockSql.DELETE_ITEMS_OF_ORDER;
import static io.stepwise.example.RestockSql.DELETE_ORDER;
import static io.stepwise.example.RestockSql.INSERT_ITEM;
import static io.stepwise.example.RestockSql.INSERT_ORDER;
import static io.stepwise.example.RestockSql.ITEMS_OF_RUN;
import static io.stepwise.example.RestockSql.LOCK_FOR_ITEMS;
import static io.stepwise.example.RestockSql.LOCK_ORDER;
import static io.stepwise.example.RestockSql.ORDER;
import static io.stepwise.example.RestockSql.ORDERS;
import static io.stepwise.example.RestockSql.ORDER_OF_ITEM;
import static io.stepwise.example.RestockSql.ORDER_OF_RUN;
import static io.stepwise.example.RestockSql.ORDER_PAGE;
import static io.stepwise.example.RestockSql.SET_CONFIRMED;
import static io.stepwise.example.RestockSql.SET_STATUS;
import static io.stepwise.example.RestockSql.SUPPLIER;
import static io.stepwise.example.RestockSql.SUPPLIERS;
import static io.stepwise.example.RestockSql.TRANSACTION_OF;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The restock store in a database: the tables of {@code schema.sql} (see {@link Database}), with the
 * same SQL on H2 and PostgreSQL. The rules are those of {@link SupplierService}, and the same contract
 * tests check them as for {@link InMemorySupplierService}:
 *
 * <ul>
 *   <li>each operation is one transaction, and one that fails (a rule, or the database) rolls back:
 *       it writes nothing;
 *   <li>a change to an order or its items first bumps the order's {@code version}, which also locks
 *       the order's row until the transaction ends, so that changes to one order never interleave;
 *   <li>confirming reads the order, asks the {@link ConfirmationPolicy} outside any transaction,
 *       then confirms with {@code UPDATE ... WHERE status = 'pending' AND version = ?}: if the order
 *       changed meanwhile, it looks again.
 * </ul>
 *
 * <p>The operations that take a {@link Connection} (for the workflow's transactional steps) work in
 * the caller's transaction instead: they neither commit, roll back nor close it, and take no other
 * connection (on H2 the service's pool has one, which the step's caller holds). Confirming there
 * locks the order, then asks the policy.
 *
 * <p>Ids are made in Java ({@code ro_...}, {@code roi_...}; see {@link Ids}). Amounts of money come
 * back with at least two decimal places ({@code 10.5} as {@code 10.50}). A failure of the database
 * is a {@link StoreException}. The {@link AuditTrail} stays in memory, and keeps the newest entries only.
 *
 * <p>The statements are in {@link RestockSql}. The class stays one, over the 400 lines the project
 * aims at, because it has one job, the {@link SupplierService} in SQL: its length is that
 * interface's operations, most of them twice (in a transaction of their own, and in a step's).
 */
public final class JdbcSupplierService implements SupplierService {

  private final DataSource dataSource;
  private final ConfirmationPolicy confirmationPolicy;
  private final AuditTrail auditTrail = new AuditTrail();
  private final WriteGate writeGate = new WriteGate();

  /** A store that confirms orders within the supplier's credit limit ({@link ConfirmationPolicy#creditLimit()}). */
  public JdbcSupplierService(DataSource dataSource) {
    this(dataSource, ConfirmationPolicy.creditLimit());
  }

  /** A store in the tables of {@code dataSource} (created by {@link Database}) that confirms by {@code confirmationPolicy}. */
  public JdbcSupplierService(DataSource dataSource, ConfirmationPolicy confirmationPolicy) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.confirmationPolicy = Objects.requireNonNull(confirmationPolicy, "confirmationPolicy");
  }

  @Override
  public AuditTrail auditTrail() {
    return auditTrail;
  }

  // ------------------------------------------------------------------ suppliers

  @Override
  public Supplier putSupplier(Supplier supplier) {
    Objects.requireNonNull(supplier, "supplier");
    writeGate.requireWritable();
    return inTransaction(c -> {
      int updated = Jdbc.update(c, "UPDATE supplier SET name = ?, credit_limit = ? WHERE id = ?",
          supplier.name(), supplier.creditLimit(), supplier.id());
      if (updated == 0) {
        Jdbc.update(c, "INSERT INTO supplier (id, name, credit_limit) VALUES (?, ?, ?)",
            supplier.id(), supplier.name(), supplier.creditLimit());
      }
      Jdbc.update(c, "DELETE FROM supplier_product WHERE supplier_id = ?", supplier.id());
      for (String productId : new TreeSet<>(supplier.productIds())) {
        Jdbc.update(c, "INSERT INTO supplier_product (supplier_id, product_id) VALUES (?, ?)", supplier.id(), productId);
      }
      return supplier;
    });
  }

  @Override
  public Optional<Supplier> findSupplier(String supplierId) {
    if (supplierId == null) {
      return Optional.empty();
    }
    return inTransaction(c -> findSupplier(c, supplierId));
  }

  @Override
  public List<Supplier> listSuppliers() {
    return inTransaction(c -> readSuppliers(c, SUPPLIERS + " ORDER BY s.id, p.product_id"));
  }

  // ------------------------------------------------------------------ orders

  @Override
  public RestockOrder createRestockOrder(CreateRestockOrderInput input) {
    return createRestockOrder(input, null);
  }

  @Override
  public RestockOrder createRestockOrder(CreateRestockOrderInput input, String transactionId) {
    return inTransaction(c -> createRestockOrder(c, input, transactionId));
  }

  @Override
  public RestockOrder createRestockOrder(Connection connection, CreateRestockOrderInput input, String transactionId) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(input, "input");
    writeGate.requireWritable();
    return inCallersTransaction(connection, c -> createRestockOrderWith(c, input, transactionId));
  }

  private static RestockOrder createRestockOrderWith(Connection c, CreateRestockOrderInput input, String transactionId)
      throws SQLException {
    String id = Ids.next("ro");
    // One statement: the order, if its supplier exists and this run made no order before.
    // transaction_id is unique too: a second insert for one run fails rather than make a second order.
    int inserted = Jdbc.update(c, INSERT_ORDER, id, RestockOrder.PENDING, input.notes(), now(), transactionId, input.supplierId(), transactionId);
    if (inserted == 1) {
      return RestockOrder.of(id, input.supplierId(), RestockOrder.PENDING, input.notes(), List.of());
    }
    if (transactionId != null) {   // this run made its order before (a checkpoint lost), or the supplier is unknown
      try (PreparedStatement select = Jdbc.prepare(c, ORDER_OF_RUN, transactionId);
          ResultSet row = select.executeQuery()) {
        if (row.next()) {
          String made = row.getString(1);
          return readOrder(c, made).orElseThrow(() -> RestockRules.orderNotFound(made));
        }
      }
    }
    throw RestockRules.unknownSupplier(input.supplierId());
  }

  @Override
  public Optional<RestockOrder> deleteRestockOrder(String orderId) {
    Objects.requireNonNull(orderId, "orderId");
    writeGate.requireWritable();
    return inTransaction(c -> {
      if (!lockOrder(c, orderId)) {
        return Optional.empty();
      }
      Optional<RestockOrder> order = readOrder(c, orderId);
      Jdbc.update(c, DELETE_ITEMS_OF_ORDER, orderId);
      Jdbc.update(c, DELETE_ORDER, orderId);
      return order;
    });
  }

  @Override
  public List<RestockOrderItem> createItems(String orderId, List<ItemInput> items) {
    return createItems(orderId, items, null);
  }

  @Override
  public List<RestockOrderItem> createItems(String orderId, List<ItemInput> items, String transactionId) {
    return inTransaction(c -> createItems(c, orderId, items, transactionId));
  }

  @Override
  public List<RestockOrderItem> createItems(Connection connection, String orderId, List<ItemInput> items,
      String transactionId) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(orderId, "orderId");
    List<ItemInput> inputs = Checks.items(items, "items");
    writeGate.requireWritable();
    return inCallersTransaction(connection, c -> createItemsWith(c, orderId, inputs, transactionId));
  }

  private static List<RestockOrderItem> createItemsWith(Connection c, String orderId, List<ItemInput> inputs,
      String transactionId) throws SQLException {
    // Lock the order (bump its version) if it is pending and this run added no items to it before;
    // everything that can fail is checked before an item is written, and a failure rolls back the
    // version bump too.
    int locked = Jdbc.update(c, LOCK_FOR_ITEMS, orderId, RestockOrder.PENDING, transactionId, orderId);
    if (locked == 0) {   // find out why
      if (!lockOrder(c, orderId)) {
        throw RestockRules.orderNotFound(orderId);
      }
      if (transactionId != null) {
        List<RestockOrderItem> made = readItemsOfRun(c, orderId, transactionId);
        if (!made.isEmpty()) {
          return made;   // this run added them before (a checkpoint lost)
        }
      }
      RestockOrder order = readOrder(c, orderId).orElseThrow(() -> RestockRules.orderNotFound(orderId));
      RestockRules.requireItemsAllowed(orderId, order);   // pending again by now: go on
    }
    String supplierId = null;
    Set<String> carried = new HashSet<>();
    try (PreparedStatement select = Jdbc.prepare(c, CARRIED, orderId);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        supplierId = rows.getString(1);
        if (rows.getString(2) != null) {
          carried.add(rows.getString(2));
        }
      }
    }
    RestockRules.requireCarried(supplierId, carried, inputs);
    List<RestockOrderItem> created = new ArrayList<>(inputs.size());
    // (transaction_id, line) is unique: one run's items are never added twice
    try (PreparedStatement insert = c.prepareStatement(INSERT_ITEM)) {
      OffsetDateTime now = now();
      for (ItemInput input : inputs) {
        RestockOrderItem item = new RestockOrderItem(
            Ids.next("roi"), input.productId(), input.quantity(), money(input.unitCost()));
        insert.setString(1, item.id());
        insert.setString(2, orderId);
        insert.setString(3, item.productId());
        insert.setInt(4, item.quantity());
        insert.setBigDecimal(5, item.unitCost());
        insert.setObject(6, now);
        insert.setString(7, transactionId);   // setString(null) is a text NULL
        insert.setInt(8, created.size());
        insert.addBatch();
        created.add(item);
      }
      insert.executeBatch();   // one round trip for all the items
    }
    return List.copyOf(created);
  }

  @Override
  public int deleteItems(Collection<String> itemIds) {
    Objects.requireNonNull(itemIds, "itemIds");
    writeGate.requireWritable();
    Set<String> ids = new LinkedHashSet<>();
    for (String itemId : itemIds) {
      if (itemId != null) {
        ids.add(itemId);
      }
    }
    return inTransaction(c -> {
      // Lock the orders of the items, in id order so that two such transactions never wait for each other.
      Set<String> orderIds = new TreeSet<>();
      for (String itemId : ids) {
        try (PreparedStatement select = Jdbc.prepare(c, ORDER_OF_ITEM, itemId);
            ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            orderIds.add(rows.getString(1));
          }
        }
      }
      for (String orderId : orderIds) {
        lockOrder(c, orderId);
      }
      int deleted = 0;
      for (String itemId : ids) {
        deleted += Jdbc.update(c, DELETE_ITEM, itemId);
      }
      return deleted;
    });
  }

  @Override
  public RestockOrder confirmRestockOrder(String orderId) {
    Objects.requireNonNull(orderId, "orderId");
    writeGate.requireWritable();
    while (true) {
      // the order and its supplier, read in one transaction
      OrderToConfirm read = inTransaction(c -> {
        VersionedOrder versioned = readVersionedOrder(c, orderId).orElseThrow(() -> RestockRules.orderNotFound(orderId));
        RestockRules.requireConfirmable(orderId, versioned.order());
        return new OrderToConfirm(versioned, requireSupplier(c, versioned.order().supplierId()));
      });
      RestockOrder order = read.order().order();
      Supplier supplier = read.supplier();
      // The policy is someone else's code: run it outside any transaction, then confirm only if
      // the order is still exactly what the policy saw (or look again).
      RestockRules.requireAccepted(orderId, confirmationPolicy.rejectionReason(supplier, order));
      writeGate.requireWritable();
      int confirmed = inTransaction(c -> Jdbc.update(c, "UPDATE restock_order SET status = ?, version = version + 1"
          + " WHERE id = ? AND status = ? AND version = ?", RestockOrder.CONFIRMED, orderId, RestockOrder.PENDING,
          read.order().version()));
      if (confirmed == 1) {
        return order.withStatus(RestockOrder.CONFIRMED);
      }
    }
  }

  @Override
  public RestockOrder confirmRestockOrder(Connection connection, String orderId, String transactionId) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(orderId, "orderId");
    writeGate.requireWritable();
    return inCallersTransaction(connection, c -> {
      // Confirm first, which locks the order until the caller's transaction ends, so that the policy
      // judges the order as it is confirmed; a rule or the policy refusing rolls it back with the
      // caller's transaction.
      int confirmed = Jdbc.update(c, CONFIRM, RestockOrder.CONFIRMED, orderId, RestockOrder.PENDING);
      if (confirmed == 0) {   // find out why
        if (!lockOrder(c, orderId)) {
          throw RestockRules.orderNotFound(orderId);
        }
        RestockOrder order = readOrder(c, orderId).orElseThrow(() -> RestockRules.orderNotFound(orderId));
        if (order.confirmed() && transactionId != null && transactionId.equals(transactionOf(c, orderId))) {
          return order;   // this run confirmed it before (a checkpoint lost)
        }
        RestockRules.requireConfirmable(orderId, order);   // pending again by now: go on
        Jdbc.update(c, SET_CONFIRMED, RestockOrder.CONFIRMED, orderId);
      }
      RestockOrder pending = readOrder(c, orderId).orElseThrow(() -> RestockRules.orderNotFound(orderId))
          .withStatus(RestockOrder.PENDING);
      RestockRules.requireConfirmable(orderId, pending);
      RestockRules.requireAccepted(orderId,
          confirmationPolicy.rejectionReason(requireSupplier(c, pending.supplierId()), pending));
      return pending.withStatus(RestockOrder.CONFIRMED);
    });
  }

  @Override
  public RestockOrder updateStatus(String orderId, String status) {
    Objects.requireNonNull(orderId, "orderId");
    RestockOrder.requireStatus(status);
    writeGate.requireWritable();
    return inTransaction(c -> {
      if (Jdbc.update(c, SET_STATUS, status, orderId) == 0) {
        throw RestockRules.orderNotFound(orderId);
      }
      return readOrder(c, orderId).orElseThrow(() -> RestockRules.orderNotFound(orderId));
    });
  }

  @Override
  public Optional<RestockOrder> findOrder(String orderId) {
    if (orderId == null) {
      return Optional.empty();
    }
    return inTransaction(c -> readOrder(c, orderId));
  }

  @Override
  public List<RestockOrder> listOrders() {
    return inTransaction(c -> {
      List<RestockOrder> orders = new ArrayList<>();
      for (VersionedOrder read : readOrders(c, ORDERS + " ORDER BY o.created_at, o.id, i.created_at, i.id")) {
        orders.add(read.order());
      }
      return orders;
    });
  }

  @Override
  public List<RestockOrder> listOrders(int offset, int limit) {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must be >= 0, were " + offset + " and " + limit);
    }
    return inTransaction(c -> {
      List<RestockOrder> orders = new ArrayList<>();
      for (VersionedOrder read : readOrders(c, ORDER_PAGE, limit, offset, limit, offset)) {
        orders.add(read.order());
      }
      return orders;
    });
  }

  @Override
  public int countOrders() {
    return inTransaction(c -> count(c, COUNT_ORDERS));
  }

  @Override
  public int countItems() {
    return inTransaction(c -> count(c, "SELECT COUNT(*) FROM restock_order_item"));
  }

  // ------------------------------------------------------------------ maintenance

  @Override
  public void suspendWrites(String reason) {
    writeGate.suspend(reason);
  }

  @Override
  public void resumeWrites() {
    writeGate.resume();
  }

  @Override
  public boolean writesSuspended() {
    return writeGate.suspended();
  }

  // ------------------------------------------------------------------ reading rows

  /** An order as read, with the version it was read at. */
  private record VersionedOrder(RestockOrder order, int version) {}

  /** An order to confirm, with its supplier. */
  private record OrderToConfirm(VersionedOrder order, Supplier supplier) {}

  private static Optional<Supplier> findSupplier(Connection c, String supplierId) throws SQLException {
    List<Supplier> found = readSuppliers(c, SUPPLIER, supplierId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private static Supplier requireSupplier(Connection c, String supplierId) throws SQLException {
    return findSupplier(c, supplierId).orElseThrow(() -> RestockRules.unknownSupplier(supplierId));
  }

  /** Suppliers from {@link RestockSql#SUPPLIERS} rows: one row per product (or one with no product). */
  private static List<Supplier> readSuppliers(Connection c, String sql, Object... parameters) throws SQLException {
    Map<String, Supplier> suppliers = new LinkedHashMap<>();
    Map<String, Set<String>> products = new LinkedHashMap<>();
    try (PreparedStatement select = Jdbc.prepare(c, sql, parameters); ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        String id = rows.getString("id");
        if (!suppliers.containsKey(id)) {
          suppliers.put(id, new Supplier(id, rows.getString("name"), Set.of(), money(rows, "credit_limit")));
          products.put(id, new HashSet<>());
        }
        String productId = rows.getString("product_id");
        if (productId != null) {
          products.get(id).add(productId);
        }
      }
    }
    List<Supplier> list = new ArrayList<>(suppliers.size());
    for (Supplier s : suppliers.values()) {
      list.add(new Supplier(s.id(), s.name(), products.get(s.id()), s.creditLimit()));
    }
    return list;
  }

  /** The items that {@link #createItems(String, List, String)} added to the order for {@code transactionId}, in order. */
  private static List<RestockOrderItem> readItemsOfRun(Connection c, String orderId, String transactionId)
      throws SQLException {
    List<RestockOrderItem> items = new ArrayList<>();
    try (PreparedStatement select = Jdbc.prepare(c, ITEMS_OF_RUN, transactionId, orderId);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        items.add(new RestockOrderItem(rows.getString("id"), rows.getString("product_id"), rows.getInt("quantity"),
            money(rows, "unit_cost")));
      }
    }
    return List.copyOf(items);
  }

  private static Optional<RestockOrder> readOrder(Connection c, String orderId) throws SQLException {
    return readVersionedOrder(c, orderId).map(VersionedOrder::order);
  }

  /** The transaction id of the run that made order {@code orderId}, or null. */
  private static String transactionOf(Connection c, String orderId) throws SQLException {
    try (PreparedStatement select = Jdbc.prepare(c, TRANSACTION_OF, orderId);
        ResultSet row = select.executeQuery()) {
      return row.next() ? row.getString(1) : null;
    }
  }

  private static Optional<VersionedOrder> readVersionedOrder(Connection c, String orderId) throws SQLException {
    List<VersionedOrder> found = readOrders(c, ORDER, orderId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /**
   * Orders from {@link RestockSql#ORDERS} rows: one row per item (or one with no item). One statement reads
   * an order with its items, so they are always seen together.
   */
  private static List<VersionedOrder> readOrders(Connection c, String sql, Object... parameters) throws SQLException {
    Map<String, List<RestockOrderItem>> items = new LinkedHashMap<>();
    Map<String, VersionedOrder> orders = new LinkedHashMap<>();
    try (PreparedStatement select = Jdbc.prepare(c, sql, parameters); ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        String id = rows.getString("id");
        if (!orders.containsKey(id)) {
          RestockOrder order = RestockOrder.of(id, rows.getString("supplier_id"), rows.getString("status"),
              rows.getString("notes"), List.of());
          orders.put(id, new VersionedOrder(order, rows.getInt("version")));
          items.put(id, new ArrayList<>());
        }
        String itemId = rows.getString("item_id");
        if (itemId != null) {
          items.get(id).add(new RestockOrderItem(
              itemId, rows.getString("product_id"), rows.getInt("quantity"), money(rows, "unit_cost")));
        }
      }
    }
    List<VersionedOrder> list = new ArrayList<>(orders.size());
    for (VersionedOrder read : orders.values()) {
      list.add(new VersionedOrder(read.order().withItems(items.get(read.order().id())), read.version()));
    }
    return list;
  }

  /**
   * An amount of money as stored ({@code NUMERIC(19, 4)}: {@code 10.5000}), with its trailing zeros
   * dropped down to two decimal places ({@code 10.50}).
   */
  private static BigDecimal money(ResultSet rows, String column) throws SQLException {
    return money(rows.getBigDecimal(column));
  }

  /** {@code amount} as it comes back from the database: {@code 10.5} and {@code 10.5000} as {@code 10.50}. */
  private static BigDecimal money(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.scale() < 2 ? stripped.setScale(2) : stripped;
  }

  // ------------------------------------------------------------------ writing rows

  /**
   * Bumps the version of an order, which also locks its row until the transaction ends.
   *
   * @return whether the order exists
   */
  private static boolean lockOrder(Connection c, String orderId) throws SQLException {
    return Jdbc.update(c, LOCK_ORDER, orderId) == 1;
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  // ------------------------------------------------------------------ JDBC plumbing

  private <T> T inTransaction(Jdbc.SqlWork<T> work) {
    return Jdbc.inTransaction(dataSource, work);
  }

  /**
   * Runs {@code work} on the caller's connection, in the caller's transaction, which it neither
   * commits nor rolls back: a failure rolls back what the caller decides (a transactional step's
   * attempt, to its savepoint).
   */
  private static <T> T inCallersTransaction(Connection connection, Jdbc.SqlWork<T> work) {
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreException("the database failed", e);
    }
  }

  private static int count(Connection c, String sql) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
