package errand.api.jobs;

import java.security.SecureRandom;
import java.util.Random;
import java.util.UUID;

/** Job ids: new ones, and ids in paths and parameters (a path id that is not a UUID names no job: 404). */
public final class JobIds {

    private static final Random RANDOM = new SecureRandom();

    private JobIds() {
    }

    /**
     * A new job id: a UUIDv7 (RFC 9562), whose first 48 bits are the Unix time in milliseconds and the other 74 free
     * bits random. Jobs made close in time then sit close in the primary key's index, so a store of millions of old
     * jobs does not spread every insert, and every read of a recent job, over the whole index as random ids do.
     */
    public static UUID newId() {
        return timeOrdered(System.currentTimeMillis(), RANDOM);
    }

    static UUID timeOrdered(long unixMillis, Random random) {
        long version7 = 0x7000L;
        long mostSignificant = (unixMillis << 16) | version7 | (random.nextLong() & 0x0FFFL);
        long variantRfc = 0x8000_0000_0000_0000L;
        long leastSignificant = variantRfc | (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL);
        return new UUID(mostSignificant, leastSignificant);
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
