package org.junit.rules;

// The real apply() takes and returns org.junit.runners.model.Statement; generated
// code never calls it, and leaving it out keeps that package out of the stubs.
public interface TestRule {
}
