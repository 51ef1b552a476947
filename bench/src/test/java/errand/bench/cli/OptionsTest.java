package errand.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OptionsTest {

    private static Options parse(String... args) {
        return Options.parse(args, Map.of());
    }

    @Test
    void defaultsAreAFullRun() {
        Options options = parse();
        assertThat(options.jobs()).isEqualTo(50_000);
        assertThat(options.rounds()).isEqualTo(3);
        assertThat(options.systems()).containsExactly("errand", "perftest", "celery");
        assertThat(options.workloads()).containsExactly("batch", "client", "single", "rate", "cpu", "startup");
        assertThat(options.startupRuns()).isEqualTo(3);
        assertThat(options.workers()).isEqualTo(2);
        assertThat(options.rateSeconds()).isEqualTo(20);
        assertThat(options.perftestSeconds()).isEqualTo(30);
        assertThat(options.upTo()).isEqualTo(2_000_000);
        assertThat(options.fixedRate()).isEqualTo(1000);
        assertThat(options.warmupJobs()).isEqualTo(10_000);
        assertThat(Options.cpuJobs(options.jobs())).isEqualTo(5_000);
        assertThat(options.javaHome()).isEqualTo("/usr/lib/jvm/temurin-25-jdk-amd64");
    }

    @Test
    void everyOptionOfBenchRun() {
        Options options = parse("-n", "2000", "--rounds", "5", "--only", "errand,celery", "--workloads", "batch,cpu",
                "--profile", "--build", "--workers", "3", "--rate-seconds", "7", "--perftest-seconds", "9",
                "--up-to", "1000", "--warmup", "700");
        assertThat(options.jobs()).isEqualTo(2000);
        assertThat(options.warmupJobs()).isEqualTo(700);
        assertThat(options.rounds()).isEqualTo(5);
        assertThat(options.has("errand")).isTrue();
        assertThat(options.has("perftest")).isFalse();
        assertThat(options.runs("cpu")).isTrue();
        assertThat(options.runs("single")).isFalse();
        assertThat(options.profile()).isTrue();
        assertThat(options.build()).isTrue();
        assertThat(options.workers()).isEqualTo(3);
        assertThat(options.rateSeconds()).isEqualTo(7);
        assertThat(options.perftestSeconds()).isEqualTo(9);
        assertThat(options.upTo()).isEqualTo(1000);
    }

    @Test
    void smokeWinsOverTheSizesWhereverItStands() {
        Options options = parse("-n", "9999", "--smoke", "--rounds", "4", "--warmup", "5000");
        assertThat(options.jobs()).isEqualTo(300);
        assertThat(options.rounds()).isEqualTo(1);
        assertThat(options.rateSeconds()).isEqualTo(3);
        assertThat(options.perftestSeconds()).isEqualTo(5);
        assertThat(options.fixedRate()).isZero();
        assertThat(options.warmupJobs()).isEqualTo(100);
        assertThat(Options.cpuJobs(options.jobs())).isEqualTo(30);
    }

    @Test
    void smokeLeavesTheStartUpsOutUnlessNamed() {
        assertThat(parse("--smoke").workloads()).containsExactly("batch", "client", "single", "rate", "cpu");
        assertThat(parse("--smoke", "--workloads", "startup", "--startup-runs", "1").workloads())
                .containsExactly("startup");
        assertThat(parse("--startup-runs", "5").startupRuns()).isEqualTo(5);
        assertThatThrownBy(() -> parse("--startup-runs", "0")).isInstanceOf(Options.UsageException.class);
    }

    @Test
    void environmentVariables() {
        Options options = Options.parse(new String[0], Map.of("ERRAND_WORKER_ARGS",
                " --errand.worker.concurrency.echo=64  --a=b ", "PERFTEST_ARGS", "-x 1 -y 1",
                "ERRAND_JAVA_HOME", "/opt/jdk"));
        assertThat(options.workerArgs()).containsExactly("--errand.worker.concurrency.echo=64", "--a=b");
        assertThat(options.perftestArgs()).isEqualTo("-x 1 -y 1");
        assertThat(options.java()).isEqualTo("/opt/jdk/bin/java");
        assertThat(parse().workerArgs()).isEqualTo(List.of());
    }

    @Test
    void helpAndReport() {
        assertThat(parse("--help").help()).isTrue();
        assertThat(parse("-h").help()).isTrue();
        assertThat(parse("--report", "bench/results/x").report()).isEqualTo("bench/results/x");
    }

    @Test
    void refusesWhatBenchRunRefused() {
        assertThatThrownBy(() -> parse("--bogus")).isInstanceOf(Options.UsageException.class)
                .hasMessage("unknown option --bogus (see bench/run --help)");
        assertThatThrownBy(() -> parse("-n")).isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("-n", "many")).isInstanceOf(Options.UsageException.class);
        assertThatThrownBy(() -> parse("--only", "rabbit")).isInstanceOf(Options.UsageException.class)
                .hasMessage("--only names none of errand, perftest, celery");
    }

    @Test
    void storeRowsAndScaleAreOffByDefault() {
        Options options = parse();
        assertThat(options.storeRows()).isZero();
        assertThat(options.scale()).isFalse();
        assertThat(options.scaleWorkers()).containsExactly(1, 2, 4);
        assertThat(options.scaleApis()).containsExactly(1, 2);
    }

    @Test
    void storeRowsTakesACount() {
        Options options = parse("--store-rows", "10_000_000", "-n", "2000");
        assertThat(options.storeRows()).isEqualTo(10_000_000);
        assertThat(options.reads()).isEqualTo(2000);
        assertThat(options.lists()).isEqualTo(200);
        assertThat(parse("-n", "50000").reads()).isEqualTo(10_000);
        assertThat(parse("-n", "50000").lists()).isEqualTo(2_000);
        assertThat(parse("--smoke").lists()).isEqualTo(100);
        // the stats workload: N/50, 100 to 1,000
        assertThat(options.statsRequests()).isEqualTo(100);
        assertThat(parse("-n", "20000").statsRequests()).isEqualTo(400);
        assertThat(parse("-n", "50000").statsRequests()).isEqualTo(1_000);
        assertThatThrownBy(() -> parse("--store-rows", "0")).isInstanceOf(Options.UsageException.class);
        assertThatThrownBy(() -> parse("--store-rows")).isInstanceOf(Options.UsageException.class);
    }

    @Test
    void scaleMeasuresErrandsBatchBurnDownAlone() {
        Options options = parse("--scale", "--only", "errand,celery", "--workloads", "single");
        assertThat(options.scale()).isTrue();
        assertThat(options.systems()).containsExactly("errand");
        assertThat(options.workloads()).containsExactly("batch");
        Options lists = parse("--scale-workers", "1, 3", "--scale-apis", "2");
        assertThat(lists.scale()).isTrue();
        assertThat(lists.scaleWorkers()).containsExactly(1, 3);
        assertThat(lists.scaleApis()).containsExactly(2);
        assertThatThrownBy(() -> parse("--scale-workers", "1,x")).isInstanceOf(Options.UsageException.class);
        assertThatThrownBy(() -> parse("--scale-apis", ",")).isInstanceOf(Options.UsageException.class);
        assertThatThrownBy(() -> parse("--scale", "--store-rows", "100"))
                .isInstanceOf(Options.UsageException.class);
    }
}
