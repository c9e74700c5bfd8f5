package io.stepwise.runtime.fixtures;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections only record what is done with them ({@code commit},
 * {@code rollback}, {@code close}): enough for a step that takes a {@code java.sql.Connection} in a
 * run without a transactional store, which commits the step's work in a transaction of its own.
 */
public final class FakeDataSource {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final DataSource dataSource = (DataSource) Proxy.newProxyInstance(FakeDataSource.class.getClassLoader(),
      new Class<?>[] {DataSource.class}, (proxy, method, args) -> switch (method.getName()) {
        case "getConnection" -> connection();
        case "toString" -> "FakeDataSource";
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> throw new UnsupportedOperationException(method.getName());
      });

  public DataSource dataSource() {
    return dataSource;
  }

  /** {@code commit}, {@code rollback} and {@code close} of every connection, in order. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  private Connection connection() {
    boolean[] autoCommit = {true};
    return (Connection) Proxy.newProxyInstance(FakeDataSource.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getAutoCommit" -> autoCommit[0];
          case "setAutoCommit" -> {
            autoCommit[0] = (Boolean) args[0];
            yield null;
          }
          case "commit", "rollback", "close" -> {
            calls.add(method.getName());
            yield null;
          }
          case "toString" -> "FakeConnection";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
