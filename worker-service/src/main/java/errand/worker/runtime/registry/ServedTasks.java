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
 * The task types this worker serves, each with its effective concurrency: {@code errand.worker.concurrency.<type>}
 * if set, else the {@code @Task} concurrency, else the kind's default: {@value #IO_DEFAULT} for IO; for CPU, the
 * cores, shared out among the served CPU types that have no concurrency of their own (with two such types on eight
 * cores, four each; never less than one). CPU types share one pool of {@link #cpuThreads()} platform threads, so
 * every CPU slot has a thread and no delivery is held waiting for one. Naming an unknown type in
 * {@code errand.worker.task-types} or {@code errand.worker.concurrency} stops the worker from starting.
 */
public final class ServedTasks {

    static final int IO_DEFAULT = 16;

    /**
     * A served type, how many of its jobs run at once, and the backoff before its second attempt: the
     * {@code @Task} retry backoff, else {@code errand.worker.retry-base-delay}.
     */
    public record ServedTask(RegisteredTask task, int concurrency, Duration retryBackoff) {

        public String name() {
            return task.name();
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
        int sharingCores = (int) chosen.stream()
                .filter(task -> task.kind() == TaskKind.CPU && explicitConcurrency(task, overrides) == 0).count();
        List<ServedTask> served = new ArrayList<>();
        int shared = 0;
        for (RegisteredTask task : chosen) {
            int concurrency = explicitConcurrency(task, overrides);
            if (concurrency == 0) {
                concurrency = switch (task.kind()) {
                    case CPU -> Math.max(1, cores / sharingCores + (shared++ < cores % sharingCores ? 1 : 0));
                    case IO -> IO_DEFAULT;
                };
            }
            Duration retryBackoff = task.declaredRetryBackoff() != null ? task.declaredRetryBackoff()
                    : properties.retryBaseDelay();
            served.add(new ServedTask(task, concurrency, retryBackoff));
        }
        this.served = List.copyOf(served);
        this.cpuThreads = Math.max(cores, cpuConcurrency());
    }

    public List<ServedTask> all() {
        return served;
    }

    public List<TaskTypeDescriptor> descriptors() {
        return served.stream().map(ServedTask::descriptor).toList();
    }

    /** The size of the CPU pool: the cores, or more if the CPU types' concurrency was set higher. */
    /** Slots of every served type together: at most this many jobs run at once. */
    public int slots() {
        return served.stream().mapToInt(ServedTask::concurrency).sum();
    }

    public int cpuThreads() {
        return cpuThreads;
    }

    private int cpuConcurrency() {
        return served.stream().filter(s -> s.task().kind() == TaskKind.CPU).mapToInt(ServedTask::concurrency).sum();
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
