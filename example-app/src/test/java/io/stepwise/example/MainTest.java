package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void readsThePortFromTheEnvironment() {
    assertEquals(9000, Main.port(null));
    assertEquals(9000, Main.port(" "));
    assertEquals(8080, Main.port("8080"));
    assertEquals(0, Main.port("0"));
    assertEquals("PORT must be a port number from 0 to 65535, was \"http\"",
        assertThrows(IllegalArgumentException.class, () -> Main.port("http")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Main.port("65536"));
  }

  @Test
  void hidesAPasswordInTheDatabaseUrl() {
    assertEquals("jdbc:postgresql://db:5432/shop?user=app&password=***&ssl=true",
        Database.redact("jdbc:postgresql://db:5432/shop?user=app&password=s3cret&ssl=true"));
    assertEquals(Database.DEFAULT_URL, Database.redact(Database.DEFAULT_URL));
  }
}
