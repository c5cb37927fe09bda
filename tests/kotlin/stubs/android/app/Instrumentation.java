package android.app;

import android.content.Context;

public class Instrumentation {
    public Instrumentation() {}
    public Context getContext() { throw new UnsupportedOperationException("stub"); }
    public Context getTargetContext() { throw new UnsupportedOperationException("stub"); }
}
