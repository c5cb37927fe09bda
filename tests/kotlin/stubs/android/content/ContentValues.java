package android.content;

public final class ContentValues {
    public ContentValues() {}
    public ContentValues(int size) {}
    public void put(String key, String value) { throw new UnsupportedOperationException("stub"); }
    public void put(String key, Integer value) { throw new UnsupportedOperationException("stub"); }
    public void put(String key, Long value) { throw new UnsupportedOperationException("stub"); }
    public void put(String key, Double value) { throw new UnsupportedOperationException("stub"); }
    public void put(String key, Boolean value) { throw new UnsupportedOperationException("stub"); }
    public void put(String key, byte[] value) { throw new UnsupportedOperationException("stub"); }
    public void putNull(String key) { throw new UnsupportedOperationException("stub"); }
    public int size() { throw new UnsupportedOperationException("stub"); }
}
