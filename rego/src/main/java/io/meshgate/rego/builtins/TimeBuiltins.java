package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Args.str;

import io.meshgate.rego.value.ArrayValue;
import io.meshgate.rego.value.NumberValue;
import io.meshgate.rego.value.StringValue;
import io.meshgate.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * time.now_ns, time.parse_ns, time.parse_rfc3339_ns, time.parse_duration_ns, time.date,
 * time.clock, time.weekday, time.add_date, time.diff, time.format. Layouts are Go's reference-time
 * layouts ("2006-01-02T15:04:05Z07:00") or the names of Go's layout constants ("RFC3339").
 */
public final class TimeBuiltins {
  private TimeBuiltins() {}

  static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
  static final String RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00";

  private static final Map<String, String> LAYOUTS = Map.ofEntries(
      Map.entry("ANSIC", "Mon Jan _2 15:04:05 2006"),
      Map.entry("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
      Map.entry("RubyDate", "Mon Jan 02 15:04:05 -0700 2006"),
      Map.entry("RFC822", "02 Jan 06 15:04 MST"),
      Map.entry("RFC822Z", "02 Jan 06 15:04 -0700"),
      Map.entry("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
      Map.entry("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"),
      Map.entry("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
      Map.entry("RFC3339", RFC3339),
      Map.entry("RFC3339Nano", RFC3339_NANO));

  private static final BigInteger MIN_NS = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_NS = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

  public static void register(BuiltinTable table) {
    table.register(Builtin.nondeterministic("time.now_ns", 0, (ctx, a) -> NumberValue.of(ctx.nowNanos())));
    table.register(Builtin.of("time.parse_ns", 2, (ctx, a) -> {
      String layout = Args.string("time.parse_ns", a, 1);
      String value = Args.string("time.parse_ns", a, 2);
      return nanos("time.parse_ns", GoTime.parse("time.parse_ns", LAYOUTS.getOrDefault(layout, layout), value));
    }));
    table.register(Builtin.of("time.parse_rfc3339_ns", 1, (ctx, a) ->
        nanos("time.parse_rfc3339_ns", GoTime.parse("time.parse_rfc3339_ns", RFC3339, Args.string("time.parse_rfc3339_ns", a, 1)))));
    table.register(Builtin.of("time.parse_duration_ns", 1, (ctx, a) ->
        NumberValue.of(parseDuration(Args.string("time.parse_duration_ns", a, 1)))));
    table.register(Builtin.of("time.format", 1, (ctx, a) -> {
      Timed t = timed("time.format", a.get(0));
      String layout = t.layout.isEmpty() ? RFC3339_NANO : LAYOUTS.getOrDefault(t.layout, t.layout);
      return str(GoTime.format(t.time, layout));
    }));
    table.register(Builtin.of("time.date", 1, (ctx, a) -> {
      ZonedDateTime t = timed("time.date", a.get(0)).time;
      return ArrayValue.of(NumberValue.of(t.getYear()), NumberValue.of(t.getMonthValue()), NumberValue.of(t.getDayOfMonth()));
    }));
    table.register(Builtin.of("time.clock", 1, (ctx, a) -> {
      ZonedDateTime t = timed("time.clock", a.get(0)).time;
      return ArrayValue.of(NumberValue.of(t.getHour()), NumberValue.of(t.getMinute()), NumberValue.of(t.getSecond()));
    }));
    table.register(Builtin.of("time.weekday", 1, (ctx, a) ->
        str(timed("time.weekday", a.get(0)).time.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH))));
    table.register(Builtin.of("time.add_date", 4, (ctx, a) -> {
      ZonedDateTime t = timed("time.add_date", a.get(0)).time;
      int years = Args.smallInt("time.add_date", a, 2);
      int months = Args.smallInt("time.add_date", a, 3);
      int days = Args.smallInt("time.add_date", a, 4);
      // Go's AddDate normalises overflow (Jan 31 + 1 month = Mar 3), unlike java.time's clamping
      LocalDate date;
      try {
        date = LocalDate.of(t.getYear(), 1, 1)
            .plusYears(years)
            .plusMonths((long) t.getMonthValue() - 1 + months)
            .plusDays((long) t.getDayOfMonth() - 1 + days);
      } catch (DateTimeException e) {
        throw Args.failure("time.add_date", "time outside of valid range");
      }
      ZonedDateTime result = ZonedDateTime.of(LocalDateTime.of(date, t.toLocalTime()), t.getZone());
      return nanos("time.add_date", result);
    }));
    table.register(Builtin.of("time.diff", 2, (ctx, a) -> {
      ZonedDateTime t1 = timed("time.diff", a.get(0)).time;
      ZonedDateTime t2 = timed("time.diff", a.get(1)).time.withZoneSameInstant(t1.getZone());
      if (t1.isAfter(t2)) {
        ZonedDateTime tmp = t1;
        t1 = t2;
        t2 = tmp;
      }
      int year = t2.getYear() - t1.getYear();
      int month = t2.getMonthValue() - t1.getMonthValue();
      int day = t2.getDayOfMonth() - t1.getDayOfMonth();
      int hour = t2.getHour() - t1.getHour();
      int min = t2.getMinute() - t1.getMinute();
      int sec = t2.getSecond() - t1.getSecond();
      if (sec < 0) {
        sec += 60;
        min--;
      }
      if (min < 0) {
        min += 60;
        hour--;
      }
      if (hour < 0) {
        hour += 24;
        day--;
      }
      if (day < 0) {
        day += LocalDate.of(t1.getYear(), t1.getMonthValue(), 1).lengthOfMonth();
        month--;
      }
      if (month < 0) {
        month += 12;
        year--;
      }
      return ArrayValue.of(List.of(NumberValue.of(year), NumberValue.of(month), NumberValue.of(day),
          NumberValue.of(hour), NumberValue.of(min), NumberValue.of(sec)));
    }));
  }

  private record Timed(ZonedDateTime time, String layout) {}

  /** OPA's tzTime: ns, or [ns, tz], or [ns, tz, layout]. */
  private static Timed timed(String fn, Value v) {
    Value ns;
    ZoneId zone = ZoneOffset.UTC;
    String layout = "";
    if (v instanceof ArrayValue arr) {
      if (arr.size() == 0) {
        throw Args.type(fn, 1, v, "either number (ns) or [number (ns), string (tz)]");
      }
      ns = arr.get(0);
      if (!(ns instanceof NumberValue)) {
        throw Args.type(fn, 1, ns, "number");
      }
      if (arr.size() > 1) {
        if (!(arr.get(1) instanceof StringValue tz)) {
          throw Args.type(fn, 1, arr.get(1), "string");
        }
        zone = zone(fn, tz.value());
      }
      if (arr.size() > 2) {
        if (!(arr.get(2) instanceof StringValue lay)) {
          throw Args.type(fn, 1, arr.get(2), "string");
        }
        layout = lay.value();
      }
    } else if (v instanceof NumberValue) {
      ns = v;
    } else {
      throw Args.type(fn, 1, v, "either number (ns) or [number (ns), string (tz)]");
    }
    BigInteger n = ((NumberValue) ns).asBigInteger()
        .filter(b -> b.bitLength() < 64)
        .orElseThrow(() -> Args.failure(fn, "timestamp too big"));
    BigInteger[] sn = n.divideAndRemainder(BILLION);
    long secs = sn[0].longValue();
    long nanos = sn[1].longValue();
    if (nanos < 0) {
      secs--;
      nanos += 1_000_000_000L;
    }
    return new Timed(Instant.ofEpochSecond(secs, nanos).atZone(zone), layout);
  }

  private static ZoneId zone(String fn, String name) {
    switch (name) {
      case "", "UTC" -> {
        return ZoneOffset.UTC;
      }
      case "Local" -> {
        return ZoneId.systemDefault();
      }
      default -> {
        try {
          return ZoneId.of(name, ZoneId.SHORT_IDS);
        } catch (DateTimeException e) {
          throw Args.failure(fn, "unknown time zone " + name);
        }
      }
    }
  }

  private static NumberValue nanos(String fn, ZonedDateTime t) {
    Instant i = t.toInstant();
    BigInteger ns = BigInteger.valueOf(i.getEpochSecond()).multiply(BILLION).add(BigInteger.valueOf(i.getNano()));
    if (ns.compareTo(MIN_NS) < 0 || ns.compareTo(MAX_NS) > 0) {
      throw Args.failure(fn, "time outside of valid range");
    }
    return NumberValue.of(ns);
  }

  private static final Map<String, BigDecimal> DURATION_UNITS = Map.of(
      "ns", BigDecimal.ONE, "us", BigDecimal.valueOf(1_000), "\u00b5s", BigDecimal.valueOf(1_000),
      "\u03bcs", BigDecimal.valueOf(1_000), "ms", BigDecimal.valueOf(1_000_000), "s", BigDecimal.valueOf(1_000_000_000L),
      "m", BigDecimal.valueOf(60_000_000_000L), "h", BigDecimal.valueOf(3_600_000_000_000L));

  /** Go's time.ParseDuration. */
  static BigInteger parseDuration(String text) {
    String fn = "time.parse_duration_ns";
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return BigInteger.ZERO;
    }
    if (s.isEmpty()) {
      throw Args.failure(fn, "time: invalid duration " + GoFormat.quote(text));
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        throw Args.failure(fn, "time: invalid duration " + GoFormat.quote(text));
      }
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(unitStart, i);
      if (unit.isEmpty()) {
        throw Args.failure(fn, "time: missing unit in duration " + GoFormat.quote(text));
      }
      BigDecimal factor = DURATION_UNITS.get(unit);
      if (factor == null) {
        throw Args.failure(fn, "time: unknown unit " + GoFormat.quote(unit) + " in duration " + GoFormat.quote(text));
      }
      total = total.add(new BigDecimal(number.endsWith(".") ? number + "0" : number.startsWith(".") ? "0" + number : number)
          .multiply(factor));
    }
    BigInteger ns = total.setScale(0, RoundingMode.DOWN).toBigInteger();
    if (negative) {
      ns = ns.negate();
    }
    if (ns.compareTo(MIN_NS) < 0 || ns.compareTo(MAX_NS) > 0) {
      throw Args.failure(fn, "time: invalid duration " + GoFormat.quote(text));
    }
    return ns;
  }

