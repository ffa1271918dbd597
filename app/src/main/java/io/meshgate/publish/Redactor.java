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
 *
 * <p>In free text a URL's userinfo is taken up to the last {@code @} before the next white space, so
 * a raw {@code @} or {@code /} in a password is masked whole (a path holding {@code @} is masked too:
 * too much rather than too little). A password holding white space cannot be told from the text
 * around it: register the URL with {@link #withUrls}, which masks its userinfo as a literal value,
 * whatever characters it holds.
 */
public final class Redactor {
  static final String MASK = "***";

  // scheme://userinfo@ — greedy up to the last '@' before white space or a quote.
  private static final Pattern URL_USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s\"'<>]*@");

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

  /**
   * This redactor plus the userinfo of each URL (everything between {@code ://} and the URL's last
   * {@code @}), masked wherever it appears.
   */
  public Redactor withUrls(Collection<String> urls) {
    List<String> userinfo = new ArrayList<>();
    for (String url : urls) {
      if (url == null) {
        continue;
      }
      String info = userinfoOf(url);
      if (info != null) {
        userinfo.add(info);
      }
    }
    return with(userinfo);
  }

  /** The userinfo of a URL given on its own ({@code scheme://USERINFO@host/...}), or null. */
  public static String userinfoOf(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at <= scheme + 3) {
      return null;
    }
    return url.substring(scheme + 3, at);
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
