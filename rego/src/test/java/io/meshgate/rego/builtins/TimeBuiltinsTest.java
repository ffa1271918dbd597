package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertError;
import static io.meshgate.rego.builtins.Calls.assertText;
import static io.meshgate.rego.builtins.Calls.assertTypeError;
import static io.meshgate.rego.builtins.Calls.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rego.builtins.BuiltinException.Kind;
import io.meshgate.rego.value.NumberValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeBuiltinsTest {
  private static final long T1 = 1703444325734390000L; // 2023-12-24T18:58:45.73439Z, a Sunday
  private static final long T2 = 1257894000000000000L; // 2009-11-10T23:00:00Z

  @Test
  void nowIsTheEvaluationClock() {
    BuiltinContext ctx = BuiltinContext.standalone();
    assertEquals(NumberValue.of(ctx.nowNanos()), call(ctx, "time.now_ns"));
    assertTrue(Calls.TABLE.lookup("time.now_ns").orElseThrow().nondeterministic());
  }

  @Test
  void format() {
    assertCall("2023-12-24T18:58:45.73439Z", "time.format", T1);
    assertCall("2009-11-10T23:00:00Z", "time.format", List.of(T2, ""));
    assertCall("2023-12-24T18:58:45", "time.format", List.of(T1, "UTC", "2006-01-02T15:04:05"));
    assertCall("10/11/2009 23:00", "time.format", List.of(T2, "", "02/01/2006 15:04"));
    assertCall("2023-12-24T19:58:45+01:00", "time.format", List.of(T1, "Europe/Paris", "RFC3339"));
    assertCall("Sun Dec 24 6:58:45.734 PM 2023 UTC 358", "time.format", List.of(T1, "UTC", "Mon Jan _2 3:04:05.000 PM 2006 MST 002"));
    assertCall("Tuesday, 10-Nov-09 23:00:00 UTC", "time.format", List.of(T2, "UTC", "RFC850"));
    assertTypeError("time.format: operand 1 must be string but got number", "time.format", List.of(T1, "UTC", 42));
  }

  @Test
  void parse() {
    assertText("1462907202000000000", "time.parse_ns", "2006-01-02T15:04:05", "2016-05-10T19:06:42");
    assertText("1441497364000000000", "time.parse_ns", "2006-01-02 15:04:05", "2015-09-05 23:56:04");
    assertText("1703444325734390000", "time.parse_ns", "2006-01-02T15:04:05.999999999", "2023-12-24T18:58:45.73439");
    assertText("1257894000000000000", "time.parse_ns", "RFC1123Z", "Tue, 10 Nov 2009 23:00:00 +0000");
    assertText("1257894000000000000", "time.parse_ns", "Jan _2 3:04PM 2006", "Nov 10 11:00PM 2009");
    assertText("1703444325734390000", "time.parse_rfc3339_ns", "2023-12-24T19:58:45.73439+01:00");
    assertText("1703444325000000000", "time.parse_rfc3339_ns", "2023-12-24T18:58:45Z");
    assertError(Kind.BUILTIN, "cannot parse", "time.parse_rfc3339_ns", "2023-12-24");
    assertError(Kind.BUILTIN, "day out of range", "time.parse_ns", "2006-01-02", "2023-02-30");
    assertTypeError("time.parse_ns: operand 2 must be string but got number", "time.parse_ns", "2006", 1);
  }

  @Test
  void durations() {
    assertText("5400000000000", "time.parse_duration_ns", "1h30m");
    assertText("1500000", "time.parse_duration_ns", "1.5ms");
    assertText("-2000", "time.parse_duration_ns", "-2us");
    assertText("0", "time.parse_duration_ns", "0");
    assertError(Kind.BUILTIN, "missing unit", "time.parse_duration_ns", "10");
    assertError(Kind.BUILTIN, "unknown unit", "time.parse_duration_ns", "10d");
    assertError(Kind.BUILTIN, "invalid duration", "time.parse_duration_ns", "");
  }

  @Test
  void calendar() {
    assertCall(List.of(2023, 12, 24), "time.date", T1);
    assertCall(List.of(18, 58, 45), "time.clock", T1);
    assertCall(List.of(19, 58, 45), "time.clock", List.of(T1, "CET"));
    assertCall("Sunday", "time.weekday", T1);
    assertCall("Monday", "time.weekday", List.of(T1, "Asia/Tokyo"));
    assertError(Kind.BUILTIN, "unknown time zone", "time.clock", List.of(T1, "Nowhere/Land"));
    assertError(Kind.BUILTIN, "timestamp too big", "time.date", new java.math.BigInteger("99999999999999999999"));
    assertTypeError("time.date: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string",
        "time.date", "1703444325734390000");
  }

  @Test
  void addDateNormalisesLikeGo() {
    long jan31 = 1706659200000000000L; // 2024-01-31T00:00:00Z
    assertCall("2024-03-02T00:00:00Z", "time.format", call("time.add_date", jan31, 0, 1, 0));
    assertCall("2025-01-30T00:00:00Z", "time.format", call("time.add_date", jan31, 1, 0, -1));
    assertError(Kind.BUILTIN, "time outside of valid range", "time.add_date", jan31, 300, 0, 0);
  }

  @Test
  void diff() {
    assertCall(List.of(14, 1, 13, 19, 58, 45), "time.diff", T1, T2);
    assertCall(List.of(14, 1, 13, 19, 58, 45), "time.diff", T2, T1);
    assertCall(List.of(0, 0, 0, 0, 0, 0), "time.diff", T1, T1);
  }
}
