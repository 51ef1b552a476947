@NullMarked
package errand.api.tasktypes;

import org.jspecify.annotations.NullMarked;
