package errand.bench;

import java.nio.file.Path;

import errand.bench.cli.Options;
import errand.bench.report.Report;

/** bench/run's Java side: {@code java -jar bench/target/bench-0.1.0.jar [bench/run's options]}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (Options.UsageException e) {
            Console.error(e.getMessage());
            return 2;
        }
        if (options.help()) {
            Console.line(Options.HELP);
            return 0;
        }
        try {
            if (options.report() != null) {
                return Report.write(Path.of(options.report()));
            }
            return new BenchRun(options).run();
        } catch (Exception e) {
            Console.log(e.toString());
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                Console.log("  caused by " + cause);
            }
            return 1;
        }
    }
}