  /** Go's reference-time layouts: formatting and parsing. */
  static final class GoTime {
    private GoTime() {}

    private enum Std {
      LONG_MONTH, MONTH, NUM_MONTH, ZERO_MONTH, LONG_WEEKDAY, WEEKDAY, DAY, UNDER_DAY, ZERO_DAY,
      UNDER_YEARDAY, ZERO_YEARDAY, HOUR, HOUR12, ZERO_HOUR12, MINUTE, ZERO_MINUTE, SECOND, ZERO_SECOND,
      LONG_YEAR, YEAR, PM_UPPER, PM_LOWER, TZ, ISO_TZ_SECONDS_COLON, ISO_TZ_SECONDS, ISO_TZ, ISO_TZ_SHORT,
      ISO_TZ_COLON, NUM_TZ_SECONDS_COLON, NUM_TZ_SECONDS, NUM_TZ, NUM_SHORT_TZ, NUM_COLON_TZ,
      FRAC_FIXED, FRAC_TRIMMED
    }

    /** One layout chunk: a literal prefix, then a token (null at the end). */
    private record Chunk(String prefix, Std std, int fracDigits, char fracSeparator, int length) {}

    /** Go's nextStdChunk. */
    private static Chunk next(String layout, int from) {
      for (int i = from; i < layout.length(); i++) {
        char c = layout.charAt(i);
        String rest = layout.substring(i);
        String prefix = layout.substring(from, i);
        switch (c) {
          case 'J' -> {
            if (rest.startsWith("January")) {
              return new Chunk(prefix, Std.LONG_MONTH, 0, ' ', 7);
            }
            if (rest.startsWith("Jan")) {
              return new Chunk(prefix, Std.MONTH, 0, ' ', 3);
            }
          }
          case 'M' -> {
            if (rest.startsWith("Monday")) {
              return new Chunk(prefix, Std.LONG_WEEKDAY, 0, ' ', 6);
            }
            if (rest.startsWith("Mon")) {
              return new Chunk(prefix, Std.WEEKDAY, 0, ' ', 3);
            }
            if (rest.startsWith("MST")) {
              return new Chunk(prefix, Std.TZ, 0, ' ', 3);
            }
          }
          case '0' -> {
            if (rest.length() >= 2 && rest.charAt(1) >= '1' && rest.charAt(1) <= '6') {
              Std[] std = {Std.ZERO_MONTH, Std.ZERO_DAY, Std.ZERO_HOUR12, Std.ZERO_MINUTE, Std.ZERO_SECOND, Std.YEAR};
              return new Chunk(prefix, std[rest.charAt(1) - '1'], 0, ' ', 2);
            }
            if (rest.startsWith("002")) {
              return new Chunk(prefix, Std.ZERO_YEARDAY, 0, ' ', 3);
            }
          }
          case '1' -> {
            if (rest.startsWith("15")) {
              return new Chunk(prefix, Std.HOUR, 0, ' ', 2);
            }
            return new Chunk(prefix, Std.NUM_MONTH, 0, ' ', 1);
          }
          case '2' -> {
            if (rest.startsWith("2006")) {
              return new Chunk(prefix, Std.LONG_YEAR, 0, ' ', 4);
            }
            return new Chunk(prefix, Std.DAY, 0, ' ', 1);
          }
          case '_' -> {
            if (rest.startsWith("_2")) {
              if (rest.startsWith("_2006")) {
                return new Chunk(layout.substring(from, i + 1), Std.LONG_YEAR, 0, ' ', 4 + 1 - 1);
              }
              return new Chunk(prefix, Std.UNDER_DAY, 0, ' ', 2);
            }
            if (rest.startsWith("__2")) {
              return new Chunk(prefix, Std.UNDER_YEARDAY, 0, ' ', 3);
            }
          }
          case '3' -> { return new Chunk(prefix, Std.HOUR12, 0, ' ', 1); }
          case '4' -> { return new Chunk(prefix, Std.MINUTE, 0, ' ', 1); }
          case '5' -> { return new Chunk(prefix, Std.SECOND, 0, ' ', 1); }
          case 'P' -> {
            if (rest.startsWith("PM")) {
              return new Chunk(prefix, Std.PM_UPPER, 0, ' ', 2);
            }
          }
          case 'p' -> {
            if (rest.startsWith("pm")) {
              return new Chunk(prefix, Std.PM_LOWER, 0, ' ', 2);
            }
          }
          case '-' -> {
            String[] forms = {"-07:00:00", "-070000", "-07:00", "-0700", "-07"};
            Std[] stds = {Std.NUM_TZ_SECONDS_COLON, Std.NUM_TZ_SECONDS, Std.NUM_COLON_TZ, Std.NUM_TZ, Std.NUM_SHORT_TZ};
            for (int f = 0; f < forms.length; f++) {
              if (rest.startsWith(forms[f])) {
                return new Chunk(prefix, stds[f], 0, ' ', forms[f].length());
              }
            }
          }
          case 'Z' -> {
            String[] forms = {"Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07"};
            Std[] stds = {Std.ISO_TZ_SECONDS_COLON, Std.ISO_TZ_SECONDS, Std.ISO_TZ_COLON, Std.ISO_TZ, Std.ISO_TZ_SHORT};
            for (int f = 0; f < forms.length; f++) {
              if (rest.startsWith(forms[f])) {
                return new Chunk(prefix, stds[f], 0, ' ', forms[f].length());
              }
            }
          }
          case '.', ',' -> {
            if (rest.length() >= 2 && (rest.charAt(1) == '0' || rest.charAt(1) == '9')) {
              char digit = rest.charAt(1);
              int j = 1;
              while (j < rest.length() && rest.charAt(j) == digit) {
                j++;
              }
              if (j >= rest.length() || !Character.isDigit(rest.charAt(j))) {
                return new Chunk(prefix, digit == '0' ? Std.FRAC_FIXED : Std.FRAC_TRIMMED, j - 1, c, j);
              }
            }
          }
          default -> { }
        }
      }
      return new Chunk(layout.substring(from), null, 0, ' ', 0);
    }

