package errand.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Making and hashing key secrets. A secret is {@code errand_} and 256 random bits (base64url); the store keeps its
 * SHA-256 only. With that much entropy a fast hash is safe, and it keeps authentication cheap.
 */
final class Secrets {

    private static final String PREFIX = "errand_";
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Never used itself, only cloned: a digest is not thread-safe. */
    private static final MessageDigest SHA_256 = sha256();

    private Secrets() {
    }

    static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String secret) {
        try {
            return ((MessageDigest) SHA_256.clone()).digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    /**
     * Every authenticated request hashes its key: a copy of one digest skips the provider look-up of
     * {@code MessageDigest.getInstance}, which was most of hashing in a profile of single submits.
     */
    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Compares two hashes in time that does not depend on where they differ. */
    static boolean sameHash(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
