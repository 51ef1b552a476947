package errand.api.security;

import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * What Spring Security's {@code DefaultBearerTokenResolver} resolves with its defaults (the header only, RFC 6750's
 * syntax {@code Bearer <token68>}, the scheme's case ignored), refusing a request with more than one
 * {@code Authorization} header: which of them counts would otherwise depend on the server.
 *
 * <p>The syntax is checked by hand rather than with the default resolver's regular expression and its stream over
 * three token sources: every API request passes here, and in a profile of single submits that was a tenth of the
 * security filters' samples. A test holds it to the default resolver's answers.
 */
class SingleBearerTokenResolver implements BearerTokenResolver {

    private static final String SCHEME = "Bearer ";

    @Override
    public @Nullable String resolve(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders(HttpHeaders.AUTHORIZATION);
        if (headers == null || !headers.hasMoreElements()) {
            return null;
        }
        String authorization = headers.nextElement();
        if (headers.hasMoreElements()) {
            throw new InvalidBearerTokenException("Send one Authorization header, not several");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length() - 1)) {
            return null;
        }
        if (!wellFormed(authorization)) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        return authorization.substring(SCHEME.length());
    }

    /** {@code Bearer } in any ASCII case, then one or more token68 characters, then any number of {@code =}. */
    private static boolean wellFormed(String authorization) {
        int length = authorization.length();
        if (length <= SCHEME.length()) {
            return false;
        }
        for (int i = 0; i < SCHEME.length(); i++) {
            char c = authorization.charAt(i);
            char expected = SCHEME.charAt(i);
            if (c != expected && (c > 'z' || Character.toLowerCase(c) != Character.toLowerCase(expected))) {
                return false;
            }
        }
        int i = SCHEME.length();
        while (i < length && tokenCharacter(authorization.charAt(i))) {
            i++;
        }
        if (i == SCHEME.length()) {
            return false;
        }
        while (i < length && authorization.charAt(i) == '=') {
            i++;
        }
        return i == length;
    }

    private static boolean tokenCharacter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
