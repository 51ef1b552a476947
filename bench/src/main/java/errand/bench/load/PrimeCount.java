package errand.bench.load;

/** The number of primes up to n, computed here to check the workers' (and Celery's) answers. */
public final class PrimeCount {

    private PrimeCount() {
    }

    public static long of(long n) {
        if (n < 2) {
            return 0;
        }
        boolean[] composite = new boolean[(int) n + 1];
        long count = 0;
        for (int i = 2; i <= n; i++) {
            if (!composite[i]) {
                count++;
                for (long m = (long) i * i; m <= n; m += i) {
                    composite[(int) m] = true;
                }
            }
        }
        return count;
    }
}
