package io.stepwise.example;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The restock store in memory, for the console demo and tests: nothing survives the process.
 * Thread-safe: every change to an order (its items included) is one atomic update of that order, so
 * concurrent runs never see half an operation, and an operation that fails changes nothing. Ids
 * count up per store: {@code ro_1}, {@code ro_2}, ... and {@code roi_1}, ...
 *
 * <p>{@link JdbcSupplierService} keeps the same rules in a database.
 */
public final class InMemorySupplierService implements SupplierService {
  private static final Comparator<String> BY_ID =
      Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

  private final ConfirmationPolicy confirmationPolicy;
  private final ConcurrentHashMap<String, Supplier> suppliers = new ConcurrentHashMap<>();
  /** Orders by id; each holds its items. */
  private final ConcurrentHashMap<String, RestockOrder> orders = new ConcurrentHashMap<>();
  /** The order of each item, by item id; updated inside the update of that order. */
  private final ConcurrentHashMap<String, String> itemOrders = new ConcurrentHashMap<>();
  private final AtomicLong orderIds = new AtomicLong();
  private final AtomicLong itemIds = new AtomicLong();
  /** The order made for each transaction id (createRestockOrder with a key). */
  private final Map<String, String> orderKeys = new HashMap<>();
  /** The items made for each transaction id (createItems with a key). */
  private final ConcurrentHashMap<String, List<String>> itemKeys = new ConcurrentHashMap<>();
  private final AuditTrail auditTrail = new AuditTrail();
  private final WriteGate writeGate = new WriteGate();

  /** A service that confirms orders within the supplier's credit limit ({@link ConfirmationPolicy#creditLimit()}). */
  public InMemorySupplierService() {
    this(ConfirmationPolicy.creditLimit());
  }

  /** A service that confirms orders by {@code confirmationPolicy}. */
  public InMemorySupplierService(ConfirmationPolicy confirmationPolicy) {
    this.confirmationPolicy = Objects.requireNonNull(confirmationPolicy, "confirmationPolicy");
    Supplier seed = SupplierService.seedSupplier();
    suppliers.put(seed.id(), seed);
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
    suppliers.put(supplier.id(), supplier);
    return supplier;
  }

  @Override
  public Optional<Supplier> findSupplier(String supplierId) {
    return supplierId == null ? Optional.empty() : Optional.ofNullable(suppliers.get(supplierId));
  }

  @Override
  public List<Supplier> listSuppliers() {
    List<Supplier> list = new ArrayList<>(suppliers.values());
    list.sort(Comparator.comparing(Supplier::id, BY_ID));
    return list;
  }

  // ------------------------------------------------------------------ orders

  @Override
  public RestockOrder createRestockOrder(CreateRestockOrderInput input) {
    return createRestockOrder(input, null);
  }

  @Override
  public RestockOrder createRestockOrder(CreateRestockOrderInput input, String transactionId) {
    Objects.requireNonNull(input, "input");
    writeGate.requireWritable();
    if (transactionId == null) {
      return newOrder(input);
    }
    // one key at a time: the order of a key is made once, and found by a second call
    synchronized (orderKeys) {
      String existing = orderKeys.get(transactionId);
      RestockOrder order = existing == null ? null : orders.get(existing);
      if (order == null) {
        order = newOrder(input);
        orderKeys.put(transactionId, order.id());
      }
      return order;
    }
  }

  private RestockOrder newOrder(CreateRestockOrderInput input) {
    Supplier supplier = requireSupplier(input.supplierId());
    RestockOrder order = RestockOrder.of(
        "ro_" + orderIds.incrementAndGet(), supplier.id(), RestockOrder.PENDING, input.notes(), List.of());
    orders.put(order.id(), order);
    return order;
  }

  @Override
  public Optional<RestockOrder> deleteRestockOrder(String orderId) {
    Objects.requireNonNull(orderId, "orderId");
    writeGate.requireWritable();
    RestockOrder removed = orders.remove(orderId);
    if (removed != null) {
      for (RestockOrderItem item : removed.items()) {
        itemOrders.remove(item.id(), orderId);
      }
    }
    return Optional.ofNullable(removed);
  }

  @Override
  public List<RestockOrderItem> createItems(String orderId, List<ItemInput> items) {
    return createItems(orderId, items, null);
  }

