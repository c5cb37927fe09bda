package timber.log;

/** Timber's static API; logs go to stderr. */
public final class Timber {
    private Timber() {}

    public static class Tree {
        private void out(String level, Throwable t, String message, Object... args) {
            String text = message == null ? "" : (args.length == 0 ? message : String.format(message, args));
            System.err.println(level + ": " + text + (t == null ? "" : " " + t));
        }
        public void v(String message, Object... args) { out("V", null, message, args); }
        public void v(Throwable t, String message, Object... args) { out("V", t, message, args); }
        public void v(Throwable t) { out("V", t, null); }
        public void d(String message, Object... args) { out("D", null, message, args); }
        public void d(Throwable t, String message, Object... args) { out("D", t, message, args); }
        public void d(Throwable t) { out("D", t, null); }
        public void i(String message, Object... args) { out("I", null, message, args); }
        public void i(Throwable t, String message, Object... args) { out("I", t, message, args); }
        public void i(Throwable t) { out("I", t, null); }
        public void w(String message, Object... args) { out("W", null, message, args); }
        public void w(Throwable t, String message, Object... args) { out("W", t, message, args); }
        public void w(Throwable t) { out("W", t, null); }
        public void e(String message, Object... args) { out("E", null, message, args); }
        public void e(Throwable t, String message, Object... args) { out("E", t, message, args); }
        public void e(Throwable t) { out("E", t, null); }
        public void wtf(String message, Object... args) { out("F", null, message, args); }
        public void wtf(Throwable t, String message, Object... args) { out("F", t, message, args); }
        public void wtf(Throwable t) { out("F", t, null); }
    }

    private static final Tree TREE = new Tree();

    public static Tree tag(String tag) { return TREE; }
    public static void v(String message, Object... args) { TREE.v(message, args); }
    public static void v(Throwable t, String message, Object... args) { TREE.v(t, message, args); }
    public static void v(Throwable t) { TREE.v(t); }
    public static void d(String message, Object... args) { TREE.d(message, args); }
    public static void d(Throwable t, String message, Object... args) { TREE.d(t, message, args); }
    public static void d(Throwable t) { TREE.d(t); }
    public static void i(String message, Object... args) { TREE.i(message, args); }
    public static void i(Throwable t, String message, Object... args) { TREE.i(t, message, args); }
    public static void i(Throwable t) { TREE.i(t); }
    public static void w(String message, Object... args) { TREE.w(message, args); }
    public static void w(Throwable t, String message, Object... args) { TREE.w(t, message, args); }
    public static void w(Throwable t) { TREE.w(t); }
    public static void e(String message, Object... args) { TREE.e(message, args); }
    public static void e(Throwable t, String message, Object... args) { TREE.e(t, message, args); }
    public static void e(Throwable t) { TREE.e(t); }
    public static void wtf(String message, Object... args) { TREE.wtf(message, args); }
    public static void wtf(Throwable t, String message, Object... args) { TREE.wtf(t, message, args); }
    public static void wtf(Throwable t) { TREE.wtf(t); }
}
