package errand.api.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** What a key may do. {@link #ADMIN} includes every other scope. */
public enum Scope {

    JOBS_SUBMIT("jobs:submit"),
    JOBS_READ("jobs:read"),
    JOBS_MANAGE("jobs:manage"),
    SCHEDULES("schedules"),
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** The name clients send and read, such as {@code jobs:read}. */
    public String wireName() {
        return wireName;
    }

    /** The Spring Security authority a key with this scope holds ({@code SCOPE_jobs:read}). */
    public String authority() {
        return "SCOPE_" + wireName;
    }

    public static Optional<Scope> fromWireName(String name) {
        return Arrays.stream(values()).filter(scope -> scope.wireName.equals(name)).findFirst();
    }

    /** The scopes a key holding {@code granted} acts with: all of them for an admin key. */
    static Set<Scope> effective(Set<Scope> granted) {
        if (granted.contains(ADMIN)) {
            return EnumSet.allOf(Scope.class);
        }
        return granted.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(granted);
    }
}
