package errand.api.console;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's security headers. Its pages show payloads, results and errors that anyone with a submit key wrote;
 * they are set as text, never as HTML, and this policy is the second line: scripts only from the console's own
 * files (no inline script, no {@code eval}), requests only to this origin, no frames, no plugins.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleHeaders {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    FilterRegistrationBean<HeaderFilter> consoleHeaderFilter() {
        FilterRegistrationBean<HeaderFilter> registration = new FilterRegistrationBean<>(new HeaderFilter());
        registration.addUrlPatterns("/console", "/console/*");
        return registration;
    }

    static final class HeaderFilter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setHeader("Content-Security-Policy", POLICY);
            response.setHeader("Referrer-Policy", "no-referrer");
            response.setHeader("X-Content-Type-Options", "nosniff");
            chain.doFilter(request, response);
        }
    }
}
