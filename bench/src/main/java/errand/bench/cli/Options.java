package errand.bench.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * bench/run's command line, parsed: the same options and environment variables as ever (see {@link #HELP}).
 *
 * @param report with {@code --report DIR}: rebuild that run's report and do nothing else
 * @param storeRows with {@code --store-rows N}: Errand's workloads run on the empty store, then again after N
 *                  terminal jobs were generated into it in SQL (0: off)
 * @param scale with {@code --scale}: only Errand's batch burn-down, once per worker count of {@code scaleWorkers}
 *              and API count of {@code scaleApis}
 * @param startupRuns starts of each app per launch in the {@code startup} workload
 * @param warmup with {@code --warmup N}: jobs per burn-down in the warm-up (0: a fifth of {@code jobs})
 */
public record Options(int jobs, int warmup, int rounds, boolean smoke, List<String> systems, List<String> workloads,
        boolean profile, boolean build, int workers, int rateSeconds, int perftestSeconds, long upTo, int fixedRate,
        boolean help, @Nullable String report, @Nullable String perftestArgs, @Nullable String perftestSize,
        List<String> workerArgs, String javaHome, int storeRows, boolean scale, List<Integer> scaleWorkers,
        List<Integer> scaleApis, int startupRuns) {

    public static final String HELP = """
            Errand's benchmark kit, one command (see bench/README.md):
              bench/run                      full run: 50,000-job burn-downs, a warm-up and 3 measured rounds
              bench/run --smoke              a few hundred jobs, 1 measured round: checks the kit and the gate
              bench/run -n 20000 --rounds 5  other sizes
              bench/run --warmup N           jobs per burn-down in the warm-up (a fifth of -n, at least 100)
              bench/run --only errand,celery only some systems (errand, perftest, celery)
              bench/run --workloads batch    only some of Errand's and Celery's workloads (batch, client, single,
                                             rate, cpu; Errand's startup too, not in --smoke unless named)
              bench/run --startup-runs K     starts of each app per launch in the startup workload (3)
              bench/run --profile            also record JFR on the API and the workers and summarise their hot spots
              bench/run --build              rebuild the jars first (else they are built only when missing)
              bench/run --workers W          Errand worker processes and Celery worker nodes (2)
              bench/run --rate-seconds S     length of each fixed-rate run (20)
              bench/run --perftest-seconds S length of each PerfTest run (30)
              bench/run --up-to U            prime-count's bound (2000000)
              bench/run --store-rows N       Errand's workloads on the empty store, then on one pre-filled with N
                                             terminal jobs (generated in SQL; 10000000 for the issue's figures)
              bench/run --scale              only Errand's batch burn-down with 1, 2, 4 workers x 1, 2 APIs
              bench/run --scale-workers L    the worker counts of --scale (1,2,4)
              bench/run --scale-apis L       the API counts of --scale (1,2)
              bench/run --report DIR         rebuild the report of an earlier run from its files
            env: PERFTEST_ARGS, PERFTEST_SIZE, ERRAND_WORKER_ARGS, ERRAND_JAVA_HOME
            On the local RabbitMQ and PostgreSQL, in vhosts and databases of its own (removed afterwards), it runs
            RabbitMQ PerfTest with Errand's message pattern (the broker's limit), Errand from its jars (API and
            workers as processes) and Celery from Debian's packages, alternating, and writes a table, a Markdown
            report and PNG charts under bench/results/<time>/. Every workload passes the correctness gate or the run
            exits non-zero.""";

    public static final List<String> ALL_SYSTEMS = List.of("errand", "perftest", "celery");

    /** A command line bench/run cannot take: the message, and exit status 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    public static Options parse(String[] args, Map<String, String> env) {
        int jobs = 50_000;
        int warmup = 0;
        int rounds = 3;
        boolean smoke = false;
        String only = "errand,perftest,celery";
        String workloads = null;
        boolean profile = false;
        boolean build = false;
        int workers = 2;
        int rateSeconds = 20;
        int perftestSeconds = 30;
        long upTo = 2_000_000;
        int fixedRate = 1000;
        boolean help = false;
        String report = null;
        int storeRows = 0;
        boolean scale = false;
        String scaleWorkers = "1,2,4";
        String scaleApis = "1,2";
        int startupRuns = 3;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--smoke" -> smoke = true;
                case "--profile" -> profile = true;
                case "--build" -> build = true;
                case "-h", "--help" -> help = true;
                case "-n" -> jobs = positive(option, value(args, i++));
                case "--warmup" -> warmup = positive(option, value(args, i++));
                case "--rounds" -> rounds = positive(option, value(args, i++));
                case "--only" -> only = value(args, i++);
                case "--workloads" -> workloads = value(args, i++);
                case "--workers" -> workers = positive(option, value(args, i++));
                case "--rate-seconds" -> rateSeconds = positive(option, value(args, i++));
                case "--perftest-seconds" -> perftestSeconds = positive(option, value(args, i++));
                case "--up-to" -> upTo = positive(option, value(args, i++));
                case "--report" -> report = value(args, i++);
                case "--store-rows" -> storeRows = positive(option, value(args, i++));
                case "--scale" -> scale = true;
                case "--startup-runs" -> startupRuns = positive(option, value(args, i++));
                case "--scale-workers" -> {
                    scale = true;
                    scaleWorkers = value(args, i++);
                }
                case "--scale-apis" -> {
                    scale = true;
                    scaleApis = value(args, i++);
                }
                default -> throw new UsageException("unknown option " + option + " (see bench/run --help)");
            }
        }
        if (workloads == null) { // the start-ups take minutes: --smoke checks the rest
            workloads = smoke ? "batch,client,single,rate,cpu" : "batch,client,single,rate,cpu,startup";
        }
        if (smoke) {
            jobs = 300;
            warmup = 0;
            rounds = 1;
            rateSeconds = 3;
            perftestSeconds = 5;
            fixedRate = 0;
        }
        List<String> systems = list(only);
        if (scale) {
            if (storeRows != 0) {
                throw new UsageException("--scale and --store-rows are separate runs");
            }
            systems = List.of("errand"); // the scale-out runs measure Errand alone
            workloads = "batch";
        }
        if (!help && report == null && systems.stream().noneMatch(ALL_SYSTEMS::contains)) {
            throw new UsageException("--only names none of errand, perftest, celery");
        }
        String workerArgs = env.getOrDefault("ERRAND_WORKER_ARGS", "").strip();
        return new Options(jobs, warmup, rounds, smoke, systems, list(workloads), profile, build, workers, rateSeconds,
                perftestSeconds, upTo, fixedRate, help, report, blankToNull(env.get("PERFTEST_ARGS")),
                blankToNull(env.get("PERFTEST_SIZE")),
                workerArgs.isEmpty() ? List.of() : List.of(workerArgs.split("\\s+")),
                env.getOrDefault("ERRAND_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), storeRows, scale,
                counts("--scale-workers", scaleWorkers), counts("--scale-apis", scaleApis), startupRuns);
    }

    /** Requests of the read workload ({@code GET /api/v1/jobs/{id}}): as many as jobs, at most 10,000. */
    public int reads() {
        return Math.min(jobs, 10_000);
    }

    /** Requests of the list workload (first page of a filtered list): a tenth of the jobs, 100 to 2,000. */
    public int lists() {
        return Math.max(100, Math.min(jobs / 10, 2_000));
    }

    /** Requests of the stats workload ({@code GET /api/v1/stats}): a fiftieth of the jobs, 100 to 1,000. */
    public int statsRequests() {
        return Math.max(100, Math.min(jobs / 50, 1_000));
    }

    public boolean has(String system) {
        return systems.contains(system);
    }

    public boolean runs(String workload) {
        return workloads.contains(workload);
    }

    /** Jobs of the CPU workload: a tenth of a burn-down, at least 20. */
    public static int cpuJobs(int jobs) {
        return Math.max(jobs / 10, 20);
    }

    /** Jobs per burn-down in the warm-up: as {@code --warmup} says, else a fifth, at least 100. */
    public int warmupJobs() {
        return warmup > 0 ? warmup : Math.max(jobs / 5, 100);
    }

    public String java() {
        return javaHome + "/bin/java";
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new UsageException("option " + args[i] + " needs a value (see bench/run --help)");
        }
        return args[i + 1];
    }

    private static int positive(String option, String value) {
        try {
            int parsed = Integer.parseInt(value.replace("_", ""));
            if (parsed <= 0) {
                throw new UsageException(option + " needs a positive number, not " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, not " + value);
        }
    }

    private static List<Integer> counts(String option, String commaSeparated) {
        List<Integer> counts = list(commaSeparated).stream().map(v -> positive(option, v)).toList();
        if (counts.isEmpty()) {
            throw new UsageException(option + " needs a comma-separated list of counts");
        }
        return counts;
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
