package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.service.SeedApi;
import io.meshgate.service.SeedApiOptions;
import io.meshgate.service.ServeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve --seed-api}: never a write endpoint without tokens unless a flag says so explicitly. */
class ServeSeedApiFlagsTest {
  static final String POLICIES = System.getProperty("meshgate.root", "..") + "/policies";

  @TempDir Path tmp;

  private static ServeOptions options(String... flags) {
    CommandLine cli = new CommandLine(new ServeCommand());
    String[] args = new String[flags.length + 4];
    args[0] = "--source";
    args[1] = "https://github.com/acme/mesh-intents.git";
    args[2] = "--policies";
    args[3] = POLICIES;
    System.arraycopy(flags, 0, args, 4, flags.length);
    cli.parseArgs(args);
    return ((ServeCommand) cli.getCommand()).options();
  }

  @Test
  void theSeedApiRefusesToStartWithoutTokensUnlessTold() throws Exception {
    CliRun refused = CliRun.of("serve", "--source", "/tmp/none", "--policies", POLICIES, "--seed-api");
    assertEquals(Main.EXIT_ERROR, refused.exit());
    assertTrue(refused.err().contains("--seed-api commits to Git on request: give --api-token-file"), refused.err());
    assertFalse(refused.leaksStackTrace(), refused.err());

    Path tokens = tmp.resolve("tokens");
    Files.writeString(tokens, "0123456789abcdef0123 alice@example.com projects=shop\n");
    SeedApiOptions withTokens = options("--seed-api", "--api-token-file", tokens.toString()).seedApi();
    assertEquals(SeedApi.CommitMode.REVIEW, withTokens.mode());
    assertEquals("placement.yaml", withTokens.placementPath());
    assertFalse(withTokens.unauthenticated());
    assertTrue(options("--seed-api", "--seed-api-unauthenticated").seedApi().unauthenticated());
    assertNull(options().seedApi(), "off by default");
  }

  @Test
  void badSeedApiFlagsExitTwoNamingTheFlag() {
    String[][] cases = {
      {"--seed-api-commit", "direct", "need --seed-api"},
      {"--seed-api --seed-api-unauthenticated --seed-api-commit sideways", "--seed-api-commit must be review or direct"},
      {"--seed-api --seed-api-unauthenticated --seed-api-forge gitea", "--seed-api-forge must be github or gitlab"},
      {"--seed-api --seed-api-unauthenticated --seed-api-commit direct --seed-api-forge github", "nothing to do with"},
      {"--seed-api --seed-api-unauthenticated --seed-api-forge-repo a/b", "need --seed-api-forge"},
      {"--seed-api --seed-api-unauthenticated --seed-api-placement intents/placement.yaml", "outside --intents-path"},
      {"--seed-api --seed-api-unauthenticated --seed-api-placement ../p.yaml", "--seed-api-placement must be a file path"},
      {"--seed-api --seed-api-unauthenticated --seed-api-forge github --seed-api-forge-url https://u:p@api.example",
          "--seed-api-forge-url carries credentials"},
    };
    for (String[] c : cases) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve", "--source", "/tmp/none",
          "--policies", POLICIES));
      args.addAll(java.util.List.of(c[0].split(" ")));
      if (c.length == 3) {
        args.add(c[1]);
      }
      CliRun run = CliRun.of(args.toArray(String[]::new));
      String expected = c[c.length - 1];
      assertEquals(Main.EXIT_ERROR, run.exit(), String.join(" ", args));
      assertTrue(run.err().contains(expected), String.join(" ", args) + " gave: " + run.err());
    }
  }
}
