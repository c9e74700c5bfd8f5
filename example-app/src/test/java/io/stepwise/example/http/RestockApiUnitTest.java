package io.stepwise.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The API's small rules: which Idempotency-Keys and Content-Types it accepts, and how it writes ids to its log. */
class RestockApiUnitTest {

  @Test
  void anIdempotencyKeyIsOneTo255PrintableAsciiCharacters() {
    assertTrue(RestockApi.isValidKey("a"));
    assertTrue(RestockApi.isValidKey(" ~!order 42/3?"));
    assertTrue(RestockApi.isValidKey("k".repeat(255)));
    assertFalse(RestockApi.isValidKey(""));
    assertFalse(RestockApi.isValidKey("k".repeat(256)));
    assertFalse(RestockApi.isValidKey("caf\u00e9"));
    assertFalse(RestockApi.isValidKey("a\tb"));
    assertFalse(RestockApi.isValidKey("a\nb"));
    assertFalse(RestockApi.isValidKey("a\u007fb"));
  }

  @Test
  void aKeyNamesItsRunByATransactionIdThatFitsTheEngine() {
    assertEquals("key:order-42", RestockApi.transactionId("order-42"));
    assertEquals("key:" + "k".repeat(251), RestockApi.transactionId("k".repeat(251)));
    String hashed = RestockApi.transactionId("k".repeat(252));
    assertTrue(hashed.matches("key#[0-9a-f]{64}"), hashed);
    assertEquals(hashed, RestockApi.transactionId("k".repeat(252)));
    assertNotEquals(hashed, RestockApi.transactionId("k".repeat(253)));
  }

  @Test
  void onlyApplicationJsonIsJson() {
    assertTrue(RestockApi.isJson("application/json"));
    assertTrue(RestockApi.isJson("Application/JSON ; charset=UTF-8"));
    assertFalse(RestockApi.isJson(null));
    assertFalse(RestockApi.isJson(""));
    assertFalse(RestockApi.isJson("text/plain"));
    assertFalse(RestockApi.isJson("application/x-www-form-urlencoded"));
    assertFalse(RestockApi.isJson("application/jsonp"));
    assertFalse(RestockApi.isJson("text/json"));
  }

  @Test
  void escapesWhatCouldForgeOrHideALogLine() {
    assertEquals("/admin/restock-orders/ro_1", Logs.escape("/admin/restock-orders/ro_1"));
    assertEquals("key:a\\u000a12:00 INFO forged", Logs.escape("key:a\n12:00 INFO forged"));
    assertEquals("a\\u000db\\u0009c\\u001b[31m", Logs.escape("a\rb\tc\u001b[31m"));
    assertEquals("caf\\u00e9 \\\\u000a", Logs.escape("caf\u00e9 \\u000a"));
    assertEquals("null", Logs.escape(null));
  }
}
