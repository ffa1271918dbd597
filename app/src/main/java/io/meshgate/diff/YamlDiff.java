package io.meshgate.diff;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * A unified diff of two YAML texts, as {@code git diff} shows it: hunks with 3 lines of context,
 * lines prefixed {@code ' '}, {@code '-'} or {@code '+'}. JGit's histogram diff computes the edits.
 */
public final class YamlDiff {
  static final int CONTEXT = 3;

  private YamlDiff() {}

  /** The hunks' lines ({@code @@ -a,b +c,d @@} headers included); empty when the texts are equal. */
  public static List<String> unified(String before, String after) {
    RawText a = new RawText(before.getBytes(StandardCharsets.UTF_8));
    RawText b = new RawText(after.getBytes(StandardCharsets.UTF_8));
    EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
        .diff(RawTextComparator.DEFAULT, a, b);
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < edits.size()) {
      // A hunk takes every edit whose context touches the previous one's.
      int last = i;
      while (last + 1 < edits.size()
          && edits.get(last + 1).getBeginA() - edits.get(last).getEndA() <= 2 * CONTEXT) {
        last++;
      }
      Edit first = edits.get(i);
      Edit end = edits.get(last);
      int aStart = Math.max(0, first.getBeginA() - CONTEXT);
      int bStart = Math.max(0, first.getBeginB() - CONTEXT);
      int aEnd = Math.min(a.size(), end.getEndA() + CONTEXT);
      int bEnd = Math.min(b.size(), end.getEndB() + CONTEXT);
      out.add("@@ -" + range(aStart, aEnd) + " +" + range(bStart, bEnd) + " @@");
      int aPos = aStart;
      for (int e = i; e <= last; e++) {
        Edit edit = edits.get(e);
        while (aPos < edit.getBeginA()) {
          out.add(" " + a.getString(aPos++));
        }
        for (int k = edit.getBeginA(); k < edit.getEndA(); k++) {
          out.add("-" + a.getString(k));
        }
        for (int k = edit.getBeginB(); k < edit.getEndB(); k++) {
          out.add("+" + b.getString(k));
        }
        aPos = edit.getEndA();
      }
      while (aPos < aEnd) {
        out.add(" " + a.getString(aPos++));
      }
      i = last + 1;
    }
    return out;
  }

  /** {@code start+1,count} as unified diffs write it ({@code start,0} for an empty range). */
  private static String range(int start, int end) {
    int count = end - start;
    return (count == 0 ? start : start + 1) + "," + count;
  }
}
