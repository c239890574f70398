///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS dev.kubesmith:jbang-scripts:0.1.0-SNAPSHOT
//DEPS dev.kubesmith:sdk-addons:0.1.0-SNAPSHOT
//DEPS dev.kubesmith:sdk-backup:0.1.0-SNAPSHOT
// The SDK logs through slf4j and ships no provider; named here, not only through jbang-scripts' runtime scope.
//DEPS org.slf4j:slf4j-simple:2.0.20

// The kubesmith CLI as a JBang script; all of it lives in dev.kubesmith.cli.KubesmithCli.
// Without a JBang install: jbang-scripts/kubesmith plan --help

import dev.kubesmith.cli.KubesmithCli;

class kubesmith {
  public static void main(String... args) {
    KubesmithCli.main(args);
  }
}
