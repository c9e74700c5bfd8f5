import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A small load client for the restock service (wrk is not on every machine): {@code clients}
 * threads, each posting orders one after the other, each order with an Idempotency-Key of its own,
 * for {@code seconds} after {@code warmup} seconds that are not counted. Prints orders/s (201s),
 * latency percentiles and the answers by status.
 *
 * <pre>
 * java example-app/load/Load.java [url] [clients] [seconds] [warmup]
 * java example-app/load/Load.java http://localhost:9000 8 20 5
 * </pre>
 */
public final class Load {
  private static final String BODY = "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 2,"
      + " \"unit_cost\": 10.5}, {\"product_id\": \"prod_2\", \"quantity\": 1, \"unit_cost\": 4}], \"notes\": \"load\"}";

  public static void main(String[] args) throws Exception {
    URI url = URI.create((args.length > 0 ? args[0] : "http://localhost:9000") + "/admin/restock-orders");
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();
    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Result>> futures = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      futures.add(pool.submit(() -> {
        Result result = new Result();
        while (true) {
          long sent = System.nanoTime();
          if (sent >= end) {
            return result;
          }
          HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
              .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
          int status;
          try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          } catch (java.io.IOException e) {
            status = -1;
          }
          long done = System.nanoTime();
          if (sent >= measureFrom && done <= end) {
            result.add(status, done - sent);
          }
        }
      }));
    }
    Result total = new Result();
    for (Future<Result> future : futures) {
      total.merge(future.get());
    }
    pool.shutdown();
    long[] latencies = Arrays.copyOf(total.latencies, total.count);
    Arrays.sort(latencies);
    long created = total.statuses.getOrDefault(201, 0);
    System.out.printf("clients=%d seconds=%d orders/s=%.1f p50=%.1fms p99=%.1fms answers=%s%n", clients, seconds,
        created / (double) seconds, percentile(latencies, 0.50), percentile(latencies, 0.99), total.statuses);
    System.exit(0);
  }

  private static double percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  /** What one client saw. */
  private static final class Result {
    final Map<Integer, Integer> statuses = new TreeMap<>();
    long[] latencies = new long[1024];
    int count;

    void add(int status, long nanos) {
      statuses.merge(status, 1, Integer::sum);
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }

    void merge(Result other) {
      other.statuses.forEach((status, n) -> statuses.merge(status, n, Integer::sum));
      latencies = Arrays.copyOf(latencies, count + other.count);
      System.arraycopy(other.latencies, 0, latencies, count, other.count);
      count += other.count;
    }
  }
}
