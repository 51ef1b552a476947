package errand.api.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.dao.DataAccessException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * A key that cannot be looked up because the database is unavailable is not an invalid key: the request gets the
 * same {@code 503} problem as any other call that needs the store (the MVC handlers answer it), not a {@code 401}
 * or a {@code 500}. Sits before the bearer-token filter, whose lookup throws the database's exception.
 */
class KeyStoreUnavailableFilter extends OncePerRequestFilter {

    private final HandlerExceptionResolver problems;

    KeyStoreUnavailableFilter(HandlerExceptionResolver problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (DataAccessException e) {
            if (response.isCommitted()) {
                throw e;
            }
            problems.resolveException(request, response, null, e);
        }
    }
}
