package errand.worker.runtime.registry;

import static errand.worker.runtime.registry.TaskFixtures.aRegistryOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import errand.model.TaskKind;
import errand.worker.runtime.WorkerProperties;
import errand.worker.tasks.Task;
import errand.worker.tasks.TaskContext;
import errand.worker.tasks.TaskHandler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Handlers are inner classes, invisible to the integration tests' component scan. */
class ServedTasksTests {

    @Task(name = "crunch", kind = TaskKind.CPU)
    class Crunch implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "grind", kind = TaskKind.CPU)
    class Grind implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "mill", kind = TaskKind.CPU)
    class Mill implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "ping", kind = TaskKind.IO, quick = true)
    class Ping implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "fetch", kind = TaskKind.IO)
    class Fetch implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "patient", kind = TaskKind.IO, retryBackoff = "PT30S")
    class Patient implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Task(name = "pinned", kind = TaskKind.CPU, concurrency = 3)
    class Pinned implements TaskHandler<ObjectNode, ObjectNode> {
        @Override
        public ObjectNode handle(ObjectNode input, TaskContext context) {
            return input;
        }
    }

    @Test
    void givesIoTypesSixteenSlotsAndALoneCpuTypeEveryCore() {
        ServedTasks served = new ServedTasks(aRegistryOf(new Crunch(), new Fetch()), properties(List.of(), Map.of()),
                8);

        assertThat(concurrency(served)).containsExactlyInAnyOrderEntriesOf(Map.of("crunch", 8, "fetch", 16));
        assertThat(served.cpuThreads()).isEqualTo(8);
    }

    @Test
    void letsEveryCpuTypeUseEveryCoreSharingOnePoolOfThem() {
        ServedTasks served = new ServedTasks(aRegistryOf(new Crunch(), new Grind(), new Mill()),
                properties(List.of(), Map.of()), 2);

        assertThat(concurrency(served)).containsExactlyInAnyOrderEntriesOf(Map.of("crunch", 2, "grind", 2, "mill", 2));
        assertThat(served.cpuThreads()).isEqualTo(2);
    }

    @Test
    void givesACpuTypeOneSlotMoreThanItsConcurrencyForTheDeliveryThatWaitsForACore() {
        ServedTasks served = new ServedTasks(aRegistryOf(new Crunch(), new Fetch()), properties(List.of(), Map.of()),
                4);

        assertThat(served.all()).extracting(ServedTasks.ServedTask::name, ServedTasks.ServedTask::slots)
                .containsExactlyInAnyOrder(tuple("crunch", 5), tuple("fetch", 16));
        assertThat(served.deliveries()).isEqualTo(21);
    }

    @Test
    void letsEachSlotOfAQuickTypeHoldTheQuickPrefetchAndEveryOtherSlotOneDelivery() {
        ServedTasks served = new ServedTasks(aRegistryOf(new Ping(), new Fetch(), new Crunch()),
                properties(List.of(), Map.of("ping", 8)), 2);

        assertThat(served.all()).extracting(ServedTasks.ServedTask::name, ServedTasks.ServedTask::prefetch)
                .containsExactlyInAnyOrder(tuple("ping", 4), tuple("fetch", 1), tuple("crunch", 1));
        assertThat(served.deliveries()).isEqualTo(8 * 4 + 16 + 3);
    }

    @Test
    void prefersConfiguredOverDeclaredOverDefaultConcurrency() {
        ServedTasks served = new ServedTasks(aRegistryOf(new Crunch(), new Pinned(), new Fetch()),
                properties(List.of(), Map.of("fetch", 50, "crunch", 6)), 4);

        assertThat(concurrency(served)).containsExactlyInAnyOrderEntriesOf(Map.of("crunch", 6, "pinned", 3,
                "fetch", 50));
        assertThat(served.cpuThreads()).as("the largest CPU concurrency, above the cores").isEqualTo(6);
    }

    @Test
    void backsOffByTheTasksOwnRetryBackoffElseTheWorkersBaseDelay() {
        ServedTasks served = new ServedTasks(aRegistryOf(new Patient(), new Fetch()), properties(List.of(), Map.of()),
                4);

        assertThat(served.all()).extracting(ServedTasks.ServedTask::name, ServedTasks.ServedTask::retryBackoff)
                .containsExactlyInAnyOrder(tuple("patient", Duration.ofSeconds(30)),
                        tuple("fetch", Duration.ofSeconds(1)));
        assertThat(served.descriptors()).extracting(descriptor -> descriptor.retryBackoff())
                .containsExactlyInAnyOrder(Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    @Test
    void servesOnlyTheConfiguredTypes() {
        ServedTasks served = new ServedTasks(aRegistryOf(new Crunch(), new Fetch()),
                properties(List.of("fetch"), Map.of()), 4);

        assertThat(concurrency(served)).containsOnlyKeys("fetch");
        assertThat(served.descriptors()).singleElement().satisfies(descriptor -> {
            assertThat(descriptor.name()).isEqualTo("fetch");
            assertThat(descriptor.concurrency()).isEqualTo(16);
        });
    }

    @Test
    void refusesToStartForAnUnknownConfiguredType() {
        assertThatIllegalStateException().isThrownBy(() -> new ServedTasks(aRegistryOf(new Crunch()),
                properties(List.of("crunsh"), Map.of()), 4)).withMessageContaining("'crunsh'");
        assertThatIllegalStateException().isThrownBy(() -> new ServedTasks(aRegistryOf(new Crunch()),
                properties(List.of(), Map.of("crunsh", 2)), 4)).withMessageContaining("'crunsh'");
    }

    private static WorkerProperties properties(List<String> types, Map<String, Integer> concurrency) {
        return new WorkerProperties("test", types, concurrency, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofMillis(100), 0, 4,
                100);
    }

    private static Map<String, Integer> concurrency(ServedTasks served) {
        return served.all().stream().collect(java.util.stream.Collectors.toMap(ServedTasks.ServedTask::name,
                ServedTasks.ServedTask::concurrency));
    }
}
