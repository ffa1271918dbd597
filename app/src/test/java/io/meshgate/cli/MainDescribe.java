package io.meshgate.cli;

/** Test access to {@link Main#describe}. */
public final class MainDescribe {
  private MainDescribe() {}

  public static String of(Throwable e) {
    return Main.describe(e);
  }
}
