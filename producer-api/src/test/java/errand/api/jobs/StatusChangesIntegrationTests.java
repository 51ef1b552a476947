package errand.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

import errand.api.MigratedDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/** What a statement that changes jobs' statuses sets off in the database (the jobs' update trigger), on the schema. */
class StatusChangesIntegrationTests {

    private static final int JOBS = 500;

    @RegisterExtension
    static final MigratedDatabase database = new MigratedDatabase();

    /**
     * PL/pgSQL keeps a statement's plan for the session, made for the transition tables' size at its first call. A
     * session whose first update changed one job once joined a later statement's old and new rows row by row,
     * rereading one of them for every row of the other. {@code auto_explain}, loaded in this session only, reports
     * the plans the trigger ran as notices.
     */
    @Test
    void aStatementThatChangesManyJobsReadsItsOldAndNewRowsOnceWhateverPlanTheSessionCached() throws SQLException {
        JdbcTemplate jdbc = database.jdbc();
        jdbc.update("truncate jobs, job_outbox, job_event_inbox, job_count_deltas cascade");
        jdbc.update("""
                insert into jobs (id, tenant, type, status, payload, max_attempts, timeout_ms, created_at,
                                  publish_after, updated_at)
                select gen_random_uuid(), 'default', 'echo', 'QUEUED', '{}', 1, 1000, now(), now(), now()
                from generate_series(1, ?)""", JOBS + 1);
        String plans;
        try (Connection session = database.dataSource().getConnection();
                Statement sql = session.createStatement()) {
            sql.executeUpdate("update jobs set status = 'RUNNING' where id = (select id from jobs limit 1)");
            MigratedDatabase.reportPlansAsNotices(session);

            int changed = sql.executeUpdate("update jobs set status = 'SUCCEEDED', finished_at = now() "
                    + "where status = 'QUEUED'");
            assertThat(changed).isEqualTo(JOBS);
            plans = MigratedDatabase.notices(sql.getWarnings());
        }

        assertThat(plans).contains("Named Tuplestore Scan");
        assertThat(Pattern.compile("Named Tuplestore Scan.*loops=(\\d+)").matcher(plans).results()
                .map(loops -> loops.group(1)))
                .as("how often each transition table was read, in %s", plans).isNotEmpty().containsOnly("1");
        assertThat(jdbc.queryForObject("select count(*) from job_event_inbox where status = 'SUCCEEDED'",
                Integer.class)).isEqualTo(JOBS);
        assertThat(jdbc.queryForObject("select sum(delta) from job_count_deltas where status = 'SUCCEEDED'",
                Integer.class)).isEqualTo(JOBS);
    }
}
