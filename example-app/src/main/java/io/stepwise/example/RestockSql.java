package io.stepwise.example;

/**
 * The statements of {@link JdbcSupplierService}, the same on H2 and PostgreSQL. {@code
 * PostgresPlansTest} explains each on PostgreSQL, in the plans of a new database (tables filled
 * since they were created empty, never analyzed): each reads the rows it addresses through the index
 * of its key, so that no request costs more as the tables grow.
 */
final class RestockSql {
  static final String SUPPLIERS = "SELECT s.id, s.name, s.credit_limit, p.product_id"
      + " FROM supplier s LEFT JOIN supplier_product p ON p.supplier_id = s.id";

  /** {@link #SUPPLIERS} of one supplier: parameter its id. */
  static final String SUPPLIER = SUPPLIERS + " WHERE s.id = ?";

  static final String ORDERS = "SELECT o.id, o.supplier_id, o.status, o.notes, o.version,"
      + " i.id AS item_id, i.product_id, i.quantity, i.unit_cost"
      + " FROM restock_order o LEFT JOIN restock_order_item i ON i.order_id = o.id";

  /** {@link #ORDERS} of one order: parameter its id. */
  static final String ORDER = ORDERS + " WHERE o.id = ? ORDER BY i.created_at, i.id";

  /** The ids of one page of orders, oldest first: parameters limit, offset. */
  static final String PAGE_IDS = "SELECT id FROM restock_order ORDER BY created_at, id LIMIT ? OFFSET ?";

  /**
   * {@link #ORDERS} of one page of orders: parameters limit, offset, and the same again. The items
   * are looked up by the array of the page's ids ({@code = ANY(ARRAY(...))}, computed once) as well
   * as joined on their order: with the join alone, PostgreSQL read every item of every order (a Seq
   * Scan of restock_order_item into a hash join: 9,000 items for a page of 50 orders out of 3,000,
   * 1-2 ms and growing with the table), as its estimates for the tables of a new database made a
   * page's orders too many to look up one by one in restock_order_item_by_order. With the array it
   * looks them up in that index all at once. H2 knows the same SQL, and evaluates the array once too.
   */
  static final String ORDER_PAGE = "SELECT o.id, o.supplier_id, o.status, o.notes, o.version,"
      + " i.id AS item_id, i.product_id, i.quantity, i.unit_cost"
      + " FROM (SELECT * FROM restock_order ORDER BY created_at, id LIMIT ? OFFSET ?) o"
      + " LEFT JOIN restock_order_item i ON i.order_id = o.id AND i.order_id = ANY(ARRAY(" + PAGE_IDS + "))"
      + " ORDER BY o.created_at, o.id, i.created_at, i.id";

  static final String COUNT_ORDERS = "SELECT COUNT(*) FROM restock_order";

  /**
   * The order of a run, if its supplier exists and the run made no order before: parameters id,
   * status, notes, created_at, transaction_id, supplier id, transaction_id.
   */
  static final String INSERT_ORDER = "INSERT INTO restock_order (id, supplier_id, status, notes, version, created_at,"
      + " transaction_id) SELECT ?, s.id, ?, ?, 0, ?, ? FROM supplier s WHERE s.id = ?"
      + " AND NOT EXISTS (SELECT 1 FROM restock_order o WHERE o.transaction_id = ?)";

  /** The order a run made: parameter the transaction id. */
  static final String ORDER_OF_RUN = "SELECT id FROM restock_order WHERE transaction_id = ?";

  /** The transaction id of the run that made an order: parameter its id. */
  static final String TRANSACTION_OF = "SELECT transaction_id FROM restock_order WHERE id = ?";

  /**
   * Locks a pending order to which a run added no items: parameters order id, status, transaction
   * id, order id.
   */
  static final String LOCK_FOR_ITEMS = "UPDATE restock_order SET version = version + 1 WHERE id = ? AND status = ?"
      + " AND NOT EXISTS (SELECT 1 FROM restock_order_item i WHERE i.transaction_id = ? AND i.order_id = ?)";

  /** Locks an order: parameter its id. */
  static final String LOCK_ORDER = "UPDATE restock_order SET version = version + 1 WHERE id = ?";

  /** The supplier of an order and the products it carries: parameter the order's id. */
  static final String CARRIED = "SELECT o.supplier_id, p.product_id FROM restock_order o"
      + " LEFT JOIN supplier_product p ON p.supplier_id = o.supplier_id WHERE o.id = ?";

  static final String INSERT_ITEM = "INSERT INTO restock_order_item (id, order_id, product_id,"
      + " quantity, unit_cost, created_at, transaction_id, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /** The items a run added to an order: parameters transaction id, order id. */
  static final String ITEMS_OF_RUN = "SELECT id, product_id, quantity, unit_cost FROM restock_order_item"
      + " WHERE transaction_id = ? AND order_id = ? ORDER BY line";

  /** Confirms a pending order: parameters status, id, status. */
  static final String CONFIRM = "UPDATE restock_order SET status = ?, version = version + 1 WHERE id = ? AND status = ?";

  /** Sets an order's status, locked before: parameters status, id. */
  static final String SET_CONFIRMED = "UPDATE restock_order SET status = ? WHERE id = ?";

  /** Sets an order's status and bumps its version: parameters status, id. */
  static final String SET_STATUS = "UPDATE restock_order SET status = ?, version = version + 1 WHERE id = ?";

  static final String ORDER_OF_ITEM = "SELECT order_id FROM restock_order_item WHERE id = ?";
  static final String DELETE_ITEM = "DELETE FROM restock_order_item WHERE id = ?";
  static final String DELETE_ITEMS_OF_ORDER = "DELETE FROM restock_order_item WHERE order_id = ?";
  static final String DELETE_ORDER = "DELETE FROM restock_order WHERE id = ?";

  private RestockSql() {}
}
