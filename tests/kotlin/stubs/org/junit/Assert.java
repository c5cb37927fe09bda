package org.junit;

// The overload set of JUnit 4.13 matters: Kotlin picks assertEquals(String, Object, Object)
// for Int arguments and (String, long, long) only for Long ones.
public class Assert {
    protected Assert() {}
    public static void assertTrue(String message, boolean condition) { throw new UnsupportedOperationException("stub"); }
    public static void assertTrue(boolean condition) { throw new UnsupportedOperationException("stub"); }
    public static void assertFalse(String message, boolean condition) { throw new UnsupportedOperationException("stub"); }
    public static void assertFalse(boolean condition) { throw new UnsupportedOperationException("stub"); }
    public static void fail(String message) { throw new UnsupportedOperationException("stub"); }
    public static void fail() { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(String message, Object expected, Object actual) { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(Object expected, Object actual) { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(String message, double expected, double actual, double delta) { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(String message, float expected, float actual, float delta) { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(long expected, long actual) { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(String message, long expected, long actual) { throw new UnsupportedOperationException("stub"); }
    @Deprecated public static void assertEquals(double expected, double actual) { throw new UnsupportedOperationException("stub"); }
    @Deprecated public static void assertEquals(String message, double expected, double actual) { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(double expected, double actual, double delta) { throw new UnsupportedOperationException("stub"); }
    public static void assertEquals(float expected, float actual, float delta) { throw new UnsupportedOperationException("stub"); }
    public static void assertNotEquals(String message, Object unexpected, Object actual) { throw new UnsupportedOperationException("stub"); }
    public static void assertNotEquals(Object unexpected, Object actual) { throw new UnsupportedOperationException("stub"); }
    public static void assertNotNull(String message, Object object) { throw new UnsupportedOperationException("stub"); }
    public static void assertNotNull(Object object) { throw new UnsupportedOperationException("stub"); }
    public static void assertNull(String message, Object object) { throw new UnsupportedOperationException("stub"); }
    public static void assertNull(Object object) { throw new UnsupportedOperationException("stub"); }
    public static void assertSame(String message, Object expected, Object actual) { throw new UnsupportedOperationException("stub"); }
    public static void assertSame(Object expected, Object actual) { throw new UnsupportedOperationException("stub"); }
}
