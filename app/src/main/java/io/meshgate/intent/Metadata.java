package io.meshgate.intent;

import java.util.Map;

/** {@code metadata} of every intent document. */
public record Metadata(String name, String description, Map<String, String> labels) {}
