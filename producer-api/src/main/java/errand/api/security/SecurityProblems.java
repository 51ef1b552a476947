package errand.api.security;

import java.time.Duration;

import errand.api.Problems;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The RFC 9457 problems of refused requests. The security filters hand their exceptions to these handlers (through
 * {@link AuthenticationErrors} and {@link RateLimitFilter}) after setting the status and headers.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityProblems {

    /** 403: the key is valid but lacks {@code scope}, the scope the call needs (null: none could be named). */
    static final class MissingScope extends RuntimeException {

        private final @Nullable Scope scope;

        MissingScope(@Nullable Scope scope, Throwable cause) {
            super(cause);
            this.scope = scope;
        }
    }

    /** 429: the key went past {@code errand.api.security.rate-limit}. */
    static final class RateLimited extends RuntimeException {

        private final Duration retryAfter;

        RateLimited(Duration retryAfter) {
            super("rate limit");
            this.retryAfter = retryAfter;
        }
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unauthenticated(AuthenticationException e) {
        boolean presented = e instanceof OAuth2AuthenticationException;
        String detail = presented ? e.getMessage()
                : "This call needs an API key, sent as the header 'Authorization: Bearer <secret>'";
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Problems.of(HttpStatus.UNAUTHORIZED,
                presented ? "invalid-key" : "missing-key", presented ? "Invalid API key" : "API key required",
                detail));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> forbidden(MissingScope e) {
        String detail = e.scope == null ? "This API key may not make this call"
                : "This call needs an API key with the '" + e.scope.wireName() + "' scope (or 'admin')";
        ProblemDetail problem = Problems.of(HttpStatus.FORBIDDEN, "insufficient-scope", "Insufficient scope", detail);
        if (e.scope != null) {
            problem.setProperty("requiredScope", e.scope.wireName());
        }
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> rateLimited(RateLimited e) {
        long seconds = Math.max(1, (e.retryAfter.toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Rate limit exceeded",
                        "This API key made more requests than its rate limit allows; try again in " + seconds
                                + " s"));
    }

}
