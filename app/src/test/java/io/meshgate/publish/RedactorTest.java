package io.meshgate.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void masksUserinfoInUrls() {
    Redactor redactor = Redactor.urlsOnly();
    assertEquals("cannot fetch https://***@github.com/org/repo.git: 401",
        redactor.redact("cannot fetch https://user:ghp_abc@github.com/org/repo.git: 401"));
    assertEquals("ssh://***@git.example.com:22/a b http://***@h/x",
        redactor.redact("ssh://git@git.example.com:22/a b http://tok@h/x"));
    assertEquals("no url here, user@example.com stays", 
        redactor.redact("no url here, user@example.com stays"));
    assertEquals("https://github.com/org/repo.git",
        redactor.redact("https://github.com/org/repo.git"));
    assertNull(redactor.redact(null));
  }

  @Test
  void masksKnownSecretValuesAnywhere() {
    Redactor redactor = Redactor.of(List.of("hunter22", "hunter22-long"));
    assertEquals("token *** and *** end",
        redactor.redact("token hunter22-long and hunter22 end"));
    assertEquals("Authorization: Basic xyz with ***",
        redactor.redact("Authorization: Basic xyz with hunter22"));
  }

  @Test
  void ignoresValuesTooShortToBeSecrets() {
    assertEquals("a b c", Redactor.of(List.of("a", " ", "")).redact("a b c"));
  }

  /** Finding 10: a password with a raw '@', '/' or a space was shown in the unauthenticated status. */
  @Test
  void masksPasswordsWhateverCharactersTheyHold() {
    Redactor urls = Redactor.urlsOnly();
    assertEquals("cannot fetch https://***@git.example.com/x.git",
        urls.redact("cannot fetch https://bot:p@ss@git.example.com/x.git"));
    assertEquals("cannot fetch https://***@git.example.com/x.git",
        urls.redact("cannot fetch https://bot:pa/ss@git.example.com/x.git"));
    String spaced = "https://bot:pa ss/w@rd@git.example.com/x.git";
    Redactor known = Redactor.urlsOnly().withUrls(List.of(spaced));
    String masked = known.redact("fetch " + spaced + " failed");
    assertEquals("fetch https://***@git.example.com/x.git failed", masked);
    for (String part : List.of("pa ss", "w@rd", "bot:")) {
      assertFalse(masked.contains(part), masked);
    }
    assertEquals("bot:pa ss/w@rd", Redactor.userinfoOf(spaced));
    assertNull(Redactor.userinfoOf("https://github.com/org/repo.git"));
  }

  @Test
  void withAddsSecrets() {
    Redactor redactor = Redactor.of(List.of("first-secret")).with(List.of("second-secret"));
    assertEquals("*** ***", redactor.redact("first-secret second-secret"));
  }
}
