package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.jdbc.RunStoreContract.Item;
import io.stepwise.runtime.store.Types;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Jackson reads the types that {@link Types} builds (without reflection) as it reads the JDK's. */
class TypesJacksonTest {
  private final ObjectMapper mapper = JsonCodec.defaultMapper();

  @Test
  void jacksonConstructsTheTypes() {
    JavaType list = mapper.constructType(Types.parameterized(List.class, Item.class));
    assertEquals(List.class, list.getRawClass());
    assertEquals(Item.class, list.getContentType().getRawClass());
    JavaType map = mapper.constructType(Types.parameterized(Map.class, String.class,
        Types.parameterized(List.class, Types.subtypeOf(Number.class))));
    assertEquals(String.class, map.getKeyType().getRawClass());
    assertEquals(Number.class, map.getContentType().getContentType().getRawClass());
    JavaType array = mapper.constructType(Types.arrayOf(Types.parameterized(Optional.class, String.class)));
    assertTrue(array.isArrayType());
    assertEquals(Optional.class, array.getContentType().getRawClass());
    JavaType sink = mapper.constructType(Types.parameterized(List.class, Types.supertypeOf(Integer.class)));
    assertEquals(List.class, sink.getRawClass());
  }

  @Test
  void jacksonReadsValuesAsTheTypes() throws Exception {
    String json = "{\"a\": [{\"sku\": \"x\", \"quantity\": 2, \"unitCost\": 1.5}]}";
    Object value = mapper.readerFor(mapper.constructType(Types.parameterized(Map.class, String.class,
        Types.parameterized(List.class, Item.class)))).readValue(json);
    assertEquals(Map.of("a", List.of(new Item("x", 2, new BigDecimal("1.5")))), value);
    Object array = mapper.readerFor(mapper.constructType(Types.arrayOf(Types.parameterized(List.class, Integer.class))))
        .readValue("[[1, 2], []]");
    assertEquals(List.of(1, 2), ((List<?>[]) array)[0]);
  }
}
