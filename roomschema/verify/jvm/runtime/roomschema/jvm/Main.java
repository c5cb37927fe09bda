package roomschema.jvm;

import androidx.room.driver.SupportSQLiteConnection;
import androidx.room.migration.Migration;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs an app's compiled Migration objects on a SQLite file the way Room does.
 *
 * <pre>
 *   Main list CLASSES
 *   Main run CLASSES DATABASE START END PRAGMA...      (PRAGMA: name=value, set before BEGIN)
 * </pre>
 *
 * Migrations are found by reflection in CLASSES: static fields holding a Migration (top-level and
 * object/companion vals, arrays and collections of them), factory functions (top-level, object or
 * companion) whose parameters all have defaults, called with them, and Migration classes with a
 * no-argument constructor. Room's findMigrationPath
 * picks the path START -> END, which runs in one BEGIN EXCLUSIVE transaction with Room's
 * onPreMigrate (FTS content-sync triggers dropped) before it, then COMMIT; any throwable rolls back.
 *
 * Output, one tab-separated line each on stdout: {@code env ZONE LOCALE INSTANT} (what defaults
 * such as ZoneId.systemDefault() were evaluated with), {@code migration START END ORIGIN DEFAULTS}
 * (DEFAULTS: "defaults" when a factory made it with its parameters' defaults),
 * {@code skipped ORIGIN REASON}, then for run {@code result ok MIGRATE_NS LOCK_NS RAN STATEMENTS} or
 * {@code result error MESSAGE LOCATION} or {@code result not-found}. Exit 0 ok, 1 migration
 * failed, 3 no path, 2 anything else.
 */
public final class Main {
    private static final class Found {
        final Migration migration;
        final String origin;
        final boolean defaults;  // made by a factory called with its parameters' defaults
        Found(Migration migration, String origin, boolean defaults) {
            this.migration = migration;
            this.origin = origin;
            this.defaults = defaults;
        }
    }

    private final List<Found> found = new ArrayList<>();
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    private final Set<Class<?>> represented = new LinkedHashSet<>();
    private final List<String> skipped = new ArrayList<>();
    private final Set<String> appClasses = new LinkedHashSet<>();

    public static void main(String[] args) throws Exception {
        if (args.length < 2) usage();
        Main main = new Main();
        // What a factory's defaults such as ZoneId.systemDefault() or Instant.now() were evaluated with.
        out("env", java.time.ZoneId.systemDefault(), java.util.Locale.getDefault().toLanguageTag(), java.time.Instant.now());
        main.discover(Paths.get(args[1]));
        for (Found f : main.found) {
            out("migration", f.migration.startVersion, f.migration.endVersion, f.origin, f.defaults ? "defaults" : "");
        }
        for (String s : main.skipped) System.out.println("skipped\t" + s);
        if (args[0].equals("list")) return;
        if (!args[0].equals("run") || args.length < 5) usage();
        int start = Integer.parseInt(args[3]);
        int end = Integer.parseInt(args[4]);
        List<Found> path = main.path(start, end);
        if (path == null) {
            out("result", "not-found");
            System.exit(3);
        }
        List<String> pragmas = new ArrayList<>();
        for (int i = 5; i < args.length; i++) pragmas.add(args[i]);
        System.exit(main.run(args[2], pragmas, path));
    }

    private static void usage() {
        System.err.println("usage: Main list CLASSES | Main run CLASSES DATABASE START END [PRAGMA=VALUE...]");
        System.exit(2);
    }

    private static void out(Object... fields) {
        StringBuilder sb = new StringBuilder();
        for (Object f : fields) {
            if (sb.length() > 0) sb.append('\t');
            sb.append(String.valueOf(f).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"));
        }
        System.out.println(sb);
    }

    // -- discovery -------------------------------------------------------------------------

    private void discover(Path root) throws IOException {
        List<String> names;
        try (Stream<Path> walk = Files.walk(root)) {
            names = walk.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .map(s -> s.substring(0, s.length() - ".class".length()).replace('/', '.'))
                    .filter(s -> !s.equals("module-info"))
                    .sorted()
                    .collect(Collectors.toList());
        }
        appClasses.addAll(names);
        ClassLoader loader = Main.class.getClassLoader();
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            try {
                classes.add(Class.forName(name, false, loader));
            } catch (Throwable err) {
                skipped.add(name + "\tcannot be loaded: " + describe(err));
            }
        }
        for (Class<?> c : classes) {
            fromFields(c);
        }
        for (Class<?> c : classes) {
            fromFactories(c);
        }
        for (Class<?> c : classes) {
            fromConstructor(c);
        }
    }

    private static boolean migrationish(Class<?> type, java.lang.reflect.Type generic) {
        if (Migration.class.isAssignableFrom(type)) return true;
        if (type.isArray()) return Migration.class.isAssignableFrom(type.getComponentType());
        if (Iterable.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            return generic.getTypeName().contains(Migration.class.getName());
        }
        return false;
    }

    private void fromFields(Class<?> c) {
        List<Field> fields = new ArrayList<>();
        try {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && migrationish(f.getType(), f.getGenericType())) fields.add(f);
            }
        } catch (Throwable err) {
            skipped.add(c.getName() + "\tcannot be read: " + describe(err));
            return;
        }
        for (Field f : fields) {
            try {
                f.setAccessible(true);
                collect(f.get(null), origin(c) + "." + f.getName(), false);
            } catch (Throwable err) {
                skipped.add(origin(c) + "." + f.getName() + "\t" + describe(err));
            }
        }
    }

    private void fromFactories(Class<?> c) {
        Method[] methods;
        try {
            methods = c.getDeclaredMethods();
        } catch (Throwable err) {
            return;
        }
        for (Method m : methods) {
            if (!migrationish(m.getReturnType(), m.getGenericReturnType())) continue;
            String name = m.getName();
            boolean isStatic = Modifier.isStatic(m.getModifiers());
            Object receiver = null;
            Object[] args;
            if (m.getParameterCount() == 0 && !name.startsWith("get") && !name.startsWith("access$")) {
                args = new Object[0];
            } else if (isStatic && name.endsWith("$default")) {
                args = defaults(m);
                if (args == null) continue;
                // A member of an object or companion: its $default bridge takes the instance first.
                Class<?>[] types = m.getParameterTypes();
                if (types.length > 0 && types[0] == c) {
                    Object self = instance(c);
                    if (self == null) continue;
                    args[0] = self;
                }
            } else {
                continue;
            }
            if (!isStatic) {
                receiver = instance(c);
                if (receiver == null) continue;
            }
            String label = origin(c) + "." + name.replace("$default", "") + "()";
            try {
                m.setAccessible(true);
                collect(m.invoke(receiver, args), label, name.endsWith("$default"));
            } catch (Throwable err) {
                skipped.add(label + "\t" + describe(err));
            }
        }
    }

    /** The one instance of an object (INSTANCE) or a companion (the outer class's static field of its type), else null. */
    private static Object instance(Class<?> c) {
        List<Field> candidates = new ArrayList<>();
        try {
            candidates.add(c.getDeclaredField("INSTANCE"));
        } catch (Throwable ignored) {
            // not an object
        }
        Class<?> outer = c.getDeclaringClass();
        if (outer != null) {
            try {
                for (Field f : outer.getDeclaredFields()) candidates.add(f);
            } catch (Throwable ignored) {
                // the outer class does not load: no companion to call
            }
        }
        for (Field f : candidates) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == c) {
                try {
                    f.setAccessible(true);
                    return f.get(null);
                } catch (Throwable ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Arguments for Kotlin's f$default(params..., mask..., marker): every mask bit set, so every default applies. */
    private static Object[] defaults(Method m) {
        Class<?>[] types = m.getParameterTypes();
        int total = types.length;
        if (total < 2 || types[total - 1] != Object.class) return null;
        int masks = 1;
        while ((total - 1 - masks) > 32 * masks) masks++;
        int params = total - 1 - masks;
        if (params < 0) return null;
        Object[] args = new Object[total];
        for (int i = 0; i < params; i++) args[i] = zero(types[i]);
        for (int i = params; i < params + masks; i++) args[i] = -1;
        return args;
    }

    private static Object zero(Class<?> t) {
        if (!t.isPrimitive()) return null;
        if (t == boolean.class) return false;
        if (t == char.class) return (char) 0;
        if (t == byte.class) return (byte) 0;
        if (t == short.class) return (short) 0;
        if (t == int.class) return 0;
        if (t == long.class) return 0L;
        if (t == float.class) return 0f;
        return 0d;
    }

    private void fromConstructor(Class<?> c) {
        if (!Migration.class.isAssignableFrom(c) || c == Migration.class || represented.contains(c)
                || Modifier.isAbstract(c.getModifiers()) || c.isInterface()) return;
        // Room's own lambda factory class is only ever made by the factory.
        if (c.getName().startsWith("androidx.")) return;
        Constructor<?> noArgs = null;
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (k.getParameterCount() == 0) noArgs = k;
        }
        if (noArgs == null) {
            Constructor<?> k = c.getDeclaredConstructors().length > 0 ? c.getDeclaredConstructors()[0] : null;
            String params = k == null ? "" : Stream.of(k.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "));
            skipped.add(origin(c) + "\tits constructor needs arguments (" + params + ")");
            return;
        }
        try {
            noArgs.setAccessible(true);
            collect(noArgs.newInstance(), origin(c), false);
        } catch (Throwable err) {
            skipped.add(origin(c) + "\t" + describe(err));
        }
    }

    private void collect(Object value, String origin, boolean defaults) {
        if (value == null) return;
        if (value instanceof Migration) {
            if (seen.put(value, true) == null) {
                found.add(new Found((Migration) value, origin, defaults));
                represented.add(value.getClass());
            }
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) collect(Array.get(value, i), origin + "[" + i + "]", defaults);
        } else if (value instanceof Iterable) {
            int i = 0;
            for (Object o : (Iterable<?>) value) collect(o, origin + "[" + i++ + "]", defaults);
        } else if (value instanceof Map) {
            for (Object o : ((Map<?, ?>) value).values()) collect(o, origin, defaults);
        }
    }

    private static String origin(Class<?> c) {
        String name = c.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String describe(Throwable err) {
        while ((err instanceof java.lang.reflect.InvocationTargetException || err instanceof ExceptionInInitializerError)
                && err.getCause() != null) {
            err = err.getCause();
        }
        String msg = err.getMessage();
        return err.getClass().getName() + (msg == null ? "" : ": " + msg);
    }

    // -- Room's findMigrationPath ---------------------------------------------------------

    private List<Found> path(int start, int end) {
        if (start == end) return new ArrayList<>();
        // MigrationContainer.addMigration: a later migration for the same pair replaces the earlier.
        Map<Integer, TreeMap<Integer, Found>> byStart = new TreeMap<>();
        for (Found f : found) {
            byStart.computeIfAbsent(f.migration.startVersion, k -> new TreeMap<>()).put(f.migration.endVersion, f);
        }
        boolean upgrade = end > start;
        List<Found> result = new ArrayList<>();
        int at = start;
        while (upgrade ? at < end : at > end) {
            TreeMap<Integer, Found> targets = byStart.get(at);
            if (targets == null) return null;
            Found next = null;
            for (Integer target : upgrade ? targets.descendingKeySet() : targets.navigableKeySet()) {
                boolean ok = upgrade ? target <= end && target > at : target >= end && target < at;
                if (ok) { next = targets.get(target); break; }
            }
            if (next == null) return null;
            result.add(next);
            at = upgrade ? next.migration.endVersion : next.migration.endVersion;
        }
        return result;
    }

    // -- running ---------------------------------------------------------------------------

    private int run(String database, List<String> pragmas, List<Found> path) throws Exception {
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA busy_timeout = 3000");
                for (String p : pragmas) {
                    int eq = p.indexOf('=');
                    st.execute("PRAGMA " + p.substring(0, eq) + " = " + p.substring(eq + 1));
                }
            }
            long lockStart = System.nanoTime();
            try (Statement st = conn.createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
            }
            JdbcDatabase db = new JdbcDatabase(conn, database);
            SupportSQLiteConnection connection = new SupportSQLiteConnection(db, new JdbcConnection(db));
            long migrateStart = System.nanoTime();
            Found current = null;
            try {
                dropFtsTriggers(conn);
                for (Found f : path) {
                    current = f;
                    f.migration.migrate(connection);
                }
                if (db.childFailed) {
                    throw new IllegalStateException("a nested transaction ended without setTransactionSuccessful(): "
                            + "Android rolls back the whole migration");
                }
                long migrateNs = System.nanoTime() - migrateStart;
                try (Statement st = conn.createStatement()) {
                    st.execute("COMMIT");
                }
                out("result", "ok", migrateNs, System.nanoTime() - lockStart,
                        path.stream().map(f -> f.origin).collect(Collectors.joining(", ")), db.statements);
                return 0;
            } catch (Throwable err) {
                try (Statement st = conn.createStatement()) {
                    st.execute("ROLLBACK");
                } catch (Exception ignored) {
                    // already rolled back by SQLite (a failed COMMIT, ROLLBACK inside the migration)
                }
                String who = current == null ? "" : current.origin + " (Migration(" + current.migration.startVersion
                        + ", " + current.migration.endVersion + ")) threw ";
                out("result", "error", who + describe(err), location(err));
                return 1;
            }
        }
    }

    /** The first frame of the app's code: where in its source the migration failed. */
    private String location(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (appClasses.contains(e.getClassName()) && e.getFileName() != null && e.getLineNumber() > 0) {
                    return e.getFileName() + ":" + e.getLineNumber();
                }
            }
        }
        return "";
    }

    private static void dropFtsTriggers(Connection conn) throws Exception {
        List<String> names = new ArrayList<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
            while (rs.next()) names.add(rs.getString(1));
        }
        for (String name : names) {
            if (name.startsWith("room_fts_content_sync_")) {
                try (Statement st = conn.createStatement()) {
                    st.execute("DROP TRIGGER IF EXISTS " + name);
                }
            }
        }
    }
}
