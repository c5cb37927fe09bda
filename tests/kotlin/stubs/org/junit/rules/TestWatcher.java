package org.junit.rules;

import org.junit.runner.Description;

public abstract class TestWatcher implements TestRule {
    protected void starting(Description description) {}
    protected void finished(Description description) {}
    protected void succeeded(Description description) {}
}
