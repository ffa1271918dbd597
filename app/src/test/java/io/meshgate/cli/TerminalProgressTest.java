package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.check.Checker;
import io.meshgate.check.Progress;
import io.meshgate.intent.TestRepos;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Progress on a terminal: when it is shown, what it shows, and that the pipeline reports it. */
class TerminalProgressTest {

  @Test
  void shownOnlyOnATerminalOutsideCiForTextOutput() {
    assertTrue(TerminalProgress.shown(Map.of(), "true", true));
    assertFalse(TerminalProgress.shown(Map.of("CI", "true"), "true", true), "never in CI");
    assertFalse(TerminalProgress.shown(Map.of("CI", "1"), "true", true), "never in CI");
    assertTrue(TerminalProgress.shown(Map.of("CI", "false"), "true", true), "CI=false is not CI");
    assertFalse(TerminalProgress.shown(Map.of(), "true", false), "never for json, sarif, junit, github");
    assertFalse(TerminalProgress.shown(Map.of(), null, true), "never when stderr is not a terminal");
    // In tests stderr is no terminal (the property is unset): commands get the silent progress.
    assertSame(Progress.NONE, TerminalProgress.forTerminal(new PrintWriter(new StringWriter()), true));
  }

  @Test
  void silentForTheFirstSecondThenOneLineRewrittenInPlaceAndClearedAtTheEnd() {
    long[] now = {0};
    StringWriter text = new StringWriter();
    TerminalProgress progress = new TerminalProgress(new PrintWriter(text), () -> now[0]);
    progress.update("files read", 10);
    assertEquals("", text.toString(), "a short run shows nothing");
    now[0] = 1_500_000_000L;
    progress.update("files read", 12000);
    assertEquals("\rmeshgate: 12,000 files read", text.toString());
    now[0] += 50_000_000L;
    progress.update("files read", 12001);
    assertEquals("\rmeshgate: 12,000 files read", text.toString(), "at most five redraws a second");
    now[0] += 300_000_000L;
    progress.update("edges", 5);
    assertTrue(text.toString().endsWith("\rmeshgate: 5 edges" + " ".repeat(10)),
        "a shorter line blanks the rest of the longer one: " + text);
    progress.finish();
    assertTrue(text.toString().endsWith("\r" + " ".repeat(17) + "\r"), "the line is cleared: " + text);
  }

  @Test
  void thePipelineReportsObjectsRenderedAndRequestsSimulated() throws Exception {
    List<String> phases = new ArrayList<>();
    new Checker(TestRepos.root().resolve("policies")).withProgress((phase, done) -> phases.add(phase + " " + done))
        .check(TestRepos.seedIntents());
    assertTrue(phases.stream().anyMatch(p -> p.startsWith("objects rendered ")), phases.toString());
    assertTrue(phases.stream().anyMatch(p -> p.startsWith("requests simulated ")), phases.toString());
  }
}
