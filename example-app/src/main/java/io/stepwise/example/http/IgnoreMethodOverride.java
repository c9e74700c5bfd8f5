package io.stepwise.example.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Drops an {@code X-HTTP-Method-Override} header before Javalin sees the request. Javalin routes by
 * that header when a request has it ({@code Context.method()}), so that a {@code POST} could call a
 * {@code DELETE} route; here a request is routed by its own method only, as a browser's form post
 * cannot turn into another method.
 */
final class IgnoreMethodOverride extends Handler.Wrapper {
  static final String HEADER = "X-HTTP-Method-Override";

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!request.getHeaders().contains(HEADER)) {
      return super.handle(request, response, callback);
    }
    HttpFields headers = HttpFields.build(request.getHeaders()).remove(HEADER).asImmutable();
    return super.handle(new Request.Wrapper(request) {
      @Override
      public HttpFields getHeaders() {
        return headers;
      }
    }, response, callback);
  }
}
