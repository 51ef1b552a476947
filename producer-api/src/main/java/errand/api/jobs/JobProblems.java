package errand.api.jobs;

import java.time.Duration;

import errand.api.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The RFC 9457 problems of the jobs API, each with a stable {@code type}. */
@RestControllerAdvice(assignableTypes = {JobController.class, JobEventsController.class, BulkActionController.class,
        FailureController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class JobProblems {

    /** When a client refused for a full backlog should try again. */
    private static final Duration BACKLOG_RETRY_AFTER = Duration.ofSeconds(5);

    @ExceptionHandler
    ProblemDetail invalid(JobExceptions.InvalidJob e) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-job", "Invalid request", e.getMessage());
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail notFound(JobExceptions.JobNotFound e) {
        ProblemDetail problem = Problems.of(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", e.getMessage());
        problem.setProperty("jobId", e.jobId());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail stateConflict(JobExceptions.JobStateConflict e) {
        ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "job-state-conflict", "Job state conflict",
                e.getMessage());
        problem.setProperty("jobId", e.jobId());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail idempotencyConflict(JobExceptions.IdempotencyConflict e) {
        ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency-Key reused",
                e.getMessage());
        problem.setProperty("jobId", e.jobId());
        return problem;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooManyQueued(JobExceptions.TooManyQueued e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(BACKLOG_RETRY_AFTER.toSeconds()))
                .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-queued", "Too many queued jobs",
                        e.getMessage()));
    }

}
