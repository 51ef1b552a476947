package errand.worker.tasks;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import errand.model.TaskKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * {@code hash-chain}: applies SHA-256 {@code iterations} times, first to the UTF-8 bytes of {@code seed}, then to each
 * 32-byte digest, and returns the last digest as {@code hex}, lowercase. With one iteration it is the SHA-256 of the
 * seed. Checks for cancellation and reports progress every {@value #CHUNK} iterations; deterministic on every
 * attempt. The property names are the HTTP contract's ({@code {"seed", "iterations"} → {"hex"}}).
 */
@Task(name = "hash-chain", description = "Applies SHA-256 iterations times to the seed (then to each digest) and "
        + "returns the last digest in hex.", kind = TaskKind.CPU, timeout = "PT10M",
        example = "{\"seed\": \"abc\", \"iterations\": 1000}")
final class HashChain implements TaskHandler<HashChain.Input, HashChain.Output> {

    private static final int CHUNK = 1 << 16;
    private static final int DIGEST_LENGTH = 32;

    record Input(@NotNull @Size(max = 10_000) String seed, @Min(1) @Max(1_000_000_000) long iterations) {
    }

    /** @param hex the last digest: 64 lowercase hex digits */
    record Output(String hex) {
    }

    @Override
    public Output handle(Input input, TaskContext context) throws NoSuchAlgorithmException, DigestException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] digest = sha256.digest(input.seed().getBytes(StandardCharsets.UTF_8));
        long iterations = input.iterations();
        for (long done = 1; done < iterations; ) {
            context.checkCancelled();
            long end = Math.min(done + CHUNK, iterations);
            for (; done < end; done++) {
                sha256.update(digest);
                sha256.digest(digest, 0, DIGEST_LENGTH);
            }
            context.progress((double) done / iterations, done + " of " + iterations + " iterations");
        }
        return new Output(HexFormat.of().formatHex(digest));
    }
}
