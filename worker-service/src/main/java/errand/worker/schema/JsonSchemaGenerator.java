package errand.worker.schema;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Derives a JSON Schema (draft 2020-12) from a Java type, the way the wire mapping encodes it. Records become closed
 * objects ({@code additionalProperties: false}) whose components are the properties; primitive components and those
 * annotated {@code @NotNull}, {@code @NotBlank} or {@code @NotEmpty} are required; JSpecify {@code @Nullable}
 * components also accept {@code null}. Jakarta constraints become keywords (see {@link Constraints}). Recursive
 * records are cut off with a plain {@code {"type": "object"}}.
 *
 * <p>Types without a JSON mapping (plain classes, interfaces) are refused with an {@link IllegalArgumentException}
 * naming them: a task's input and output should be records.
 */
public final class JsonSchemaGenerator {

    /** The {@code $schema} of every generated root. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Deque<Class<?>> enclosingRecords = new ArrayDeque<>();

    private JsonSchemaGenerator() {
    }

    /** The schema of {@code type}, with {@code $schema} set; {@code {}} (anything) for {@code Object}. */
    public static ObjectNode schemaOf(Type type) {
        ObjectNode root = NODES.objectNode().put("$schema", DIALECT);
        root.setAll(new JsonSchemaGenerator().schema(ResolvableType.forType(type)));
        return root;
    }

    private ObjectNode schema(ResolvableType type) {
        Class<?> raw = type.resolve(Object.class);
        ObjectNode simple = simpleSchema(raw);
        if (simple != null) {
            return simple;
        }
        if (raw.isEnum()) {
            ArrayNode values = NODES.arrayNode();
            for (Object constant : raw.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
            ObjectNode schema = typed("string");
            schema.set("enum", values);
            return schema;
        }
        if (raw == Optional.class) {
            return schema(type.getGeneric(0));
        }
        if (raw.isArray()) {
            return arrayOf(schema(type.getComponentType()), false);
        }
        if (Collection.class.isAssignableFrom(raw)) {
            return arrayOf(schema(type.asCollection().getGeneric(0)), Set.class.isAssignableFrom(raw));
        }
        if (Map.class.isAssignableFrom(raw)) {
            ObjectNode schema = typed("object");
            ResolvableType values = type.asMap().getGeneric(1);
            if (values.resolve(Object.class) != Object.class) {
                schema.set("additionalProperties", schema(values));
            }
            return schema;
        }
        if (raw.isRecord()) {
            return recordSchema(type, raw);
        }
        if (raw == Object.class) {
            return NODES.objectNode();
        }
        throw new IllegalArgumentException("no JSON Schema for " + raw.getName() + ": use a record, a JSON node, "
                + "a collection, a map or a simple value");
    }

    private static @Nullable ObjectNode simpleSchema(Class<?> raw) {
        if (raw == int.class || raw == long.class || raw == short.class || raw == byte.class
                || raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class
                || raw == BigInteger.class) {
            return typed("integer");
        }
        if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class
                || raw == BigDecimal.class) {
            return typed("number");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return typed("boolean");
        }
        if (raw == char.class || raw == Character.class) {
            return typed("string").put("minLength", 1).put("maxLength", 1);
        }
        if (raw == String.class || raw == CharSequence.class) {
            return typed("string");
        }
        if (raw == byte[].class) {
            return typed("string").put("contentEncoding", "base64");
        }
        if (raw == UUID.class) {
            return typed("string").put("format", "uuid");
        }
        if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            return typed("string").put("format", "date-time");
        }
        if (raw == LocalDate.class) {
            return typed("string").put("format", "date");
        }
        if (raw == Duration.class) {
            return typed("string").put("format", "duration");
        }
        if (raw == URI.class) {
            return typed("string").put("format", "uri");
        }
        if (ArrayNode.class.isAssignableFrom(raw)) {
            return typed("array");
        }
        if (JsonNode.class.isAssignableFrom(raw)) {
            return typed("object");
        }
        return null;
    }

    private ObjectNode recordSchema(ResolvableType type, Class<?> raw) {
        if (enclosingRecords.contains(raw)) {
            return typed("object");
        }
        enclosingRecords.push(raw);
        try {
            ObjectNode schema = typed("object");
            ObjectNode properties = schema.putObject("properties");
            ArrayNode required = NODES.arrayNode();
            for (RecordComponent component : raw.getRecordComponents()) {
                Field field = field(raw, component);
                ObjectNode property = schema(field == null
                        ? ResolvableType.forMethodReturnType(component.getAccessor())
                        : ResolvableType.forField(field, type));
                Constraints constraints = Constraints.of(annotations(raw, component));
                constraints.applyTo(property);
                if (isNullable(component)) {
                    allowNull(property);
                }
                String name = jsonName(raw, component);
                properties.set(name, property);
                if (component.getType().isPrimitive() || constraints.required()) {
                    required.add(name);
                }
            }
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
            schema.put("additionalProperties", false);
            return schema;
        } finally {
            enclosingRecords.pop();
        }
    }

    private static Annotation[] annotations(Class<?> record, RecordComponent component) {
        // Jakarta constraints do not target record components: javac copies them to the accessor, the field and
        // the type use. Collect them from all three, each annotation type once.
        Map<Class<?>, Annotation> found = new LinkedHashMap<>();
        for (AnnotatedElement element : new AnnotatedElement[] {component.getAnnotatedType(), component.getAccessor(),
                field(record, component)}) {
            if (element != null) {
                for (Annotation annotation : element.getAnnotations()) {
                    found.putIfAbsent(annotation.annotationType(), annotation);
                }
            }
        }
        return found.values().toArray(Annotation[]::new);
    }

    private static @Nullable Field field(Class<?> record, RecordComponent component) {
        try {
            return record.getDeclaredField(component.getName());
        } catch (NoSuchFieldException ex) {
            return null;
        }
    }

    private static boolean isNullable(RecordComponent component) {
        return component.getAnnotatedType().isAnnotationPresent(Nullable.class);
    }

    private static String jsonName(Class<?> record, RecordComponent component) {
        JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
        if (renamed == null) {
            Field field = field(record, component);
            renamed = field == null ? null : field.getAnnotation(JsonProperty.class);
        }
        return renamed == null || renamed.value().isEmpty() ? component.getName() : renamed.value();
    }

    private static void allowNull(ObjectNode property) {
        JsonNode type = property.get("type");
        if (type != null && type.isString()) {
            property.set("type", NODES.arrayNode().add(type.asString()).add("null"));
        }
        JsonNode values = property.get("enum");
        if (values instanceof ArrayNode array) {
            array.addNull();
        }
    }

    private static ObjectNode arrayOf(ObjectNode items, boolean unique) {
        ObjectNode schema = typed("array");
        schema.set("items", items);
        if (unique) {
            schema.put("uniqueItems", true);
        }
        return schema;
    }

    static ObjectNode typed(String type) {
        return NODES.objectNode().put("type", type);
    }
}
