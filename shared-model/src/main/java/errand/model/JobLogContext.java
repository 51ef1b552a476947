package errand.model;

import java.util.UUID;

import org.slf4j.MDC;

/**
 * The MDC entries of log lines about a job, {@value #JOB_ID} and {@value #TASK_TYPE}, on the current thread until
 * closed. The API and the workers tag their lines with the same names, so one query finds a job's lines in both; in
 * structured (JSON) logs they are fields of every line, beside {@code traceId} and {@code spanId}.
 */
public final class JobLogContext implements AutoCloseable {

    public static final String JOB_ID = "jobId";

    public static final String TASK_TYPE = "taskType";

    private JobLogContext() {
    }

    /** Tags the job's id; add its type with {@link #type} once known. */
    public static JobLogContext of(UUID jobId) {
        MDC.put(JOB_ID, jobId.toString());
        return new JobLogContext();
    }

    public static JobLogContext of(UUID jobId, String taskType) {
        return of(jobId).type(taskType);
    }

    /** Adds the job's task type. */
    public JobLogContext type(String taskType) {
        MDC.put(TASK_TYPE, taskType);
        return this;
    }

    @Override
    public void close() {
        MDC.remove(JOB_ID);
        MDC.remove(TASK_TYPE);
    }
}
