package io.meshgate.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostsTest {

  @Test
  void addressesAreToldFromNames() {
    for (String address : new String[] {"240.0.0.1", "10.1.2.3", "::1", "fe80::1", "2001:db8::a"}) {
      assertTrue(Hosts.isIpAddress(address), address);
    }
    for (String name : new String[] {"", "reviews.bookinfo.global", "1.2.3", "1.2.3.4.5", "10.0.0.1.nip.io",
        "api.example.com", "host:8080x", "1234"}) {
      assertFalse(Hosts.isIpAddress(name), name);
    }
  }
}
