package android.util;

/** Migrations log; the runner sends it to stderr, where nobody parses it. */
public final class Log {
    private Log() {}
    private static int out(String level, String tag, String msg, Throwable tr) {
        System.err.println(level + "/" + tag + ": " + msg + (tr == null ? "" : " " + tr));
        return 0;
    }
    public static int v(String tag, String msg) { return out("V", tag, msg, null); }
    public static int v(String tag, String msg, Throwable tr) { return out("V", tag, msg, tr); }
    public static int d(String tag, String msg) { return out("D", tag, msg, null); }
    public static int d(String tag, String msg, Throwable tr) { return out("D", tag, msg, tr); }
    public static int i(String tag, String msg) { return out("I", tag, msg, null); }
    public static int i(String tag, String msg, Throwable tr) { return out("I", tag, msg, tr); }
    public static int w(String tag, String msg) { return out("W", tag, msg, null); }
    public static int w(String tag, String msg, Throwable tr) { return out("W", tag, msg, tr); }
    public static int w(String tag, Throwable tr) { return out("W", tag, "", tr); }
    public static int e(String tag, String msg) { return out("E", tag, msg, null); }
    public static int e(String tag, String msg, Throwable tr) { return out("E", tag, msg, tr); }
    public static int wtf(String tag, String msg) { return out("F", tag, msg, null); }
    public static int wtf(String tag, String msg, Throwable tr) { return out("F", tag, msg, tr); }
}
