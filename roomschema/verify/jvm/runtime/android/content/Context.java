package android.content;

/** Only a type: a migration that takes a Context as a parameter (a factory, a constructor) compiles; the
 * runner has none to give, so such a migration is reported as needing one. */
public abstract class Context {
    public abstract Context getApplicationContext();
}
