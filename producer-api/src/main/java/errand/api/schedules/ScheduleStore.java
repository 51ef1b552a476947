package errand.api.schedules;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import errand.api.StatusSql;
import errand.api.jobs.JobTemplate;
import errand.api.schedules.Schedule.ScheduleSpec;
import errand.model.JobStatus;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The {@code schedules} and {@code schedule_runs} tables. */
@Repository
class ScheduleStore {

    private static final String COLUMNS = "s.id, s.tenant, s.name, s.cron, s.time_zone, s.job, s.overlap, s.missed, "
            + "s.paused, s.next_fire_at, s.last_job_id, s.created_at, s.updated_at";

    /**
     * The due schedules, oldest fire time first, through {@code schedules_due}; those another instance is firing
     * are skipped, not waited for. Each with whether its last job is unfinished, for overlap SKIP.
     */
    private static final String CLAIM_DUE = "select " + COLUMNS + ", j.status in "
            + StatusSql.listOf(status -> !status.isTerminal()) + " as last_job_unfinished "
            + "from schedules s left join jobs j on j.id = s.last_job_id where s.next_fire_at <= ? "
            + "order by s.next_fire_at limit ? for update of s skip locked";

    private final JdbcTemplate jdbc;

    ScheduleStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A due schedule, claimed by this transaction. */
    record Due(Schedule schedule, boolean lastJobUnfinished) {
    }

    /** A fire time as {@code GET /runs} shows it; {@code status} is null once retention deleted the job. */
    record Run(Instant scheduledFor, Schedule.Outcome outcome, @Nullable UUID jobId, boolean triggered,
            @Nullable JobStatus status) {
    }

    void insert(Schedule schedule) {
        ScheduleSpec spec = schedule.spec();
        jdbc.update("""
                insert into schedules (id, tenant, name, cron, time_zone, job, overlap, missed, paused, next_fire_at,
                                       created_at, updated_at)
                values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)""", schedule.id(), schedule.tenant(), spec.name(),
                spec.cron(), spec.timeZone().getId(), json(spec.job()), spec.overlap().name(), spec.missed().name(),
                spec.paused(), ts(schedule.nextFireAt()), ts(schedule.createdAt()), ts(schedule.updatedAt()));
    }

    /** The schedule, if it exists and belongs to {@code tenant}: another tenant's schedule is as good as absent. */
    Optional<Schedule> find(String tenant, UUID id) {
        return jdbc.query("select " + COLUMNS + " from schedules s where s.id = ? and s.tenant = ?",
                (rs, n) -> map(rs), id, tenant).stream().findFirst();
    }

    /** The same, locked until the transaction ends, so no fire of it runs meanwhile. */
    Optional<Schedule> lock(String tenant, UUID id) {
        return jdbc.query("select " + COLUMNS + " from schedules s where s.id = ? and s.tenant = ? for update",
                (rs, n) -> map(rs), id, tenant).stream().findFirst();
    }

