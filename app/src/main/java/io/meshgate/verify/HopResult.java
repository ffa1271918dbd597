package io.meshgate.verify;

/**
 * What one hop did with a request.
 *
 * @param object the object that decided it, or null when nothing did (e.g. no DestinationRule)
 */
public record HopResult(Hop hop, Outcome outcome, String detail, ObjectRef object) {

  /** PASS goes on; FAIL stops the request; SKIP: the hop is not on this request's path. */
  public enum Outcome { PASS, FAIL, SKIP }

  public boolean failed() {
    return outcome == Outcome.FAIL;
  }
}
