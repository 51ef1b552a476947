/** JSON Schema (draft 2020-12) derived from Java records and their Jakarta Bean Validation constraints. */
@NullMarked
package errand.worker.schema;

import org.jspecify.annotations.NullMarked;
