package errand.api;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** The one way an RFC 9457 problem of the API is made: a status, a stable {@code type}, a title and a detail. */
public final class Problems {

    private Problems() {
    }

    /** A problem whose {@code type} is {@code /problems/<type>}. */
    public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + type));
        problem.setTitle(title);
        return problem;
    }
}
