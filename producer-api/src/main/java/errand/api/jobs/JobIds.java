package errand.api.jobs;

import java.util.UUID;

/** Job ids in paths and parameters: a path id that is not a UUID names no job (404). */
final class JobIds {

    private JobIds() {
    }

    static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new JobExceptions.JobNotFound(id);
        }
    }

    static UUID parseParameter(String id, String parameter) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw JobParameters.invalidParameter(parameter, "uuid", "'" + id + "' is not an id");
        }
    }
}
