package io.meshgate.report;

/** Turns a {@link Report} into the text of one output format. */
public interface ReportWriter {
  String write(Report report);
}
