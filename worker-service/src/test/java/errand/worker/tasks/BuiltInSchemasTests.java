package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import errand.model.WireJson;
import errand.worker.schema.JsonSchemaGenerator;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.ResolvableType;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import tools.jackson.databind.JsonNode;

/**
 * Every {@code @Task} class of this package, found by scanning it, so a new type is checked the moment it is added:
 * its announced input schema, checked with the standard validator the API uses, accepts its example, and the example
 * runs to success.
 */
class BuiltInSchemasTests {

    private static final SchemaRegistry VALIDATORS =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    static List<Class<?>> builtInTypes() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Task.class));
        return scanner.findCandidateComponents(Task.class.getPackageName()).stream()
                .<Class<?>>map(candidate -> load(Objects.requireNonNull(candidate.getBeanClassName())))
                .sorted(Comparator.comparing(Class::getName))
                .toList();
    }

    @Test
    void findsEveryBuiltInType() {
        assertThat(builtInTypes()).extracting(type -> type.getAnnotation(Task.class).name())
                .contains("echo", "sleep", "prime-count", "pi", "fail", "hash-chain");
    }

    @ParameterizedTest
    @MethodSource("builtInTypes")
    void acceptsTheExampleItAnnounces(Class<?> type) {
        Task task = type.getAnnotation(Task.class);

        assertThat(task.example()).as("the example of %s", task.name()).isNotBlank();
        assertThat(violations(inputSchema(type), task.example())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("builtInTypes")
    void runsTheExampleItAnnouncesToSuccessByItsLastAttempt(Class<?> type) throws Exception {
        Task task = type.getAnnotation(Task.class);
        var handler = (TaskHandler<?, ?>) type.getDeclaredConstructor().newInstance();

        var run = TaskTestKit.of(handler).attempt(task.maxAttempts()).runExample();

        assertThat(run.outputJson()).as("%s", run).isNotNull();
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
        "fail        | {\"crash\": \"yes\"}",
        "fail        | {\"hang\": 1}",
        "echo        | [1, 2]",
        "hash-chain  | {\"seed\": \"abc\", \"iterations\": 0}",
        "hash-chain  | {\"iterations\": 10}",
        "hash-chain  | {\"seed\": null, \"iterations\": 10}",
        "hash-chain  | {\"seed\": \"abc\", \"iterations\": 1000000001}",
        "hash-chain  | {\"seed\": \"abc\", \"rounds\": 1000}",
    })
    void rejectsPayloadsItsHandlerWouldRefuse(String name, String payload) {
        Class<?> type = builtInTypes().stream()
                .filter(candidate -> candidate.getAnnotation(Task.class).name().equals(name))
                .findFirst().orElseThrow();

        assertThat(violations(inputSchema(type), payload)).isNotEmpty();
    }

    private static Schema inputSchema(Class<?> handler) {
        var input = ResolvableType.forClass(handler).as(TaskHandler.class).getGeneric(0).getType();
        JsonNode schema = WireJson.tree(WireJson.write(JsonSchemaGenerator.schemaOf(input)));
        return VALIDATORS.getSchema(schema);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> violations(Schema schema, String payload) {
        return schema.validate(WireJson.mapper().readTree(payload)).stream().map(Error::getMessage).toList();
    }
}
