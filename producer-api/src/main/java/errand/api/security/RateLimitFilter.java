package errand.api.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * {@code errand.api.security.rate-limit}: a token bucket per key (Bucket4j), refilled greedily at the limit, holding
 * one second's worth. A request past it answers {@code 429} with {@code Retry-After}. Runs after authentication, so
 * it knows the key; it is only in the chain when a limit is set.
 */
class RateLimitFilter extends OncePerRequestFilter {

    private final double requestsPerSecond;
    private final HandlerExceptionResolver problems;
    private final Map<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimitFilter(double requestsPerSecond, HandlerExceptionResolver problems) {
        this.requestsPerSecond = requestsPerSecond;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
            ConsumptionProbe probe = buckets.computeIfAbsent(caller.keyId(), id -> newBucket())
                    .tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                problems.resolveException(request, response, null,
                        new SecurityProblems.RateLimited(Duration.ofNanos(probe.getNanosToWaitForRefill())));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private Bucket newBucket() {
        long capacity = Math.max(1, (long) Math.ceil(requestsPerSecond));
        Duration refillPeriod = Duration.ofNanos((long) (capacity / requestsPerSecond * 1_000_000_000L));
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, refillPeriod))
                .build();
    }
}
