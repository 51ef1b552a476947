package errand.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import errand.model.StorableJson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamReadException;

/**
 * Problems that are not about one feature: unreadable bodies, wrong media types, an unavailable database, and
 * the unexpected (a generic 500, the details only in the log). Feature advice takes precedence.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    /** When a client refused for an unavailable database should try again. */
    private static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

    /** How Jackson's strict duplicate detection begins its message. */
    private static final String DUPLICATE = "Duplicate Object property";

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimit.TooLarge tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(Problems.of(
                        HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large",
                        tooLarge.getMessage()));
            }
            if (cause instanceof StreamReadException read && read.getOriginalMessage() != null
                    && read.getOriginalMessage().startsWith(DUPLICATE)) {
                return ResponseEntity.badRequest().body(duplicateKey(read));
            }
        }
        String detail = e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")
                ? "The request body is missing; send a JSON object"
                : "The request body is not valid JSON: " + firstLine(e.getMostSpecificCause().getMessage());
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON", detail);
        problem.setProperty("field", "");
        return ResponseEntity.badRequest().body(problem);
    }

    /**
     * The parser stops at the second occurrence of a key, so its read context is the duplicate's place: the problem
     * names it as a JSON pointer, the way validation errors name fields.
     */
    private static ProblemDetail duplicateKey(StreamReadException e) {
        String pointer = e.processor() instanceof JsonParser parser
                ? StorableJson.readable(parser.streamReadContext().pathAsPointer().toString()) : "";
        String message = "is a key this object already has; a key may appear once per object";
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "duplicate-key", "Duplicate key",
                pointer + ": " + message);
        problem.setProperty("field", pointer);
        problem.setProperty("errors", List.of(Map.of("field", pointer, "rule", "duplicate-key", "message", message)));
        return problem;
    }

    /** {@code 503} when {@link DatabaseUnavailable}; any other database error is unexpected. */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> databaseError(RuntimeException e) {
        if (!DatabaseUnavailable.is(e)) {
            return unexpected(e);
        }
        log.warn("Database unavailable: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(DATABASE_RETRY_AFTER.toSeconds()))
                .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", "Job store unavailable",
                        "The job store is unavailable; nothing was accepted. Try again shortly."));
    }

    @ExceptionHandler
    ProblemDetail invalid(InvalidRequest e) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                e.getMessage());
        problem.setProperty("errors", e.errors());
        return problem;
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooLarge(RequestSizeLimit.TooLarge e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large",
                        e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error", e);
        return ResponseEntity.internalServerError().body(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal",
                "Internal error", "Something went wrong on our side; it has been logged."));
    }


    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
