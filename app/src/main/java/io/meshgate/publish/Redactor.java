package io.meshgate.publish;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Masks secrets in text before it reaches a log, an exception message or a status page: the
 * userinfo part of URLs ({@code https://user:token@host} becomes {@code https://***@host}) and
 * every known secret value wherever it appears.
 */
public final class Redactor {
  static final String MASK = "***";

  // scheme://userinfo@ — userinfo stops at the first '/', whitespace or quote, so paths stay intact.
  private static final Pattern URL_USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s\"'<>]+@");

  private final List<String> secrets;

  private Redactor(Collection<String> secrets) {
    List<String> usable = new ArrayList<>();
    for (String secret : secrets) {
      // Very short values would mask ordinary words; tokens and passwords are never that short.
      if (secret != null && secret.strip().length() >= 4) {
        usable.add(secret.strip());
      }
    }
    // Longest first so a secret that contains another is masked whole.
    usable.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(usable);
  }

  /** A redactor that masks URL userinfo only. */
  public static Redactor urlsOnly() {
    return new Redactor(List.of());
  }

  /** A redactor that masks URL userinfo and each of the given secret values. */
  public static Redactor of(Collection<String> secretValues) {
    return new Redactor(secretValues);
  }

  /** This redactor plus more secret values. */
  public Redactor with(Collection<String> moreSecrets) {
    List<String> all = new ArrayList<>(secrets);
    all.addAll(moreSecrets);
    return new Redactor(all);
  }

  /** The text with URL userinfo and known secrets masked; null stays null. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    return URL_USERINFO.matcher(result).replaceAll("$1" + MASK + "@");
  }

  @Override
  public String toString() {
    return "Redactor[" + secrets.size() + " secret(s)]";
  }
}
