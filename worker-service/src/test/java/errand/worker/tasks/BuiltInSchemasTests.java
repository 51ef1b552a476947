package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import errand.model.WireJson;
import errand.worker.schema.JsonSchemaGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The input schemas the built-in types announce, checked with the standard validator the API uses. */
class BuiltInSchemasTests {

    private static final SchemaRegistry VALIDATORS =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @ParameterizedTest
    @ValueSource(classes = {Echo.class, Sleep.class, PrimeCount.class, Pi.class, Fail.class})
    void acceptsTheExampleItAnnounces(Class<?> type) {
        Task task = type.getAnnotation(Task.class);

        assertThat(violations(inputSchema(type), task.example())).isEmpty();
    }

    @ParameterizedTest(name = "{0} rejects {1}")
    @CsvSource(delimiter = '|', value = {
        "prime-count | {\"upTo\": 0}",
        "prime-count | {\"upTo\": 2000000001}",
        "prime-count | {\"upTo\": \"many\"}",
        "prime-count | {}",
        "pi          | {\"samples\": 0}",
        "pi          | {\"samples\": 10, \"seed\": \"x\"}",
        "sleep       | {\"millis\": -1}",
        "fail        | {\"failTimes\": -1}",
        "fail        | {\"failTimes\": 1, \"extra\": true}",
        "echo        | [1, 2]",
    })
    void rejectsPayloadsItsHandlerWouldRefuse(String name, String payload) {
        Class<?> type = switch (name) {
            case "prime-count" -> PrimeCount.class;
            case "pi" -> Pi.class;
            case "sleep" -> Sleep.class;
            case "fail" -> Fail.class;
            default -> Echo.class;
        };

        assertThat(violations(inputSchema(type), payload)).isNotEmpty();
    }

    private static Schema inputSchema(Class<?> handler) {
        Class<?> input = handler == Echo.class ? ObjectNode.class : nested(handler, "Input");
        JsonNode schema = WireJson.tree(WireJson.write(JsonSchemaGenerator.schemaOf(input)));
        return VALIDATORS.getSchema(schema);
    }

    private static Class<?> nested(Class<?> outer, String name) {
        for (Class<?> candidate : outer.getDeclaredClasses()) {
            if (candidate.getSimpleName().equals(name)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(outer + " has no " + name);
    }

    private static List<String> violations(Schema schema, String payload) {
        return schema.validate(WireJson.mapper().readTree(payload)).stream().map(Error::getMessage).toList();
    }
}
