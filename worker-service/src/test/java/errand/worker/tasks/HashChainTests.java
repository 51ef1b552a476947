package errand.worker.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;

import errand.model.Failure;
import errand.worker.testkit.TaskRun;
import errand.worker.testkit.TaskTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected digests computed independently, with Python's {@code hashlib}. */
class HashChainTests {

    private final TaskTestKit<HashChain.Input, HashChain.Output> hashChain = TaskTestKit.of(new HashChain());

    @Test
    void isTheSha256OfTheSeedForOneIteration() {
        assertThat(hashChain.run("{\"seed\": \"abc\", \"iterations\": 1}").outputJson())
                .hasToString("{\"hex\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}");
    }

    @ParameterizedTest
    @CsvSource({
        "abc,   2,      4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358",
        "'',    1,      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "héllo, 3,      14a78750c97ff3d1eb54a8134470c8ac240defbc4280d874f7161544fbeba01c",
        "abc,   1000000, 469fc8f9ff7238f035d2cd693c505b2b6fbfc38437ae45a70b5312fe1f052471",
    })
    void hashesEachDigestAgainForTheFollowingIterations(String seed, long iterations, String hex) {
        assertThat(hashChain.run(new HashChain.Input(seed, iterations)).output()).isEqualTo(new HashChain.Output(hex));
    }

    @Test
    void runsTheExampleItAnnounces() {
        assertThat(hashChain.runExample().output().hex())
                .isEqualTo("fc8a6b86a13f71cd9a67f558ab6fd82a3dd89186163a017ed8051acf6d3f8f99");
    }

    @Test
    void givesTheSameHexOnEveryAttempt() {
        String payload = "{\"seed\": \"retry me\", \"iterations\": 5000}";

        assertThat(hashChain.attempt(3).run(payload).output()).isEqualTo(hashChain.run(payload).output());
    }

    @Test
    void reportsProgressUpToCompletion() {
        TaskRun<HashChain.Output> run = hashChain.run("{\"seed\": \"abc\", \"iterations\": 200000}");

        assertThat(run.progressFractions()).hasSize(4).isSorted().last().isEqualTo(1.0);
        assertThat(run.progress().getLast().message()).isEqualTo("200000 of 200000 iterations");
    }

    @Test
    void stopsWhenCancelledMidway() {
        TaskRun<HashChain.Output> run = hashChain.cancelAtProgress(0.0)
                .run("{\"seed\": \"abc\", \"iterations\": 1000000000}");

        assertThat(run.isCancelled()).isTrue();
        assertThat(run.thrown()).isInstanceOf(CancellationException.class);
        assertThat(run.progress()).hasSize(1);
        assertThat(run.abandoned()).isFalse();
    }

    @Test
    void refusesInputOutsideItsConstraints() {
        assertThat(hashChain.run("{\"seed\": \"abc\", \"iterations\": 0}").failure()).isEqualTo(
                new Failure("invalid-input", "iterations: must be greater than or equal to 1", false));
        assertThat(hashChain.run("{\"iterations\": 10}").failure().message()).isEqualTo("seed: must not be null");
        assertThat(hashChain.run("{\"seed\": \"abc\", \"iterations\": 1000000001}").failure().type())
                .isEqualTo("invalid-input");
    }
}
