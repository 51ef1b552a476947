package errand.api.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The answers to a request that is not allowed: {@code 401} without a valid key, {@code 403} with a key that lacks
 * the call's scope, each with its RFC 6750 {@code WWW-Authenticate} challenge (Spring Security's for the 403); the
 * body is the MVC exception handlers' problem ({@link SecurityProblems}), like every other error. The 401 challenge is
 * written here because Spring Security's entry point adds an RFC 9728 {@code resource_metadata} parameter pointing at
 * a document Errand does not publish.
 */
@Component
class AuthenticationErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAccessDeniedHandler bearerAccessDenied = new BearerTokenAccessDeniedHandler();
    private final HandlerExceptionResolver problems;

    AuthenticationErrors(@Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        this.problems = problems;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge(e));
        problems.resolveException(request, response, null, e);
    }

    /** {@code Bearer} without credentials; {@code Bearer error="invalid_token", error_description="…"} with bad. */
    static String challenge(AuthenticationException e) {
        if (!(e instanceof OAuth2AuthenticationException oauth)) {
            return "Bearer";
        }
        OAuth2Error error = oauth.getError();
        StringBuilder challenge = new StringBuilder("Bearer error=\"").append(error.getErrorCode()).append('"');
        if (error.getDescription() != null) {
            challenge.append(", error_description=\"").append(error.getDescription().replaceAll("[\"\\\\]", "'"))
                    .append('"');
        }
        return challenge.toString();
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        bearerAccessDenied.handle(request, response, e);
        problems.resolveException(request, response, null,
                new SecurityProblems.MissingScope(ScopeRules.requiredFor(request).orElse(null), e));
    }
}
