package io.meshgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code meshgate demo} end to end, in-process: both outcomes shown, exit 0. */
class DemoCommandTest {
  @Test
  void demoPublishesTheSeedThenRefusesTheTlsBreakingCommit() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("demo", "--timeout", "90s");
    String text = out.toString();
    assertEquals(Main.EXIT_OK, code, text + err);
    assertTrue(text.contains("env/main is at "), text);
    assertTrue(text.contains("clusters/cluster01/istio-system/serviceentry-meshgate-httpbin-default-global.yaml:"), text);
    assertTrue(text.contains("- httpbin.default.global"), text);
    assertTrue(text.contains("POST /hooks/git (GitHub push, signed) -> 202"), text);
    assertTrue(text.contains("state refused"), text);
    assertTrue(text.contains("intents/clients/sleep-to-httpbin.yaml:"), text);
    assertTrue(text.contains("MG-TLS-01"), text);
    assertTrue(text.contains("env/main is unchanged"), text);
  }

  @Test
  void aBadTimeoutIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err, true));
    assertEquals(Main.EXIT_ERROR, cli.execute("demo", "--timeout", "soon"));
    assertTrue(err.toString().contains("--timeout"), err.toString());
  }
}
