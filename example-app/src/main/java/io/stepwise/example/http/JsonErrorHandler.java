package io.stepwise.example.http;

import io.stepwise.example.PublicErrors;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to what it refuses itself, before any handler: a malformed request line, URI,
 * header, Content-Length or Transfer-Encoding, a header too large, an ambiguous path. Jetty's own
 * error page is HTML and may quote the exception; this one is JSON, as every answer of the service,
 * and says only the status: {@code {"error": "bad request"}}.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException httpException) {
      status = httpException.getCode();
    }
    if (status < 400 || status > 599) {
      status = HttpStatus.INTERNAL_SERVER_ERROR_500;
    }
    response.setStatus(status);
    generateCacheControl(response);
    if (HttpStatus.hasNoBody(status)) {
      callback.succeeded();
      return true;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, RestockApi.JSON_UTF_8);
    byte[] body = Json.bytes(Json.error(message(status)));
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** The status's standard reason, in lower case ("bad request"); a 5xx says no more than any 500. */
  private static String message(int status) {
    if (status == HttpStatus.INTERNAL_SERVER_ERROR_500) {
      return PublicErrors.UNEXPECTED;
    }
    String reason = HttpStatus.getMessage(status);
    return reason == null ? "error " + status : reason.toLowerCase(Locale.ROOT);
  }
}
