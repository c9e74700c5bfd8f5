package io.stepwise.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunOptionsTest {

  @Test
  void defaultsHaveNoTransactionIdAndThrowOnError() {
    assertEquals(Optional.empty(), RunOptions.defaults().transactionId());
    assertTrue(RunOptions.defaults().throwOnError());
    assertEquals(Optional.empty(), RunOptions.builder().build().transactionId());
    assertTrue(RunOptions.builder().build().throwOnError());
  }

  @Test
  void builderKeepsWhatItWasGiven() {
    RunOptions options = RunOptions.builder().transactionId("order-42").throwOnError(false).build();

    assertEquals(Optional.of("order-42"), options.transactionId());
    assertFalse(options.throwOnError());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "   ", "\t", "\n"})
  void blankTransactionIdIsRejected(String blank) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunOptions.builder().transactionId(blank));

    assertTrue(e.getMessage().contains("transactionId"), e.getMessage());
  }

  @Test
  void nullTransactionIdIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RunOptions.builder().transactionId(null));
  }

  @Test
  void transactionIdOfAtMost200CharactersIsAccepted() {
    String longest = "x".repeat(200);

    assertEquals(Optional.of(longest), RunOptions.builder().transactionId(longest).build().transactionId());
  }

  @Test
  void tooLongTransactionIdIsRejectedWithItsLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunOptions.builder().transactionId("x".repeat(201)));

    assertTrue(e.getMessage().contains("200"), e.getMessage());
    assertTrue(e.getMessage().contains("201"), e.getMessage());
  }
}
