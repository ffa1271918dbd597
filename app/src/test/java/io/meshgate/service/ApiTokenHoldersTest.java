package io.meshgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token line of the API token file names who holds it and the projects it may use on the seed API. */
class ApiTokenHoldersTest {
  static final String ALICE = "a1a1a1a1a1a1a1a1a1a1";
  static final String OPS = "0p0p0p0p0p0p0p0p0p0p";
  static final String PLAIN = "p1p1p1p1p1p1p1p1p1p1";

  @TempDir Path tmp;

  @Test
  void identityAndProjectsComeFromTheTokensLine() throws Exception {
    Path file = tmp.resolve("tokens");
    Files.writeString(file, "# token who projects\n" + ALICE + "  alice@example.com  projects=shop,payments\n"
        + OPS + " ops-robot projects=*\n" + PLAIN + "\n");
    ApiTokens tokens = ApiTokens.fromFile(file);
    SeedApiRoutes.Identified alice = tokens.identify("Bearer " + ALICE);
    assertEquals(ApiTokens.Verdict.GRANTED, alice.verdict());
    assertEquals("alice@example.com", alice.caller().identity());
    assertEquals(List.of("shop", "payments"), alice.caller().projects());
    assertTrue(alice.caller().mayUse("shop") && !alice.caller().mayUse("billing"));
    assertTrue(tokens.identify("Bearer " + OPS).caller().mayUse("anything"));
    SeedApiRoutes.Identified plain = tokens.identify("Bearer " + PLAIN);
    assertEquals(ApiTokens.Verdict.GRANTED, plain.verdict(), "a bare token still opens /api/v1");
    assertEquals("api token 4", plain.caller().identity());
    assertFalse(plain.caller().mayUse("shop"), "but no project of the seed API");
    assertEquals(ApiTokens.Verdict.GRANTED, tokens.check("Bearer " + ALICE));
    assertEquals(ApiTokens.Verdict.DENIED, tokens.identify("Bearer nope-nope-nope-nope-nope").verdict());
    assertNull(tokens.identify(null).caller());
    assertEquals(ApiTokens.Verdict.MISSING, tokens.identify(null).verdict());
  }

  @Test
  void aMalformedLineIsRefusedNamingTheLine() throws Exception {
    Path file = tmp.resolve("tokens");
    Files.writeString(file, ALICE + " alice projects=shop,../x\n");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ApiTokens.fromFile(file));
    assertTrue(bad.getMessage().contains("line 1: projects=NAME,NAME"), bad.getMessage());
    assertFalse(bad.getMessage().contains(ALICE), "never the token");
    Files.writeString(file, ALICE + " alice bob projects=shop\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ApiTokens.fromFile(file)).getMessage()
        .contains("line 1: a line is <token> [<who>] [projects=NAME,...]"));
  }
}
