package io.meshgate.service;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Last line of defence before a message reaches a log or the status: removes credentials embedded
 * in URLs ({@code https://user:token@host}) and any known secret value.
 */
public final class SecretScrubber {
  private static final Pattern URL_USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");
  private final List<String> secrets;

  public SecretScrubber(List<String> secrets) {
    this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4).toList();
  }

  public String scrub(String message) {
    if (message == null) {
      return null;
    }
    String out = URL_USERINFO.matcher(message).replaceAll("***@");
    for (String secret : secrets) {
      out = out.replace(secret, "***");
    }
    return out;
  }
}
