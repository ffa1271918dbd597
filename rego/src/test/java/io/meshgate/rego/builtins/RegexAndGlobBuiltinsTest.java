package io.meshgate.rego.builtins;

import static io.meshgate.rego.builtins.Calls.assertCall;
import static io.meshgate.rego.builtins.Calls.assertError;
import static io.meshgate.rego.builtins.Calls.assertTypeError;

import io.meshgate.rego.builtins.BuiltinException.Kind;
import io.meshgate.rego.value.NullValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegexAndGlobBuiltinsTest {
  private static final Object NULL = NullValue.INSTANCE;

  @Test
  void matchAndValidity() {
    assertCall(true, "regex.match", "^[a-z]+-[0-9]+$", "abc-123");
    assertCall(false, "regex.match", "^[a-z]+$", "abc\n");
    assertCall(true, "regex.match", "(?m)^b$", "a\nb\nc");
    assertCall(true, "regex.match", "[[:digit:]]+", "x9");
    assertCall(true, "regex.match", "(?P<word>\\w+)", "hi");
    assertCall(true, "regex.is_valid", "a+");
    assertCall(false, "regex.is_valid", "a(");
    assertCall(false, "regex.is_valid", 1);
    assertError(Kind.BUILTIN, "error parsing regexp", "regex.match", "a(", "a");
    assertTypeError("regex.match: operand 2 must be string but got number", "regex.match", "a", 1);
  }

  @Test
  void splitFindReplaceLikeGo() {
    assertCall(List.of("a", "b", "c"), "regex.split", ",\\s*", "a, b,c");
    assertCall(List.of(""), "regex.split", ",", "");
    assertCall(List.of("b", "c"), "regex.split", "a*", "baaac");
    assertCall(List.of("", "bc"), "regex.split", "a+", "abc");
    assertCall(List.of("aaa", "bb"), "regex.find_n", "a+|b+", "aaa-bb-a", 2);
    assertCall(List.of("", "aaa", ""), "regex.find_n", "a*", "baaac", -1);
    assertCall(List.of(List.of("k=v", "k", "v"), List.of("x=", "x", "")),
        "regex.find_all_string_submatch_n", "(\\w+)=(\\w*)", "k=v x=", -1);
    assertCall("v-k x", "regex.replace", "k=v x", "(\\w+)=(\\w+)", "$2-$1");
    assertCall("[v] $", "regex.replace", "k=v", "(?P<key>\\w+)=(?P<val>\\w+)", "[${val}] $$");
    assertCall("-", "regex.replace", "k", "(\\w)", "$1x-");
  }

  @Test
  void templateMatch() {
    assertCall(true, "regex.template_match", "urn:foo:{.*}", "urn:foo:bar:baz", "{", "}");
    assertCall(false, "regex.template_match", "urn:foo:{[0-9]+}", "urn:foo:bar", "{", "}");
    assertCall(true, "regex.template_match", "urn:<[a-z]{3}>:x", "urn:abc:x", "<", ">");
    assertError(Kind.BUILTIN, "unbalanced", "regex.template_match", "urn:{.*", "urn:x", "{", "}");
  }

  @Test
  void globsMatchIntersectsLikeOpa() {
    Map<String, List<String>> nonEmpty = Map.of(
        "abcd", List.of("abcd", "....", "[a-d]*"),
        "pqrs", List.of(".qrs", "p.rs", "pq.s", "pqr."),
        "d*", List.of("[abcd][abcd]", "d[a-z]+", ".....", "[d]*"),
        "[a-p]+", List.of("[p-z]+", "apapapaapapapap", ".*", "abcdefgh*"),
        "abcd[a-c]z+", List.of("abcd[b-d][yz]*", "abcdazzzz", "abcdbzzz", "abcdcz"),
        ".*\\\\", List.of(".*", "asdfasdf\\\\"),
        ".a.a", List.of("b.b.", "c.c.", "d.d.", "e.e."));
    Map<String, List<String>> empty = Map.of(
        "abcd", List.of("lsdfhda", "abcdla", "asdlfk", "ksdfj"),
        "[a-d]+", List.of("xyz", "p+", "[e-f]+"),
        "[0-9]*", List.of("[a-z]", ".\\*"),
        "mamama.*", List.of("dadada.*", "nanana.*"),
        ".*mamama", List.of(".*dadada", ".*nanana"),
        ".xyz.", List.of("paaap", ".*pqr.*"),
        "ab+", List.of("a", "b", "abc"),
        ".*.*.*.*f", List.of(".*.*.*.*g"));
    nonEmpty.forEach((lhs, rhss) -> rhss.forEach(rhs -> assertCall(true, "regex.globs_match", lhs, rhs)));
    empty.forEach((lhs, rhss) -> rhss.forEach(rhs -> assertCall(false, "regex.globs_match", lhs, rhs)));
    assertCall(true, "regex.globs_match", "a.a.[0-9]+z", ".b.b2359825792*14z");
    assertError(Kind.BUILTIN, "found [ without matching ]", "regex.globs_match", "[ab", "a");
    assertError(Kind.BUILTIN, "must be preceded by a non-flag", "regex.globs_match", "*a", "a");
  }

  @Test
  void globMatch() {
    assertCall(true, "glob.match", "api://*/appId", NULL, "api://foo.com/appId");
    assertCall(true, "glob.match", "*.github.com", List.of(), "api.github.com");
    assertCall(false, "glob.match", "*.github.com", List.of(), "api.cdn.github.com");
    assertCall(true, "glob.match", "*hub.com", NULL, "api.cdn.github.com");
    assertCall(true, "glob.match", "*:github:com", List.of(":"), "api:github:com");
    assertCall(true, "glob.match", "api.**.com", List.of(), "api.cdn.github.com");
    assertCall(true, "glob.match", "?at", List.of(), "cat");
    assertCall(false, "glob.match", "?at", List.of(), "at");
    assertCall(true, "glob.match", "[abc]at", List.of(), "bat");
    assertCall(false, "glob.match", "[!abc]at", List.of(), "cat");
    assertCall(true, "glob.match", "[!a-c]at", List.of(), "lat");
    assertCall(true, "glob.match", "{cat,bat,[fr]at}", List.of(), "rat");
    assertCall(false, "glob.match", "{cat,bat,[fr]at}", List.of(), "at");
    assertCall(true, "glob.match", "a\\*b", List.of(), "a*b");
    assertCall(false, "glob.match", "a\\*b", List.of(), "axb");
    assertError(Kind.BUILTIN, "unclosed", "glob.match", "[ab", List.of(), "a");
    assertCall(true, "glob.match", "a]b}c,d", NULL, "a]b}c,d");
    assertTypeError("glob.match: operand 2 must be array of runes but got array containing string",
        "glob.match", "a", List.of("ab"), "a");
    assertCall("\\*.github.com", "glob.quote_meta", "*.github.com");
    assertCall("\\{a\\}\\[b\\]\\?\\\\", "glob.quote_meta", "{a}[b]?\\");
  }
}
