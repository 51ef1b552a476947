package errand.worker.workers;

import org.slf4j.MDC;

/**
 * The MDC entries of log lines about a job, {@value #JOB_ID} and {@value #TASK_TYPE}, on the current thread until
 * closed. In structured (JSON) logs they are fields of every line; the plain text pattern shows the job id.
 */
final class JobLogContext implements AutoCloseable {

    static final String JOB_ID = "jobId";

    static final String TASK_TYPE = "taskType";

    private JobLogContext() {
    }

    static JobLogContext put(String jobId, String taskType) {
        MDC.put(JOB_ID, jobId);
        MDC.put(TASK_TYPE, taskType);
        return new JobLogContext();
    }

    @Override
    public void close() {
        MDC.remove(JOB_ID);
        MDC.remove(TASK_TYPE);
    }
}
