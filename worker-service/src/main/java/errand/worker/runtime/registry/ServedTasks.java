package errand.worker.runtime.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import errand.model.TaskKind;
import errand.model.TaskTypeDescriptor;
import errand.worker.runtime.WorkerProperties;

/**
 * The task types this worker serves, each with its effective concurrency (how many of its jobs run at once):
 * {@code errand.worker.concurrency.<type>} if set, else the {@code @Task} concurrency, else the kind's default:
 * {@value #IO_DEFAULT} for IO; for CPU, the cores. The CPU types do not split the cores among them: they share
 * {@link #cpuThreads()} of them (the cores, or a CPU type's concurrency if set higher), each job holding one while it
 * runs ({@code CpuAdmission}), so one CPU type alone with work uses every core. Naming an unknown type in
 * {@code errand.worker.task-types} or {@code errand.worker.concurrency} stops the worker from starting.
 */
public final class ServedTasks {

    static final int IO_DEFAULT = 16;

    /**
     * A served type, how many of its jobs run at once, the backoff before its second attempt (the {@code @Task}
     * retry backoff, else {@code errand.worker.retry-base-delay}), and how many deliveries each of its slots holds:
     * {@code errand.worker.quick-prefetch} for a quick type, else 1.
     */
    public record ServedTask(RegisteredTask task, int concurrency, Duration retryBackoff, int prefetch) {

        public String name() {
            return task.name();
        }

        /**
         * Consumers the type's jobs may need: its concurrency, plus for a CPU type one that holds the next delivery
         * while the others run, so a core that frees finds a job waiting.
         */
        public int slots() {
            return switch (task.kind()) {
                case CPU -> concurrency + 1;
                case IO -> concurrency;
            };
        }

        TaskTypeDescriptor descriptor() {
            return task.descriptor(concurrency, retryBackoff);
        }
    }

    private final List<ServedTask> served;
    private final int cpuThreads;

    public ServedTasks(TaskRegistry registry, WorkerProperties properties, int cores) {
        Set<String> known = new TreeSet<>();
        registry.all().forEach(task -> known.add(task.name()));
        checkKnown("errand.worker.task-types", properties.taskTypes(), known);
        checkKnown("errand.worker.concurrency", properties.concurrency().keySet(), known);
        List<RegisteredTask> chosen = registry.all().stream()
                .filter(task -> properties.taskTypes().isEmpty() || properties.taskTypes().contains(task.name()))
                .toList();
        if (chosen.isEmpty()) {
            throw new IllegalStateException("This worker serves no task type: no @Task handler is registered");
        }
        Map<String, Integer> overrides = properties.concurrency();
        List<ServedTask> served = new ArrayList<>();
        for (RegisteredTask task : chosen) {
            int concurrency = explicitConcurrency(task, overrides);
            if (concurrency == 0) {
                concurrency = switch (task.kind()) {
                    case CPU -> cores;
                    case IO -> IO_DEFAULT;
                };
            }
            Duration retryBackoff = task.declaredRetryBackoff() != null ? task.declaredRetryBackoff()
                    : properties.retryBaseDelay();
            int prefetch = task.quick() ? properties.quickPrefetch() : 1;
            served.add(new ServedTask(task, concurrency, retryBackoff, prefetch));
        }
        this.served = List.copyOf(served);
        this.cpuThreads = Math.max(cores, served.stream().filter(s -> s.task().kind() == TaskKind.CPU)
                .mapToInt(ServedTask::concurrency).max().orElse(0));
    }

    public List<ServedTask> all() {
        return served;
    }

    public List<TaskTypeDescriptor> descriptors() {
        return served.stream().map(ServedTask::descriptor).toList();
    }

    /** Deliveries every served type's slots may hold together: at most this many attempts are in flight. */
    public int deliveries() {
        return served.stream().mapToInt(task -> task.slots() * task.prefetch()).sum();
    }

    /**
     * The CPU jobs that run at once, all CPU types together, and the size of their thread pool: the cores, or more
     * if a CPU type's concurrency was set higher.
     */
    public int cpuThreads() {
        return cpuThreads;
    }

    private static int explicitConcurrency(RegisteredTask task, Map<String, Integer> overrides) {
        Integer override = overrides.get(task.name());
        return override != null ? override : task.declaredConcurrency();
    }

    private static void checkKnown(String property, Collection<String> names, Set<String> known) {
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalStateException(property + " names task type '" + name + "', which no handler "
                        + "declares; known types: " + known);
            }
        }
    }
}
