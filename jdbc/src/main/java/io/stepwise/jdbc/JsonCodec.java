package io.stepwise.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.store.RunError;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.UnrecordableValueException;
import io.stepwise.runtime.store.StoredError;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values to JSON and back, by Jackson, with their declared Java types, and errors that name what
 * failed. The first value of each type written is also read back at once, so that a type Jackson
 * can write but not read (no creator, say) fails the run that first records one, not the recovery
 * that would need it.
 */
final class JsonCodec {
  /** The store's own structures (errors), independent of the application's mapper settings. */
  private static final ObjectMapper INTERNAL = new ObjectMapper();

  private final ObjectMapper mapper;
  private final Map<Type, ObjectWriter> writers = new ConcurrentHashMap<>();
  private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();
  private final Set<Type> readBack = ConcurrentHashMap.newKeySet();

  JsonCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The mapper JdbcRunStore uses unless given one: Jackson's defaults, with {@code java.time} values
   * (as ISO-8601 text) and {@code Optional}.
   */
  static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new Jdk8Module())
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  /** The JSON of {@code value} as a {@code type}; {@code what} names it in an error, e.g. the output of step 'x'. */
  String write(Object value, Type type, What what) {
    String json;
    try {
      json = writers.computeIfAbsent(type, t -> mapper.writerFor(mapper.constructType(t))).writeValueAsString(value);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new UnrecordableValueException("Cannot record " + what + ": Jackson cannot write it as " + type.getTypeName()
          + ": " + reason(e) + ". " + fix(type), e);
    }
    if (value != null && !readBack.contains(type)) {
      try {
        reader(type).readValue(json);
      } catch (JsonProcessingException | RuntimeException e) {
        throw new UnrecordableValueException("Cannot record " + what + ": Jackson writes it as " + type.getTypeName()
            + " but cannot read that back: " + reason(e) + ". " + fix(type), e);
      }
      readBack.add(type);
    }
    return json;
  }

  /** The value of {@code json} as a {@code type}; null JSON (absent) gives null. */
  Object read(String json, Type type, What what) {
    if (json == null) {
      return null;
    }
    try {
      return reader(type).readValue(json);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new RunStoreException("Cannot load " + what + ": Jackson cannot read its JSON back as "
          + type.getTypeName() + ": " + reason(e) + ". The type changed since the value was recorded, or the "
          + "ObjectMapper differs; read the run with RunTypes.untyped to see the JSON", e);
    }
  }

  /** Whether two JSON texts hold the same value (fields in any order). */
  boolean sameJson(String a, String b) {
    if (a == null || b == null) {
      return a == b;
    }
    try {
      return mapper.readTree(a).equals(mapper.readTree(b));
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private ObjectReader reader(Type type) {
    return readers.computeIfAbsent(type, t -> mapper.readerFor(mapper.constructType(t)));
  }

  static String writeErrors(List<RunError> errors) {
    ArrayNode array = INTERNAL.createArrayNode();
    for (RunError error : errors) {
      ObjectNode node = array.addObject();
      node.put("step", error.step());
      node.put("phase", error.phase().name());
      node.put("attempts", error.attempts());
      node.put("type", error.error().type());
      node.put("message", error.error().message());
    }
    return array.toString();
  }

  static List<RunError> readErrors(String json) {
    if (json == null) {
      return List.of();
    }
    try {
      List<RunError> errors = new ArrayList<>();
      for (JsonNode node : INTERNAL.readTree(json)) {
        JsonNode message = node.get("message");
        errors.add(new RunError(node.get("step").asText(), StepPhase.valueOf(node.get("phase").asText()),
            node.get("attempts").asInt(),
            new StoredError(node.get("type").asText(), message.isNull() ? null : message.asText())));
      }
      return errors;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new RunStoreException("Cannot load the errors of a run: its errors_json is not what JdbcRunStore "
          + "writes (" + reason(e) + ")", e);
    }
  }

  private static String fix(Type type) {
    return "Make " + type.getTypeName() + " a type Jackson can write and read back (a record, or a class with a "
        + "constructor and getters Jackson sees), or give JdbcRunStore.builder(...).objectMapper(...) a mapper "
        + "configured for it";
  }

  /** Jackson's reason in one line, with the path into the value where it failed. */
  private static String reason(Exception e) {
    String reason;
    String path = "";
    if (e instanceof JsonMappingException m) {
      reason = m.getOriginalMessage();
      StringBuilder sb = new StringBuilder();
      for (JsonMappingException.Reference ref : m.getPath()) {
        sb.append(ref.getFieldName() != null ? "." + ref.getFieldName()
            : ref.getIndex() >= 0 ? "[" + ref.getIndex() + "]" : "");
      }
      path = sb.length() == 0 ? "" : " (at " + (sb.charAt(0) == '.' ? sb.substring(1) : sb) + ")";
    } else if (e instanceof JsonProcessingException p) {
      reason = p.getOriginalMessage();
    } else {
      reason = e.toString();
    }
    return String.valueOf(reason).replaceAll("\\s+", " ").trim() + path;
  }

  /**
   * What a value is, for messages (built only when one is needed): a part of a run ("the input"),
   * or of one of its steps ("the output", with the step's name and position).
   */
  record What(String part, String stepName, int position, String workflowName, String transactionId) {
    static What ofRun(String part, String workflowName, String transactionId) {
      return new What(part, null, -1, workflowName, transactionId);
    }

    @Override
    public String toString() {
      return part + (stepName == null ? "" : " of step '" + stepName + "' (position " + position + ")")
          + " of run '" + transactionId + "' of workflow '" + workflowName + "'";
    }
  }
}
