package io.meshgate.cli;

import picocli.CommandLine;

/** The tool version, from the jar manifest when packaged. */
public final class Version implements CommandLine.IVersionProvider {
  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"meshgate " + current()};
  }
}
