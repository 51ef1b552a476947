package errand.api.jobs;

import java.util.UUID;

import org.slf4j.MDC;

/**
 * The MDC entries of log lines about a job, {@value #JOB_ID} and {@value #TASK_TYPE}, on the current thread until
 * closed. In structured (JSON) logs they are fields of every line, beside the request's {@code traceId}.
 */
final class JobLogContext implements AutoCloseable {

    static final String JOB_ID = "jobId";

    static final String TASK_TYPE = "taskType";

    private JobLogContext() {
    }

    static JobLogContext of(UUID jobId) {
        MDC.put(JOB_ID, jobId.toString());
        return new JobLogContext();
    }

    /** Adds the job's task type, once known. */
    JobLogContext type(String taskType) {
        MDC.put(TASK_TYPE, taskType);
        return this;
    }

    @Override
    public void close() {
        MDC.remove(JOB_ID);
        MDC.remove(TASK_TYPE);
    }
}
