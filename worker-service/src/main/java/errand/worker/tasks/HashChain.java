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
 * {@code hash-chain}: applies SHA-256 {@code rounds} times, first to the UTF-8 bytes of {@code seed}, then to each
 * 32-byte digest, and returns the last digest in lowercase hex. With one round it is the SHA-256 of the seed. Checks
 * for cancellation and reports progress every {@value #CHUNK} rounds; deterministic on every attempt.
 */
@Task(name = "hash-chain", description = "Applies SHA-256 rounds times to the seed (then to each digest) and returns "
        + "the last digest in hex.", kind = TaskKind.CPU, timeout = "PT10M",
        example = "{\"seed\": \"abc\", \"rounds\": 100000}")
final class HashChain implements TaskHandler<HashChain.Input, HashChain.Output> {

    private static final int CHUNK = 1 << 16;
    private static final int DIGEST_LENGTH = 32;

    record Input(@NotNull @Size(max = 10_000) String seed, @Min(1) @Max(1_000_000_000) long rounds) {
    }

    /** @param digest 64 lowercase hex digits */
    record Output(String digest) {
    }

    @Override
    public Output handle(Input input, TaskContext context) throws NoSuchAlgorithmException, DigestException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] digest = sha256.digest(input.seed().getBytes(StandardCharsets.UTF_8));
        long rounds = input.rounds();
        for (long done = 1; done < rounds; ) {
            context.checkCancelled();
            long end = Math.min(done + CHUNK, rounds);
            for (; done < end; done++) {
                sha256.update(digest);
                sha256.digest(digest, 0, DIGEST_LENGTH);
            }
            context.progress((double) done / rounds, done + " of " + rounds + " rounds");
        }
        return new Output(HexFormat.of().formatHex(digest));
    }
}
