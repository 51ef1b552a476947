package errand.worker.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import errand.model.WireJson;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class JsonSchemaGeneratorTests {

    private static final SchemaRegistry VALIDATORS =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    enum Color { RED, GREEN }

    record Point(int x, int y) {
    }

    record Everything(int anInt, long aLong, Integer boxedInt, Long boxedLong, double aDouble, float aFloat,
            boolean aBoolean, String text, List<String> words, Map<String, Integer> counts, ObjectNode object,
            JsonNode node, Point point, List<Point> points, Set<Color> colors, UUID id, Instant when,
            Duration howLong) {
    }

    record Constrained(@Positive long upTo, @PositiveOrZero int millis, @Min(2) @Max(9) int digit,
            @NotBlank String name, @NotNull Integer count, @Size(min = 1, max = 3) String code,
            @Size(max = 5) List<String> tags, @NotEmpty List<Integer> numbers) {
    }

    record Optionals(@Nullable Long seed, @Nullable Boolean retryable, Long boxedWithoutAnnotation) {
    }

    record Tree(String label, List<Tree> children) {
    }

    static final class NotARecord {
    }

    record HoldsAPlainClass(NotARecord value) {
    }

    @Test
    void declaresTheDraft202012Dialect() {
        assertThat(schema(Point.class).get("$schema").asString())
                .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void mapsJavaTypesToJsonTypes() {
        JsonNode properties = schema(Everything.class).get("properties");

        assertThat(typeOf(properties, "anInt")).isEqualTo("integer");
        assertThat(typeOf(properties, "aLong")).isEqualTo("integer");
        assertThat(typeOf(properties, "boxedInt")).isEqualTo("integer");
        assertThat(typeOf(properties, "boxedLong")).isEqualTo("integer");
        assertThat(typeOf(properties, "aDouble")).isEqualTo("number");
        assertThat(typeOf(properties, "aFloat")).isEqualTo("number");
        assertThat(typeOf(properties, "aBoolean")).isEqualTo("boolean");
        assertThat(typeOf(properties, "text")).isEqualTo("string");
        assertThat(properties.get("words")).isEqualTo(json("{\"type\": \"array\", \"items\": {\"type\": \"string\"}}"));
        assertThat(properties.get("counts")).isEqualTo(json(
                "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\"}}"));
        assertThat(typeOf(properties, "object")).isEqualTo("object");
        assertThat(typeOf(properties, "node")).isEqualTo("object");
        assertThat(properties.get("colors")).isEqualTo(json("{\"type\": \"array\", \"uniqueItems\": true, "
                + "\"items\": {\"type\": \"string\", \"enum\": [\"RED\", \"GREEN\"]}}"));
        assertThat(properties.get("id")).isEqualTo(json("{\"type\": \"string\", \"format\": \"uuid\"}"));
        assertThat(properties.get("when")).isEqualTo(json("{\"type\": \"string\", \"format\": \"date-time\"}"));
        assertThat(properties.get("howLong")).isEqualTo(json("{\"type\": \"string\", \"format\": \"duration\"}"));
    }

    @Test
    void describesNestedRecordsAsClosedObjects() {
        JsonNode properties = schema(Everything.class).get("properties");
        JsonNode point = json("{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"integer\"}, "
                + "\"y\": {\"type\": \"integer\"}}, \"required\": [\"x\", \"y\"], \"additionalProperties\": false}");

        assertThat(properties.get("point")).isEqualTo(point);
        assertThat(properties.get("points").get("items")).isEqualTo(point);
    }

    @Test
    void requiresPrimitiveComponentsAndClosesTheRecord() {
        ObjectNode schema = schema(Everything.class);

        assertThat(schema.get("type").asString()).isEqualTo("object");
        assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
        assertThat(strings(schema.get("required"))).containsExactly("anInt", "aLong", "aDouble", "aFloat",
                "aBoolean");
    }

    @Test
    void turnsJakartaConstraintsIntoKeywords() {
        ObjectNode schema = schema(Constrained.class);
        JsonNode properties = schema.get("properties");

        assertThat(properties.get("upTo")).isEqualTo(json("{\"type\": \"integer\", \"exclusiveMinimum\": 0}"));
        assertThat(properties.get("millis")).isEqualTo(json("{\"type\": \"integer\", \"minimum\": 0}"));
        assertThat(properties.get("digit")).isEqualTo(json("{\"type\": \"integer\", \"minimum\": 2, \"maximum\": 9}"));
        assertThat(properties.get("name")).isEqualTo(json(
                "{\"type\": \"string\", \"minLength\": 1, \"pattern\": \"\\\\S\"}"));
        assertThat(properties.get("code")).isEqualTo(json(
                "{\"type\": \"string\", \"minLength\": 1, \"maxLength\": 3}"));
        assertThat(properties.get("tags")).isEqualTo(json(
                "{\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"maxItems\": 5}"));
        assertThat(properties.get("numbers").get("minItems").asInt()).isEqualTo(1);
        assertThat(strings(schema.get("required"))).containsExactly("upTo", "millis", "digit", "name", "count",
                "numbers");
    }

    @Test
    void letsNullableComponentsBeNullOrAbsent() {
        ObjectNode schema = schema(Optionals.class);

        assertThat(schema.get("properties").get("seed")).isEqualTo(json("{\"type\": [\"integer\", \"null\"]}"));
        assertThat(schema.get("properties").get("retryable")).isEqualTo(json("{\"type\": [\"boolean\", \"null\"]}"));
        assertThat(schema.get("properties").get("boxedWithoutAnnotation"))
                .isEqualTo(json("{\"type\": \"integer\"}"));
        assertThat(schema.has("required")).isFalse();
    }

    @Test
    void cutsOffRecursiveRecords() {
        JsonNode children = schema(Tree.class).get("properties").get("children");

        assertThat(children).isEqualTo(json("{\"type\": \"array\", \"items\": {\"type\": \"object\"}}"));
    }

    @Test
    void acceptsAnythingForObject() {
        assertThat(schema(Object.class))
                .isEqualTo(json("{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"}"));
    }

    @Test
    void refusesPlainClassesNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> schema(HoldsAPlainClass.class))
                .withMessageContaining(NotARecord.class.getName());
    }

    @Test
    void generatesSchemasAStandardValidatorEnforces() {
        Schema schema = VALIDATORS.getSchema(schema(Constrained.class));
        String valid = "{\"upTo\": 5, \"millis\": 0, \"digit\": 3, \"name\": \"n\", \"count\": 1, \"code\": \"ab\", "
                + "\"tags\": [], \"numbers\": [1]}";

        assertThat(schema.validate(json(valid))).isEmpty();
        assertThat(violations(schema, valid.replace("\"upTo\": 5", "\"upTo\": 0"))).containsExactly("exclusiveMinimum");
        assertThat(violations(schema, valid.replace("\"name\": \"n\"", "\"name\": \"  \""))).containsExactly("pattern");
        assertThat(violations(schema, valid.replace("\"count\": 1, ", ""))).containsExactly("required");
        assertThat(violations(schema, valid.replace("}", ", \"extra\": 1}"))).containsExactly("additionalProperties");
        assertThat(violations(schema, valid.replace("\"digit\": 3", "\"digit\": \"3\""))).containsExactly("type");
    }

    /** The generated schema as the API receives it: through JSON text. */
    private static ObjectNode schema(Class<?> type) {
        return (ObjectNode) WireJson.tree(WireJson.write(JsonSchemaGenerator.schemaOf(type)));
    }

    private static List<String> violations(Schema schema, String payload) {
        return schema.validate(json(payload)).stream().map(Error::getKeyword).toList();
    }

    private static String typeOf(JsonNode properties, String name) {
        return properties.get(name).get("type").asString();
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private static JsonNode json(String text) {
        return WireJson.mapper().readTree(text);
    }
}