  @Override
  public List<RestockOrderItem> createItems(String orderId, List<ItemInput> items, String transactionId) {
    Objects.requireNonNull(orderId, "orderId");
    List<ItemInput> inputs = Checks.items(items, "items");
    writeGate.requireWritable();
    List<RestockOrderItem> created = new ArrayList<>(inputs.size());
    orders.compute(orderId, (id, order) -> {
      // Everything that can fail is checked before anything is written: a failure leaves no trace.
      if (order == null) {
        throw RestockRules.orderNotFound(id);
      }
      List<RestockOrderItem> made = transactionId == null ? List.of() : madeBefore(order, itemKeys.get(transactionId));
      if (!made.isEmpty()) {
        created.addAll(made);
        return order;
      }
      RestockRules.requireItemsAllowed(id, order);
      Supplier supplier = requireSupplier(order.supplierId());
      RestockRules.requireCarried(supplier, inputs);
      for (ItemInput input : inputs) {
        RestockOrderItem item = new RestockOrderItem(
            "roi_" + itemIds.incrementAndGet(), input.productId(), input.quantity(), input.unitCost());
        created.add(item);
        itemOrders.put(item.id(), id);
      }
      List<RestockOrderItem> all = new ArrayList<>(order.items());
      all.addAll(created);
      if (transactionId != null) {
        itemKeys.put(transactionId, ids(created));
      }
      return order.withItems(all);
    });
    return List.copyOf(created);
  }

  /** The items of {@code order} whose ids are {@code itemIds}, if the order still has them all; else none. */
  private static List<RestockOrderItem> madeBefore(RestockOrder order, List<String> itemIds) {
    if (itemIds == null) {
      return List.of();
    }
    List<RestockOrderItem> made = new ArrayList<>();
    for (RestockOrderItem item : order.items()) {
      if (itemIds.contains(item.id())) {
        made.add(item);
      }
    }
    return made.size() == itemIds.size() ? made : List.of();
  }

  private static List<String> ids(List<RestockOrderItem> items) {
    List<String> ids = new ArrayList<>(items.size());
    for (RestockOrderItem item : items) {
      ids.add(item.id());
    }
    return List.copyOf(ids);
  }

  @Override
  public int deleteItems(Collection<String> itemIdsToDelete) {
    Objects.requireNonNull(itemIdsToDelete, "itemIds");
    writeGate.requireWritable();
    Map<String, Set<String>> byOrder = new LinkedHashMap<>();
    for (String itemId : itemIdsToDelete) {
      String orderId = itemId == null ? null : itemOrders.get(itemId);
      if (orderId != null) {
        byOrder.computeIfAbsent(orderId, k -> new LinkedHashSet<>()).add(itemId);
      }
    }
    int[] deleted = {0};
    byOrder.forEach((orderId, ids) -> orders.computeIfPresent(orderId, (id, order) -> {
      List<RestockOrderItem> remaining = new ArrayList<>(order.items().size());
      for (RestockOrderItem item : order.items()) {
        if (ids.contains(item.id())) {
          itemOrders.remove(item.id(), id);
          deleted[0]++;
        } else {
          remaining.add(item);
        }
      }
      return order.withItems(remaining);
    }));
    return deleted[0];
  }

  @Override
  public RestockOrder confirmRestockOrder(String orderId) {
    Objects.requireNonNull(orderId, "orderId");
    writeGate.requireWritable();
    while (true) {
      RestockOrder order = orders.get(orderId);
      if (order == null) {
        throw RestockRules.orderNotFound(orderId);
      }
      RestockRules.requireConfirmable(orderId, order);
      Supplier supplier = requireSupplier(order.supplierId());
      // The policy is someone else's code: run it outside any lock, then confirm only if the
      // order is still exactly what the policy saw (or look again).
      RestockRules.requireAccepted(orderId, confirmationPolicy.rejectionReason(supplier, order));
      writeGate.requireWritable();
      RestockOrder confirmed = order.withStatus(RestockOrder.CONFIRMED);
      if (orders.replace(orderId, order, confirmed)) {
        return confirmed;
      }
    }
  }

  @Override
  public RestockOrder updateStatus(String orderId, String status) {
    Objects.requireNonNull(orderId, "orderId");
    RestockOrder.requireStatus(status);
    writeGate.requireWritable();
    return orders.compute(orderId, (id, order) -> {
      if (order == null) {
        throw RestockRules.orderNotFound(id);
      }
      return order.withStatus(status);
    });
  }

  @Override
  public Optional<RestockOrder> findOrder(String orderId) {
    return orderId == null ? Optional.empty() : Optional.ofNullable(orders.get(orderId));
  }

  @Override
  public List<RestockOrder> listOrders() {
    List<RestockOrder> list = new ArrayList<>(orders.values());
    list.sort(Comparator.comparing(RestockOrder::id, BY_ID));
    return list;
  }

  @Override
  public int countOrders() {
    return orders.size();
  }

  @Override
  public int countItems() {
    int count = 0;
    for (RestockOrder order : orders.values()) {
      count += order.items().size();
    }
    return count;
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

  // ------------------------------------------------------------------ internals

  private Supplier requireSupplier(String supplierId) {
    Supplier supplier = suppliers.get(supplierId);
    if (supplier == null) {
      throw RestockRules.unknownSupplier(supplierId);
    }
    return supplier;
  }
}
