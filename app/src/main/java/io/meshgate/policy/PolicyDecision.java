package io.meshgate.policy;

import java.util.ArrayList;
import java.util.List;

/** What the policies decided for one input: the deny and warn findings, each sorted. */
public record PolicyDecision(List<PolicyFinding> denies, List<PolicyFinding> warnings) {

  public PolicyDecision {
    denies = List.copyOf(denies.stream().sorted().toList());
    warnings = List.copyOf(warnings.stream().sorted().toList());
  }

  /** Any deny stops publication. */
  public boolean denied() {
    return !denies.isEmpty();
  }

  /** Denies first, then warnings. */
  public List<PolicyFinding> all() {
    List<PolicyFinding> all = new ArrayList<>(denies);
    all.addAll(warnings);
    return List.copyOf(all);
  }
}
