package errand.api.security;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which scope each API call needs, in one table: {@link SecurityConfiguration} enforces it and
 * {@link AuthenticationErrors} names the missing scope in a {@code 403}. The first matching rule decides; a call no
 * rule names (such as {@code GET /api/v1/me}) needs a valid key and nothing more.
 */
final class ScopeRules {

    record Rule(RequestMatcher matcher, Scope scope) {
    }

    static final List<Rule> RULES = List.of(
            rule(HttpMethod.POST, Scope.JOBS_SUBMIT, "/api/v1/jobs", "/api/v1/jobs/batch", "/api/v1/workflows"),
            rule(HttpMethod.POST, Scope.JOBS_MANAGE, "/api/v1/jobs/*/cancel", "/api/v1/jobs/*/retry",
                    "/api/v1/jobs/cancel", "/api/v1/jobs/retry", "/api/v1/batches/*/cancel",
                    "/api/v1/workflows/*/cancel"),
            rule(HttpMethod.GET, Scope.JOBS_READ, "/api/v1/jobs", "/api/v1/jobs/**", "/api/v1/task-types",
                    "/api/v1/task-types/**", "/api/v1/stats", "/api/v1/batches", "/api/v1/batches/**",
                    "/api/v1/events", "/api/v1/workflows", "/api/v1/workflows/**"),
            rule(null, Scope.ADMIN, "/api/v1/keys", "/api/v1/keys/**", "/api/v1/workers", "/api/v1/workers/**"),
            rule(null, Scope.SCHEDULES, "/api/v1/schedules", "/api/v1/schedules/**"));

    private ScopeRules() {
    }

    static Optional<Scope> requiredFor(HttpServletRequest request) {
        return RULES.stream().filter(rule -> rule.matcher().matches(request)).map(Rule::scope).findFirst();
    }

    private static Rule rule(@Nullable HttpMethod method, Scope scope, String... patterns) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        List<RequestMatcher> matchers = Arrays.stream(patterns)
                .map(pattern -> (RequestMatcher) paths.matcher(method, pattern)).toList();
        return new Rule(new OrRequestMatcher(matchers), scope);
    }
}
