package errand.api.tasktypes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import errand.api.ErrandMetrics;
import errand.api.TypeMeters;
import errand.model.TaskTypeDescriptor;
import errand.model.WorkerHeartbeat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** The workers this API instance has heard from, judged live or gone by their heartbeats. */
@Component
public class WorkerDirectory {

    private final Map<String, Sighting> sightings = new ConcurrentHashMap<>();
    private final Set<String> gaugedTypes = ConcurrentHashMap.newKeySet();
    private final TaskTypeProperties properties;
    private final MeterRegistry registry;
    private final TypeMeters typeMeters;
    private final Clock clock;

    WorkerDirectory(TaskTypeProperties properties, MeterRegistry registry, TypeMeters typeMeters) {
        this.properties = properties;
        this.registry = registry;
        this.typeMeters = typeMeters;
        this.clock = Clock.systemUTC();
    }

    record Sighting(WorkerHeartbeat heartbeat, Instant receivedAt) {
    }

    /** A worker as {@code GET /api/v1/workers} shows it. */
    public record WorkerView(String id, String host, String status, List<String> taskTypes, int inFlight,
            Map<String, Integer> concurrency, Instant lastHeartbeatAt) {
    }

    void record(WorkerHeartbeat heartbeat) {
        sightings.put(heartbeat.workerId(), new Sighting(heartbeat, clock.instant()));
        for (TaskTypeDescriptor type : heartbeat.taskTypes()) {
            if (gaugedTypes.add(type.name())) {
                Gauge.builder(ErrandMetrics.WORKERS_LIVE, this, d -> d.liveWorkersByType().getOrDefault(type.name(), 0))
                        .tag(ErrandMetrics.TAG_TYPE, type.name()).register(registry);
                typeMeters.register(type.name());
            }
        }
    }

    public List<WorkerView> workers() {
        Instant now = clock.instant();
        sightings.values().removeIf(s -> s.receivedAt().isBefore(now.minus(properties.forgetGoneAfter())));
        return sightings.values().stream()
                .sorted(Comparator.comparing(s -> s.heartbeat().workerId()))
                .map(s -> view(s, now))
                .toList();
    }

    /** Live workers serving each task type. */
    public Map<String, Integer> liveWorkersByType() {
        Instant now = clock.instant();
        Map<String, Integer> counts = new HashMap<>();
        for (Sighting sighting : sightings.values()) {
            if (isLive(sighting, now)) {
                for (TaskTypeDescriptor type : sighting.heartbeat().taskTypes()) {
                    counts.merge(type.name(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private WorkerView view(Sighting sighting, Instant now) {
        WorkerHeartbeat heartbeat = sighting.heartbeat();
        String status = !isLive(sighting, now) ? "GONE" : heartbeat.stopping() ? "STOPPING" : "LIVE";
        Map<String, Integer> concurrency = new HashMap<>();
        heartbeat.taskTypes().forEach(t -> concurrency.put(t.name(), t.concurrency()));
        return new WorkerView(heartbeat.workerId(), heartbeat.host(), status,
                heartbeat.taskTypes().stream().map(TaskTypeDescriptor::name).sorted().toList(),
                heartbeat.inFlight(), concurrency, sighting.receivedAt());
    }

    private boolean isLive(Sighting sighting, Instant now) {
        Duration allowance = sighting.heartbeat().interval().multipliedBy(properties.missedHeartbeats());
        return sighting.receivedAt().plus(allowance).isAfter(now);
    }
}
