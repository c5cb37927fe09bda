package android.content;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** android.content.ContentValues: keys in insertion order, as the SQL built from them. */
public final class ContentValues {
    private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

    public ContentValues() {}
    public ContentValues(int size) {}
    public ContentValues(ContentValues from) { values.putAll(from.values); }

    public void put(String key, String value) { values.put(key, value); }
    public void put(String key, Byte value) { values.put(key, value); }
    public void put(String key, Short value) { values.put(key, value); }
    public void put(String key, Integer value) { values.put(key, value); }
    public void put(String key, Long value) { values.put(key, value); }
    public void put(String key, Float value) { values.put(key, value); }
    public void put(String key, Double value) { values.put(key, value); }
    public void put(String key, Boolean value) { values.put(key, value); }
    public void put(String key, byte[] value) { values.put(key, value); }
    public void putAll(ContentValues other) { values.putAll(other.values); }
    public void putNull(String key) { values.put(key, null); }
    public int size() { return values.size(); }
    public boolean isEmpty() { return values.isEmpty(); }
    public void remove(String key) { values.remove(key); }
    public void clear() { values.clear(); }
    public boolean containsKey(String key) { return values.containsKey(key); }
    public Object get(String key) { return values.get(key); }
    public String getAsString(String key) { Object v = values.get(key); return v == null ? null : v.toString(); }
    public Long getAsLong(String key) {
        Object v = values.get(key);
        return v == null ? null : v instanceof Number ? ((Number) v).longValue() : Long.valueOf(v.toString());
    }
    public Integer getAsInteger(String key) { Long v = getAsLong(key); return v == null ? null : v.intValue(); }
    public Set<String> keySet() { return values.keySet(); }
    public Set<Map.Entry<String, Object>> valueSet() { return values.entrySet(); }
}
