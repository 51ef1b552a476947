package errand.api.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import errand.api.MigratedDatabase;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the jobs table's trigger tells the change hub's listeners when one statement changes many jobs. */
class JobChangeNotificationsIntegrationTests {

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    private static JdbcTemplate jdbc;

    private Connection listening;

    @BeforeAll
    static void connect() {
        jdbc = database.jdbc();
    }

    @BeforeEach
    void listen() throws Exception {
        listening = database.dataSource().getConnection();
        try (Statement statement = listening.createStatement()) {
            statement.execute("listen errand_job_changes");
        }
    }

    @AfterEach
    void stopListening() throws Exception {
        listening.close();
    }

    @Test
    void aStatementsChangesArriveAsNotificationsOfUpTo200IdsEach() {
        List<UUID> jobs = Stream.generate(() -> aQueuedJob(null)).limit(450).toList();

        jdbc.update("update jobs set status = 'RUNNING' where id = any(?)", (Object) jobs.toArray(UUID[]::new));

        List<String> payloads = new ArrayList<>();
        await().untilAsserted(() -> {
            payloads.addAll(received());
            assertThat(idsIn(payloads)).containsExactlyInAnyOrderElementsOf(jobs);
        });
        assertThat(payloads).hasSize(3);
    }

    @Test
    void aBatchIsNamedOnceWhenManyOfItsJobsEndInOneStatement() {
        UUID batch = UUID.randomUUID();
        List<UUID> jobs = Stream.generate(() -> aQueuedJob(batch)).limit(5).toList();

        jdbc.update("update jobs set status = 'SUCCEEDED', finished_at = now() where id = any(?)",
                (Object) jobs.toArray(UUID[]::new));

        List<String> payloads = new ArrayList<>();
        await().untilAsserted(() -> {
            payloads.addAll(received());
            assertThat(idsIn(payloads)).containsAll(jobs).contains(batch);
        });
        assertThat(idsIn(payloads)).filteredOn(batch::equals).hasSize(1);
    }

    private List<String> received() throws Exception {
        PGNotification[] notifications = listening.unwrap(PGConnection.class).getNotifications(100);
        return notifications == null ? List.of()
                : Stream.of(notifications).map(PGNotification::getParameter).toList();
    }

    private static List<UUID> idsIn(List<String> payloads) {
        return payloads.stream().flatMap(payload -> Stream.of(payload.split(","))).map(UUID::fromString).toList();
    }

    private static UUID aQueuedJob(@Nullable UUID batch) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into jobs (id, type, status, payload, max_attempts, timeout_ms, created_at, publish_after,
                                  updated_at, batch_id, batch_position)
                values (?, 'echo', 'QUEUED', '{}', 3, 60000, now(), now(), now(), ?, ?)""",
                id, batch, batch == null ? null : 1);
        return id;
    }
}