    /** A page of the tenant's schedules, newest first; {@code after} is the last id of the previous page. */
    List<Schedule> page(String tenant, int limit, @Nullable UUID after) {
        var sql = new StringBuilder("select ").append(COLUMNS).append(" from schedules s where s.tenant = ?");
        var args = new ArrayList<>();
        args.add(tenant);
        if (after != null) {
            sql.append(" and (s.created_at, s.id) < (select created_at, id from schedules where id = ?")
                    .append(" and tenant = ?)");
            args.add(after);
            args.add(tenant);
        }
        sql.append(" order by s.created_at desc, s.id desc limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> map(rs), args.toArray());
    }

    /** Replaces what the client set, and the next fire time; answers false when there is no such schedule. */
    boolean replace(String tenant, UUID id, ScheduleSpec spec, Instant nextFireAt, Instant now) {
        return jdbc.update("""
                update schedules set name = ?, cron = ?, time_zone = ?, job = ?::jsonb, overlap = ?, missed = ?,
                                     paused = ?, next_fire_at = ?, updated_at = ?
                where id = ? and tenant = ?""", spec.name(), spec.cron(), spec.timeZone().getId(), json(spec.job()),
                spec.overlap().name(), spec.missed().name(), spec.paused(), ts(nextFireAt), ts(now), id, tenant) == 1;
    }

    boolean setPaused(String tenant, UUID id, boolean paused, Instant now) {
        return jdbc.update("update schedules set paused = ?, updated_at = ? where id = ? and tenant = ?", paused,
                ts(now), id, tenant) == 1;
    }

    /** Deletes the schedule and, by cascade, its runs; its jobs keep its id. */
    boolean delete(String tenant, UUID id) {
        return jdbc.update("delete from schedules where id = ? and tenant = ?", id, tenant) == 1;
    }

    List<Due> claimDue(Instant now, int limit) {
        return jdbc.query(CLAIM_DUE, (rs, n) -> new Due(map(rs), rs.getBoolean("last_job_unfinished")), ts(now),
                limit);
    }

    /** When an instance last swept the schedules; null if none ever did. */
    @Nullable Instant lastSweep() {
        Timestamp at = jdbc.queryForObject("select max(swept_at) from schedule_sweeps", Timestamp.class);
        return at == null ? null : at.toInstant();
    }

    /** Records that this instance swept at {@code at} (its own row: instances never wait on each other here). */
    void recordSweep(UUID instance, Instant at) {
        jdbc.update("""
                insert into schedule_sweeps (instance, swept_at) values (?, ?)
                on conflict (instance) do update set swept_at = greatest(schedule_sweeps.swept_at, excluded.swept_at)
                """, instance, ts(at));
    }

    void recordOutage(FirePlan.Outage outage) {
        jdbc.update("insert into schedule_outages (ended_at, began_at) values (?, ?) on conflict do nothing",
                ts(outage.ended()), outage.began() == null ? null : ts(outage.began()));
    }

    /** The latest outage; null if there never was one. */
    FirePlan.@Nullable Outage lastOutage() {
        return jdbc.query("select began_at, ended_at from schedule_outages order by ended_at desc limit 1", rs -> {
            if (!rs.next()) {
                return null;
            }
            Timestamp began = rs.getTimestamp("began_at");
            return new FirePlan.Outage(began == null ? null : began.toInstant(),
                    rs.getTimestamp("ended_at").toInstant());
        });
    }

    /** Forgets instances that have not swept since {@code cutOff} (stopped ones) and outages older than it. */
    void deleteSweepsBefore(Instant cutOff) {
        jdbc.update("delete from schedule_sweeps where swept_at < ?", ts(cutOff));
        jdbc.update("""
                delete from schedule_outages where ended_at < ?
                and ended_at < (select max(ended_at) from schedule_outages)""", ts(cutOff));
    }

    /** Where a claimed schedule moves on to: its next fire time, and its newest job if it enqueued one. */
    record Advance(UUID scheduleId, Instant nextFireAt, @Nullable UUID lastJobId) {
    }

    /** Moves claimed schedules on, in one statement (times travel as ISO-8601 text, whatever the session's zone). */
    void advanceAll(List<Advance> advances) {
        if (advances.isEmpty()) {
            return;
        }
        jdbc.update(con -> {
            PreparedStatement statement = con.prepareStatement("""
                    update schedules s set next_fire_at = v.next_fire_at,
                                           last_job_id = coalesce(v.last_job_id, s.last_job_id)
                    from unnest(?::uuid[], ?::timestamptz[], ?::uuid[]) as v(id, next_fire_at, last_job_id)
                    where s.id = v.id""");
            statement.setArray(1, con.createArrayOf("uuid", advances.stream().map(Advance::scheduleId).toArray()));
            statement.setArray(2, con.createArrayOf("text",
                    advances.stream().map(a -> a.nextFireAt().toString()).toArray()));
            statement.setArray(3, con.createArrayOf("uuid", advances.stream().map(Advance::lastJobId).toArray()));
            return statement;
        });
    }

    /** What became of a fire time, to record; {@code jobId} is the job to enqueue for it, if any. */
    record NewRun(UUID scheduleId, Instant scheduledFor, Schedule.Outcome outcome, @Nullable UUID jobId,
            boolean triggered) {
    }

    /**
     * Records fire times in one statement, and answers those it recorded: a fire time recorded before is left out,
     * and then the caller must enqueue nothing for it. This key is what makes one fire time one job.
     */
    List<NewRun> recordRuns(List<NewRun> runs, Instant now) {
        if (runs.isEmpty()) {
            return List.of();
        }
        return jdbc.query(con -> {
            PreparedStatement statement = con.prepareStatement("""
                    insert into schedule_runs (schedule_id, scheduled_for, outcome, job_id, triggered, recorded_at)
                    select v.schedule_id, v.scheduled_for, v.outcome, v.job_id, v.triggered, ?
                    from unnest(?::uuid[], ?::timestamptz[], ?::text[], ?::uuid[], ?::boolean[])
                        as v(schedule_id, scheduled_for, outcome, job_id, triggered)
                    on conflict (schedule_id, scheduled_for) do nothing
                    returning schedule_id, scheduled_for, outcome, job_id, triggered""");
            statement.setTimestamp(1, ts(now));
            statement.setArray(2, con.createArrayOf("uuid", runs.stream().map(NewRun::scheduleId).toArray()));
            statement.setArray(3, con.createArrayOf("text",
                    runs.stream().map(r -> r.scheduledFor().toString()).toArray()));
            statement.setArray(4, con.createArrayOf("text", runs.stream().map(r -> r.outcome().name()).toArray()));
            statement.setArray(5, con.createArrayOf("uuid", runs.stream().map(NewRun::jobId).toArray()));
            statement.setArray(6, con.createArrayOf("boolean", runs.stream().map(NewRun::triggered).toArray()));
            return statement;
        }, (rs, n) -> new NewRun(rs.getObject("schedule_id", UUID.class),
                rs.getTimestamp("scheduled_for").toInstant(), Schedule.Outcome.valueOf(rs.getString("outcome")),
                rs.getObject("job_id", UUID.class), rs.getBoolean("triggered")));
    }

    /** A page of the schedule's runs, newest fire time first; {@code before} is the last of the previous page. */
    List<Run> runs(UUID scheduleId, int limit, @Nullable Instant before) {
        var sql = new StringBuilder("""
                select r.scheduled_for, r.outcome, r.job_id, r.triggered, j.status
                from schedule_runs r left join jobs j on j.id = r.job_id where r.schedule_id = ?""");
        var args = new ArrayList<>();
        args.add(scheduleId);
        if (before != null) {
            sql.append(" and r.scheduled_for < ?");
            args.add(ts(before));
        }
        sql.append(" order by r.scheduled_for desc limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> new Run(rs.getTimestamp("scheduled_for").toInstant(),
                Schedule.Outcome.valueOf(rs.getString("outcome")), rs.getObject("job_id", UUID.class),
                rs.getBoolean("triggered"), statusOrNull(rs.getString("status"))), args.toArray());
    }

