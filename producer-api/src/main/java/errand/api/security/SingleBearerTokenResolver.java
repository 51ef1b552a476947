package errand.api.security;

import java.util.Collections;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Spring Security's resolver (header only, RFC 6750's syntax), refusing a request with more than one
 * {@code Authorization} header: which of them counts would otherwise depend on the server.
 */
class SingleBearerTokenResolver implements BearerTokenResolver {

    private final DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();

    @Override
    public @Nullable String resolve(HttpServletRequest request) {
        if (Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION)).size() > 1) {
            throw new InvalidBearerTokenException("Send one Authorization header, not several");
        }
        return resolver.resolve(request);
    }
}
