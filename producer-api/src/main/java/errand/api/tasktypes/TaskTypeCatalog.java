package errand.api.tasktypes;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import errand.api.TypeMeters;
import errand.api.dispatch.JobQueues;
import errand.model.TaskTypeDescriptor;
import errand.model.WireJson;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The task types workers have announced, remembered in the database so that a restarted API, or another
 * instance, accepts jobs of a known type while no worker runs. Reads are served from memory; a miss looks in the
 * database once, so a type learned by another instance is found.
 */
@Component
public class TaskTypeCatalog {

    private final JdbcTemplate jdbc;
    private final JobQueues jobQueues;
    private final TypeMeters typeMeters;
    private final Map<String, TaskTypeDescriptor> known = new ConcurrentHashMap<>();

    TaskTypeCatalog(JdbcTemplate jdbc, JobQueues jobQueues, TypeMeters typeMeters) {
        this.jdbc = jdbc;
        this.jobQueues = jobQueues;
        this.typeMeters = typeMeters;
    }

    /** The per-type series of the types known from before a restart exist before any worker announces them. */
    @EventListener(ApplicationReadyEvent.class)
    void registerMetersOfStoredTypes() {
        try {
            all().forEach(type -> typeMeters.register(type.name()));
        } catch (DataAccessException e) {
            // they are registered when their workers announce them, or a job of theirs is submitted
        }
    }

    public Optional<TaskTypeDescriptor> find(String name) {
        TaskTypeDescriptor cached = known.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<TaskTypeDescriptor> stored = jdbc.query("select descriptor from task_types where name = ?",
                (rs, n) -> WireJson.mapper().readValue(rs.getString(1), TaskTypeDescriptor.class), name)
                .stream().findFirst();
        stored.ifPresent(this::cache);
        return stored;
    }

    public List<TaskTypeDescriptor> all() {
        return jdbc.query("select descriptor from task_types order by name",
                (rs, n) -> WireJson.mapper().readValue(rs.getString(1), TaskTypeDescriptor.class));
    }

    /** Records an announced type; writes only when it is new or its description changed. */
    void remember(TaskTypeDescriptor descriptor, Instant seenAt) {
        if (descriptor.equals(known.get(descriptor.name()))) {
            return;
        }
        jdbc.update("""
                insert into task_types (name, descriptor, first_seen_at, last_seen_at) values (?, ?::jsonb, ?, ?)
                on conflict (name) do update set descriptor = excluded.descriptor, last_seen_at = excluded.last_seen_at
                """, descriptor.name(), WireJson.mapper().writeValueAsString(descriptor), Timestamp.from(seenAt),
                Timestamp.from(seenAt));
        cache(descriptor);
    }

    private void cache(TaskTypeDescriptor descriptor) {
        jobQueues.ensureDeclared(descriptor.name());
        typeMeters.register(descriptor.name());
        known.put(descriptor.name(), descriptor);
    }
}