    /** Deletes up to {@code limit} of the oldest runs recorded before {@code cutOff}; answers how many. */
    int deleteRunsBefore(Instant cutOff, int limit) {
        return jdbc.update("""
                delete from schedule_runs where (schedule_id, scheduled_for) in (
                    select schedule_id, scheduled_for from schedule_runs where recorded_at < ?
                    order by recorded_at limit ? for update skip locked)""", ts(cutOff), limit);
    }

    private static Schedule map(ResultSet rs) throws SQLException {
        JsonNode job = WireJson.mapper().readTree(rs.getString("job"));
        ScheduleSpec spec = new ScheduleSpec(rs.getString("name"), rs.getString("cron"),
                ZoneId.of(rs.getString("time_zone")), new JobTemplate(job.path("type").asString(), job.path("payload"),
                        Duration.parse(job.path("timeout").asString()), job.path("maxAttempts").asInt()),
                Schedule.Overlap.valueOf(rs.getString("overlap")), Schedule.Missed.valueOf(rs.getString("missed")),
                rs.getBoolean("paused"));
        return new Schedule(rs.getObject("id", UUID.class), rs.getString("tenant"), spec,
                rs.getTimestamp("next_fire_at").toInstant(), rs.getObject("last_job_id", UUID.class),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    /** The template as stored and shown: its timeout as an ISO-8601 duration, as in a job. */
    static ObjectNode jobJson(JobTemplate template) {
        ObjectNode node = WireJson.mapper().createObjectNode();
        node.put("type", template.type());
        node.set("payload", template.payload());
        node.put("timeout", template.timeout().toString());
        node.put("maxAttempts", template.maxAttempts());
        return node;
    }

    private static String json(JobTemplate template) {
        return WireJson.mapper().writeValueAsString(jobJson(template));
    }

    private static @Nullable JobStatus statusOrNull(@Nullable String status) {
        return status == null ? null : JobStatus.valueOf(status);
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
