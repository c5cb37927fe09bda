package org.junit.runner;

public class Description {
    private Description() {}
    public String getDisplayName() { throw new UnsupportedOperationException("stub"); }
    public String getMethodName() { throw new UnsupportedOperationException("stub"); }
}
