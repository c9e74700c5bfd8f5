package io.stepwise.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * A client of the test's HTTP services, with the JDK's non-blocking {@link HttpClient}: each call
 * returns at once with a future that completes when the answer arrives, as a payment provider's
 * or a carrier's SDK does.
 */
public final class RemoteApi {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI base;

  public RemoteApi(URI base) {
    this.base = base;
  }

  /** POSTs {@code body} to {@code path}; the future fails when the service answers with an error status. */
  public CompletableFuture<String> post(String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      if (response.statusCode() >= 400) {
        throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    });
  }
}
