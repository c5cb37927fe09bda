package org.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

// FIELD and METHOD, as in JUnit 4.13. A bare @Rule on a Kotlin property compiles but lands
// on the private backing field, which JUnit rejects at run time: generated tests use @get:Rule.
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface Rule {
    int order() default -1;
}
