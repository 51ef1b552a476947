package errand.api.workflows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Workflows in PostgreSQL (V10): what the engine trigger runs on, written and read here. */
@Component
class WorkflowStore {

    private static final String STEP_VIEWS = """
            select s.step_id, s.depends_on, s.state, s.reason, s.error as step_error, s.job_id, j.status, j.result,
                   j.error
            from workflow_steps s left join jobs j on j.id = s.job_id
            where s.workflow_id = ? order by s.position""";

    private final JdbcTemplate jdbc;

    WorkflowStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes the workflow, its steps and its edges, and starts the steps that depend on nothing. */
    void create(String tenant, UUID id, WorkflowDefinition workflow, int maxPayloadBytes, Instant now) {
        jdbc.update("""
                insert into workflows (id, tenant, name, status, on_failure, steps, steps_open, max_payload_bytes,
                                       created_at)
                values (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?)""", id, tenant, workflow.name(),
                workflow.onFailure().name(), workflow.steps().size(), workflow.steps().size(), maxPayloadBytes,
                Timestamp.from(now));
        List<WorkflowDefinition.Step> steps = workflow.steps();
        jdbc.batchUpdate("""
                insert into workflow_steps (workflow_id, step_id, position, type, payload, has_references, timeout_ms,
                                            max_attempts, depends_on, waiting_on, state)
                values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, 'WAITING')""",
                IntStream.range(0, steps.size()).boxed().toList(), 500, (ps, position) -> {
                    WorkflowDefinition.Step step = steps.get(position);
                    ps.setObject(1, id);
                    ps.setString(2, step.id());
                    ps.setInt(3, position);
                    ps.setString(4, step.job().type());
                    ps.setString(5, WireJson.mapper().writeValueAsString(step.job().payload()));
                    ps.setBoolean(6, step.hasReferences());
                    ps.setLong(7, step.job().timeout().toMillis());
                    ps.setInt(8, step.job().maxAttempts());
                    ps.setArray(9, ps.getConnection().createArrayOf("text", step.dependsOn().toArray()));
                    ps.setInt(10, step.dependsOn().size());
                });
        List<Object[]> edges = new ArrayList<>();
        steps.forEach(step -> step.dependsOn().forEach(from -> edges.add(new Object[] {id, from, step.id()})));
        jdbc.batchUpdate("insert into workflow_edges (workflow_id, from_step, to_step) values (?, ?, ?)", edges);
        for (WorkflowDefinition.Step step : steps) {
            if (step.dependsOn().isEmpty()) {
                jdbc.queryForList("select workflow_start_step(?, ?)", id, step.id());
            }
        }
    }

    Optional<WorkflowView> find(String tenant, UUID id) {
        return jdbc.query("""
                select id, name, status, on_failure, created_at, finished_at from workflows
                where id = ? and tenant = ?""", (rs, n) -> new WorkflowView(id, rs.getString("name"),
                rs.getString("status"), rs.getString("on_failure"), steps(id), instant(rs, "created_at"),
                nullableInstant(rs, "finished_at")), id, tenant).stream().findFirst();
    }

    private List<WorkflowView.StepView> steps(UUID id) {
        return jdbc.query(STEP_VIEWS, (rs, n) -> {
            UUID jobId = rs.getObject("job_id", UUID.class);
            String status = jobId == null || rs.getString("status") == null ? rs.getString("state")
                    : rs.getString("status");
            JsonNode error = json(rs.getString("step_error"));
            return new WorkflowView.StepView(rs.getString("step_id"), dependsOn(rs), jobId, status,
                    json(rs.getString("result")), error != null ? error : json(rs.getString("error")),
                    rs.getString("reason"));
        }, id);
    }

    /** A page of the tenant's workflows, newest first, after the workflow {@code after}. */
    List<WorkflowView.Summary> page(String tenant, int limit, @Nullable UUID after) {
        StringBuilder sql = new StringBuilder(
                "select id, name, status, steps, created_at, finished_at from workflows where tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (after != null) {
            sql.append(" and (created_at, id) < (select created_at, id from workflows where id = ? and tenant = ?)");
            args.add(after);
            args.add(tenant);
        }
        sql.append(" order by created_at desc, id desc limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> new WorkflowView.Summary(rs.getObject("id", UUID.class),
                rs.getString("name"), rs.getString("status"), rs.getInt("steps"), instant(rs, "created_at"),
                nullableInstant(rs, "finished_at")), args.toArray());
    }

    /** The running attempts of the workflow's unfinished steps, to be told to stop once cancelled. */
    List<RunningAttempt> runningAttempts(UUID id) {
        return jdbc.query("select id, attempt from jobs where workflow_id = ? and status = 'RUNNING'",
                (rs, n) -> new RunningAttempt(rs.getObject("id", UUID.class), rs.getInt("attempt")), id);
    }

    /** Cancels a running workflow and its unfinished steps; false if it had already ended. */
    boolean cancel(String tenant, UUID id) {
        int updated = jdbc.update("""
                update workflows set status = 'CANCELLED', finished_at = now()
                where id = ? and tenant = ? and status = 'RUNNING'""", id, tenant);
        if (updated == 0) {
            return false;
        }
        jdbc.queryForList("select workflow_cancel_steps(?, null, 'the workflow was cancelled')", id);
        return true;
    }

    record RunningAttempt(UUID jobId, int attempt) {
    }

    private static @Nullable JsonNode json(@Nullable String json) {
        return json == null ? null : WireJson.mapper().readTree(json);
    }

    private static List<String> dependsOn(ResultSet rs) throws SQLException {
        return List.of((String[]) rs.getArray("depends_on").getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }

    private static @Nullable Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
