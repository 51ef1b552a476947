package errand.api.jobs;

import java.net.URI;
import java.time.Duration;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The RFC 9457 problems of the jobs API, each with a stable {@code type}. */
@RestControllerAdvice(assignableTypes = {JobController.class, JobEventsController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class JobProblems {

    /** When a client refused for a full backlog should try again. */
    private static final Duration BACKLOG_RETRY_AFTER = Duration.ofSeconds(5);

    @ExceptionHandler
    ProblemDetail invalid(JobExceptions.InvalidJob e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-job", "Invalid request", e.getMessage());
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail notFound(JobExceptions.JobNotFound e) {
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", e.getMessage());
        problem.setProperty("jobId", e.jobId());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail stateConflict(JobExceptions.JobStateConflict e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "job-state-conflict", "Job state conflict",
                e.getMessage());
        problem.setProperty("jobId", e.jobId());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail idempotencyConflict(JobExceptions.IdempotencyConflict e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency-Key reused",
                e.getMessage());
        problem.setProperty("jobId", e.jobId());
        return problem;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooManyQueued(JobExceptions.TooManyQueued e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(BACKLOG_RETRY_AFTER.toSeconds()))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "too-many-queued", "Too many queued jobs",
                        e.getMessage()));
    }

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + type));
        problem.setTitle(title);
        return problem;
    }
}