    static String format(ZonedDateTime t, String layout) {
      StringBuilder sb = new StringBuilder();
      int pos = 0;
      while (pos <= layout.length()) {
        Chunk ch = next(layout, pos);
        sb.append(ch.prefix);
        if (ch.std == null) {
          break;
        }
        pos += ch.prefix.length() + ch.length;
        int offset = t.getOffset().getTotalSeconds();
        switch (ch.std) {
          case LONG_MONTH -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
          case MONTH -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
          case NUM_MONTH -> sb.append(t.getMonthValue());
          case ZERO_MONTH -> sb.append(two(t.getMonthValue()));
          case LONG_WEEKDAY -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
          case WEEKDAY -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
          case DAY -> sb.append(t.getDayOfMonth());
          case UNDER_DAY -> sb.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
          case ZERO_DAY -> sb.append(two(t.getDayOfMonth()));
          case UNDER_YEARDAY -> sb.append(String.format("%3d", t.getDayOfYear()));
          case ZERO_YEARDAY -> sb.append(String.format("%03d", t.getDayOfYear()));
          case HOUR -> sb.append(two(t.getHour()));
          case HOUR12 -> sb.append(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
          case ZERO_HOUR12 -> sb.append(two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12));
          case MINUTE -> sb.append(t.getMinute());
          case ZERO_MINUTE -> sb.append(two(t.getMinute()));
          case SECOND -> sb.append(t.getSecond());
          case ZERO_SECOND -> sb.append(two(t.getSecond()));
          case LONG_YEAR -> {
            int y = t.getYear();
            sb.append(y < 0 ? "-" : "").append(String.format("%04d", Math.abs(y)));
          }
          case YEAR -> sb.append(two(Math.floorMod(t.getYear(), 100)));
          case PM_UPPER -> sb.append(t.getHour() >= 12 ? "PM" : "AM");
          case PM_LOWER -> sb.append(t.getHour() >= 12 ? "pm" : "am");
          case TZ -> {
            if (t.getZone().equals(ZoneOffset.UTC) || t.getZone().getId().equals("UTC")) {
              sb.append("UTC");
            } else {
              String abbrev = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(t);
              if (abbrev.startsWith("+") || abbrev.startsWith("-") || abbrev.startsWith("GMT")) {
                sb.append(numericZone(offset, false, false, false));
              } else {
                sb.append(abbrev);
              }
            }
          }
          case ISO_TZ_SECONDS_COLON, ISO_TZ_SECONDS, ISO_TZ, ISO_TZ_SHORT, ISO_TZ_COLON -> {
            if (offset == 0) {
              sb.append('Z');
            } else {
              sb.append(numericZone(offset, ch.std == Std.ISO_TZ_COLON || ch.std == Std.ISO_TZ_SECONDS_COLON,
                  ch.std == Std.ISO_TZ_SECONDS || ch.std == Std.ISO_TZ_SECONDS_COLON, ch.std == Std.ISO_TZ_SHORT));
            }
          }
          case NUM_TZ_SECONDS_COLON, NUM_TZ_SECONDS, NUM_TZ, NUM_SHORT_TZ, NUM_COLON_TZ ->
              sb.append(numericZone(offset, ch.std == Std.NUM_COLON_TZ || ch.std == Std.NUM_TZ_SECONDS_COLON,
                  ch.std == Std.NUM_TZ_SECONDS || ch.std == Std.NUM_TZ_SECONDS_COLON, ch.std == Std.NUM_SHORT_TZ));
          case FRAC_FIXED, FRAC_TRIMMED -> {
            String digits = String.format("%09d", t.getNano()).substring(0, ch.fracDigits);
            if (ch.std == Std.FRAC_TRIMMED) {
              int end = digits.length();
              while (end > 0 && digits.charAt(end - 1) == '0') {
                end--;
              }
              digits = digits.substring(0, end);
              if (!digits.isEmpty()) {
                sb.append(ch.fracSeparator).append(digits);
              }
            } else {
              sb.append(ch.fracSeparator).append(digits);
            }
          }
          default -> throw new IllegalStateException(ch.std.name());
        }
      }
      return sb.toString();
    }

