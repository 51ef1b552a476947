package errand.worker.runtime.registry;

import static errand.worker.runtime.registry.TaskFixtures.aRegistryOf;
import static errand.worker.runtime.registry.TaskFixtures.aRegistryWithDiagnosticsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;

import errand.model.TaskKind;
import errand.model.WireJson;
import errand.worker.tasks.Diagnostic;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskContext;
import errand.worker.tasks.TaskHandler;
import jakarta.validation.constraints.Positive;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The handlers here are inner (non-static) classes, so the component scan of the integration tests ignores them.
 */
class TaskRegistryTests {

    record Count(@Positive long upTo) {
    }

    record Total(long total) {
    }

    @Task(name = "count", description = "Counts.", kind = TaskKind.CPU, timeout = "PT2M", maxAttempts = 4,
            retryBackoff = "PT5S", concurrency = 3, example = "{\"upTo\": 10}")
    class Counter implements TaskHandler<Count, Total> {
        @Override
        public Total handle(Count input, TaskContext context) {
            return new Total(input.upTo());
        }
    }

    record Trouble(@Positive long upTo, @Diagnostic boolean crash, @Diagnostic @Nullable Boolean hang) {
    }

    @Task(name = "trouble", kind = TaskKind.IO)
    class Troublemaker implements TaskHandler<Trouble, Total> {
        @Override
        public Total handle(Trouble input, TaskContext context) {
            return new Total(input.upTo());
        }
    }

    @Task(name = "count", kind = TaskKind.IO)
    class AnotherCounter implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "generic", kind = TaskKind.IO)
    class Generic<T> implements TaskHandler<T, String> {
        @Override
        public String handle(T input, TaskContext context) {
            return "";
        }
    }

    @Task(name = "raw", kind = TaskKind.IO)
    @SuppressWarnings("rawtypes")
    class Raw implements TaskHandler {
        @Override
        public Object handle(Object input, TaskContext context) {
            return input;
        }
    }

    class Unannotated implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "bad-example", kind = TaskKind.CPU, example = "{\"upTo\": -1}")
    class BadExample implements TaskHandler<Count, Total> {
        @Override
        public Total handle(Count input, TaskContext context) {
            return new Total(0);
        }
    }

    @Task(name = "bad-timeout", kind = TaskKind.CPU, timeout = "one minute")
    class BadTimeout implements TaskHandler<Count, Total> {
        @Override
        public Total handle(Count input, TaskContext context) {
            return new Total(0);
        }
    }

    @Task(name = "bad-backoff", kind = TaskKind.CPU, retryBackoff = "PT0S")
    class BadBackoff implements TaskHandler<Count, Total> {
        @Override
        public Total handle(Count input, TaskContext context) {
            return new Total(0);
        }
    }

    @Task(name = "quick-count", kind = TaskKind.CPU, quick = true)
    class QuickCounter implements TaskHandler<Count, Total> {
        @Override
        public Total handle(Count input, TaskContext context) {
            return new Total(0);
        }
    }

    @Test
    void registersAHandlerWithItsSettingsSchemasAndExample() {
        RegisteredTask task = aRegistryOf(new Counter()).find("count").orElseThrow();

        assertThat(task.kind()).isEqualTo(TaskKind.CPU);
        assertThat(task.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(task.maxAttempts()).isEqualTo(4);
        assertThat(task.declaredRetryBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(task.declaredConcurrency()).isEqualTo(3);
        assertThat(task.inputType()).isEqualTo(Count.class);
        assertThat(task.inputSchema().get("properties").get("upTo").get("exclusiveMinimum").asInt()).isZero();
        assertThat(task.outputSchema().get("properties").has("total")).isTrue();
        assertThat(task.example()).isEqualTo(WireJson.mapper().readTree("{\"upTo\": 10}"));
        assertThat(task.descriptor(5, Duration.ofSeconds(5))).satisfies(descriptor -> {
            assertThat(descriptor.concurrency()).isEqualTo(5);
            assertThat(descriptor.retryBackoff()).isEqualTo(Duration.ofSeconds(5));
        });
    }

    @Test
    void leavesTheRetryBackoffToTheWorkerWhenTheTaskSetsNone() {
        assertThat(aRegistryOf(new AnotherCounter()).find("count").orElseThrow().declaredRetryBackoff()).isNull();
    }

    @Test
    void refusesARetryBackoffThatIsNotPositive() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new BadBackoff()))
                .withMessageContaining(BadBackoff.class.getName())
                .withMessageContaining("retryBackoff");
    }

    @Test
    void refusesAQuickCpuTypeWhoseHeldDeliveriesWouldWaitForACore() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new QuickCounter()))
                .withMessageContaining(QuickCounter.class.getName())
                .withMessageContaining("quick is for IO types only");
    }

    @Test
    void refusesTwoHandlersWithTheSameNameNamingBothClasses() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new Counter(), new AnotherCounter()))
                .withMessageContaining("'count'")
                .withMessageContaining(Counter.class.getName())
                .withMessageContaining(AnotherCounter.class.getName());
    }

    @Test
    void refusesAHandlerWhoseInputTypeIsATypeVariable() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new Generic<String>()))
                .withMessageContaining(Generic.class.getName())
                .withMessageContaining("input type");
    }

    @Test
    void refusesARawHandler() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new Raw()))
                .withMessageContaining(Raw.class.getName())
                .withMessageContaining("input type");
    }

    @Test
    void refusesAHandlerWithoutTask() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new Unannotated()))
                .withMessageContaining(Unannotated.class.getName())
                .withMessageContaining("@Task");
    }

    @Test
    void refusesAnExampleTheInputRejects() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new BadExample()))
                .withMessageContaining(BadExample.class.getName())
                .withMessageContaining("upTo");
    }

    @Test
    void refusesATimeoutThatIsNotAnIsoDuration() {
        assertThatIllegalStateException().isThrownBy(() -> aRegistryOf(new BadTimeout()))
                .withMessageContaining(BadTimeout.class.getName())
                .withMessageContaining("one minute");
    }

    @Test
    void announcesNoDiagnosticOptionWhenDiagnosticsAreOff() {
        ObjectNode schema = aRegistryOf(new Troublemaker()).find("trouble").orElseThrow().inputSchema();

        assertThat(schema.get("properties").propertyNames()).containsExactly("upTo");
        assertThat(schema.get("required").valueStream().map(name -> name.asString()).toList())
                .containsExactly("upTo");
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void announcesTheDiagnosticOptionsWhenDiagnosticsAreOn() {
        ObjectNode schema = aRegistryWithDiagnosticsOf(new Troublemaker()).find("trouble").orElseThrow()
                .inputSchema();

        assertThat(schema.get("properties").propertyNames()).containsExactlyInAnyOrder("upTo", "crash", "hang");
    }
}
