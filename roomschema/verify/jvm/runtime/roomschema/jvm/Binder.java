package roomschema.jvm;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Bindings kept until the statement runs, 1-based as in SQLite and Android. */
final class Binder {
    private final List<Object> values = new ArrayList<>();
    private final List<Boolean> set = new ArrayList<>();

    void bind(int index, Object value) {
        if (index < 1) throw new IllegalArgumentException("Cannot bind argument at index " + index);
        while (values.size() < index) { values.add(null); set.add(false); }
        values.set(index - 1, value);
        set.set(index - 1, true);
    }

    void clear() { values.clear(); set.clear(); }

    void apply(PreparedStatement ps) throws SQLException {
        ps.clearParameters();
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v == null) ps.setNull(i + 1, java.sql.Types.NULL);
            else if (v instanceof byte[]) ps.setBytes(i + 1, (byte[]) v);
            else if (v instanceof Double) ps.setDouble(i + 1, (Double) v);
            else if (v instanceof Long) ps.setLong(i + 1, (Long) v);
            else ps.setString(i + 1, v.toString());
        }
    }

    /** DatabaseUtils.bindObjectToProgram. */
    static Object normalize(Object arg) {
        if (arg == null || arg instanceof byte[] || arg instanceof String) return arg;
        if (arg instanceof Float || arg instanceof Double) return ((Number) arg).doubleValue();
        if (arg instanceof Number) return ((Number) arg).longValue();
        if (arg instanceof Boolean) return ((Boolean) arg) ? 1L : 0L;
        return arg.toString();
    }
}