    private static String two(int n) { return n < 10 ? "0" + n : Integer.toString(n); }

    private static String numericZone(int offsetSeconds, boolean colon, boolean seconds, boolean hoursOnly) {
      int abs = Math.abs(offsetSeconds);
      StringBuilder sb = new StringBuilder(offsetSeconds < 0 ? "-" : "+").append(two(abs / 3600));
      if (!hoursOnly) {
        sb.append(colon ? ":" : "").append(two(abs / 60 % 60));
      }
      if (seconds) {
        sb.append(colon ? ":" : "").append(two(abs % 60));
      }
      return sb.toString();
    }

    private static final class Cursor {
      final String value;
      int pos;

      Cursor(String value) { this.value = value; }

      boolean more() { return pos < value.length(); }
    }

    static ZonedDateTime parse(String fn, String layout, String value) {
      Cursor in = new Cursor(value);
      int year = 1;
      int month = 1;
      int day = 1;
      int yday = -1;
      int hour = 0;
      int minute = 0;
      int second = 0;
      int nanos = 0;
      boolean pm = false;
      boolean pmSet = false;
      ZoneId zone = null;
      int pos = 0;
      while (true) {
        Chunk ch = next(layout, pos);
        if (!value.startsWith(ch.prefix, in.pos)) {
          throw bad(fn, layout, value, in, ch.prefix);
        }
        in.pos += ch.prefix.length();
        if (ch.std == null) {
          if (in.more()) {
            throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": extra text: " + GoFormat.quote(value.substring(in.pos)));
          }
          break;
        }
        pos += ch.prefix.length() + ch.length;
        String element = layout.substring(pos - ch.length, pos);
        switch (ch.std) {
          case LONG_YEAR -> {
            year = fixedDigits(fn, layout, value, in, 4, element);
          }
          case YEAR -> {
            int y = fixedDigits(fn, layout, value, in, 2, element);
            year = y >= 69 ? 1900 + y : 2000 + y;
          }
          case LONG_MONTH, MONTH -> {
            month = name(fn, layout, value, in, element, ch.std == Std.LONG_MONTH, true);
          }
          case LONG_WEEKDAY, WEEKDAY -> name(fn, layout, value, in, element, ch.std == Std.LONG_WEEKDAY, false);
          case NUM_MONTH, ZERO_MONTH -> {
            month = digits(fn, layout, value, in, ch.std == Std.ZERO_MONTH, element);
            if (month < 1 || month > 12) {
              throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": month out of range");
            }
          }
          case DAY, UNDER_DAY, ZERO_DAY -> {
            if (ch.std == Std.UNDER_DAY && in.more() && value.charAt(in.pos) == ' ') {
              in.pos++;
            }
            day = digits(fn, layout, value, in, ch.std == Std.ZERO_DAY, element);
          }
          case UNDER_YEARDAY, ZERO_YEARDAY -> {
            while (ch.std == Std.UNDER_YEARDAY && in.more() && value.charAt(in.pos) == ' ') {
              in.pos++;
            }
            yday = ch.std == Std.ZERO_YEARDAY ? fixedDigits(fn, layout, value, in, 3, element)
                : upToDigits(fn, layout, value, in, 3, element);
          }
          case HOUR -> {
            hour = digits(fn, layout, value, in, false, element);
            if (hour > 23) {
              throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": hour out of range");
            }
          }
          case HOUR12, ZERO_HOUR12 -> {
            hour = digits(fn, layout, value, in, ch.std == Std.ZERO_HOUR12, element);
            if (hour > 12) {
              throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": hour out of range");
            }
          }
          case MINUTE, ZERO_MINUTE -> {
            minute = digits(fn, layout, value, in, ch.std == Std.ZERO_MINUTE, element);
            if (minute > 59) {
              throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": minute out of range");
            }
          }
          case SECOND, ZERO_SECOND -> {
            second = digits(fn, layout, value, in, ch.std == Std.ZERO_SECOND, element);
            if (second > 59) {
              throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": second out of range");
            }
            // Go accepts fractional seconds after the seconds even when the layout has none
            Chunk following = next(layout, pos);
            if (following.prefix.isEmpty() && (following.std == Std.FRAC_FIXED || following.std == Std.FRAC_TRIMMED)) {
              break;
            }
            if (in.pos + 1 < value.length() && (value.charAt(in.pos) == '.' || value.charAt(in.pos) == ',')
                && Character.isDigit(value.charAt(in.pos + 1))) {
              in.pos++;
              nanos = fraction(in, -1);
            }
          }
          case PM_UPPER, PM_LOWER -> {
            if (in.pos + 2 > value.length()) {
              throw bad(fn, layout, value, in, element);
            }
            String p = value.substring(in.pos, in.pos + 2);
            String expectPm = ch.std == Std.PM_UPPER ? "PM" : "pm";
            String expectAm = ch.std == Std.PM_UPPER ? "AM" : "am";
            if (p.equals(expectPm)) {
              pm = true;
            } else if (!p.equals(expectAm)) {
              throw bad(fn, layout, value, in, element);
            }
            pmSet = true;
            in.pos += 2;
          }
          case ISO_TZ_SECONDS_COLON, ISO_TZ_SECONDS, ISO_TZ, ISO_TZ_SHORT, ISO_TZ_COLON,
               NUM_TZ_SECONDS_COLON, NUM_TZ_SECONDS, NUM_TZ, NUM_SHORT_TZ, NUM_COLON_TZ -> {
            boolean iso = ch.std.name().startsWith("ISO");
            if (iso && in.more() && value.charAt(in.pos) == 'Z') {
              in.pos++;
              zone = ZoneOffset.UTC;
              break;
            }
            zone = parseOffset(fn, layout, value, in, element, ch.std);
          }
          case TZ -> {
            int start = in.pos;
            if (value.startsWith("UTC", in.pos)) {
              in.pos += 3;
              zone = ZoneOffset.UTC;
              break;
            }
            while (in.more() && Character.isUpperCase(value.charAt(in.pos))) {
              in.pos++;
            }
            int len = in.pos - start;
            if (len < 3) {
              throw bad(fn, layout, value, in, element);
            }
            // unknown abbreviations get offset zero, as Go does when the zone is not local
            zone = ZoneOffset.UTC;
          }
          case FRAC_FIXED -> {
            if (in.pos >= value.length() || value.charAt(in.pos) != ch.fracSeparator) {
              throw bad(fn, layout, value, in, element);
            }
            in.pos++;
            int start = in.pos;
            nanos = fraction(in, ch.fracDigits);
            if (in.pos - start != ch.fracDigits) {
              throw bad(fn, layout, value, in, element);
            }
          }
          case FRAC_TRIMMED -> {
            if (in.pos + 1 < value.length() && value.charAt(in.pos) == ch.fracSeparator
                && Character.isDigit(value.charAt(in.pos + 1))) {
              in.pos++;
              nanos = fraction(in, -1);
            }
          }
          default -> throw new IllegalStateException(ch.std.name());
        }
      }
      if (pmSet) {
        if (pm && hour < 12) {
          hour += 12;
        } else if (!pm && hour == 12) {
          hour = 0;
        }
      }
      try {
        LocalDate date;
        if (yday >= 0) {
          date = LocalDate.ofYearDay(year, yday);
        } else {
          date = LocalDate.of(year, month, day);
        }
        LocalDateTime local = LocalDateTime.of(date, java.time.LocalTime.of(hour, minute, second, nanos));
        return ZonedDateTime.of(local, zone == null ? ZoneOffset.UTC : zone);
      } catch (DateTimeException e) {
        throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": day out of range");
      }
    }

    private static BuiltinException bad(String fn, String layout, String value, Cursor in, String element) {
      return Args.failure(fn, "parsing time " + GoFormat.quote(value) + " as " + GoFormat.quote(layout)
          + ": cannot parse " + GoFormat.quote(value.substring(Math.min(in.pos, value.length()))) + " as "
          + GoFormat.quote(element));
    }

    private static int fixedDigits(String fn, String layout, String value, Cursor in, int n, String element) {
      if (in.pos + n > value.length()) {
        throw bad(fn, layout, value, in, element);
      }
      String d = value.substring(in.pos, in.pos + n);
      if (!d.chars().allMatch(Character::isDigit)) {
        throw bad(fn, layout, value, in, element);
      }
      in.pos += n;
      return Integer.parseInt(d);
    }

    private static int upToDigits(String fn, String layout, String value, Cursor in, int n, String element) {
      int start = in.pos;
      while (in.pos < value.length() && in.pos - start < n && Character.isDigit(value.charAt(in.pos))) {
        in.pos++;
      }
      if (in.pos == start) {
        throw bad(fn, layout, value, in, element);
      }
      return Integer.parseInt(value.substring(start, in.pos));
    }

    /** One or two digits; exactly two when {@code fixed}. */
    private static int digits(String fn, String layout, String value, Cursor in, boolean fixed, String element) {
      if (fixed) {
        return fixedDigits(fn, layout, value, in, 2, element);
      }
      return upToDigits(fn, layout, value, in, 2, element);
    }

    /** Fractional digits as nanoseconds; {@code max} -1 reads all digits. */
    private static int fraction(Cursor in, int max) {
      int start = in.pos;
      while (in.more() && Character.isDigit(in.value.charAt(in.pos)) && (max < 0 || in.pos - start < max)) {
        in.pos++;
      }
      String digits = in.value.substring(start, in.pos);
      String nine = (digits + "000000000").substring(0, 9);
      return Integer.parseInt(nine);
    }

    private static int name(String fn, String layout, String value, Cursor in, String element, boolean full, boolean month) {
      for (int i = 1; i <= (month ? 12 : 7); i++) {
        String name = month ? java.time.Month.of(i).getDisplayName(full ? TextStyle.FULL : TextStyle.SHORT, Locale.ENGLISH)
            : DayOfWeek.of(i).getDisplayName(full ? TextStyle.FULL : TextStyle.SHORT, Locale.ENGLISH);
        if (value.regionMatches(true, in.pos, name, 0, name.length())) {
          in.pos += name.length();
          return i;
        }
      }
      throw bad(fn, layout, value, in, element);
    }

    private static ZoneId parseOffset(String fn, String layout, String value, Cursor in, String element, Std std) {
      boolean colon = std == Std.ISO_TZ_COLON || std == Std.NUM_COLON_TZ || std == Std.ISO_TZ_SECONDS_COLON
          || std == Std.NUM_TZ_SECONDS_COLON;
      boolean seconds = std == Std.ISO_TZ_SECONDS || std == Std.NUM_TZ_SECONDS || std == Std.ISO_TZ_SECONDS_COLON
          || std == Std.NUM_TZ_SECONDS_COLON;
      boolean hoursOnly = std == Std.ISO_TZ_SHORT || std == Std.NUM_SHORT_TZ;
      if (!in.more() || (value.charAt(in.pos) != '+' && value.charAt(in.pos) != '-')) {
        throw bad(fn, layout, value, in, element);
      }
      int sign = value.charAt(in.pos) == '-' ? -1 : 1;
      in.pos++;
      int h = fixedDigits(fn, layout, value, in, 2, element);
      int m = 0;
      int s = 0;
      if (!hoursOnly) {
        if (colon) {
          expect(fn, layout, value, in, element, ':');
        }
        m = fixedDigits(fn, layout, value, in, 2, element);
      }
      if (seconds) {
        if (colon) {
          expect(fn, layout, value, in, element, ':');
        }
        s = fixedDigits(fn, layout, value, in, 2, element);
      }
      if (h > 24 || m > 59 || s > 59) {
        throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": time zone offset out of range");
      }
      try {
        return ZoneOffset.ofTotalSeconds(sign * (h * 3600 + m * 60 + s));
      } catch (DateTimeException e) {
        throw Args.failure(fn, "parsing time " + GoFormat.quote(value) + ": time zone offset out of range");
      }
    }

    private static void expect(String fn, String layout, String value, Cursor in, String element, char c) {
      if (!in.more() || value.charAt(in.pos) != c) {
        throw bad(fn, layout, value, in, element);
      }
      in.pos++;
    }
  }
}
